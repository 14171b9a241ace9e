"""What an identifier is: its kind, the chain of a wallet, the flags on a value."""

from __future__ import annotations

from enum import StrEnum


class IdentifierKind(StrEnum):
    """The kinds of identifier a victim can report about a suspect.

    The values that also appear in ``hanoinet.core.convention.elements.IdentifierKind``
    (``phone``, ``email``, ``url``, ``domain``, ``bank_account``, ``wallet``, ``ip``)
    are spelled the same way, so a reported identifier can go into a request unchanged.
    """

    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    DOMAIN = "domain"
    IBAN = "iban"
    BANK_ACCOUNT = "bank_account"
    WALLET = "wallet"
    TX_HASH = "tx_hash"
    SOCIAL = "social"
    IP_ADDRESS = "ip"


class Chain(StrEnum):
    """The ledger a wallet address belongs to, read from the address format itself.

    ``ethereum`` stands for every EVM chain (BNB Chain, Polygon, ...): one key pair gives
    the same address on all of them, so the address alone names the suspect's wallet.
    """

    BITCOIN = "bitcoin"
    ETHEREUM = "ethereum"
    TRON = "tron"


class Flag(StrEnum):
    """Facts about a valid value that an analyst should see beside it."""

    PRIVATE = "private"  # RFC 1918 / RFC 4193 and the other ranges Python calls private
    LOOPBACK = "loopback"
    LINK_LOCAL = "link_local"
    MULTICAST = "multicast"
    RESERVED = "reserved"  # IETF-reserved or unspecified (0.0.0.0, ::)
    SHARED = "shared"  # 100.64.0.0/10, carrier-grade NAT: needs the source port and time
    NOT_GLOBAL = "not_global"  # not routed on the public Internet: names no one outside


# A value carrying one of these flags names something only inside one network: the same
# 192.168.1.1 in two reports is two different machines, so linking on it would be false.
UNLINKABLE = frozenset({Flag.NOT_GLOBAL})
