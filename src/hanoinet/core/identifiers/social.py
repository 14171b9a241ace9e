"""Social-media accounts: a platform and a handle, written ``platform:handle``.

Handles on the platforms scammers use are case-insensitive and shown with a leading
``@``, so both are normalised away: ``Telegram: @Scam_Desk`` is ``telegram:scam_desk``.
A profile link (``https://t.me/scam_desk``) names the platform itself. Platforms not in
the table are accepted under their own (lower-case) name with a permissive handle rule,
because new ones appear faster than this table changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from hanoinet.core.convention.text import N_
from hanoinet.core.identifiers.hosts import normalise_host, registered_domain
from hanoinet.core.identifiers.identifier import Options, Parsed
from hanoinet.core.identifiers.problems import Problem, ProblemCode
from hanoinet.core.identifiers.web import host_of, refang


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    handle: re.Pattern[str]  # matched against the lower-cased handle without "@"
    domains: frozenset[str] = frozenset()  # registered domains of its profile links
    aliases: frozenset[str] = frozenset()
    # First path segments of links that are not profiles (posts, groups, searches).
    not_profiles: frozenset[str] = frozenset()
    # First path segments followed by the handle (youtube.com/channel/UC...).
    nested: frozenset[str] = frozenset()


PLATFORMS = {
    platform.name: platform
    for platform in (
        Platform(
            "telegram",
            re.compile(r"^[a-z0-9_]{3,32}$"),
            frozenset({"t.me", "telegram.me"}),
            frozenset({"tg"}),
            not_profiles=frozenset({"joinchat", "s", "c", "addstickers", "share"}),
        ),
        Platform(
            "facebook",
            re.compile(r"^[a-z0-9.]{1,50}$|^id:[0-9]{1,20}$"),
            frozenset({"facebook.com", "fb.com"}),
            frozenset({"fb"}),
            not_profiles=frozenset({"groups", "pages", "events", "watch", "share", "story.php"}),
        ),
        Platform(
            "instagram",
            re.compile(r"^[a-z0-9._]{1,30}$"),
            frozenset({"instagram.com"}),
            frozenset({"ig"}),
            not_profiles=frozenset({"p", "reel", "reels", "explore", "stories"}),
        ),
        Platform(
            "x",
            re.compile(r"^[a-z0-9_]{1,15}$"),
            frozenset({"x.com", "twitter.com"}),
            frozenset({"twitter"}),
            not_profiles=frozenset({"i", "home", "search", "hashtag", "intent", "share"}),
        ),
        Platform(
            "tiktok",
            re.compile(r"^[a-z0-9._]{2,24}$"),
            frozenset({"tiktok.com"}),
            not_profiles=frozenset({"t", "tag", "video", "discover"}),
        ),
        Platform(
            "youtube",
            re.compile(r"^[a-z0-9._-]{3,30}$"),
            frozenset({"youtube.com"}),
            not_profiles=frozenset({"watch", "shorts", "results", "playlist"}),
            nested=frozenset({"channel", "c", "user"}),
        ),
    )
}
_ALIASES = {alias: platform for platform in PLATFORMS.values() for alias in platform.aliases}
_BY_DOMAIN = {domain: p for p in PLATFORMS.values() for domain in p.domains}
_PLATFORM_NAME = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")
_ANY_HANDLE = re.compile(r"^[^\s:/@]{1,100}$")
_LINK = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^/:]+\.[a-z]{2,}(?::\d+)?(?:/|$)", re.IGNORECASE)

PLATFORM_MISSING = Problem(
    ProblemCode.SOCIAL_PLATFORM_MISSING,
    N_("The platform of this account is not known; write it as platform:handle."),
)
PLATFORM_INVALID = Problem(
    ProblemCode.SOCIAL_PLATFORM_INVALID, N_("This is not a valid platform name.")
)
PLATFORM_MISMATCH = Problem(
    ProblemCode.SOCIAL_PLATFORM_MISMATCH,
    N_("This link is to another platform than the one chosen."),
)
HANDLE_INVALID = Problem(
    ProblemCode.SOCIAL_HANDLE_INVALID, N_("This is not a valid handle for its platform.")
)


def _from_link(text: str) -> tuple[str, str] | None:
    """(platform, handle) from a link on a known platform; the handle is "" if it names none."""
    host = host_of(text)
    normalised = normalise_host(host) if host is not None else None
    domain = registered_domain(normalised) if normalised is not None else None
    platform = _BY_DOMAIN.get(domain or "")
    if platform is None:
        return None
    parts = urlsplit(text if "://" in text else "//" + text)
    segments = [*parts.path.strip("/").split("/"), ""]
    handle = segments[1] if segments[0] in platform.nested else segments[0]
    if handle.lower() in platform.not_profiles:
        handle = ""
    elif platform.name == "facebook" and handle == "profile.php":
        # Numeric profiles have no user name: link them by their id instead.
        ids = parse_qs(parts.query).get("id", [""])
        handle = f"id:{ids[0]}"
    return platform.name, handle


def _platform(name: str) -> str | None:
    lowered = name.strip().lower()
    known = _ALIASES.get(lowered) or PLATFORMS.get(lowered)
    if known is not None:
        return known.name
    return lowered if _PLATFORM_NAME.match(lowered) else None


def parse_social(text: str, options: Options) -> Parsed | Problem:  # noqa: PLR0911 - one early return per check, each naming its own problem
    """``platform:handle`` in lower case without ``@``; the scope is the platform.

    >>> parse_social("Telegram: @Scam_Desk", Options()).value
    'telegram:scam_desk'
    >>> parse_social("https://www.facebook.com/profile.php?id=1000123", Options()).value
    'facebook:id:1000123'
    >>> parse_social("@scam_desk", Options(platform="twitter")).value
    'x:scam_desk'
    """
    chosen = None if options.platform is None else _platform(options.platform)
    if options.platform is not None and chosen is None:
        return PLATFORM_INVALID
    text = refang(text)
    is_link = _LINK.match(text) is not None
    linked = _from_link(text) if is_link else None
    if linked is not None:
        platform, handle = linked
        if chosen is not None and chosen != platform:
            return PLATFORM_MISMATCH
    elif chosen is not None:
        platform, handle = chosen, text
    elif is_link:  # a link to a site that is not a known platform
        return PLATFORM_MISSING
    else:
        name, colon, handle = text.partition(":")
        if not colon:
            return PLATFORM_MISSING
        found = _platform(name)
        if found is None:
            return PLATFORM_INVALID
        platform = found
    handle = handle.strip().removeprefix("@").lower()
    rule = PLATFORMS[platform].handle if platform in PLATFORMS else _ANY_HANDLE
    if not rule.match(handle) or not handle.isprintable():
        return HANDLE_INVALID
    return Parsed(f"{platform}:{handle}", scope=platform)
