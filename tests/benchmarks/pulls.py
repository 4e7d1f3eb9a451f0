"""Three ways to pull every public review of one business unit, for side-by-side timing.

* :func:`pull_tpnb`: ``tp.reviews(unit)`` (the thing measured);
* :func:`pull_floor`: a bare ``requests`` loop sending the *same* requests with the *same*
  concurrency as tpnb (oldest-first pages, 4 in flight, up to the API's 100,000-record cap, then
  the keyset ``all-reviews`` walk from the newest end until it meets them) and only
  ``json.loads``-ing the bodies: no cache, no conversion, nothing a library could skip;
* :func:`pull_naive`: the official ``trustpilot`` package (PyPI) walking the same pages one at a
  time, then ``pandas.json_normalize`` per page and ``pandas.concat``: what a user without tpnb
  writes.
"""

from __future__ import annotations

import json
import math
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd
import requests

CAP = 100_000
PER_PAGE = 100
CONCURRENCY = 4  # tpnb's default (tpnb.paging.DEFAULT_CONCURRENCY)


@dataclass
class Target:
    """Where to pull from: the API root, the api key and the unit."""

    api_url: str
    api_key: str
    unit: str
    total: int  # the unit's numberOfReviews.total


def _reviews_url(t: Target) -> str:
    return f"{t.api_url}/business-units/{t.unit}/reviews"


def _all_url(t: Target) -> str:
    return f"{t.api_url}/business-units/{t.unit}/all-reviews"


def _asc_params(page: int) -> dict[str, Any]:
    return {"page": page, "perPage": PER_PAGE, "orderBy": "createdat.asc"}


def _pages_to_cap(total: int) -> int:
    return min(math.ceil(total / PER_PAGE), CAP // PER_PAGE)


def pull_floor(t: Target) -> tuple[int, int]:
    """The floor: same requests, same concurrency, bodies only ``json.loads``-ed.

    Returns:
        (distinct reviews received, requests sent).
    """
    local = threading.local()
    headers = {"apikey": t.api_key, "Accept": "application/json"}
    sent = 0
    lock = threading.Lock()

    def get(url: str, params: dict[str, Any]) -> Any:
        nonlocal sent
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        resp = session.get(url, params=params, headers=headers, timeout=60)
        resp.raise_for_status()
        with lock:
            sent += 1
        return json.loads(resp.content)

    get(f"{t.api_url}/business-units/{t.unit}", {})  # the size (tpnb asks it too)
    last = _pages_to_cap(t.total)
    ids: set[str] = set()
    first = get(_reviews_url(t), _asc_params(1))
    ids.update(r["id"] for r in first["reviews"])
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        pending: deque[Future[Any]] = deque()
        page = 2
        while page <= last or pending:
            while page <= last and len(pending) < CONCURRENCY:
                pending.append(pool.submit(get, _reviews_url(t), _asc_params(page)))
                page += 1
            body = pending.popleft().result()
            ids.update(r["id"] for r in body["reviews"])
    if t.total > CAP:
        token: str | None = None
        while True:
            params: dict[str, Any] = {"perPage": PER_PAGE}
            if token:
                params["pageToken"] = token
            body = get(_all_url(t), params)
            page_ids = [r["id"] for r in body["reviews"]]
            met = any(i in ids for i in page_ids)
            ids.update(page_ids)
            token = body.get("nextPageToken")
            if met or not token or not page_ids:
                break
    return len(ids), sent


def pull_naive(t: Target) -> tuple[pd.DataFrame, int]:
    """The naive way: the ``trustpilot`` package, page by page, then json_normalize + concat.

    Returns:
        (the frame, requests sent).
    """
    from trustpilot import client as tpc

    session = tpc.TrustpilotSession(api_host=t.api_url.rsplit("/v1", 1)[0], api_key=t.api_key)
    session.headers["apikey"] = t.api_key  # public calls need only the key header
    frames: list[pd.DataFrame] = []
    seen: set[str] = set()
    sent = 0

    def get(path: str, params: dict[str, Any]) -> Any:
        nonlocal sent
        resp = session.get(path, params=params)
        resp.raise_for_status()
        sent += 1
        return resp.json()

    get(f"/v1/business-units/{t.unit}", {})
    for page in range(1, _pages_to_cap(t.total) + 1):
        body = get(f"/v1/business-units/{t.unit}/reviews", _asc_params(page))
        seen.update(r["id"] for r in body["reviews"])
        frames.append(pd.json_normalize(body["reviews"]))
    if t.total > CAP:
        token: str | None = None
        while True:
            params: dict[str, Any] = {"perPage": PER_PAGE}
            if token:
                params["pageToken"] = token
            body = get(f"/v1/business-units/{t.unit}/all-reviews", params)
            reviews = body["reviews"]
            met = any(r["id"] in seen for r in reviews)
            fresh = [r for r in reviews if r["id"] not in seen]
            seen.update(r["id"] for r in reviews)
            if fresh:
                frames.append(pd.json_normalize(fresh))
            token = body.get("nextPageToken")
            if met or not token or not reviews:
                break
    frame = pd.concat(frames, ignore_index=True)
    session.close()
    return frame, sent


def pull_tpnb(tp: Any, unit: str) -> pd.DataFrame:
    """tpnb: one call."""
    return tp.reviews(unit, progress=False)
