"""Pure parts of the session layer: cache policy and keys, pacing, retry decisions, stats."""

from __future__ import annotations

import threading

import pytest
import requests
from requests_cache import DO_NOT_CACHE
from requests_cache.policy.expiration import get_url_expiration

from tpnb.config import DEFAULT_CACHE_EXPIRY, Settings
from tpnb.http.cachepolicy import (
    fingerprint,
    make_filter_fn,
    make_key_fn,
    resource_class,
    urls_expire_after,
)
from tpnb.http.pacing import MARGIN, Pacer
from tpnb.http.retry import RetryPolicy, parse_retry_after
from tpnb.http.stats import Stats

BASE = "http://127.0.0.1:8765/v1"
CASES = {
    "/oauth/oauth-business-users-for-applications/accesstoken": "never",
    "/private/business-units/abc/reviews": "private",
    "/business-units/find?name=x.example": "business_unit_ids",
    "/business-units/abc/reviews?page=2": "reviews",
    "/reviews/0123": "reviews",
    "/reviews/latest?language=en": "reviews",
    "/consumers/c1/reviews": "reviews",
    "/product-reviews/business-units/abc/reviews": "reviews",
    "/business-units/abc": "profiles",
    "/business-units/abc/profileinfo": "profiles",
    "/business-units/abc/web-links?locale=en-US": "profiles",
    "/consumers/c1/profile": "profiles",
    "/categories?country=DK": "resources",
    "/resources/images/stars/4": "resources",
    "/business-units/abc/something-new": "default",
}


@pytest.mark.parametrize(("path", "expected"), CASES.items())
def test_resource_class(path: str, expected: str) -> None:
    assert resource_class(BASE + path) == expected


@pytest.mark.parametrize("path", CASES)
def test_requests_cache_patterns_agree_with_resource_class(path: str) -> None:
    expiry = dict(DEFAULT_CACHE_EXPIRY)
    got = get_url_expiration(BASE + path, urls_expire_after(expiry))
    name = resource_class(BASE + path)
    if name == "default":
        assert got is None  # falls through to the session-wide expire_after
    elif name in ("never", "private"):
        assert got == DO_NOT_CACHE
    else:
        assert got == expiry[name]


def _request(url: str, **headers: str) -> requests.PreparedRequest:
    return requests.Request("GET", url, headers=headers).prepare()


def test_key_fn_partitions_by_api_key_and_user() -> None:
    user = {"id": "u1"}
    key_a = make_key_fn(fingerprint("apikey", "A"), lambda: user["id"])
    key_b = make_key_fn(fingerprint("apikey", "B"), lambda: user["id"])
    public = _request(BASE + "/business-units/abc", apikey="A")
    assert key_a(public) != key_b(public)  # two api keys never share an entry
    assert key_a(public) == key_a(_request(BASE + "/business-units/abc", apikey="A"))
    private = _request(BASE + "/private/reviews/1", Authorization="Bearer t1")
    first = key_a(private)
    # the token rotates: same user, same key
    assert key_a(_request(BASE + "/private/reviews/1", Authorization="Bearer t2")) == first
    user["id"] = "u2"
    assert key_a(private) != first  # another business user: another key
    assert key_a(public) == key_a(_request(BASE + "/business-units/abc", apikey="A"))


def test_filter_fn_refuses_oauth_redirects_and_zero_classes() -> None:
    keep = make_filter_fn({**DEFAULT_CACHE_EXPIRY, "reviews": 0.0})

    def response(path: str, history: bool = False) -> requests.Response:
        r = requests.Response()
        r.url = BASE + path
        r.status_code = 200
        if history:
            r.history = [requests.Response()]
        return r

    assert keep(response("/business-units/abc"))
    assert not keep(response("/business-units/abc", history=True))
    assert not keep(response("/oauth/oauth-business-users-for-applications/accesstoken"))
    assert not keep(response("/business-units/abc/reviews"))
    assert not keep(response("/private/reviews/1"))


