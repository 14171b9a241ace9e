"""Translation catalogues of the node's web interface.

    python tools/messages.py            # extract (needs GNU gettext), then compile
    python tools/messages.py compile    # .po -> .mo with polib (no gettext needed)
    python tools/messages.py check      # exit 1 if any message is untranslated or fuzzy,
                                        # or a .mo is older than its .po

Extraction scans ``src/hanoinet`` (the node's templates and Python, and the core's
``N_``-marked texts of the Convention) into ``src/hanoinet/node/locale/<lang>/LC_MESSAGES``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "hanoinet"
LOCALE = PACKAGE / "node" / "locale"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoinet.node.settings")
    os.environ.setdefault("HANOINET_DATA_DIR", tempfile.mkdtemp(prefix="hanoinet-messages-"))
    os.environ.setdefault("HANOINET_STATE", "VNM")
    import django

    django.setup()


def locales() -> list[str]:
    _django()
    from django.conf import settings
    from django.utils.translation import to_locale

    return [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]


def extract() -> None:
    from django.core.management import call_command
    from django.core.management.commands.makemessages import Command as MakeMessages

    class Extract(MakeMessages):
        # The core marks its texts with N_ (it cannot import Django's gettext).
        xgettext_options = [*MakeMessages.xgettext_options, "--keyword=N_"]  # noqa: RUF012

    names = locales()
    LOCALE.mkdir(parents=True, exist_ok=True)
    previous = Path.cwd()
    os.chdir(PACKAGE)  # scan the core's N_ texts as well as the node
    try:
        call_command(
            Extract(),
            locale=names,
            domain="django",
            extensions=["html", "txt", "py"],
            no_obsolete=True,
            add_location="file",
            verbosity=0,
        )
    finally:
        os.chdir(previous)


def catalogues() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def compile_all() -> None:
    for po_path in catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def check() -> int:
    problems: list[str] = []
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        lang = po_path.parent.parent.name
        for entry in po:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{lang}: fuzzy: {entry.msgid[:70]!r}")
            elif entry.msgid_plural:
                if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                    problems.append(f"{lang}: untranslated plural: {entry.msgid[:70]!r}")
            elif not entry.msgstr:
                problems.append(f"{lang}: untranslated: {entry.msgid[:70]!r}")
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            problems.append(
                f"{lang}: {mo_path.name} is missing (run: python tools/messages.py compile)"
            )
        else:
            compiled = polib.mofile(str(mo_path))
            expected = {
                (e.msgctxt, e.msgid): e.msgstr for e in po if e.translated() and not e.obsolete
            }
            actual = {(e.msgctxt, e.msgid): e.msgstr for e in compiled}
            if any(actual.get(key) != value for key, value in expected.items() if value):
                problems.append(
                    f"{lang}: {mo_path.name} is out of date (run: python tools/messages.py compile)"
                )
    if not catalogues():
        problems.append("no catalogues found")
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s) in {len(catalogues())} catalogue(s)")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "all"
    if action == "compile":
        compile_all()
        return 0
    if action == "check":
        return check()
    if action == "all":
        extract()
        compile_all()
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
