"""Benchmark: one filter change in the ReviewExplorer on 100,000 reviews (target: ~100 ms).

Run: ``.venv/bin/python tests/benchmarks/bench_explorer_filter.py [repeats]``.

A "filter change" is what happens in the kernel when the user touches one control: build the
:class:`ReviewFilter`, select and sort the rows (:class:`ReviewIndex`), set ``explorer.value``
(the whole selection as a DataFrame) and render the visible page of the table. It is measured
by setting the control's ``.value``, exactly as a browser change does (no frontend is attached,
so the widget messages themselves are not sent). Reported: the median per kind of change, the
median over all, its ratio to the 100 ms target, and the same with linked RatingCharts (a
matplotlib redraw, shown for information: the chart has no 100 ms target).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the sample data

from kit.samples import make_reviews

from tpnb.widgets import RatingCharts, ReviewExplorer

TARGET_MS = 100.0
N_REVIEWS = 100_000


def changes(explorer: ReviewExplorer) -> list[tuple[str, Callable[[], None]]]:
    """A realistic sequence of single-control changes (each undone by a later one)."""
    f = explorer.filters
    top_language = str(f.language.options[1][1])
    return [
        ("stars on", lambda: setattr(f.star_buttons[0], "value", True)),
        ("language", lambda: setattr(f.language, "value", top_language)),
        ("replied", lambda: setattr(f.replied, "value", "Not replied")),
        ("sort", lambda: setattr(f.sort, "value", "most_liked")),
        ("text search", lambda: setattr(f.text, "value", "refund")),
        ("text cleared", lambda: setattr(f.text, "value", "")),
        ("sort back", lambda: setattr(f.sort, "value", "newest")),
        ("replied off", lambda: setattr(f.replied, "value", "Any reply status")),
        ("language off", lambda: setattr(f.language, "value", "any")),
        ("stars off", lambda: setattr(f.star_buttons[0], "value", False)),
    ]


def measure(
    explorer: ReviewExplorer, repeats: int, clock: Callable[[], float] = time.perf_counter
) -> dict[str, list[float]]:
    """Milliseconds of each change, ``repeats`` times, by ``clock`` (``time.process_time`` for
    the CPU time: on a shared machine the wall time also counts the waits for a core)."""
    samples: dict[str, list[float]] = {}
    for _ in range(repeats):
        for name, change in changes(explorer):
            t0 = clock()
            change()
            samples.setdefault(name, []).append((clock() - t0) * 1000)
    return samples


def report(title: str, samples: dict[str, list[float]]) -> float:
    print(title)
    for name, values in samples.items():
        print(f"  {name:<14} median {statistics.median(values):7.1f} ms  (max {max(values):.1f})")
    overall = statistics.median(v for values in samples.values() for v in values)
    print(f"  all changes    median {overall:7.1f} ms; ratio to the {TARGET_MS:.0f} ms target: "
          f"{overall / TARGET_MS:.2f}")  # fmt: skip
    return overall


def main(repeats: int = 5) -> None:
    t0 = time.perf_counter()
    reviews = make_reviews(N_REVIEWS)
    print(f"sample: {len(reviews):,} reviews ({time.perf_counter() - t0:.1f} s to build)")
    t0 = time.perf_counter()
    explorer = ReviewExplorer(reviews=reviews, progress=False, page_size=10)
    print(f"explorer ready (index + first render): {(time.perf_counter() - t0) * 1000:.0f} ms")
    explorer.filters.text.value = "warm-up"  # the text haystack is built on the first search
    explorer.filters.text.value = ""
    report("explorer alone (filter + value + table page):", measure(explorer, repeats))
    charts = RatingCharts(explorer.value)
    explorer.observe(lambda change: setattr(charts, "value", change["new"]), names="value")
    report(
        "explorer + linked RatingCharts (matplotlib redraw):",
        measure(explorer, max(1, repeats // 2)),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