def test_fingerprint_is_one_way_and_stable() -> None:
    fp = fingerprint("apikey", "secret-value")
    assert fp == fingerprint("apikey", "secret-value")
    assert "secret-value" not in fp
    assert len(fp) == 32
    assert fp != fingerprint("apikey", "secret-valuf")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_pacer_sleeps_instead_of_exceeding() -> None:
    clock = FakeClock()
    pacer = Pacer([(3, 10.0), (5, 100.0)], clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(7):
        pacer.acquire()
        times.append(clock.now)
    for calls, window in pacer.limits:
        for i in range(len(times) - calls):
            assert times[i + calls] - times[i] >= window  # never more than `calls` per window
    assert clock.slept  # it waited rather than failed


def test_pacer_counts_a_call_from_when_its_response_came_back() -> None:
    """The server counts arrivals; a slow call must not let the next one in early."""
    clock = FakeClock()
    pacer = Pacer([(1, 1.0)], clock=clock, sleep=clock.sleep)
    first = pacer.reserve()
    clock.now = 0.6  # the response came back 0.6 s after sending (the server saw it in between)
    pacer.done(first)
    second = pacer.reserve()
    # a full window after the *response*, not after the send: 0.6 + 1.0 stretched by MARGIN
    assert second.stamp >= 0.6 + 1.0
    assert second.waited == pytest.approx(1.0 * (1 + MARGIN))


def test_pacer_is_thread_safe() -> None:
    pacer = Pacer([(1000, 60.0)])
    threads = [
        threading.Thread(target=lambda: [pacer.acquire() for _ in range(100)]) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert pacer.delay() == 0.0  # 800 < 1000: nobody had to wait
    assert sum(len(d) for d in pacer._sent) == 800


def test_pacer_tells_its_listeners_before_each_wait() -> None:
    clock = FakeClock()
    pacer = Pacer([(2, 10.0)], clock=clock, sleep=clock.sleep)
    heard: list[tuple[float, float]] = []  # (seconds announced, clock when announced)
    unwatch = pacer.watch(lambda seconds: heard.append((seconds, clock.now)))
    pacer.watch(lambda _seconds: 1 / 0)  # a failing listener does not stop the call
    for _ in range(3):
        pacer.acquire()
    # the third call waited a full window (stretched by MARGIN), announced before the wait
    assert heard == [(pytest.approx(10.0 * (1 + MARGIN)), 0.0)]
    assert clock.slept == [heard[0][0]]
    unwatch()
    unwatch()  # idempotent
    pacer.acquire()
    pacer.acquire()
    assert len(clock.slept) == 2  # waited again
    assert len(heard) == 1  # and told no one
    with pytest.raises(TypeError, match="callable"):
        pacer.watch("not a function")  # type: ignore[arg-type]


def test_pacer_rejects_bad_limits() -> None:
    with pytest.raises(ValueError, match="calls >= 1"):
        Pacer([(0, 1.0)])


def test_retry_decisions() -> None:
    policy = RetryPolicy(max_retries=3, backoff_factor=1.0, backoff_max=5.0, retry_after_max=10.0)
    assert policy.should_retry_status("GET", 503)
    assert policy.should_retry_status("POST", 429)
    assert not policy.should_retry_status("POST", 503)  # not idempotent
    assert not policy.should_retry_status("GET", 404)
    assert policy.should_retry_error("GET", requests.ConnectionError())
    assert not policy.should_retry_error("POST", requests.ReadTimeout())
    assert policy.should_retry_error("POST", requests.ConnectTimeout())
    assert policy.wait_for(0, 3.0) == 3.0
    assert policy.wait_for(0, 11.0) is None  # longer than the cap: give up
    waits = [policy.backoff(n, rng=lambda: 0.5) for n in range(5)]
    assert waits == sorted(waits)
    assert max(waits) == 5.0
    assert policy.backoff(1, rng=lambda: 0.0) < policy.backoff(1, rng=lambda: 0.99)  # jitter


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0


def test_stats_snapshot_reset_and_repr() -> None:
    stats = Stats()
    stats.add("requests", 3)
    stats.add("cache_hits")
    stats.add("bytes_received", 4096)
    before = stats.snapshot()
    stats.add("requests")
    assert (stats.snapshot() - before).requests == 1
    assert stats.requests == 4
    assert stats.as_dict()["cache_hits"] == 1
    assert "4 requests sent" in repr(stats)
    assert "4.0 KiB" in repr(stats)
    stats.reset()
    assert stats.as_dict()["requests"] == 0


def test_settings_expiry_feeds_policy() -> None:
    s = Settings(cache_expiry={"reviews": 0})
    keep = make_filter_fn(s.cache_expiry)
    r = requests.Response()
    r.url = BASE + "/business-units/abc/reviews"
    assert not keep(r)


def test_a_hold_makes_every_call_wait_and_is_announced() -> None:
    """A 429's Retry-After holds the pacer: the next call of any thread waits the rest of it,
    told to the watchers first; a shorter hold does not shorten a longer one."""
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer([(1000, 60.0)], clock=lambda: now[0], sleep=sleep)
    told: list[float] = []
    pacer.watch(told.append)
    pacer.hold(30.0)
    pacer.hold(5.0)  # an earlier, longer hold is kept
    now[0] += 10.0
    assert pacer.delay() == 20.0
    assert pacer.acquire() == 20.0
    assert told == slept == [20.0]
    assert pacer.acquire() == 0.0  # the hold is over
    pacer.hold(0.0)
    pacer.hold(-1.0)  # nothing to hold
    assert pacer.delay() == 0.0
