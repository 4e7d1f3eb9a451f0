"""Processes that open one new archive at the same instant all get it (no spurious 'locked').

Switching a new file to WAL needs it alone for a moment, and SQLite answered "database is
locked" at once (its busy handler not asked) to the others: two syncs started together failed
in about one start in eight. Run with the real file and real processes.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from tpnb.store import Archive

PROCESSES = 4
ROUNDS = 12


def _open_and_write(path: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        with Archive(path) as archive, archive.transaction():
            pass
        results.put("ok")
    except Exception as exc:  # reported to the parent, which asserts on it
        results.put(f"{type(exc).__name__}: {exc}")


def test_processes_opening_a_new_archive_together_all_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    failures = []
    for round_ in range(ROUNDS):
        path = str(tmp_path / f"archive-{round_}.sqlite")
        barrier, results = context.Barrier(PROCESSES), context.Queue()
        workers = [
            context.Process(target=_open_and_write, args=(path, barrier, results))
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(60)
        failures += [outcome for outcome in outcomes if outcome != "ok"]
    assert failures == []
