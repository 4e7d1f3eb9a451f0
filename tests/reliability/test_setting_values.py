"""Settings refuse values that would fail later: non-finite, negative or absurd numbers (each
numeric setting names itself and its allowed range), and credentials with control characters
(the message names the setting, never its value). Keyword values are stripped like environment
values, so ``api_key=Path("key.txt").read_text()`` works."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import pytest
from kit.ledger import LEDGER
from kit.truth import CLEAR

from tpnb.config import Settings
from tpnb.errors import ConfigError

ROW = "bad setting values (inf, nan, negative, control characters)"
KEY = "relkey-Zq81Wm4Tx7"
SECRET = "relsecret-Pv62Ld9Hs3"
PASSWORD = "relpass-Ke35Nu8Bc1"

#: (field, environment variable) of every numeric setting
NUMERIC = [
    ("timeout", "TPNB_TIMEOUT"),
    ("connect_timeout", "TPNB_CONNECT_TIMEOUT"),
    ("max_retries", "TPNB_MAX_RETRIES"),
    ("backoff_factor", "TPNB_BACKOFF_FACTOR"),
    ("backoff_max", "TPNB_BACKOFF_MAX"),
    ("retry_after_max", "TPNB_RETRY_AFTER_MAX"),
    ("token_refresh_skew", "TPNB_TOKEN_REFRESH_SKEW"),
]
BAD_NUMBERS = ["inf", "-inf", "nan", "-1", "1e300", 10**400]


@pytest.mark.parametrize(("name", "var"), NUMERIC)
@pytest.mark.parametrize("raw", BAD_NUMBERS, ids=str)
def test_bad_numbers_are_refused_with_the_allowed_range(name: str, var: str, raw: Any) -> None:
    for build in (
        lambda: Settings(**{name: raw}),
        lambda: Settings(**{name: float(raw) if isinstance(raw, str) else raw}),
        lambda: Settings.from_env({var: str(raw)}),
        lambda: Settings.from_env({}, **{name: raw}),
    ):
        with pytest.raises(ConfigError, match=rf"{name} must be .* from \S+ to \S+") as info:
            build()
        assert type(info.value) is ConfigError
        LEDGER.record(ROW, CLEAR, f"{name}={raw!r}: {info.value}")


@pytest.mark.parametrize("raw", ["reviews=inf", "reviews=nan", "reviews=-5", "profiles=1e300"])
def test_bad_cache_expiry_is_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match=r"cache_expiry\[\w+\] must be .* from 0 to \S+"):
        Settings.from_env({"TPNB_CACHE_EXPIRY": raw})
    key, value = raw.split("=")
    with pytest.raises(ConfigError, match=rf"cache_expiry\[{key}\] must be .* from 0 to"):
        Settings(cache_expiry={key: float(value)})


@pytest.mark.parametrize(
    "limits", [((10, float("inf")),), ((10**12, 60.0),), ((10, float("nan")),), ((5, 1e300),)]
)
def test_bad_pace_limits_are_refused(limits: Any) -> None:
    with pytest.raises(ConfigError, match=r"pace_limits \w+ must be .* from \S+ to \S+"):
        Settings(pace_limits=limits)


def test_largest_allowed_values_work_end_to_end() -> None:
    """The upper ends of the ranges are usable, not only accepted."""
    import datetime as dt

    s = Settings(timeout=3600, max_retries=100, cache_expiry={"reviews": 315_360_000})
    assert s.timeout == 3600.0
    assert dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=s.cache_expiry["reviews"])


@pytest.mark.parametrize("field", ["api_key", "api_secret", "username", "password"])
def test_keyword_credentials_are_stripped_like_environment_values(field: str) -> None:
    values = {"api_key": KEY, "api_secret": SECRET, "username": "a@b.example", "password": PASSWORD}
    padded = {**values, field: f"  {values[field]}\n"}  # e.g. Path("key.txt").read_text()
    assert getattr(Settings(**padded), field) == values[field]
    assert getattr(Settings.from_env({}, **padded), field) == values[field]


@pytest.mark.parametrize(
    "field", ["api_key", "api_secret", "username", "password", "business_user_id"]
)
@pytest.mark.parametrize(
    "inner", ["\n", "\r", "\x00", "\t", "\x1b", "\u200b", "\u2028", "\x7f"], ids=repr
)
def test_control_characters_in_a_credential_name_the_setting_never_the_value(
    field: str, inner: str
) -> None:
    values = {
        "api_key": KEY,
        "api_secret": SECRET,
        "username": "a@b.example",
        "password": PASSWORD,
        "business_user_id": "507f191e810c19729de860ea",
    }
    bad = values[field][:6] + inner + values[field][6:]
    with pytest.raises(ConfigError, match=rf"{field} must not contain control characters") as info:
        Settings(**{**values, field: bad})
    shown = str(info.value) + repr(info.value) + "".join(traceback.format_exception(info.value))
    for secret in (bad, repr(bad)[1:-1], values[field][6:]):
        assert secret not in shown
    LEDGER.record(ROW, CLEAR, f"{field} with {inner!r}: {info.value}")


@pytest.mark.parametrize("field", ["api_key", "api_secret"])
@pytest.mark.parametrize("bad", ["key with space", "kéy-non-ascii", "key€"])
def test_api_credentials_must_be_visible_ascii(field: str, bad: str) -> None:
    """They travel in HTTP headers (latin-1 at most); a space or non-ASCII character is a paste
    error, caught before a UnicodeEncodeError deep in http.client could carry the value."""
    values = {"api_key": KEY, "api_secret": SECRET}
    with pytest.raises(ConfigError, match=rf"{field} must be visible ASCII") as info:
        Settings(**{**values, field: bad})
    assert bad not in str(info.value)


def test_a_key_file_with_a_newline_connects(emulator: Any, tmp_path: Path) -> None:
    """The audit's case: the key read from a file, newline included, makes a working client."""
    from tpnb.http.connection import Connection

    key_file = tmp_path / "key.txt"
    key_file.write_text(emulator.credentials["api_key"] + "\n")
    settings = Settings.from_env(
        {},
        **{**emulator.client_settings, "api_key": key_file.read_text()},
        cache_backend="memory",
        token_dir=tmp_path / "tokens",
    )
    with Connection(settings) as conn:
        unit = sorted(emulator.dataset.business_unit_ids())[0]
        assert conn.get_json(f"/business-units/{unit}")["id"] == unit
