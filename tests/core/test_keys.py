"""Node keys: generated once, owner-only files, never overwritten, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hanoinet.core.keys import (
    ENCRYPTION_KEY_FILE,
    SIGNING_KEY_FILE,
    KeyFileError,
    generate_node_keys,
    jwk_thumbprint,
    load_node_keys,
    write_node_keys,
)


def test_round_trip_and_permissions(tmp_path: Path) -> None:
    keys = generate_node_keys()
    write_node_keys(keys, tmp_path / "keys")
    loaded = load_node_keys(tmp_path / "keys")
    assert loaded.signing_public_jwk() == keys.signing_public_jwk()
    assert loaded.encryption_public_jwk() == keys.encryption_public_jwk()
    for name in (SIGNING_KEY_FILE, ENCRYPTION_KEY_FILE):
        assert (tmp_path / "keys" / name).stat().st_mode & 0o777 == 0o600


def test_existing_keys_are_never_overwritten(tmp_path: Path) -> None:
    write_node_keys(generate_node_keys(), tmp_path)
    before = (tmp_path / SIGNING_KEY_FILE).read_bytes()
    with pytest.raises(FileExistsError):
        write_node_keys(generate_node_keys(), tmp_path)
    assert (tmp_path / SIGNING_KEY_FILE).read_bytes() == before


def test_public_jwks_are_named_by_thumbprint() -> None:
    keys = generate_node_keys()
    signing = keys.signing_public_jwk()
    assert signing["kid"] == jwk_thumbprint(signing) == keys.signing_key_id()
    assert (signing["kty"], signing["crv"], signing["use"]) == ("OKP", "Ed25519", "sig")
    encryption = keys.encryption_public_jwk()
    assert (encryption["crv"], encryption["use"]) == ("X25519", "enc")
    assert keys.encryption_key_id() != keys.signing_key_id()


def test_missing_unreadable_and_wrong_keys_are_named(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="is missing; run `hanoinet init`"):
        load_node_keys(tmp_path)
    write_node_keys(generate_node_keys(), tmp_path)
    (tmp_path / ENCRYPTION_KEY_FILE).write_text("not a key")
    with pytest.raises(KeyFileError, match="not a readable PEM private key"):
        load_node_keys(tmp_path)
    other = tmp_path / "other"
    write_node_keys(generate_node_keys(), other)
    # Swap the files: each is a valid key of the wrong kind.
    (tmp_path / ENCRYPTION_KEY_FILE).write_bytes((other / SIGNING_KEY_FILE).read_bytes())
    with pytest.raises(KeyFileError, match="is not an X25519 private key"):
        load_node_keys(tmp_path)
    (tmp_path / SIGNING_KEY_FILE).write_bytes((other / ENCRYPTION_KEY_FILE).read_bytes())
    with pytest.raises(KeyFileError, match="is not an Ed25519 private key"):
        load_node_keys(tmp_path)
    (tmp_path / SIGNING_KEY_FILE).unlink()
    (tmp_path / SIGNING_KEY_FILE).mkdir()  # unreadable as a file, even for root
    with pytest.raises(KeyFileError, match="cannot be read"):
        load_node_keys(tmp_path)


def test_rotation_keeps_the_old_keys_retired_and_owner_only(tmp_path: Path) -> None:
    from hanoinet.core.keys import load_node_keys, rotate_node_keys

    write_node_keys(generate_node_keys(), tmp_path)
    old, new = rotate_node_keys(tmp_path)
    assert load_node_keys(tmp_path).signing_key_id() == new.signing_key_id()
    assert new.signing_key_id() != old.signing_key_id()
    retired = sorted(path.name for path in tmp_path.glob("retired-*.pem"))
    assert retired == sorted(
        [f"retired-sig-{old.signing_key_id()}.pem", f"retired-enc-{old.encryption_key_id()}.pem"]
    )
    for path in tmp_path.glob("*.pem"):
        assert path.stat().st_mode & 0o077 == 0
