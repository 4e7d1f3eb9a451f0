"""Benchmark: filtered public pulls (issue 17, target 1): requests against the minimum.

Run standalone: ``.venv/bin/python tests/benchmarks/bench_filtered.py [--scale 0.1]``
(``run.py`` adds the same rows to its report, at its own scale).

For the issue's four pulls and a mixed filter, each cold (a fresh cache): the rows returned,
the requests the emulator received, and the minimum, ``ceil(rows / 100)`` pages of 100. The
target is at most ``1.05 x minimum + 2`` requests for every filtered pull (the unfiltered pull
reads ``all-reviews``, whose minimum adds the unit's size: ``+ 1``).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: name, unit (a domain of the demo data), the keywords of ``tp.reviews``
PULLS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("reviews(northwind, stars=[1])", "northwind-outdoor.example", {"stars": [1]}),
    ("reviews(northwind, language='en')", "northwind-outdoor.example", {"language": "en"}),
    ("reviews(bayside, stars=[1, 2])", "bayside-energy.example", {"stars": [1, 2]}),
    ("reviews(northwind) (no filter)", "northwind-outdoor.example", {}),
    (
        "reviews(northwind, stars=[4, 5], language='en', responded=True)",
        "northwind-outdoor.example",
        {"stars": [4, 5], "language": "en", "responded": True},
    ),
)


def allowed(minimum: int) -> float:
    """The target: requests at most this for a pull whose minimum is ``minimum`` pages."""
    return 1.05 * minimum + 2


def measure(
    connect: Callable[[Path], Any], unit_id: Callable[[str], str], count: Callable[[], int]
) -> list[dict[str, Any]]:
    """Each pull of :data:`PULLS`, cold: rows, requests, minimum, ratio, met.

    Args:
        connect: A fresh client with its own (empty) cache in the given folder.
        unit_id: The id of a unit by its domain.
        count: The API requests the emulator has received so far.
    """
    out = []
    for name, domain, keywords in PULLS:
        unit = unit_id(domain)  # before counting: tpnb would look a domain up as well
        tp = connect(Path(tempfile.mkdtemp(prefix="tpnb-bench-filtered-")))
        with tp:
            before = count()
            frame = tp.reviews(unit, progress=False, **keywords)
            requests = count() - before
        rows = len(frame)
        minimum = math.ceil(rows / 100) + (0 if keywords else 1)
        out.append(
            {
                "pull": name,
                "rows": rows,
                "requests": requests,
                "minimum": minimum,
                "ratio": requests / max(minimum, 1),
                "met": requests <= allowed(minimum),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    args = parser.parse_args()
    from kit.clients import client_for

    from tpnb.emulator import serve

    with serve(scale=args.scale, rate_limits=((10**9, 300.0),)) as server:
        ds = server.dataset

        def unit_id(domain: str) -> str:
            found = ds.find_business_unit(domain)
            assert found is not None, domain
            return found

        results = measure(
            lambda tmp: client_for(server, tmp), unit_id, lambda: server.admin.request_count
        )
    print(f"filtered public pulls, scale {args.scale}, cold, requests vs ceil(rows / 100)")
    for r in results:
        print(
            f"{r['pull']:66s} {r['rows']:7,d} rows {r['requests']:5d} requests"
            f" (minimum {r['minimum']}, x{r['ratio']:.3f}, target <= 1.05 x + 2:"
            f" {'met' if r['met'] else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
