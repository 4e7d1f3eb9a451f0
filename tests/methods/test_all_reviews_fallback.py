"""Full public pulls when ``all-reviews`` is missing, refused or unreadable: the documented
``/reviews`` offset walk instead (checked like a filtered walk), logged once, remembered."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.faultproxy import FaultProxy, Rule
from kit.server import ids_of, unit_sizes

from tpnb import endpoints
from tpnb.errors import NotFoundError

ALL_REVIEWS = r"/business-units/[^/]+/all-reviews"

REFUSALS = [
    (
        "404 json",
        404,
        b'{"message":"Not found","errorCode":1001,"correlationId":"c-1"}',
        "application/json",
    ),
    ("403 html", 403, b"<html><body>403 ERROR</body></html>", "text/html"),
    ("400 json", 400, b'{"message":"Unknown parameter","errorCode":2002}', "application/json"),
    ("unreadable 200", 200, b'{"items": []}', "application/json"),
]


@pytest.fixture(scope="module")
def unit(emulator: Any) -> str:
    """A unit of a few pages (so an offset walk is several requests)."""
    sizes = unit_sizes(emulator)
    return sorted((n, bu) for bu, n in sizes.items() if 250 <= n <= 1500)[0][1]


@pytest.mark.parametrize(("label", "status", "body", "content_type"), REFUSALS)
def test_refused_all_reviews_falls_back_to_verified_offsets(
    emulator: Any,
    tmp_path: Path,
    unit: str,
    caplog: pytest.LogCaptureFixture,
    label: str,
    status: int,
    body: bytes,
    content_type: str,
) -> None:
    with client_for(emulator, tmp_path / "direct") as direct:
        expected = direct.reviews(unit, progress=False)
        expected_newest = direct.reviews(unit, limit=30, progress=False)
    with FaultProxy(emulator.url) as proxy:
        rule = proxy.add(Rule(ALL_REVIEWS, status, body, content_type, times=None))
        with (
            client_for(emulator, tmp_path, base_url=proxy.url + "/v1") as tp,
            caplog.at_level(logging.WARNING, logger="tpnb"),
        ):
            got = tp.reviews(unit, progress=False)
            assert got.equals(expected), label
            assert tp.keyset_choice.refused
            tried = rule.hits
            assert tried >= 1
            # remembered for the connection: the next pulls go straight to the offsets
            again = tp.all_reviews(unit, progress=False)
            newest = tp.reviews(unit, limit=30, progress=False)
            assert rule.hits == tried
    assert sorted(again["id"]) == sorted(ids_of(emulator, business_unit_id=unit))
    assert again["created_at"].is_monotonic_decreasing
    assert newest.equals(expected_newest)
    said = [r for r in caplog.records if "all-reviews list is not usable" in r.getMessage()]
    assert len(said) == 1


def test_an_unknown_unit_is_not_taken_for_a_refused_list(emulator: Any, tmp_path: Path) -> None:
    with client_for(emulator, tmp_path) as tp:
        with pytest.raises(NotFoundError):
            tp.all_reviews("0" * 24, progress=False)
        assert not tp.keyset_choice.refused  # /reviews said 404 too: the unit is unknown


def test_all_reviews_sends_no_page_size(emulator: Any, tmp_path: Path, unit: str) -> None:
    seen: list[dict[str, Any]] = []
    with client_for(emulator, tmp_path) as tp:
        real = tp.connection.get_json

        def spy(path: str, params: Any = None, **kwargs: Any) -> Any:
            if path.endswith("/all-reviews"):
                seen.append(dict(params or {}))
            return real(path, params, **kwargs)

        tp.connection.get_json = spy  # type: ignore[method-assign]
        frame = tp.all_reviews(unit, progress=False)
    assert len(frame) == len(ids_of(emulator, business_unit_id=unit))
    assert seen  # however many pages the server's own page size makes
    assert seen[0] == {}  # the first page: no parameter at all
    assert all(set(params) == {"pageToken"} for params in seen[1:])


@pytest.mark.parametrize("per_page", [0, 101, 1000, True])
def test_review_lists_never_ask_for_more_than_100(
    emulator: Any, tmp_path: Path, unit: str, per_page: Any
) -> None:
    with client_for(emulator, tmp_path) as tp:
        before = tp.connection.stats.requests
        for call in (endpoints.list_business_unit_reviews, endpoints.list_consumer_reviews):
            with pytest.raises(ValueError, match=r"perPage of a review list .* 1 to 100"):
                call(tp.connection, unit, per_page=per_page)
        assert tp.connection.stats.requests == before
