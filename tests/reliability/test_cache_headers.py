"""Invalid or absurd freshness headers from a server never break a URL.

A small server of the test's own (Flask on loopback) answers a public business-unit URL with the
headers under test. RFC 9111 §5.3: an invalid ``Expires`` (garbage, empty, a date Python cannot
represent) means already expired; §1.2.2: a ``max-age`` too large is clamped; an invalid
(negative, non-numeric) one makes the response stale, never "kept forever" (requests-cache reads
``max-age=-1`` as *never expire*). Each case calls three times through a real Connection with the
SQLite cache: every call must return the body, and the cache must behave as the rule says.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response, request
from kit.ledger import LEDGER
from kit.truth import COMPLETE, WRONG
from werkzeug.serving import make_server

from tpnb.config import MAX_CACHE_SECONDS, Settings
from tpnb.http.cachepolicy import sanitize_cache_headers
from tpnb.http.connection import Connection

ROW = "bad cache headers (Expires, max-age) from the server"
UNIT = "5f0c1b9b810c19729de860ea"


class HeaderServer:
    """Answers ``/v1/business-units/<id>`` with ``self.headers``; counts the requests."""

    def __init__(self) -> None:
        self.app = Flask("header-server")
        self.headers: dict[str, str] = {}
        self.hits = 0
        self.app.add_url_rule("/v1/business-units/<unit>", "unit", self.unit)

    def unit(self, unit: str) -> Response:
        self.hits += 1
        etag = '"v1"'
        if "ETag" in self.headers and request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=self.headers)
        response = Response(
            f'{{"id": "{unit}", "displayName": "Header Test"}}', mimetype="application/json"
        )
        response.headers.update(self.headers)
        return response


@pytest.fixture
def header_server() -> Iterator[tuple[HeaderServer, str]]:
    fake = HeaderServer()
    server = make_server("127.0.0.1", 0, fake.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        thread.join(timeout=10)


#: headers -> True when the second call must be a cache hit (a fresh entry), False when it must
#: reach the server again (expired or stale)
CASES: dict[str, tuple[dict[str, str], bool]] = {
    "Expires garbage": ({"Expires": "garbage"}, False),
    "Expires empty": ({"Expires": ""}, False),
    "Expires beyond year 9999": ({"Expires": "Fri, 31 Dec 9999 23:59:59 -2359"}, False),
    "Expires year 0": ({"Expires": "Sat, 01 Jan 0000 00:00:00 GMT"}, False),
    "Expires 0": ({"Expires": "0"}, False),
    "Expires far future": ({"Expires": "Fri, 31 Dec 9999 23:59:59 GMT"}, True),
    "max-age 999999999999": ({"Cache-Control": "public, max-age=999999999999"}, True),
    "max-age 10^40": ({"Cache-Control": "max-age=" + "9" * 40}, True),
    "max-age -1": ({"Cache-Control": "max-age=-1"}, False),
    "max-age abc": ({"Cache-Control": "max-age=abc"}, False),
    "max-age empty": ({"Cache-Control": "max-age="}, False),
    "max-age quoted": ({"Cache-Control": 'max-age="600"'}, True),
    "max-age absurd + Expires garbage": (
        {"Cache-Control": "max-age=999999999999", "Expires": "garbage"},
        True,
    ),
    "stale-if-error absurd": ({"Cache-Control": "max-age=60, stale-if-error=99999999999999"}, True),
    "max-age 0 + ETag, 304 with Expires garbage": (
        {"Cache-Control": "max-age=0", "ETag": '"v1"', "Expires": "garbage"},
        False,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_cache_headers_never_break_a_url(
    header_server: tuple[HeaderServer, str], tmp_path: Path, case: str
) -> None:
    fake, base = header_server
    fake.headers, fresh = CASES[case]
    settings = Settings(
        api_key="hdr-key",
        base_url=base,
        cache_backend="sqlite",
        cache_path=tmp_path / "c.sqlite",
        token_dir=tmp_path / "tokens",
        max_retries=0,
    )
    outcome, note = COMPLETE, ""
    with Connection(settings) as conn:
        try:
            bodies = [conn.get_json(f"/business-units/{UNIT}") for _ in range(3)]
        except Exception as error:  # judged below
            outcome, note = WRONG, f"{type(error).__name__}: {error}"
            bodies = []
        if outcome == COMPLETE and any(
            body != {"id": UNIT, "displayName": "Header Test"} for body in bodies
        ):
            outcome, note = WRONG, f"wrong body {bodies}"
        expected_hits = 1 if fresh else 3
        if outcome == COMPLETE and fake.hits != expected_hits:
            outcome, note = WRONG, f"{fake.hits} server hits, expected {expected_hits}"
    LEDGER.record(ROW, outcome, f"{case}: {note}")
    assert outcome == COMPLETE, f"{case}: {note}"


def test_sanitize_rewrites_only_what_is_invalid() -> None:
    now = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)
    headers: dict[str, Any] = {
        "Cache-Control": "public, max-age=999999999999, must-revalidate, s-maxage=-4",
        "Expires": "garbage",
        "ETag": '"x"',
    }
    changed = sanitize_cache_headers(headers, now=now)
    assert sorted(changed) == ["Cache-Control", "Expires"]
    assert headers["Cache-Control"] == (
        f"public, max-age={int(MAX_CACHE_SECONDS)}, must-revalidate, s-maxage=0"
    )
    assert headers["Expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert headers["ETag"] == '"x"'
    valid = {"Cache-Control": "private, max-age=60", "Expires": "Sun, 01 Jun 2025 10:00:00 GMT"}
    assert sanitize_cache_headers(dict(valid), now=now) == []
    far = {"Expires": "Fri, 31 Dec 9999 23:59:59 GMT"}
    assert sanitize_cache_headers(far, now=now) == ["Expires"]
    assert far["Expires"] == "Wed, 30 May 2035 00:00:00 GMT"  # now + ten years (365-day years)
