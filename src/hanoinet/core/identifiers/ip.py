"""IP addresses, IPv4 and IPv6, in their shortest standard text (RFC 5952 for IPv6).

Addresses outside the public Internet are valid but flagged, and do not link: two
reports of 192.168.1.1 are two home routers. An IPv4-mapped IPv6 address
(``::ffff:203.0.113.9``) is the IPv4 address, as a dual-stack server logs it.
"""

from __future__ import annotations

import ipaddress

from hanoinet.core.convention.text import N_
from hanoinet.core.identifiers.identifier import Options, Parsed
from hanoinet.core.identifiers.kinds import Flag
from hanoinet.core.identifiers.problems import Problem, ProblemCode

SHARED = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598, carrier-grade NAT

INVALID = Problem(
    ProblemCode.IP_INVALID,
    N_("This is not an IP address (write it without a port, e.g. 203.0.113.9)."),
)


def flags_of(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> frozenset[Flag]:
    """What an analyst should know about where an address can be reached from.

    >>> sorted(flags_of(ipaddress.ip_address("100.64.1.2")))
    [<Flag.NOT_GLOBAL: 'not_global'>, <Flag.SHARED: 'shared'>]
    """
    checks = {
        Flag.PRIVATE: address.is_private
        and not (address.is_loopback or address.is_link_local or address.is_unspecified),
        Flag.LOOPBACK: address.is_loopback,
        Flag.LINK_LOCAL: address.is_link_local,
        Flag.MULTICAST: address.is_multicast,
        Flag.RESERVED: address.is_reserved or address.is_unspecified,
        Flag.SHARED: address in SHARED,
        # A multicast group names no single host, wherever it is routed.
        Flag.NOT_GLOBAL: not address.is_global or address.is_multicast,
    }
    return frozenset(flag for flag, applies in checks.items() if applies)


def parse_ip(text: str, _options: Options) -> Parsed | Problem:
    """The address in compressed form, with its flags.

    >>> parse_ip("2001:0DB8:0000::0001", Options()).value
    '2001:db8::1'
    >>> parse_ip("::ffff:8.8.8.8", Options())
    Parsed(value='8.8.8.8', scope=None, flags=frozenset())
    """
    try:
        address = ipaddress.ip_address(text.removeprefix("[").removesuffix("]"))
    except ValueError:
        return INVALID
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return Parsed(str(address), flags=flags_of(address))
