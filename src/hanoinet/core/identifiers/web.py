"""Websites: a URL or a domain name, reduced to the domain someone registered.

Scam sites move between pages and sub-domains of the same registration, so the
registered domain is what links reports; the path and query are in ``raw``. Victims
and analysts often paste "defanged" links (``hxxps://scam[.]example``), which are
refanged first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from hanoinet.core.convention.text import N_
from hanoinet.core.identifiers.hosts import is_ip, normalise_host, registered_domain
from hanoinet.core.identifiers.identifier import Options, Parsed
from hanoinet.core.identifiers.problems import Problem, ProblemCode

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_DEFANGED_DOT = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]", re.IGNORECASE)
_DEFANGED_SCHEME = re.compile(r"^hxxp(s?)(?=://)", re.IGNORECASE)

NOT_A_HOST = Problem(
    ProblemCode.DOMAIN_INVALID, N_("This is not a valid web address or domain name.")
)
NOT_REGISTRABLE = Problem(
    ProblemCode.DOMAIN_NOT_REGISTRABLE,
    N_(
        "This address has no registered domain (it is an IP address, a local name or a "
        "bare suffix); report an IP address as an IP address."
    ),
)


def refang(text: str) -> str:
    """Undo the usual defanging of links in reports and advisories.

    >>> refang("hxxps://scam[.]example(.)com")
    'https://scam.example.com'
    """
    return _DEFANGED_SCHEME.sub(r"http\1", _DEFANGED_DOT.sub(".", text))


def host_of(text: str) -> str | None:
    """The host part of a URL, with or without a scheme; None if there is none.

    >>> host_of("Example.COM:8080/path?q=1"), host_of("https://user@[2001:db8::1]/")
    ('Example.COM', '2001:db8::1')
    """
    candidate = text if _SCHEME.match(text) else "//" + text
    try:
        parts = urlsplit(candidate)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the authority
        return None
    # ``hostname`` lower-cases ASCII; take the original spelling so IDNA sees it all.
    if not host:
        return None
    netloc = parts.netloc.rpartition("@")[2]
    if netloc.startswith("["):
        return host
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def parse_website(text: str, _options: Options) -> Parsed | Problem:
    """The registered domain of a URL or domain name.

    >>> parse_website("HTTPS://WWW.Example.co.uk:443/login?x=1", Options()).value
    'example.co.uk'
    >>> parse_website("http://192.0.2.7/x", Options()).code.value
    'domain_not_registrable'
    """
    host = host_of(refang(text))
    if host is None:
        return NOT_A_HOST
    if is_ip(host):
        return NOT_REGISTRABLE
    normalised = normalise_host(host)
    if normalised is None:
        return NOT_A_HOST
    domain = registered_domain(normalised)
    if domain is None:
        return NOT_REGISTRABLE
    return Parsed(domain)
