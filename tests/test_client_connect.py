"""tpnb.connect(): credentials from the environment, demo mode said plainly, clear errors."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from kit.clients import settings_for

import tpnb
from tpnb.client import Client, connect
from tpnb.config import Settings
from tpnb.errors import ConfigError

CRED_VARS = (
    "TRUSTPILOT_API_KEY",
    "TRUSTPILOT_API_SECRET",
    "TRUSTPILOT_USERNAME",
    "TRUSTPILOT_PASSWORD",
)


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in CRED_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("TPNB_DEMO", raising=False)
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)  # as under Voila (see in_voila)
    monkeypatch.delenv("VOILA_BASE_URL", raising=False)


def test_public_names() -> None:
    assert tpnb.connect is connect
    assert tpnb.Client is Client


def test_demo_notice_is_plain_output_in_a_jupyter_kernel(
    no_credentials: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a notebook the notice is ordinary output (stderr would draw it as an error box)."""
    import tpnb.client

    monkeypatch.setattr(tpnb.client, "_in_jupyter_kernel", lambda: True)
    with connect() as tp:
        assert tp.demo
        out, err = capsys.readouterr()
        assert "demo data from the local emulator" in out
        assert "demo data" not in err


@pytest.mark.parametrize(
    ("variable", "value"), [("SERVER_SOFTWARE", "voila/0.5.13"), ("VOILA_BASE_URL", "/")]
)
def test_demo_notice_is_not_printed_into_a_voila_app(
    no_credentials: None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
) -> None:
    """Under Voila the app's "Demo data" badge is the notice: no line drawn into the page."""
    import tpnb.client

    monkeypatch.setattr(tpnb.client, "_in_jupyter_kernel", lambda: True)
    monkeypatch.setenv(variable, value)
    assert tpnb.client.in_voila()
    with connect() as tp:
        assert tp.demo
        out, err = capsys.readouterr()
        assert "demo" not in out + err


def test_demo_notice_is_not_printed_into_a_report_kernel(
    no_credentials: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``tpnb report`` sets TPNB_QUIET_NOTICE for its kernel: the report's badge is the notice."""
    import tpnb.client

    monkeypatch.setattr(tpnb.client, "_in_jupyter_kernel", lambda: True)
    monkeypatch.setenv(tpnb.client.QUIET_NOTICE_VARIABLE, "1")
    with connect() as tp:
        assert tp.demo
        out, err = capsys.readouterr()
        assert "demo" not in out + err


def test_the_voila_rule_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from tpnb.client import in_voila

    monkeypatch.delenv("VOILA_BASE_URL", raising=False)
    monkeypatch.setenv("SERVER_SOFTWARE", "Apache/2.4")
    assert not in_voila()
    monkeypatch.delenv("SERVER_SOFTWARE")
    assert not in_voila()


def test_demo_false_without_credentials_says_what_to_set(no_credentials: None) -> None:
    with pytest.raises(ConfigError, match="TRUSTPILOT_API_KEY"):
        connect(demo=False)


def test_demo_mode_without_credentials(
    no_credentials: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect() as tp:
        assert tp.demo
        assert "demo" in repr(tp)
        notice = capsys.readouterr().err
        assert "demo data from the local emulator" in notice
        assert tp.connection.emulator is not None
        unit = next(iter(tp.connection.emulator.dataset.business_unit_ids()))
        assert tp.connection.get_json(f"/business-units/{unit}")["id"] == unit
        assert tp.stats.requests == 1
        assert tp.settings.cache_backend == "memory"
        token_dir = tp.settings.token_dir
    assert token_dir is not None
    assert not token_dir.exists()  # the demo's temporary token directory is removed
    assert not tp.connection.emulator.running


@pytest.mark.parametrize("value", [1, None])
def test_connect_refuses_unknown_setting_names_with_ready_settings(value: object) -> None:
    settings = Settings(api_key="k", cache_backend="memory")
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) bogus; allowed: .*api_key"):
        connect(settings=settings, bogus=value)


def test_a_failed_demo_connect_leaves_no_token_directory(
    no_credentials: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where the demo's token dir goes
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigError, match="HTTP cache file"):
        connect(demo=True, cache_backend="sqlite", cache_path=blocker / "cache.sqlite")
    assert list(temp.iterdir()) == []


def test_connect_with_credentials_from_environment(
    emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = settings_for(emulator, tmp_path)
    monkeypatch.setenv("TRUSTPILOT_API_KEY", s.api_key or "")
    monkeypatch.setenv("TRUSTPILOT_API_SECRET", s.api_secret or "")
    monkeypatch.setenv("TRUSTPILOT_USERNAME", s.username or "")
    monkeypatch.setenv("TRUSTPILOT_PASSWORD", s.password or "")
    monkeypatch.setenv("TPNB_BASE_URL", s.base_url)
    monkeypatch.setenv("TPNB_CACHE_BACKEND", "memory")
    monkeypatch.setenv("TPNB_TOKEN_DIR", str(tmp_path / "tokens"))
    with connect() as tp:
        assert not tp.demo
        assert "demo" not in repr(tp)
        for secret in (s.api_key, s.api_secret, s.password):
            assert secret is not None
            assert secret not in repr(tp) + repr(tp.settings) + repr(tp.connection)
        unit = next(iter(emulator.dataset.business_unit_ids()))
        assert tp.connection.get_json(f"/business-units/{unit}")["id"] == unit
        assert tp.logout() is True


def test_non_loopback_http_is_refused(no_credentials: None) -> None:
    with pytest.raises(ConfigError, match="https"):
        connect(api_key="k", base_url="http://api.example.com/v1")


def test_private_call_without_secret_is_a_config_error(emulator: Any, tmp_path: Path) -> None:
    s = settings_for(
        emulator, tmp_path, api_secret=None, username=None, password=None, cache_backend="memory"
    )
    with connect(settings=s) as tp, pytest.raises(ConfigError, match="TRUSTPILOT_API_SECRET"):
        tp.connection.get_json("/private/business-units/x/reviews", private=True)
