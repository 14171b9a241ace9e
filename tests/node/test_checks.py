"""System checks refuse unsafe production settings, each with its id."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from hanoinet.core.keys import generate_node_keys, write_node_keys
from hanoinet.node.checks import check_node_settings


@pytest.fixture
def good(settings: SettingsWrapper, tmp_path: Path) -> SettingsWrapper:
    write_node_keys(generate_node_keys(), tmp_path / "keys")
    settings.HANOINET_KEYS_DIR = tmp_path / "keys"
    settings.SECRET_KEY = "k" * 64
    settings.DEBUG = False
    settings.HANOINET_STATE = "VNM"
    settings.HTTPS = True
    settings.ALLOWED_HOSTS = ["node.example.org"]
    return settings


def ids(settings: SettingsWrapper) -> list[str]:
    return [message.id or "" for message in check_node_settings()]


def test_a_sane_production_node_passes(good: SettingsWrapper) -> None:
    assert ids(good) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"SECRET_KEY": "short"}, "hanoinet.E001"),
        ({"DEBUG": True}, "hanoinet.E002"),
        ({"HANOINET_STATE": ""}, "hanoinet.E003"),
        ({"HANOINET_KEYS_DIR": Path("/nonexistent")}, "hanoinet.E004"),
        ({"TIME_ZONE": "Asia/Ho_Chi_Minh"}, "hanoinet.E005"),
        ({"HTTPS": False}, "hanoinet.E006"),
        ({"ALLOWED_HOSTS": ["*"]}, "hanoinet.W001"),
    ],
)
def test_each_unsafe_setting_is_named(
    good: SettingsWrapper, change: dict[str, object], expected: str
) -> None:
    for name, value in change.items():
        setattr(good, name, value)
    assert expected in ids(good)


def test_debug_is_tolerated_only_in_a_loopback_demo(good: SettingsWrapper) -> None:
    good.DEBUG = True
    good.HANOINET_DEMO = True
    good.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    good.HTTPS = False
    assert ids(good) == []
