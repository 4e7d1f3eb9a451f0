"""tpnb.http.results: whole results kept while every page is fresh (unit and against the emulator)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for
from kit.server import api_requests, unit_sizes

from tpnb.emulator import EmulatorServer
from tpnb.http.results import Recording, ResultCache

T0 = datetime(2024, 5, 1, tzinfo=timezone.utc)


def _response(expires: datetime | None, *, stored: bool = True, status: int = 200) -> Any:
    return SimpleNamespace(status_code=status, expires=expires, cache_key="k" if stored else None)


class _Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _kept(cache: ResultCache, key: str, *responses: Any) -> pd.DataFrame:
    frame = pd.DataFrame({"x": [1, 2, 3]})
    with cache.recording():
        for r in responses:
            cache.observe(r)
    rec = Recording()
    for r in responses:
        rec.observe(r)
    cache.put(key, frame, rec)
    return frame


def test_kept_until_the_earliest_page_expires() -> None:
    clock, hits = _Clock(), []
    cache = ResultCache(clock=clock, on_hit=hits.append)
    early, late = T0 + timedelta(seconds=60), T0 + timedelta(seconds=3600)
    frame = _kept(cache, "a", _response(late), _response(early), _response(late))
    got = cache.get("a")
    assert got is not None
    pd.testing.assert_frame_equal(got, frame)
    assert hits == [3]
    clock.now = early - timedelta(microseconds=1)
    assert cache.get("a") is not None
    clock.now = early
    assert cache.get("a") is None
    assert len(cache) == 0


@pytest.mark.parametrize(
    "bad",
    [
        _response(None),  # stored without expiry: kept forever by the HTTP cache, not here
        _response(T0 + timedelta(hours=1), stored=False),  # no-store / not cached
        _response(T0 + timedelta(hours=1), status=304),
    ],
)
def test_not_kept_when_a_page_was_not_stored_fresh(bad: Any) -> None:
    cache = ResultCache(clock=_Clock())
    _kept(cache, "a", _response(T0 + timedelta(hours=1)), bad)
    assert cache.get("a") is None


def test_naive_expiry_is_utc_and_copies_are_independent() -> None:
    clock = _Clock()
    cache = ResultCache(clock=clock)
    naive = (T0 + timedelta(seconds=10)).replace(tzinfo=None)
    frame = _kept(cache, "a", _response(naive))
    first = cache.get("a")
    assert first is not None
    first.loc[0, "x"] = 99
    again = cache.get("a")
    assert again is not None
    assert again["x"].tolist() == frame["x"].tolist()
    clock.now = T0 + timedelta(seconds=10)
    assert cache.get("a") is None


def test_least_recently_used_dropped_and_clear() -> None:
    cache = ResultCache(max_entries=2, clock=_Clock())
    for key in ("a", "b"):
        _kept(cache, key, _response(T0 + timedelta(hours=1)))
    assert cache.get("a") is not None  # "b" is now the least recently used
    _kept(cache, "c", _response(T0 + timedelta(hours=1)))
    assert cache.get("b") is None
    assert cache.get("a") is not None
    assert cache.get("c") is not None
    cache.clear()
    assert len(cache) == 0


def test_recording_sees_only_its_block() -> None:
    cache = ResultCache(clock=_Clock())
    cache.observe(_response(None))  # nobody records: ignored
    with cache.recording() as rec:
        cache.observe(_response(T0 + timedelta(seconds=5)))
    cache.observe(_response(None))
    assert rec.pages == 1
    assert rec.keepable
    assert rec.expires == T0 + timedelta(seconds=5)


def test_repeated_pull_sends_nothing_until_max_age(
    make_emulator: Callable[..., EmulatorServer], tmp_path: Path
) -> None:
    server = make_emulator(max_age={"review-list": 2})
    sizes = unit_sizes(server)
    bu = max(sizes, key=lambda b: sizes[b])
    tp = client_for(server, tmp_path)
    try:
        cold = tp.reviews(bu, progress=False)
        sent = api_requests(server)
        hits_before = tp.stats.cache_hits
        warm = tp.reviews(bu, progress=False)
        assert api_requests(server) == sent  # nothing sent
        assert tp.stats.cache_hits - hits_before >= -(-len(cold) // 100)  # one hit per page
        pd.testing.assert_frame_equal(warm, cold)
        warm.loc[0, "stars"] = 1 if cold.loc[0, "stars"] != 1 else 2  # the kept frame is not
        pd.testing.assert_frame_equal(tp.reviews(bu, progress=False), cold)  # touched
        assert len(tp.reviews(bu, progress=False, stars=5)) == int((cold["stars"] == 5).sum())
        time.sleep(2.2)  # the review pages' max-age passes: they are revalidated (304)
        before = tp.stats.snapshot()
        again = tp.reviews(bu, progress=False)
        spent = tp.stats.snapshot() - before
        # every page answered 304, but for at most the one page read ahead past the end (whether
        # it was requested before depends on thread timing)
        assert spent.revalidations >= -(-len(cold) // 100)
        assert spent.requests - spent.revalidations <= 1
        pd.testing.assert_frame_equal(again, cold)
    finally:
        tp.close()
