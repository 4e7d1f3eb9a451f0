"""Benchmark: emulator start-up time at scale 1.0, and requests/s for a 100-review page.

Run: ``.venv/bin/python tests/benchmarks/bench_emulator_throughput.py [--seconds 5]``

Reports (one run, same machine):
* start-up: ``serve(scale=1.0)`` until the first HTTP response (target: <= 2 s), split into
  data-set build and server start;
* requests/s for ``GET /business-units/{biggest}/reviews?perPage=100`` (distinct pages, so no
  client-side caching) from 1 and from 8 client threads (each thread with its own
  ``requests.Session``), and the 8-thread/1-thread ratio.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import requests

from tpnb.emulator import EmulatorServer, build_dataset


def _startup() -> tuple[EmulatorServer, float, float]:
    t0 = time.perf_counter()
    dataset = build_dataset(scale=1.0)
    t1 = time.perf_counter()
    server = EmulatorServer(dataset, rate_limits=[(10**9, 300.0)]).start()
    resp = requests.get(server.url + "/_emulator/health", timeout=30)
    resp.raise_for_status()
    t2 = time.perf_counter()
    return server, t1 - t0, t2 - t0


def _throughput(server: EmulatorServer, threads: int, seconds: float) -> tuple[float, float]:
    key = server.credentials["api_key"]
    units = requests.get(
        server.api_url + "/business-units/all", headers={"apikey": key}, timeout=30
    )
    biggest = max(units.json()["businessUnits"], key=lambda u: u["numberOfReviews"]["total"])
    url = f"{server.api_url}/business-units/{biggest['id']}/reviews"
    counts = [0] * threads
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        with requests.Session() as session:
            page = 1 + i * 100
            while time.perf_counter() < stop:
                t = time.perf_counter()
                resp = session.get(
                    url, params={"perPage": 100, "page": page}, headers={"apikey": key}, timeout=30
                )
                assert resp.status_code == 200
                assert len(resp.json()["reviews"]) == 100
                with lock:
                    latencies.append(time.perf_counter() - t)
                counts[i] += 1
                page = page % 1000 + 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return sum(counts) / elapsed, statistics.median(latencies) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each run")
    args = parser.parse_args()
    server, build_s, total_s = _startup()
    try:
        print(f"start-up (scale 1.0): {total_s:.2f} s total (data set {build_s:.2f} s, "
              f"server {total_s - build_s:.2f} s); target <= 2 s: {'OK' if total_s <= 2 else 'SLOW'}")  # fmt: skip
        one, one_ms = _throughput(server, 1, args.seconds)
        eight, eight_ms = _throughput(server, 8, args.seconds)
        print(f"100-review page, 1 thread : {one:7.1f} req/s (median {one_ms:.1f} ms)")
        print(f"100-review page, 8 threads: {eight:7.1f} req/s (median {eight_ms:.1f} ms)")
        print(f"ratio 8/1 threads: {eight / one:.2f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
