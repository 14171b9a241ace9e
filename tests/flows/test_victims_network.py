"""Victims report on two real nodes (Viet Nam and Cambodia) through the public portal over
HTTP; reports sharing an identifier link; the two nodes find, through the federation and
their workers, the identifiers they both hold — and nothing else."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.flows.network import LiveNode, make_network, start_nodes, wait_for

pytestmark = pytest.mark.slow

WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"


def result(node: LiveNode, code: str) -> str:
    found = re.search(r"^RESULT=(.*)$", node.python(code), re.MULTILINE)
    assert found
    return found.group(1)


def report(node: LiveNode, **answers: str) -> str:
    """A victim fills the portal's form in a browser-like session: CSRF cookie and all."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(node.url + "/report/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "category": "investment_scam",
        "what_happened": "Đầu tư tiền ảo qua một nhóm Telegram",
        "payment": "crypto",
        "contact": "none",
        "consent": "on",
        **answers,
    }
    request = urllib.request.Request(  # noqa: S310 - loopback only
        node.url + "/report/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": node.url + "/report/", "Accept-Language": "vi"},
    )
    thanks = opener.open(request, timeout=30).read().decode()
    found = re.search(r"VR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", thanks)
    assert found, thanks[:2000]
    return found.group(0)


POLICY = """
from hanoinet.node.linking.models import MatchPolicy
MatchPolicy.objects.create(state="{peer}", kinds=["phone", "wallet"], bulk=True)
"""

HITS = """
from hanoinet.node.linking.models import MatchHit
print("RESULT=" + repr(sorted(MatchHit.objects.values_list("peer", "link_key"))))
"""

CLUSTERS = """
from hanoinet.node.victims.models import VictimReport
reports = VictimReport.objects.filter(reference__in={refs})
print("RESULT=" + str(len({{report.membership.cluster_id for report in reports}})))
"""


def test_two_nodes_find_the_identifiers_they_share_and_nothing_else(
    tmp_path: Path, database_for: Callable[[str], str | None]
) -> None:
    _secretariat, (vnm, khm) = make_network(tmp_path, ["VNM", "KHM"], database_for)
    for node in (vnm, khm):
        node.env["HANOINET_MATCH_POLL_SECONDS"] = "1"
    start_nodes((vnm, khm))
    try:
        first = report(vnm, phones="0912 345 678", wallets=WALLET)
        second = report(vnm, phones="0977 000 111", wallets=WALLET.lower())
        report(vnm, phones="0988 111 222")
        assert result(vnm, CLUSTERS.format(refs=[first, second])) == "1"
        report(khm, phones="+84 912 345 678\n+855 12 345 678")
        vnm.python(POLICY.format(peer="KHM"))
        khm.python(POLICY.format(peer="VNM"))
        vnm.python(
            "from hanoinet.node.linking.matching import do_ask\n"
            "from hanoinet.node.audit.actor import system_actor\n"
            "do_ask(system_actor('test'), 'KHM', mode='bulk')"
        )
        expected_vnm = "[('KHM', 'phone:+84912345678')]"
        wait_for(lambda: result(vnm, HITS) == expected_vnm, 60, "Viet Nam's hit")
        expected_khm = "[('VNM', 'phone:+84912345678')]"
        wait_for(lambda: result(khm, HITS) == expected_khm, 60, "Cambodia's hit")
    finally:
        for node in (vnm, khm):
            node.stop()
