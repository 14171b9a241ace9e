"""`hanoinet convention …` as an officer or a drafting tool uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hanoinet.core.convention import KINDS
from hanoinet.core.convention.examples import example
from hanoinet.node.cli import main


def write(tmp_path: Path, fields: object, name: str = "req.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(fields), encoding="utf-8")
    return str(path)


def test_a_complete_request_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["convention", "check", "preservation", write(tmp_path, example("preservation"))]) == 0
    )
    assert "complete" in capsys.readouterr().out


def test_missing_custodian_names_the_element_and_article_42(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = example("preservation")
    del fields["custodian_or_location"]
    assert main(["convention", "check", "preservation", write(tmp_path, fields)]) == 1
    out = capsys.readouterr().out
    assert "custodian_or_location [Art. 42]" in out


def test_none_available_and_period_rules_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = {**example("preservation"), "custodian_or_location": {"none_available": True}}
    assert main(["convention", "check", "preservation", write(tmp_path, fields)]) == 0
    fields["preservation_days"] = 45
    assert main(["convention", "check", "preservation", write(tmp_path, fields), "--json"]) == 1
    report = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert report["complete"] is False
    assert [(p["code"], p["element"], p["article"]) for p in report["problems"]] == [
        ("too_short", "preservation_days", 42)
    ]


def test_realtime_traffic_without_collection_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = example("realtime_traffic")
    del fields["collection_period"]
    assert main(["convention", "check", "realtime_traffic", write(tmp_path, fields), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["problems"][0]["element"] == "collection_period"
    assert report["problems"][0]["article"] == 45


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"facts": "a", "facts": "b"}', "duplicate key 'facts'"),
        ('{"preservation_days": NaN}', "NaN is not a JSON number"),
    ],
)
def test_malformed_files_exit_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["convention", "check", "preservation", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_unknown_kind_and_missing_file_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convention", "check", "preserve", write(tmp_path, {})]) == 2
    assert "unknown request kind 'preserve'" in capsys.readouterr().err
    assert main(["convention", "check", "preservation", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_kinds_lists_every_kind_and_element(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convention", "kinds", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {kind["kind"] for kind in listing["kinds"]} == set(KINDS)
    preservation = next(kind for kind in listing["kinds"] if kind["kind"] == "preservation")
    custodian = next(e for e in preservation["elements"] if e["name"] == "custodian_or_location")
    assert custodian == {
        "name": "custodian_or_location",
        "required": True,
        "article": 42,
        "type": "text_or_none_available",
        "label": "Custodian of the data or location of the ICT system",
        "none_available_allowed": True,
    }
    assert main(["convention", "kinds"]) == 0
    assert "realtime_traffic — Art. 45" in capsys.readouterr().out


def test_example_prints_a_request_that_checks_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convention", "example", "interception"]) == 0
    path = tmp_path / "ex.json"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["convention", "check", "interception", str(path)]) == 0
