"""Full pulls while reviews are deleted and added mid-walk: exact results, or a typed error.

The emulator's admin deletes reviews on both ends and in the middle of the list and adds one
backdated and one new review *between two of the client's own requests* (a hook on the
connection), so the edits land mid-walk at a known point. The API's depth cap is lowered to
1,000 records on both sides (as the reliability suite does) so the capped paths run too.

A pull is exact when it returns every review that existed for the whole walk, once, and no
review that never existed.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for

from tpnb.emulator import EmulatorOptions, EmulatorServer, serve
from tpnb.paging.slicing import overlap_window

SMALL_CAP = 1_000
UTC = timezone.utc


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """A private small emulator (it is edited) with the depth cap lowered on both sides."""
    from tpnb.paging import walkers

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(walkers, "API_RECORD_CAP", SMALL_CAP)
        options = EmulatorOptions(
            scale=0.03, rate_limits=((10_000_000, 300.0),), record_cap=SMALL_CAP
        )
        with serve(options) as srv:
            yield srv


def _unit(server: EmulatorServer) -> str:
    """The demo user's largest unit (private pulls need access; it is over the cap)."""
    ds = server.dataset
    user = ds.user_by_username(server.credentials["username"])
    bu = max(user.business_unit_ids, key=lambda b: len(ds.query_reviews(business_unit_id=b)))
    assert len(ds.query_reviews(business_unit_id=bu)) > 2 * SMALL_CAP
    return bu


def _ids(server: EmulatorServer, bu: str, **query: Any) -> set[str]:
    ds = server.dataset
    return {ds.review_id(int(r)) for r in ds.query_reviews(business_unit_id=bu, **query)}


def _ordered(server: EmulatorServer, bu: str, **query: Any) -> list[str]:
    """Ids oldest first (the emulator orders newest first by default)."""
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=bu, order_by=(("createdat", "asc"),), **query)
    return [ds.review_id(int(r)) for r in rows]


