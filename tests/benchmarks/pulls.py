"""Three ways to pull every public review of one business unit, for side-by-side timing.

* :func:`pull_tpnb`: ``tp.reviews(unit)`` (the thing measured);
* :func:`pull_floor`: a bare ``requests`` loop sending the *same* requests as tpnb (the unit's
  size, then the keyset ``all-reviews`` walk, one page after the other: each ``pageToken`` comes
  with the page before; tpnb uses it because it stays exact while reviews are added or deleted,
  see ``tpnb.paging.slicing``) and only ``json.loads``-ing the bodies: no cache, no conversion, nothing
  a library could skip;
* :func:`pull_naive`: the official ``trustpilot`` package (PyPI) walking the same pages, then
  ``pandas.json_normalize`` per page and ``pandas.concat``: what a user without tpnb writes.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import pandas as pd
import requests

PER_PAGE = 100


@dataclass
class Target:
    """Where to pull from: the API root, the api key and the unit."""

    api_url: str
    api_key: str
    unit: str
    total: int  # the unit's numberOfReviews.total


def _all_url(t: Target) -> str:
    return f"{t.api_url}/business-units/{t.unit}/all-reviews"


def pull_floor(t: Target) -> tuple[int, int]:
    """The floor: the same requests, one at a time, bodies only ``json.loads``-ed.

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
    ids: set[str] = set()
    token: str | None = None
    while True:
        params: dict[str, Any] = {"perPage": PER_PAGE}
        if token:
            params["pageToken"] = token
        body = get(_all_url(t), params)
        ids.update(r["id"] for r in body["reviews"])
        token = body.get("nextPageToken")
        if not token or not body["reviews"]:
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
    token: str | None = None
    while True:
        params: dict[str, Any] = {"perPage": PER_PAGE}
        if token:
            params["pageToken"] = token
        body = get(f"/v1/business-units/{t.unit}/all-reviews", params)
        reviews = [r for r in body["reviews"] if r["id"] not in seen]
        seen.update(r["id"] for r in reviews)
        if reviews:
            frames.append(pd.json_normalize(reviews))
        token = body.get("nextPageToken")
        if not token or not body["reviews"]:
            break
    frame = pd.concat(frames, ignore_index=True)
    session.close()
    return frame, sent


def pull_tpnb(tp: Any, unit: str) -> pd.DataFrame:
    """tpnb: one call."""
    return tp.reviews(unit, progress=False)
