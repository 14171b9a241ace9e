"""E-mail addresses: the local part as given, the domain in lower-case ASCII (IDNA).

No provider-specific rules are applied: Gmail ignores dots and ``+tags`` in the local
part, but other providers give ``j.doe`` and ``jdoe`` to two different people. Folding
them here would link strangers, and the rule would change whenever a provider does, so
the analyst decides, with the raw text in front of them. The local part keeps its case
for the same reason (RFC 5321 §2.4 leaves it to the receiving server).
"""

from __future__ import annotations

import re

from hanoinet.core.convention.text import N_
from hanoinet.core.identifiers.hosts import has_public_suffix, normalise_host
from hanoinet.core.identifiers.identifier import Options, Parsed
from hanoinet.core.identifiers.problems import Problem, ProblemCode

MAX_LOCAL = 64
MAX_ADDRESS = 254
# RFC 5322 dot-atom, plus any non-ASCII letter (RFC 6531, internationalised mail).
# Quoted local parts ("john doe"@example.com) are legal but almost never seen in scams.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+"
_LOCAL = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*$")
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_NAMED = re.compile(r"^[^<>]*<([^<>]*)>$")

INVALID = Problem(ProblemCode.EMAIL_INVALID, N_("This is not a valid e-mail address."))
BAD_DOMAIN = Problem(
    ProblemCode.EMAIL_DOMAIN_INVALID,
    N_("The part after @ is not a valid Internet domain name."),
)


def parse_email(text: str, _options: Options) -> Parsed | Problem:
    """``local@domain`` with the domain normalised; ``Name <addr>`` and ``mailto:`` are unwrapped.

    >>> parse_email("Scam Desk <J.Doe@Bücher.Example.COM>", Options()).value
    'J.Doe@xn--bcher-kva.example.com'
    >>> parse_email("j.doe@localhost", Options()).code.value
    'email_domain_invalid'
    """
    named = _NAMED.match(text)
    address = _MAILTO.sub("", named.group(1) if named else text).strip()
    local, at, domain = address.rpartition("@")
    # isprintable() rules out the non-ASCII spaces and controls the character class lets in.
    if not at or len(local) > MAX_LOCAL or not _LOCAL.match(local) or not local.isprintable():
        return INVALID
    host = normalise_host(domain)
    if host is None or not has_public_suffix(host):
        return BAD_DOMAIN
    value = f"{local}@{host}"
    if len(value) > MAX_ADDRESS:
        return INVALID
    return Parsed(value)
