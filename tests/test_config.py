"""Settings: environment reading, overrides, validation and secret hiding."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpnb.config import DEFAULT_BASE_URL, DEFAULT_CACHE_EXPIRY, DEFAULT_PACE_LIMITS, Settings
from tpnb.errors import ConfigError

ENV = {
    "TRUSTPILOT_API_KEY": "key-AAAA1111",
    "TRUSTPILOT_API_SECRET": "secret-BBBB2222",
    "TRUSTPILOT_USERNAME": "owner@example.com",
    "TRUSTPILOT_PASSWORD": "pw-CCCC3333",
}


def test_from_env_reads_credentials_and_tpnb_settings(tmp_path: Path) -> None:
    env = {
        **ENV,
        "TPNB_BASE_URL": "http://127.0.0.1:9999/v1/",
        "TPNB_CACHE_BACKEND": "memory",
        "TPNB_TOKEN_DIR": str(tmp_path),
        "TPNB_TIMEOUT": "7.5",
        "TPNB_MAX_RETRIES": "2",
        "TPNB_PACE_LIMITS": "10/1, 100/60",
        "TPNB_CACHE_EXPIRY": "reviews=5,private=30",
        "TPNB_DEMO": "false",
    }
    s = Settings.from_env(env)
    assert s.api_key == ENV["TRUSTPILOT_API_KEY"]
    assert s.password == ENV["TRUSTPILOT_PASSWORD"]
    assert s.base_url == "http://127.0.0.1:9999/v1"  # trailing slash removed
    assert s.cache_backend == "memory"
    assert s.token_dir == tmp_path
    assert s.timeout == 7.5
    assert s.max_retries == 2
    assert s.pace_limits == ((10, 1.0), (100, 60.0))
    assert s.cache_expiry["reviews"] == 5.0
    assert s.cache_expiry["private"] == 30.0
    assert s.cache_expiry["profiles"] == DEFAULT_CACHE_EXPIRY["profiles"]
    assert s.demo is False


def test_defaults_without_environment() -> None:
    s = Settings.from_env({})
    assert s.api_key is None
    assert s.base_url == DEFAULT_BASE_URL
    assert s.pace_limits == DEFAULT_PACE_LIMITS
    assert s.cache_backend == "sqlite"
    assert not s.can_login


def test_overrides_win_and_none_means_not_given() -> None:
    s = Settings.from_env(ENV, api_key="other-key", password=None, cache_backend="memory")
    assert s.api_key == "other-key"
    assert s.password == ENV["TRUSTPILOT_PASSWORD"]
    assert s.cache_backend == "memory"


def test_unknown_override_names_allowed_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) apikey; allowed: .*api_key"):
        Settings.from_env({}, apikey="x")


def test_repr_hides_every_secret() -> None:
    s = Settings.from_env(ENV)
    text = repr(s) + str(s)
    for value in ENV.values():
        assert value not in text
    assert "api_key=<set>" in text


def test_repr_masks_the_redis_password() -> None:
    s = Settings(cache_backend="redis", redis_url="redis://:hunter2@cache.example:6379/0")
    assert "hunter2" not in repr(s)
    assert "redis://***@cache.example:6379/0" in repr(s)
    assert "hunter2" in s.secrets()  # so redaction blanks it wherever it might show up


@pytest.mark.parametrize("field", ["base_url", "invitations_url", "authorize_url"])
@pytest.mark.parametrize(
    "url",
    [
        "http://bob:pw-Secret-42@api.example.com/v1",  # non-loopback http
        "ftp://bob:pw-Secret-42@api.example.com/v1",  # wrong scheme
        "https://bob:pw-Secret-42@api.example.com/v1",
        "http://bob:pw-Secret-42@127.0.0.1:8765/v1",
    ],
)
def test_a_url_with_credentials_is_refused_without_echoing_them(field: str, url: str) -> None:
    with pytest.raises(ConfigError, match="must not carry credentials") as info:
        Settings(**{field: url})  # type: ignore[arg-type]
    assert "pw-Secret-42" not in str(info.value)
    assert "bob" not in str(info.value)


def test_replace_refuses_unknown_names_like_from_env() -> None:
    s = Settings(api_key="k")
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) bogus; allowed: .*api_key"):
        s.replace(bogus=1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"base_url": "http://api.example.com/v1"}, "must use https for a non-loopback host"),
        ({"base_url": "ftp://127.0.0.1/v1"}, "must be an http"),
        ({"invitations_url": "https://x.example/v1?apikey=1"}, "must not carry a query"),
        ({"redis_url": 6379}, "redis_url must be a string"),
        ({"cache_backend": "disk"}, "cache_backend must be one of sqlite, memory, redis"),
        ({"cache_backend": "redis"}, "needs redis_url"),
        ({"timeout": 0}, "timeout must be a number from 0.001 to 3,600"),
        ({"timeout": "soon"}, "timeout must be a number"),
        ({"max_retries": 1.5}, "max_retries must be a whole number from 0 to 100"),
        ({"pace_limits": ((0, 1.0),)}, "pace_limits calls must be a number from 1 to"),
        ({"pace_limits": 5}, "pace_limits must be"),
        ({"cache_expiry": {"everything": 1}}, "unknown resource class 'everything'"),
        (
            {"cache_expiry": {"reviews": -1}},
            r"cache_expiry\[reviews\] must be a number from 0 to 315,360,000",
        ),
        ({"demo": "yes"}, "demo must be True, False or None"),
    ],
)
def test_bad_settings_raise_clear_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings(**changes)  # type: ignore[arg-type]


def test_loopback_http_is_allowed() -> None:
    for url in ("http://127.0.0.1:8765/v1", "http://localhost/v1", "http://[::1]:1/v1"):
        assert Settings(base_url=url).base_url == url


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"api_secret": "s"}, "api_secret is set but api_key is not"),
        ({"api_key": "k", "api_secret": "s", "username": "u"}, "username is set but password"),
        ({"api_key": "k", "api_secret": "s", "password": "p"}, "password is set but username"),
        ({"api_key": "k", "username": "u", "password": "p"}, "needs the API secret"),
        ({"api_key": "  "}, "api_key must be a non-empty string"),
    ],
)
def test_incomplete_credentials_say_what_to_set(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings(**values)


@pytest.mark.parametrize(
    ("var", "raw"),
    [("TPNB_PACE_LIMITS", "lots"), ("TPNB_CACHE_EXPIRY", "reviews"), ("TPNB_DEMO", "maybe")],
)
def test_bad_environment_values_name_the_variable(var: str, raw: str) -> None:
    with pytest.raises(ConfigError, match=var):
        Settings.from_env({var: raw})


def test_settings_are_frozen_and_replace_validates() -> None:
    s = Settings(api_key="k")
    with pytest.raises(AttributeError):
        s.api_key = "other"  # type: ignore[misc]
    assert s.replace(timeout=3).timeout == 3.0
    with pytest.raises(ConfigError):
        s.replace(timeout=-1)
