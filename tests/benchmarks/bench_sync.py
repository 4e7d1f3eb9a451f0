"""Benchmark: archive sync of the demo user's largest unit (> 100,000 reviews at scale 1.0).

Run: ``.venv/bin/python tests/benchmarks/bench_sync.py [--scale 1.0]``

Reports (one run, same machine, emulator over loopback, client pacing lifted):
* first sync: reviews, requests (and the ideal ``ceil(n / 100)``), seconds, reviews/s;
* a sync with nothing new; one after 5 additions, 1 recent edit and 3 scattered deletions;
  one with ``full=True``: requests and seconds each, and the ratio to the first sync;
* reading the whole unit back: ``Archive.private_reviews`` vs ``Client.private_reviews`` (ratio);
* Parquet export of the unit.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.clients import client_for
from kit.server import user_unit_sizes

from tpnb.emulator import serve
from tpnb.store import Archive, export_parquet
from tpnb.store.sync import sync


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with serve(scale=args.scale, rate_limits=((10**9, 300.0),)) as server:
        ds = server.dataset
        sizes = user_unit_sizes(server)
        unit = max(sizes, key=lambda u: sizes[u])
        n = sizes[unit]
        tmp = Path(tempfile.mkdtemp(prefix="tpnb-bench-sync-"))
        client = client_for(server, tmp)
        archive = Archive(tmp / "archive.sqlite")
        print(f"unit {unit}: {n} reviews (scale {args.scale})")

        first = sync(client, unit, archive)
        ideal = -(-n // 100)
        print(
            f"first sync:    {first.requests:5d} requests (ideal {ideal}, x{first.requests / ideal:.3f}),"
            f" {first.windows} windows, {first.seconds:6.2f} s, {n / first.seconds:8.0f} reviews/s"
        )
        quiet = sync(client, unit, archive)
        print(
            f"nothing new:   {quiet.requests:5d} requests, {quiet.seconds:6.2f} s"
            f"  (requests ratio first/quiet {first.requests / max(quiet.requests, 1):.0f}x)"
        )
        rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
        victims = [
            ds.review_id(int(rows[i])) for i in (len(rows) // 5, len(rows) // 2, len(rows) - 10)
        ]
        recent = ds.review_id(int(rows[3]))
        for i in range(5):
            server.admin.add_review(unit, stars=1 + i, title=f"bench {i}", text="benchmark review")
        server.admin.update_review(recent, title="edited in the benchmark")
        for rid in victims:
            server.admin.delete_review(rid)
        changed = sync(client, unit, archive)
        print(
            f"5 new/1 edit/3 deleted: {changed.requests:5d} requests ({changed.audited_windows} windows"
            f" audited), {changed.seconds:6.2f} s; found +{changed.added} ~{changed.changed}"
            f" -{changed.removed}"
        )
        full = sync(client, unit, archive, full=True)
        print(f"full re-walk:  {full.requests:5d} requests, {full.seconds:6.2f} s")

        t0 = time.perf_counter()
        local = archive.private_reviews(unit)
        t_archive = time.perf_counter() - t0
        t0 = time.perf_counter()
        remote = client.private_reviews(unit, progress=False)
        t_client = time.perf_counter() - t0
        assert len(local) == len(remote)
        print(
            f"read {len(local)} reviews: archive {t_archive:.2f} s, API {t_client:.2f} s"
            f" (archive is {t_client / t_archive:.1f}x faster)"
        )
        t0 = time.perf_counter()
        files = export_parquet(archive, tmp / "parquet")
        size = sum(f.stat().st_size for f in files) / 1e6
        print(
            f"parquet export: {len(files)} files, {size:.1f} MB in {time.perf_counter() - t0:.2f} s;"
            f" archive file {archive.path.stat().st_size / 1e6:.1f} MB"
        )
        archive.close()
        client.close()


if __name__ == "__main__":
    main()
