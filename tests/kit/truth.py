"""What a result must be: the emulator's ground truth, and judges that compare a frame with it.

* :func:`same_schema`: a frame has exactly the columns and dtypes of a converter's empty frame.
* :class:`Truth` is the emulator's ground truth for one export (:func:`truth_of`), and
  :func:`judge` turns the outcome of an export into ``complete`` / ``clear`` / ``wrong`` with the
  evidence (the reliability suite counts them in :data:`kit.ledger.LEDGER`).
* :func:`after_requests` runs an action once the emulator has received N more API calls (a
  fault "mid-export").
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tpnb import frames
from tpnb.errors import TpnbError

#: The three outcomes of an export run: exactly right, a typed error, anything else.
COMPLETE, CLEAR, WRONG = "complete", "clear", "wrong"


def same_schema(frame: pd.DataFrame, empty: pd.DataFrame) -> None:
    """``frame`` has exactly the columns and dtypes of the converter's empty frame."""
    assert list(frame.columns) == list(empty.columns)
    assert frame.dtypes.astype(str).tolist() == empty.dtypes.astype(str).tolist()


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
