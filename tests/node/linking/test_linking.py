"""Linking victims' reports on arrival, bounded by the warning list and the fan-out cap;
analysts' merge, split, vetting, promotion to a case and drafting of requests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client, override_settings

from hanoinet.node.accounts.models import User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.linking import actions
from hanoinet.node.linking.models import Cluster, FlaggedIdentifier, WarningEntry
from hanoinet.node.requests.models import CooperationRequest
from hanoinet.node.victims.actions import ReportInput, do_submit_report
from hanoinet.node.victims.models import StatusUpdate, VictimReport
from tests.conftest import actor_for
from tests.node.test_cli import run

pytestmark = pytest.mark.django_db

WALLET = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
PHONE = "0912 345 678"


def report(*identifiers: tuple[str, str], amount: str = "") -> VictimReport:
    submitted = do_submit_report(
        system_actor("portal"),
        ReportInput(
            category="investment_scam",
            what_happened="Investment platform took my money",
            language="vi",
            amount=amount,
            currency="VND" if amount else "",
            consent=True,
            identifiers=list(identifiers),
        ),
    )
    return submitted.report


def cluster_of(r: VictimReport) -> Cluster:
    r.refresh_from_db()
    return r.membership.cluster


@pytest.fixture
def analyst(make_user: Callable[..., User], unit_x: object) -> User:
    return make_user("anna", unit_x, [Role.ANALYST])


def test_two_reports_sharing_a_wallet_link() -> None:
    first = report(("wallet", WALLET))
    second = report(("wallet", WALLET.upper()), ("phone", "0999 888 777"))
    alone = report(("phone", "0977 000 111"))
    assert cluster_of(first) == cluster_of(second)
    assert cluster_of(first).size == 2
    assert cluster_of(alone) != cluster_of(first)


def test_a_report_bridging_two_clusters_merges_them_into_the_oldest() -> None:
    a = report(("wallet", WALLET))
    b = report(("phone", PHONE))
    older = cluster_of(a)
    bridge = report(("wallet", WALLET), ("phone", PHONE))
    assert cluster_of(a) == cluster_of(b) == cluster_of(bridge) == older
    older.refresh_from_db()
    assert older.size == 3
    absorbed = Cluster.objects.exclude(pk=older.pk).get(merged_into=older)
    assert absorbed.size == 0


def test_a_warning_listed_identifier_does_not_link() -> None:
    a = report(("url", "https://www.facebook.com/some.page"))
    b = report(("url", "facebook.com"))
    assert cluster_of(a) != cluster_of(b)
    event = AuditEvent.objects.filter(action="cluster.link").last()
    assert event is not None
    assert event.extra["suppressed"] == ["domain:facebook.com"]


def test_an_operator_warning_entry_does_not_link(analyst: User) -> None:
    actions.do_add_warning(
        actor_for(analyst), pattern="phone:+84912345678", reason="our bank's hotline"
    )
    a = report(("phone", PHONE))
    b = report(("phone", PHONE))
    assert cluster_of(a) != cluster_of(b)


@override_settings(HANOINET_LINK_FAN_OUT_CAP=3)
def test_an_identifier_over_the_fan_out_cap_is_flagged_not_linked(analyst: User) -> None:
    shared = ("email", "support@scam-help.vn")
    linked = [report(shared) for _ in range(3)]
    assert len({cluster_of(r).pk for r in linked}) == 1
    fourth = report(shared)
    assert cluster_of(fourth) != cluster_of(linked[0])
    flagged = FlaggedIdentifier.objects.get()
    assert flagged.link_key == "email:support@scam-help.vn"
    assert flagged.report_count == 4
    # Vetted by an analyst, it links again.
    actions.do_vet_identifier(actor_for(analyst), flagged)
    fifth = report(shared)
    assert cluster_of(fifth) == cluster_of(linked[0])


def test_split_on_a_false_identifier_and_rebuild(analyst: User) -> None:
    a = report(("wallet", WALLET), ("phone", PHONE))
    b = report(("phone", PHONE))
    c = report(("wallet", WALLET))
    cluster = cluster_of(a)
    assert cluster.size == 3
    parts = actions.do_split_on_identifier(
        actor_for(analyst), cluster, "phone:+84912345678", reason="a hotline, not the scammer"
    )
    assert parts == 2
    assert cluster_of(a) == cluster_of(c) == cluster
    assert cluster_of(b) != cluster
    assert WarningEntry.objects.filter(pattern="phone:+84912345678").exists()
    assert cluster.decisions.get().kind == "split"
    # A full rebuild agrees and keeps the cluster's code.
    reports, clusters = actions.rebuild(system_actor("test"))
    assert (reports, clusters) == (3, 2)
    assert cluster_of(a) == cluster


def test_merge_needs_a_reason_and_survives_a_rebuild(analyst: User) -> None:
    a = report(("wallet", WALLET))
    b = report(("phone", PHONE))
    with pytest.raises(actions.LinkingActionError, match="reason"):
        actions.do_merge_clusters(actor_for(analyst), cluster_of(a), cluster_of(b), reason=" ")
    actions.do_merge_clusters(
        actor_for(analyst), cluster_of(a), cluster_of(b), reason="same script, same victims' bank"
    )
    assert cluster_of(a) == cluster_of(b)
    actions.rebuild(system_actor("test"))
    assert cluster_of(a) == cluster_of(b)


def test_analyst_screens(analyst: User, verified_client: Callable[[User], Client]) -> None:
    a = report(("wallet", WALLET), amount="5000000")
    report(("wallet", WALLET), amount="7000000")
    cluster = cluster_of(a)
    client = verified_client(analyst)
    listing = client.get("/linking/").content.decode()
    assert str(cluster.code)[:8] in listing
    page = client.get(f"/linking/{cluster.code}/").content.decode()
    assert "<svg" in page
    assert a.reference in page
    response = client.post(
        f"/linking/{cluster.code}/promote/", {"reference": "A05-2026-77", "title": "Wallet scam"}
    )
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.case is not None
    assert "2" in cluster.case.summary


def test_a_cluster_becomes_a_draft_request(
    make_user: Callable[..., User],
    unit_x: object,
    verified_client: Callable[[User], Client],
    khm: object,
) -> None:
    officer = make_user("poc", unit_x, [Role.POINT_OF_CONTACT, Role.ANALYST])
    a = report(("wallet", WALLET), ("phone", PHONE), amount="5000000")
    report(("phone", PHONE), amount="1000000")
    cluster = cluster_of(a)
    response = verified_client(officer).post(
        f"/linking/{cluster.code}/draft/", {"kind": "preservation", "counterpart": "khm"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    draft = CooperationRequest.objects.get()
    assert draft.kind == "preservation"
    assert draft.counterpart == "KHM"
    assert {"kind": "phone", "value": "+84912345678"} in draft.fields["identifiers"]
    assert "2 victim report(s)" in draft.fields["facts"]
    assert "6,000,000.00 VND" in draft.fields["facts"]
    assert cluster.decisions.get().kind == "draft"


def test_sharing_with_a_cluster_tells_every_victim(
    analyst: User, verified_client: Callable[[User], Client]
) -> None:
    a = report(("wallet", WALLET))
    b = report(("wallet", WALLET))
    cluster = cluster_of(a)
    verified_client(analyst).post(
        f"/linking/{cluster.code}/share/", {"kind": "funds_frozen", "state": "FRA"}
    )
    assert (
        StatusUpdate.objects.filter(report__in=[a, b], kind="funds_frozen", state="FRA").count()
        == 2
    )


def test_clusters_are_for_analysts_only(
    alice: User, mallory: User, verified_client: Callable[[User], Client]
) -> None:
    a = report(("wallet", WALLET))
    report(("wallet", WALLET))
    cluster = cluster_of(a)
    assert verified_client(mallory).get("/linking/").status_code == 403
    assert verified_client(mallory).get(f"/linking/{cluster.code}/").status_code == 404
    assert AuditEvent.objects.filter(action="cluster.read", outcome="denied").exists()
    # An investigator may analyse.
    assert verified_client(alice).get(f"/linking/{cluster.code}/").status_code == 200


def test_rebuild_of_an_empty_node() -> None:
    assert actions.rebuild(system_actor("test")) == (0, 0)


def test_the_rebuild_command(tmp_path: Path) -> None:
    folder = str(tmp_path / "node")
    assert run("init", "--data-dir", folder, "--state", "vnm", "--no-input").returncode == 0
    result = run("linking", "rebuild", "--data-dir", folder)
    assert result.returncode == 0, result.stderr
    assert "0 reports in 0 clusters" in result.stdout


def test_bad_input_on_the_cluster_forms_is_named_and_changes_nothing(
    analyst: User, verified_client: Callable[[User], Client]
) -> None:
    a = report(("wallet", WALLET))
    report(("wallet", WALLET))
    cluster = cluster_of(a)
    client = verified_client(analyst)
    base = f"/linking/{cluster.code}"
    cases = [
        ("merge/", {"other": "not-a-uuid", "reason": "x"}, "other cluster"),
        ("merge/", {"other": str(cluster.code), "reason": "same"}, "merged with itself"),
        ("split/", {"link_key": "phone:+84000000000", "reason": "x"}, "no report of this cluster"),
        ("promote/", {"reference": "", "title": ""}, "reference and a title"),
        ("draft/", {"kind": "interception", "counterpart": "KHM"}, "kind of request"),
        ("share/", {"kind": "funds_frozen", "state": ""}, "names a State"),
    ]
    for path, data, message in cases:
        page = client.post(f"{base}/{path}", data, follow=True).content.decode()
        assert message in page, (path, page[:3000])
    cluster.refresh_from_db()
    assert cluster.size == 2
    assert cluster.case is None
    assert not cluster.decisions.exists()
    assert not WarningEntry.objects.exists()
    assert not CooperationRequest.objects.exists()
    assert not StatusUpdate.objects.exists()
