"""Benchmark: how long the emulator's data set takes to build (the emulator's start-up cost).

Run: ``.venv/bin/python tests/benchmarks/bench_emulator_startup.py [runs]``. Reports the median
of a few ``build_dataset()`` runs at scale 1.0 and its ratio to the 1.5 s budget (the whole server
start-up target is 2 s), plus the cost of typical queries on the largest unit.
"""

from __future__ import annotations

import statistics
import sys
import time

BUDGET_S = 1.5


def main(runs: int = 5) -> None:
    """Build the data set ``runs`` times and print the timings."""
    t0 = time.perf_counter()
    from tpnb.emulator.data.dataset import build_dataset

    import_s = time.perf_counter() - t0
    times = []
    ds = None
    for _ in range(runs):
        t0 = time.perf_counter()
        ds = build_dataset()
        times.append(time.perf_counter() - t0)
    assert ds is not None
    median = statistics.median(times)
    reviews = ds.table.n
    print(f"import tpnb.emulator.data.dataset: {import_s * 1000:.0f} ms")
    print(f"build_dataset() at scale 1.0: median {median * 1000:.0f} ms of {runs} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); {reviews:,} reviews")  # fmt: skip
    print(f"ratio to the {BUDGET_S} s budget: {median / BUDGET_S:.2f}")
    big = max(ds.business_unit_ids(), key=lambda bu: ds.table.unit_rows[ds.units.index(bu)].size)
    queries = {
        "default order": {},
        "stars 1,2 + language en": {"stars": {1, 2}, "languages": {"en"}},
        "stars.desc,createdat.asc": {"order_by": [("stars", "desc"), ("createdat", "asc")]},
        "responded + tag": {"responded": True, "tag_group": "generic", "tag_value": "web"},
    }
    for name, kwargs in queries.items():
        samples = []
        for i in range(5):
            ds.reviews._query_cache.clear()
            t0 = time.perf_counter()
            rows = ds.query_reviews(business_unit_id=big, **kwargs)  # type: ignore[arg-type]
            samples.append(time.perf_counter() - t0)
            if i == 0:
                found = rows.size
        print(f"query_reviews on the {found:,}-row result ({name}): "
              f"median {statistics.median(samples) * 1000:.2f} ms")  # fmt: skip
    rows = ds.query_reviews(business_unit_id=big)
    t0 = time.perf_counter()
    for row in rows[:1000]:
        ds.review_json(int(row), "http://127.0.0.1/v1", private=True)
    per = (time.perf_counter() - t0) / 1000
    print(f"review_json (private): {per * 1e6:.0f} us per review ({1 / per:,.0f} reviews/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
