"""Host names: IDNA to lower-case ASCII, and the registered domain from the bundled suffix list.

The public suffix list comes only from the snapshot bundled with ``tldextract``: no
suffix-list URLs and no cache directory, so normalising never opens a socket or writes a
file. A newer list is picked up by upgrading the package, which also makes the result
reproducible for a given release. PSL *private* suffixes are honoured, so that
``shop.blogspot.com`` and ``other.blogspot.com`` stay two sites instead of one.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache

import idna
import tldextract

MAX_HOST = 253
_ASCII_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
# Ideographic and full-width full stops separate labels too (UTS 46).
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


@cache
def _extractor() -> tldextract.TLDExtract:
    # Created once, on first use: building the suffix trie takes a few milliseconds.
    return tldextract.TLDExtract(
        cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True
    )


def _ascii_label(label: str) -> str | None:
    if label.isascii():
        lowered = label.lower()
        if not _ASCII_LABEL.match(lowered):
            return None
        if lowered.startswith("xn--"):
            # Only canonical punycode, or one name could be spelled two ways and escape
            # linking: ``idna.decode`` refuses an A-label that is not the canonical
            # encoding of what it decodes to (RFC 5891 §5.3).
            try:
                idna.decode(lowered)
            except (idna.IDNAError, UnicodeError):
                return None
        return lowered
    try:
        return idna.encode(label, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None


def normalise_host(host: str) -> str | None:
    """The host name in lower-case ASCII (IDNA A-labels), or None if it is not one.

    >>> normalise_host("Bücher.Example.")
    'xn--bcher-kva.example'
    >>> normalise_host("bad..name") is None
    True
    """
    host = host.translate(_DOTS).removesuffix(".")
    if not host or len(host) > MAX_HOST:
        return None
    labels = [_ascii_label(label) for label in host.split(".")]
    if any(label is None for label in labels):
        return None
    normalised = ".".join(label for label in labels if label is not None)
    # UTS 46 maps a few characters to several (U+2488 "⒈" is "1."): check the result again.
    if len(normalised) > MAX_HOST or not all(map(_ASCII_LABEL.match, normalised.split("."))):
        return None
    return normalised


def is_ip(host: str) -> bool:
    """Is ``host`` an IP address rather than a name?

    >>> is_ip("192.0.2.1"), is_ip("example.com")
    (True, False)
    """
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def registered_domain(host: str) -> str | None:
    """The domain under a public suffix that someone registered, for a normalised host.

    >>> registered_domain("forums.bbc.co.uk")
    'bbc.co.uk'
    >>> registered_domain("shop.blogspot.com")
    'shop.blogspot.com'
    >>> registered_domain("localhost") is None
    True
    """
    if is_ip(host):
        return None
    return _extractor()(host).top_domain_under_public_suffix or None


def has_public_suffix(host: str) -> bool:
    """Does a normalised host end in a known public suffix, under at least one label?

    >>> has_public_suffix("mail.example.vn"), has_public_suffix("printer.lan")
    (True, False)
    """
    return registered_domain(host) is not None
