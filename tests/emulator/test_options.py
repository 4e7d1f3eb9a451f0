"""EmulatorOptions: defaults, checks with clear messages, and settings that reach the server."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import requests

from tpnb.emulator import EmulatorOptions, EmulatorServer, build_dataset, serve
from tpnb.emulator.options import (
    DATASET_NOW,
    DEFAULT_MAX_AGE,
    DEFAULT_RATE_LIMITS,
    DEFAULT_RECORD_CAP,
    DEFAULT_SEED,
)


def test_defaults_are_the_documented_numbers() -> None:
    options = EmulatorOptions()
    assert (options.seed, options.scale, options.now) == (DEFAULT_SEED, 1.0, DATASET_NOW)
    assert options.record_cap == DEFAULT_RECORD_CAP == 100_000
    assert options.rate_limits == DEFAULT_RATE_LIMITS == ((833, 300.0), (10_000, 3_600.0))
    assert options.token_lifetime == 360_000.0
    assert dict(options.max_age) == dict(DEFAULT_MAX_AGE)


def test_values_are_normalised_and_max_age_overrides_merge() -> None:
    options = EmulatorOptions(scale=1, rate_limits=[[10, 60]], max_age={"review": 5})  # type: ignore[arg-type]
    assert isinstance(options.scale, float)
    assert options.rate_limits == ((10, 60.0),)
    assert options.max_age["review"] == 5
    assert options.max_age["resources"] == DEFAULT_MAX_AGE["resources"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"seed": -1}, "seed must be a non-negative int"),
        ({"scale": 0}, "scale must be a finite number > 0"),
        ({"now": datetime(2026, 11, 1)}, "now must be a timezone-aware datetime"),
        ({"now": datetime(2020, 1, 1, tzinfo=timezone.utc)}, "now must be on or after"),
        ({"port": 70_000}, "port must be an int from 0 to 65535"),
        ({"token_lifetime": 0}, "token_lifetime must be > 0"),
        ({"refresh_limit": (5, 0)}, "refresh_limit"),
        ({"rate_limits": [(10, 0)]}, "rate limit"),
        ({"record_cap": 0}, "record_cap must be an int >= 1"),
        ({"max_age": {"nonsense": 1}}, "unknown max_age keys"),
        ({"webhook_timeout": 0}, "webhook_timeout must be > 0"),
    ],
)
def test_bad_values_name_the_setting(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EmulatorOptions(**settings)


def test_an_unknown_name_lists_the_settings() -> None:
    with pytest.raises(
        TypeError, match=r"unknown emulator option\(s\) \['record_limit'\].*record_cap"
    ):
        EmulatorOptions().replace(record_limit=5)
    with pytest.raises(TypeError, match="record_limit"):
        serve(record_limit=5, start=False)


def test_replace_keeps_the_other_settings() -> None:
    options = EmulatorOptions(scale=0.5, max_age={"review": 5}).replace(record_cap=10)
    assert (options.scale, options.record_cap, options.max_age["review"]) == (0.5, 10, 5)


def test_data_set_settings_do_not_go_with_a_data_set() -> None:
    with pytest.raises(ValueError, match="either dataset or seed/scale/now"):
        EmulatorServer(build_dataset(scale=0.01), scale=0.5)


def test_the_record_cap_reaches_the_review_lists() -> None:
    with serve(EmulatorOptions(scale=0.02, record_cap=50)) as server:
        assert server.options.record_cap == 50
        api = server.api_url
        headers = {"apikey": server.credentials["api_key"]}
        units = requests.get(f"{api}/business-units/all", headers=headers, timeout=30).json()
        big = max(units["businessUnits"], key=lambda u: u["numberOfReviews"]["total"])
        assert big["numberOfReviews"]["total"] > 50
        path = f"{api}/business-units/{big['id']}/reviews"
        last = requests.get(path, params={"perPage": 25, "page": 2}, headers=headers, timeout=30)
        beyond = requests.get(path, params={"perPage": 25, "page": 3}, headers=headers, timeout=30)
    assert len(last.json()["reviews"]) == 25
    assert "next-page" not in {link["rel"] for link in last.json()["links"]}
    assert beyond.json()["reviews"] == []
