"""Helpers for the reliability suite (not a test module).

* :class:`Ledger` collects one outcome per export run under a fault; ``conftest.py`` prints it
  as the table "fault, runs, complete results, clear errors, wrong results" and writes it to
  ``test-artifacts/reliability/report.md``.
* :func:`client_for` builds a client on an emulator with short time-outs and small back-offs.
* :class:`Truth` is the emulator's ground truth for one export, and :func:`judge` turns the
  outcome of an export into ``complete`` / ``clear`` / ``wrong`` with the evidence.
* :func:`after_requests` runs an action once the emulator has received N more API calls (a
  fault "mid-export").
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tpnb import frames
from tpnb.client import Client
from tpnb.config import Settings
from tpnb.errors import TpnbError
from tpnb.http.connection import Connection

COMPLETE, CLEAR, WRONG = "complete", "clear", "wrong"

#: Settings that keep fault runs fast: short time-outs, small back-offs, no client pacing.
FAST = {
    "timeout": 0.5,
    "connect_timeout": 0.5,
    "max_retries": 4,
    "backoff_factor": 0.02,
    "backoff_max": 0.1,
    "retry_after_max": 2.0,
    "token_refresh_skew": 0.2,
    "pace_limits": ((1_000_000, 1.0),),
}


def _client_class() -> type[Any]:
    """``tpnb.Client`` once it carries the DataFrame methods, else Client + DataMethods."""
    if hasattr(Client, "reviews"):
        return Client
    from tpnb.methods import DataMethods

    return type("DataClient", (Client, DataMethods), {})


def settings_for(server: Any, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings on ``server`` with the demo credentials, a memory cache and :data:`FAST`."""
    values: dict[str, Any] = {
        **server.client_settings,
        "cache_backend": "memory",
        "token_dir": tmp_path / "tokens",
        **FAST,
    }
    values.update(overrides)
    return Settings(**values)


def client_for(server: Any, tmp_path: Path, **overrides: Any) -> Any:
    """A DataFrame client on ``server`` (see :func:`settings_for`)."""
    return _client_class()(Connection(settings_for(server, tmp_path, **overrides)))


# --------------------------------------------------------------------------- the ledger
@dataclass
class Ledger:
    """Outcomes per fault, in first-recorded order."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, fault: str, outcome: str, note: str = "") -> None:
        """Count one run of ``fault`` with ``outcome`` (complete, clear or wrong)."""
        assert outcome in (COMPLETE, CLEAR, WRONG), outcome
        with self.lock:
            self.counts.setdefault(fault, Counter())[outcome] += 1
            if note and outcome != COMPLETE:
                self.notes.setdefault(fault, []).append(f"{outcome}: {note}")

    def table(self) -> str:
        """The markdown table (plus a total line)."""
        lines = [
            "| fault | runs | complete results | clear errors | wrong results |",
            "|---|---:|---:|---:|---:|",
        ]
        total: Counter[str] = Counter()
        for fault, c in self.counts.items():
            runs = sum(c.values())
            total.update(c)
            lines.append(f"| {fault} | {runs} | {c[COMPLETE]} | {c[CLEAR]} | {c[WRONG]} |")
        runs = sum(total.values())
        lines.append(
            f"| **total** | {runs} | {total[COMPLETE]} | {total[CLEAR]} | {total[WRONG]} |"
        )
        return "\n".join(lines)

    def notes_of(self, outcome: str) -> str:
        """One line per run with ``outcome`` (``clear`` or ``wrong``), for the report."""
        out = []
        for fault, notes in self.notes.items():
            out.extend(f"- {fault}: {n}" for n in notes if n.startswith(outcome + ":"))
        return "\n".join(out)


LEDGER = Ledger()
#: Secret-scan results: flow -> (places scanned, hits) (filled by test_secrets.py).
SCANS: dict[str, tuple[int, int]] = {}


# --------------------------------------------------------------------------- ground truth
@dataclass
class Truth:
    """What an export must return: the emulator's rows, as a typed frame.

    Attributes:
        frame: The expected frame (sorted by id), from the emulator's own JSON.
        required: Ids that must be present (reviews that existed for the whole walk).
        allowed: Ids that may be present (also those added or deleted during the walk).
    """

    frame: pd.DataFrame
    required: set[str]
    allowed: set[str]


def review_json(server: Any, **query: Any) -> list[dict[str, Any]]:
    """The JSON of every review a ``Dataset.query_reviews`` call returns."""
    ds = server.dataset
    private = query.pop("private", False)
    with ds.lock:
        rows = ds.query_reviews(**query)
        return [ds.review_json(int(r), server.api_url, private=private) for r in rows]


_TRUTHS: dict[tuple[Any, ...], pd.DataFrame] = {}


def _truth_frame(server: Any, private: bool, query: dict[str, Any]) -> pd.DataFrame:
    """The expected frame, memoised per data-set version (faults do not change the data)."""
    key = (id(server.dataset), server.dataset.version, private, *sorted(query.items()))
    frame = _TRUTHS.get(key)
    if frame is None:
        items = review_json(server, private=private, **query)
        bu = query.get("business_unit_id")
        frame = frames.review_frame(items, private=private, business_unit_id=bu)
        frame = _TRUTHS[key] = frame.sort_values("id", ignore_index=True)
    return frame


def truth_of(
    server: Any, *, private: bool, before: Iterable[str] | None = None, **query: Any
) -> Truth:
    """Ground truth now; ``before``: ids at the start of a walk that mutations ran through."""
    frame = _truth_frame(server, private, query)
    now = set(frame["id"])
    if before is None:
        return Truth(frame, now, now)
    start = set(before)
    return Truth(frame, start & now, start | now)


def window(server: Any, bu_id: str, fraction: tuple[float, float]) -> tuple[str, str]:
    """A [since, until) range covering a share of the unit's review history (whole seconds)."""
    frame = _truth_frame(server, True, {"business_unit_id": bu_id, "include_reported": True})
    stamps = frame["created_at"].sort_values().tolist()
    lo = stamps[int(fraction[0] * (len(stamps) - 1))].floor("D")
    hi = stamps[int(fraction[1] * (len(stamps) - 1))].ceil("D")
    return lo.strftime("%Y-%m-%dT%H:%M:%SZ"), hi.strftime("%Y-%m-%dT%H:%M:%SZ")