def _editor(server: EmulatorServer, bu: str, query: dict[str, Any]) -> Callable[[], None]:
    """Delete reviews at both ends and in the middle, add a backdated and a new review."""
    step = [0]

    def edit() -> None:
        step[0] += 1
        order = _ordered(server, bu, **query)
        k = step[0]
        for review_id in {order[k], order[k + 150], order[len(order) // 2], order[-1 - k]}:
            server.admin.delete_review(review_id)
        middle = server.dataset.review_json(
            int(server.dataset.review_row(order[len(order) // 3])), server.api_url
        )
        backdated = pd.Timestamp(middle["createdAt"]).to_pydatetime() + timedelta(seconds=k)
        for created in (backdated, datetime.now(UTC) - timedelta(seconds=k)):
            server.admin.add_review(
                bu, stars=5, title="added mid-walk", text="new", created_at=created
            )

    return edit


def _edit_after(tp: Any, calls: tuple[int, ...], action: Callable[[], None]) -> None:
    """Run ``action`` once the client's ``calls[i]``-th GET has returned (mid-walk edits)."""
    conn = tp.connection
    original = conn.get_json
    count = [0]
    lock = threading.Lock()  # pages run in several threads: one edit at a time

    def get_json(*args: Any, **kwargs: Any) -> Any:
        out = original(*args, **kwargs)
        with lock:
            count[0] += 1
            if count[0] in calls:
                action()
        return out

    conn.get_json = get_json


def _assert_exact(frame: pd.DataFrame, before: set[str], after: set[str]) -> None:
    ids = list(frame["id"])
    assert len(ids) == len(set(ids)), "duplicate rows"
    missing = (before & after) - set(ids)
    assert not missing, f"{len(missing)} reviews that existed throughout are missing"
    assert set(ids) <= before | after, "a review that never existed"


PULLS: dict[str, tuple[Callable[[Any, str], pd.DataFrame], dict[str, Any]]] = {
    "public": (lambda tp, bu: tp.reviews(bu, progress=False), {}),
    "all_reviews": (lambda tp, bu: tp.all_reviews(bu, progress=False), {}),
    "private": (
        lambda tp, bu: tp.private_reviews(bu, progress=False),
        {"include_reported": True},
    ),
}


@pytest.mark.parametrize("kind", list(PULLS))
def test_full_pull_exact_under_edits(server: EmulatorServer, tmp_path: Path, kind: str) -> None:
    pull, query = PULLS[kind]
    bu = _unit(server)
    before = _ids(server, bu, **query)
    tp = client_for(server, tmp_path)
    with tp:
        _edit_after(tp, (3, 7, 12), _editor(server, bu, query))
        frame = pull(tp, bu)
    _assert_exact(frame, before, _ids(server, bu, **query))


def test_private_range_exact_under_edits(server: EmulatorServer, tmp_path: Path) -> None:
    bu = _unit(server)
    order = _ordered(server, bu, include_reported=True)
    ds = server.dataset
    stamp = [ds.review_json(int(ds.review_row(order[i])), server.api_url)["createdAt"]
             for i in (len(order) // 10, len(order) * 9 // 10)]  # fmt: skip
    start, end = (pd.Timestamp(s).to_pydatetime() for s in stamp)
    query = {"include_reported": True, "start": start, "end": end}
    before = _ids(server, bu, **query)
    tp = client_for(server, tmp_path)
    with tp:
        _edit_after(tp, (2, 5), _editor(server, bu, {"include_reported": True}))
        frame = tp.private_reviews(bu, since=start, until=end, progress=False)
    _assert_exact(frame, before, _ids(server, bu, **query))


FILTERS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # name: (tp.reviews keywords, the same as Dataset.query_reviews keywords)
    "stars over the cap": ({"stars": [1, 2, 3, 4]}, {"stars": {1, 2, 3, 4}}),
    "stars": ({"stars": [1, 2]}, {"stars": {1, 2}}),
    "language": ({"language": "pl"}, {"languages": ("pl",)}),
    "responded": ({"responded": True}, {"responded": True}),
    "tags": (
        {"tag_group": "generic", "tag_value": "app"},
        {"tag_group": "generic", "tag_value": "app"},
    ),
    "location": ({"location": "<busiest>"}, {"location_id": "<busiest>"}),
    "small mix": (
        {"stars": [1, 2, 3], "language": "en", "responded": True},
        {"stars": {1, 2, 3}, "languages": ("en",), "responded": True},
    ),
    "mix": (
        {"stars": [4, 5], "language": "en", "responded": False},
        {"stars": {4, 5}, "languages": ("en",), "responded": False},
    ),
}


def _filter(server: EmulatorServer, bu: str, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keywords of :data:`FILTERS` ``name``, the unit's busiest location filled in."""
    keywords, query = FILTERS[name]
    if name != "location":
        return keywords, query
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=bu)
    located = [ds.review_json(int(r), server.api_url).get("location") for r in rows]
    counts = Counter(str(loc["id"]) for loc in located if loc)
    busiest = counts.most_common(1)[0][0]
    return {"location": busiest}, {"location_id": busiest}


def _windows_to(n: int) -> int:
    """Pages an overlapping walk plans for an unchanging list of ``n`` reviews."""
    count, end = 1, min(n, 100)
    while end < n:
        window = overlap_window(end, cap=SMALL_CAP)
        assert window is not None
        end, count = min(n, window[0] + window[1]), count + 1
    return count


@pytest.mark.parametrize("name", ["stars", "language", "tags", "location", "small mix"])
def test_filtered_public_pull_costs_the_planned_pages(
    server: EmulatorServer, tmp_path: Path, name: str
) -> None:
    """One walk, nothing changing: the overlapping pages and at most the pages planned past the
    end at once (the concurrency), never a second walk."""
    bu = _unit(server)
    keywords, query = _filter(server, bu, name)
    n = len(_ids(server, bu, **query))
    assert 100 < n <= SMALL_CAP  # more than a page, within the cap
    tp = client_for(server, tmp_path)
    with tp:
        before = server.admin.request_count
        frame = tp.reviews(bu, progress=False, **keywords)
        spent = server.admin.request_count - before
    assert len(frame) == n
    assert math.ceil(n / 100) <= spent <= _windows_to(n) + tp.concurrency - 1
    assert spent <= 1.16 * math.ceil(n / 100) + tp.concurrency + 1


@pytest.mark.parametrize("name", list(FILTERS))
def test_filtered_public_pull_exact_under_edits(
    server: EmulatorServer, tmp_path: Path, name: str
) -> None:
    """Edits between the client's requests, all through the walk (overlapping pages)."""
    bu = _unit(server)
    keywords, query = _filter(server, bu, name)
    before = _ids(server, bu, **query)
    tp = client_for(server, tmp_path)
    pages = math.ceil(len(before) / 100)
    light = _editor(server, bu, query)
    step = [0]

    def edit() -> None:
        light()
        step[0] += 1
        if step[0] == 2:
            # more deleted before the walk's position than a page overlaps: a link breaks
            for review_id in _ordered(server, bu, **query)[:25]:
                server.admin.delete_review(review_id)

    _edit_after(tp, tuple(range(2, pages, 3)), edit)
    with tp:
        frame = tp.reviews(bu, progress=False, **keywords)
    after = _ids(server, bu, **query)
    # a review added and deleted again during the walk existed meanwhile: it may be there
    meanwhile = frame[~frame["id"].isin(before | after)]
    assert set(meanwhile["title"]) <= {"added mid-walk"}
    _assert_exact(frame, before, after | set(meanwhile["id"]))


@pytest.mark.parametrize("kind", ["public", "private"])
def test_requests_near_the_minimum_when_nothing_changes(
    server: EmulatorServer, tmp_path: Path, kind: str
) -> None:
    pull, query = PULLS[kind]
    bu = _unit(server)
    n = len(_ids(server, bu, **query))
    tp = client_for(server, tmp_path)
    with tp:
        before = server.admin.request_count
        frame = pull(tp, bu)
        spent = server.admin.request_count - before
    assert len(frame) == n
    pages = math.ceil(n / 100)
    if kind == "public":  # all-reviews: one request per 100 reviews, plus the unit's size
        assert spent == pages + 1
    else:  # by time: ~1 review per page comes again; each window adds at most one page
        windows = 3 * tp.concurrency
        assert pages < spent <= math.ceil(n / 99) + windows + 2
