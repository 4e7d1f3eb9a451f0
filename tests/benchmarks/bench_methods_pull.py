"""Pull the emulator's largest unit whole, cold then warm (same process, cache warm).

Run: ``.venv/bin/python tests/benchmarks/bench_methods_pull.py`` (prints seconds, requests, and
the warm/cold ratio; nothing here is asserted).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.clients import client_for

from tpnb.emulator import serve


def main() -> None:
    with serve(rate_limits=((10_000_000, 300.0),)) as server, tempfile.TemporaryDirectory() as tmp:
        ds = server.dataset
        bu = max(ds.business_unit_ids(), key=lambda b: len(ds.query_reviews(business_unit_id=b)))
        tp = client_for(server, Path(tmp))
        try:
            for label in ("cold", "warm"):
                before, requests = tp.stats.snapshot(), server.admin.request_count
                t0 = time.perf_counter()
                df = tp.reviews(bu, progress=False)
                secs = time.perf_counter() - t0
                spent = tp.stats.snapshot() - before
                print(
                    f"{label}: {len(df):,} reviews in {secs:.1f} s; requests sent "
                    f"{spent.requests} (server saw {server.admin.request_count - requests}), "
                    f"cache hits {spent.cache_hits}, revalidations {spent.revalidations}"
                )
        finally:
            tp.close()


if __name__ == "__main__":
    main()
