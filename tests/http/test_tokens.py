"""Token file store and token response parsing (the OAuth lifecycle against the emulator is in
tests/http/test_session_oauth.py)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tpnb.errors import AuthError
from tpnb.http.tokens import TokenStore, parse_token_response


def test_store_writes_private_files_atomically(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens")
    store.write("abc", {"access_token": "A1", "expires_at": 1.0})
    assert stat.S_IMODE(os.stat(tmp_path / "tokens").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path("abc")).st_mode) == 0o600
    assert store.read("abc") == {"access_token": "A1", "expires_at": 1.0}
    store.write("abc", {"access_token": "A2"})
    assert store.read("abc") == {"access_token": "A2"}
    assert [p.name for p in (tmp_path / "tokens").iterdir() if p.name.endswith(".tmp")] == []
    store.delete("abc")
    assert store.read("abc") is None


def test_store_tightens_an_existing_directory(tmp_path: Path) -> None:
    directory = tmp_path / "loose"
    directory.mkdir(mode=0o755)
    TokenStore(directory).write("k", {"access_token": "x"})
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700


def test_store_ignores_garbage(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    store.path("bad").write_text("{not json")
    assert store.read("bad") is None
    store.path("odd").write_text('{"refresh_token": "x"}')
    assert store.read("odd") is None


def test_concurrent_writers_never_leave_a_torn_file(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    seen: list[object] = []

    def writer(n: int) -> None:
        for i in range(50):
            store.write("k", {"access_token": f"t{n}-{i}", "pad": "x" * 5000})

    def reader() -> None:
        for _ in range(200):
            token = store.read("k")
            if token is not None:
                seen.append(token["access_token"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)] + [
        threading.Thread(target=reader)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(v, str) and v.startswith("t") for v in seen)
    assert store.read("k") is not None


@pytest.mark.parametrize("expires_in", ["359999", 359999, 359999.0])
def test_expires_in_string_or_number(expires_in: object) -> None:
    token = parse_token_response(
        {"access_token": "a", "refresh_token": "r", "expires_in": expires_in, "app_enduser": "u1"},
        grant="password",
        now=1000.0,
    )
    assert token["expires_at"] == 1000.0 + 359999
    assert token["lifetime"] == 359999
    assert token["business_user_id"] == "u1"


def test_client_credentials_token_has_no_refresh_token() -> None:
    token = parse_token_response(
        {"access_token": "a", "expires_in": "10"}, grant="client_credentials", now=0.0
    )
    assert token["refresh_token"] is None
    assert "business_user_id" not in token


def test_missing_access_token_is_an_auth_error() -> None:
    with pytest.raises(AuthError, match="without a usable access_token"):
        parse_token_response({"Error": "x"}, grant="password")
