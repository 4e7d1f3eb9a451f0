"""Argument validation: normal forms, and clear errors naming what is wrong and what is allowed."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from tpnb import params
from tpnb.errors import ConfigError


def test_business_unit_id_or_domain() -> None:
    assert params.business_unit("507F191E810C19729DE860EA").id == "507f191e810c19729de860ea"
    assert params.business_unit("Example.COM").domain == "example.com"
    assert params.business_unit("https://www.example.com/path?q=1").domain == "www.example.com"


@pytest.mark.parametrize("bad", ["", "   ", "not a domain", "abc", "12345", "-x.com"])
def test_business_unit_bad(bad: str) -> None:
    with pytest.raises(ConfigError, match=r"24-hex|must not be empty"):
        params.business_unit(bad)


def test_business_unit_wrong_type() -> None:
    with pytest.raises(ConfigError, match="must be a string"):
        params.business_unit(42)


@pytest.mark.parametrize("bad", ["123", "507f191e810c19729de860eZ", "507f191e810c19729de860ea0"])
def test_review_id_form(bad: str) -> None:
    with pytest.raises(ConfigError, match="24 hexadecimal"):
        params.review_id(bad)


def test_stars_forms() -> None:
    assert params.stars(None) is None
    assert params.stars(5) == (5,)
    assert params.stars([5, 4, 4]) == (4, 5)
    assert params.stars("1, 2") == (1, 2)


@pytest.mark.parametrize("bad", [0, 6, [1, 7], "4,x", True, 4.0, []])
def test_stars_bad(bad: object) -> None:
    with pytest.raises(ConfigError, match="1 to 5"):
        params.stars(bad)


def test_languages() -> None:
    assert params.languages("EN") == ("en",)
    assert params.languages(["en", "da", "en"]) == ("en", "da")
    assert params.languages("en,de") == ("en", "de")
    assert params.languages("all") is None


@pytest.mark.parametrize("bad", ["english", "e", "en-GB", ["en", 3], "12"])
def test_languages_bad(bad: object) -> None:
    with pytest.raises(ConfigError, match="ISO 639-1"):
        params.languages(bad)


def test_order_by() -> None:
    assert params.order_by("createdat.desc") == ("createdat.desc",)
    assert params.order_by(["stars.desc", "created_at.asc"]) == ("stars.desc", "createdat.asc")
    with pytest.raises(ConfigError, match=r"createdat\.asc"):
        params.order_by("newest")
    with pytest.raises(ConfigError, match="twice"):
        params.order_by("stars.asc,stars.desc")


def test_limit() -> None:
    assert params.limit(None) is None
    assert params.limit(0) == 0
    with pytest.raises(ConfigError, match=">= 0"):
        params.limit(-1)
    with pytest.raises(ConfigError, match="integer"):
        params.limit(2.5)
    with pytest.raises(ConfigError, match="integer"):
        params.limit(True)


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-01",
        "2024-05-01T00:00:00",
        "2024-05-01T00:00:00Z",
        "2024-05-01T02:00:00+02:00",
        date(2024, 5, 1),
        datetime(2024, 5, 1),
        datetime(2024, 5, 1, 2, tzinfo=timezone(timedelta(hours=2))),
        pd.Timestamp("2024-05-01"),
        pd.Timestamp("2024-05-01", tz="UTC"),
    ],
)
def test_timestamps_naive_is_utc(value: object) -> None:
    ts = params.timestamp(value, "since")
    assert ts == pd.Timestamp("2024-05-01T00:00:00Z")
    assert str(ts.tz) == "UTC"


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01", 20240501])
def test_timestamp_bad(bad: object) -> None:
    with pytest.raises(ConfigError, match="since"):
        params.timestamp(bad, "since")


def test_date_range_order() -> None:
    start, end = params.date_range("2024-01-01", "2024-02-01")
    assert start is not None
    assert end is not None
    assert start < end
    with pytest.raises(ConfigError, match=r"since .* must be before until"):
        params.date_range("2024-02-01", "2024-01-01")
    with pytest.raises(ConfigError, match="must be before"):
        params.date_range("2024-02-01", "2024-02-01")


def test_api_datetime() -> None:
    ts = params.timestamp("2024-05-01T13:37:05.9+01:00", "since")
    assert ts is not None
    assert params.api_datetime(ts) == "2024-05-01T12:37:05"


def test_a_lone_pair_of_tags_is_read_by_its_colons() -> None:
    assert params.tags(("source", "web")) == [{"group": "source", "value": "web"}]
    assert params.tags(("source:web", "topic:delivery")) == [
        {"group": "source", "value": "web"},
        {"group": "topic", "value": "delivery"},
    ]
    assert params.tags([("source", "a:b")]) == [{"group": "source", "value": "a:b"}]
    with pytest.raises(ConfigError, match="ambiguous"):
        params.tags(("source", "a:b"))


def test_small_values() -> None:
    assert params.country("gb") == "GB"
    assert params.locale("en_gb") == "en-GB"
    assert params.find_reviewer("not_contacted") == "notContacted"
    assert params.skus("A-1,B-2") == ("A-1", "B-2")
    assert params.tags(["g:v", ("a", "b"), {"group": "x", "value": "y"}]) == [
        {"group": "g", "value": "v"},
        {"group": "a", "value": "b"},
        {"group": "x", "value": "y"},
    ]
    for call, match in [
        (lambda: params.country("GBR"), "alpha-2"),
        (lambda: params.locale("english"), "en-GB"),
        (lambda: params.find_reviewer("maybe"), "contacted"),
        (lambda: params.skus(None, required=True), "skus is required"),
        (lambda: params.tags(["novalue"]), "group:value"),
        (lambda: params.location_id("x"), "UUID"),
        (lambda: params.flag("yes", "responded"), "True, False or None"),
        (lambda: params.count(101, "count", 1, 100), "1 to 100"),
    ]:
        with pytest.raises(ConfigError, match=match):
            call()