def judge(result: Any, truth: Truth, *, mutated: Iterable[str] = ()) -> tuple[str, str]:
    """Classify one export's outcome; returns ``(outcome, evidence)``.

    ``result`` is the DataFrame, or the exception the export raised. An exception is ``clear``
    only when it is a typed tpnb error with a message; a frame is ``complete`` only when it has
    every required id, only allowed ids, no duplicates, and the emulator's field values for
    every review not edited during the walk (``mutated``).
    """
    if isinstance(result, BaseException):
        if isinstance(result, TpnbError) and str(result).strip():
            return CLEAR, f"{type(result).__name__}: {result}"
        tb = "".join(traceback.format_exception_only(type(result), result)).strip()
        return WRONG, f"untyped exception {tb}"
    if not isinstance(result, pd.DataFrame):
        return WRONG, f"not a DataFrame: {type(result).__name__}"
    ids = list(result["id"])
    got = set(ids)
    problems = []
    if len(ids) != len(got):
        problems.append(f"{len(ids) - len(got)} duplicate rows")
    missing = truth.required - got
    extra = got - truth.allowed
    if missing:
        problems.append(f"{len(missing)} missing of {len(truth.required)} (e.g. {min(missing)})")
    if extra:
        problems.append(f"{len(extra)} unexpected ids (e.g. {min(extra)})")
    if not problems:
        keep = sorted((truth.required & got) - set(mutated))
        exp = truth.frame.set_index("id").loc[keep]
        act = result.drop_duplicates("id").set_index("id").loc[keep, exp.columns]
        try:
            pd.testing.assert_frame_equal(act, exp, check_like=False)
        except AssertionError as exc:
            problems.append("field values differ: " + " ".join(str(exc).split())[:300])
    if problems:
        return WRONG, f"{len(ids)} rows: " + "; ".join(problems)
    return COMPLETE, f"{len(ids)} rows, exact"


def run_export(export: Callable[..., Any], *args: Any) -> Any:
    """Run ``export(*args)`` and return its frame or the exception it raised."""
    try:
        return export(*args)
    except Exception as exc:  # judged by the caller
        return exc


# --------------------------------------------------------------------------- mid-export
class after_requests:
    """Run ``action()`` (once per threshold) when the emulator has logged N more API calls.

    ``with after_requests(server, [(10, act), (30, act2)]): export()``
    """

    def __init__(self, server: Any, plan: list[tuple[int, Callable[[], Any]]]) -> None:
        self.server = server
        self.plan = sorted(plan, key=lambda p: p[0])
        self.done: list[int] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="rel-trigger")

    def _watch(self) -> None:
        base = self.server.admin.request_count
        pending = list(self.plan)
        while pending and not self._stop.is_set():
            if self.server.admin.request_count - base >= pending[0][0]:
                n, action = pending.pop(0)
                try:
                    action()
                except BaseException as exc:  # reported by __exit__
                    self.errors.append(exc)
                self.done.append(n)
            else:
                time.sleep(0.002)

    def __enter__(self) -> after_requests:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        assert not self.errors, f"a mid-export action failed: {self.errors[0]!r}"
