"""Benchmark: re-runs of ``tp.reviews()`` on the review store, and public-only syncs (issue 16).

Run: ``.venv/bin/python tests/benchmarks/bench_review_store.py [--scale 1.0]``

One run, the largest unit of the demo data set (124,000 reviews at scale 1.0), the emulator over
loopback in this process (its own rate limit lifted), **the client's pacing on** (tpnb's default
833 calls / 5 minutes, as a user runs it), requests counted by the emulator:

* the cold pull (``tp.reviews(unit)``: the store's first fill) against the minimum number of
  pages, ``ceil(reviews / 100)``;
* 5 new reviews, 1 edited (with a new company reply) on the newest page, 3 deleted, then the
  re-run: its requests against the cold pull's (target: at most 1 %), and its frame against the
  emulator's ground truth (the frame a fresh full pull gives). The store never reads the HTTP
  cache, so the pages' max-age does not matter: the re-run is the same an hour or a day later;
* a second re-run with nothing new;
* a public-only sync (API key alone) of the same unit: first sync against the minimum pages, a
  sync with nothing new (target: at most 3 requests), and one after 5 new / 1 edited / 3 deleted
  reviews (target: all 9 found, at most 10 requests).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd
from kit.clients import client_for
from kit.truth import truth_of

from tpnb.config import DEFAULT_PACE_LIMITS
from tpnb.emulator import serve
from tpnb.store import Archive


def _requests(server: Any) -> int:
    return int(server.admin.request_count)


def _newest_first(server: Any, unit: str) -> list[str]:
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
    return [ds.review_id(int(r)) for r in rows]


def _change(server: Any, unit: str, tag: str) -> tuple[list[str], str, list[str]]:
    """5 new reviews, 1 edited on the newest page (and replied to), 3 deleted (scattered)."""
    admin = server.admin
    added = [
        admin.add_review(unit, stars=s, title=f"{tag} {s}", text="benchmark", language="en")
        for s in (1, 2, 3, 4, 5)
    ]
    rows = _newest_first(server, unit)
    edited = rows[10]
    admin.update_review(edited, title=f"edited ({tag})")
    server.dataset.set_reply(edited, f"Thank you ({tag})")
    gone = [rows[len(rows) // 5], rows[len(rows) // 2], rows[-10]]
    for rid in gone:
        admin.delete_review(rid)
    return added, edited, gone


def measure(scale: float = 1.0) -> dict[str, Any]:
    """Every number of the module doc, as a dict (see :func:`main` for the printout)."""
    out: dict[str, Any] = {"scale": scale}
    with serve(scale=scale, rate_limits=((10**9, 300.0),)) as server:
        ds = server.dataset
        unit = max(
            ds.business_unit_ids(),
            key=lambda u: len(ds.query_reviews(business_unit_id=u, include_reported=True)),
        )
        listed = len(_newest_first(server, unit))
        out["unit"], out["reviews"], out["ideal_pages"] = unit, listed, -(-listed // 100)
        tmp = Path(tempfile.mkdtemp(prefix="tpnb-bench-store-"))
        paced = {"pace_limits": DEFAULT_PACE_LIMITS}
        with client_for(server, tmp / "store", review_store=tmp / "reviews.sqlite", **paced) as tp:
            before, t0 = _requests(server), time.perf_counter()
            cold = tp.reviews(unit, progress=False)
            out["cold_requests"] = _requests(server) - before
            out["cold_seconds"] = time.perf_counter() - t0
            out["cold_rows"] = len(cold)
            _change(server, unit, "pull")
            before, t0 = _requests(server), time.perf_counter()
            paced_before = tp.stats.paced_seconds
            again = tp.reviews(unit, progress=False)
            out["rerun_requests"] = _requests(server) - before
            out["rerun_seconds"] = time.perf_counter() - t0
            # right after the cold pull the pacer's window is full: the re-run waits for it
            out["rerun_paced_seconds"] = tp.stats.paced_seconds - paced_before
            truth = truth_of(server, private=False, business_unit_id=unit).frame
            try:
                pd.testing.assert_frame_equal(again.sort_values("id", ignore_index=True), truth)
                out["rerun_equals_truth"] = True
            except AssertionError:
                out["rerun_equals_truth"] = False
            before, t0 = _requests(server), time.perf_counter()
            paced_before = tp.stats.paced_seconds
            tp.reviews(unit, progress=False)
            out["quiet_rerun_requests"] = _requests(server) - before
            out["quiet_rerun_seconds"] = time.perf_counter() - t0
            out["quiet_rerun_paced_seconds"] = tp.stats.paced_seconds - paced_before
            store = tp.review_store
            assert store is not None
            t0 = time.perf_counter()
            store.reviews(unit)
            out["store_read_seconds"] = time.perf_counter() - t0
            out["requests_saved"] = tp.stats.requests_saved
            out["paced_seconds"] = tp.stats.paced_seconds
        with (
            client_for(server, tmp / "public", user=False, api_secret=None, **paced) as public,
            Archive(tmp / "public.sqlite") as archive,
        ):
            listed = len(_newest_first(server, unit))
            first = public.sync(unit, archive)
            out["sync_first_requests"] = first.requests
            out["sync_first_ideal"] = -(-listed // 100)
            out["sync_first_seconds"] = first.seconds
            out["sync_first_complete"] = archive.review_ids(unit) == set(
                _newest_first(server, unit)
            )
            quiet = public.sync(unit, archive)
            out["sync_quiet_requests"] = quiet.requests
            added, edited, gone = _change(server, unit, "sync")
            changed = public.sync(unit, archive)
            found = (
                len(set(added) & set(changed.added_ids))
                + len({edited} & set(changed.changed_ids))
                + len(set(gone) & set(changed.removed_ids))
            )
            out["sync_changed_requests"] = changed.requests
            out["sync_changed_found"] = found
            out["sync_changed_complete"] = archive.review_ids(unit) == set(
                _newest_first(server, unit)
            )
    return out


#: Trustpilot's documented limit (calls, seconds) that a careful naive script must keep to
RATE_LIMIT = (833, 300.0)
RERUNS = 4


def naive_paced_seconds(calls: int, measured: float) -> float:
    """A lower bound of the naive way's wall time under the rate limit: its measured time, or
    the time the limit alone imposes on its calls (the first 833 free, then 833 per 5 minutes),
    whichever is longer. A lower bound keeps the ratio against tpnb on the safe side."""
    count, window = RATE_LIMIT
    return max(measured, max(0, calls - count) * window / count)


def measure_week(scale: float = 1.0) -> dict[str, Any]:
    """Issue 17 target 2, an analyst's week: one cold full pull of the largest unit, then four
    re-runs after its pages went stale (changes made before each), side by side with the naive
    way (the official ``trustpilot`` package walking the pages each time).

    tpnb runs with its default pacing (833 calls / 5 minutes) and the review store, and every
    frame is compared with the emulator's ground truth. The review store never reads the HTTP
    cache, so "stale" needs no waiting. The naive way runs unpaced against this emulator (its
    rate limit lifted) and its time under the limit is :func:`naive_paced_seconds`, a lower
    bound; its calls are counted by the emulator.
    """
    from pulls import Target, pull_naive

    out: dict[str, Any] = {"scale": scale}
    with serve(scale=scale, rate_limits=((10**9, 300.0),)) as server:
        ds = server.dataset
        unit = max(
            ds.business_unit_ids(),
            key=lambda u: len(ds.query_reviews(business_unit_id=u, include_reported=True)),
        )
        tmp = Path(tempfile.mkdtemp(prefix="tpnb-bench-week-"))
        paced = {"pace_limits": DEFAULT_PACE_LIMITS}
        tpnb_requests = naive_requests = 0
        tpnb_seconds = naive_seconds = 0.0
        all_equal = True
        with client_for(server, tmp / "week", review_store=tmp / "reviews.sqlite", **paced) as tp:
            for run in range(1 + RERUNS):
                if run:
                    _change(server, unit, f"week {run}")
                before, t0 = _requests(server), time.perf_counter()
                frame = tp.reviews(unit, progress=False)
                tpnb_seconds += time.perf_counter() - t0
                tpnb_requests += _requests(server) - before
                truth = truth_of(server, private=False, business_unit_id=unit).frame
                try:
                    pd.testing.assert_frame_equal(frame.sort_values("id", ignore_index=True), truth)
                except AssertionError:
                    all_equal = False
                total = len(frame)
                target = Target(server.api_url, server.credentials["api_key"], unit, total)
                before, t0 = _requests(server), time.perf_counter()
                naive, _ = pull_naive(target)
                naive_seconds += time.perf_counter() - t0
                naive_requests += _requests(server) - before
                all_equal = all_equal and set(naive["id"]) == set(truth["id"])
            out["requests_saved"] = tp.stats.requests_saved
        out.update(
            unit=unit,
            reviews=total,
            runs=1 + RERUNS,
            tpnb_requests=tpnb_requests,
            tpnb_seconds=tpnb_seconds,
            naive_requests=naive_requests,
            naive_seconds=naive_seconds,
            naive_paced_seconds=naive_paced_seconds(naive_requests, naive_seconds),
            frames_equal_truth=all_equal,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    m = measure(args.scale)
    ratio = m["rerun_requests"] / m["cold_requests"]
    print(f"unit {m['unit']}: {m['reviews']} reviews (scale {m['scale']}), pacing on")
    print(
        f"cold pull:      {m['cold_requests']:5d} requests (ideal {m['ideal_pages']}),"
        f" {m['cold_seconds']:7.1f} s"
    )
    print(
        f"re-run after 5 new/1 edit/3 deleted: {m['rerun_requests']} requests"
        f" ({ratio:.2%} of cold; target <= 1%), {m['rerun_seconds']:.2f} s"
        f" ({m['rerun_paced_seconds']:.1f} s waiting for the pacer),"
        f" equals ground truth: {m['rerun_equals_truth']}"
    )
    print(
        f"re-run, nothing new: {m['quiet_rerun_requests']} requests,"
        f" {m['quiet_rerun_seconds']:.2f} s ({m['quiet_rerun_paced_seconds']:.1f} s paced);"
        f" reading {m['cold_rows']:,} reviews from the store: {m['store_read_seconds']:.2f} s"
    )
    print(f"tp.stats.requests_saved: {m['requests_saved']}, paced {m['paced_seconds']:.0f} s")
    print(
        f"public sync, first: {m['sync_first_requests']} requests (ideal"
        f" {m['sync_first_ideal']}), complete: {m['sync_first_complete']}"
    )
    print(f"public sync, nothing new: {m['sync_quiet_requests']} requests (target <= 3)")
    print(
        f"public sync, 5 new/1 edit/3 deleted: {m['sync_changed_requests']} requests"
        f" (target <= 10), found {m['sync_changed_found']}/9,"
        f" complete: {m['sync_changed_complete']}"
    )


if __name__ == "__main__":
    main()
