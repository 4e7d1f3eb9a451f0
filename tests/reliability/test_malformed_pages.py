"""A 200 whose body is not the list it should be: never read as "no reviews".

A list answer of ``{}``, ``null``, ``{"reviews": null}``, an empty 200, a 204, an unsolicited
304 or an HTML page used to be read as an empty page: the walk ended there, client methods
returned short frames, and sync deleted every archived review it had not seen (280 -> 0 for a
whole unit). A :class:`kit.faultproxy.FaultProxy` in front of the emulator answers list requests so,
once (the retry must recover the exact result) or always (a typed error, and the archive exactly
as it was). Every run is recorded in the reliability report.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.faultproxy import MALFORMED_LIST_ANSWERS, FaultProxy, Rule
from kit.ledger import LEDGER
from kit.server import biggest_unit, user_unit_sizes
from kit.truth import CLEAR, COMPLETE, WRONG, judge, run_export, truth_of, window

from tpnb.emulator import EmulatorServer
from tpnb.errors import ResponseError

pytestmark = pytest.mark.faults

PRIVATE_LIST = r"^/v1/private/business-units/[^/]+/reviews$"
PUBLIC_LIST = r"^/v1/business-units/[^/]+/(all-)?reviews$"
ANSWERS = [pytest.param(*answer, id=answer[0]) for answer in MALFORMED_LIST_ANSWERS]
#: the recovery runs (one bad answer, then good ones) need only one of each kind of answer
ONCE = [a for a in ANSWERS if a.id in ("empty object", "null list", "204", "unsolicited 304")]


def _archived(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The archive's review-bearing tables, row by row (what a bad sync must not change)."""
    with sqlite3.connect(path) as db:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("reviews", "replies", "tags", "tombstones")
        }


def several_pages_unit(server: EmulatorServer) -> str:
    """The demo user's smallest unit of more than 300 reviews (several pages of 100).

    The re-sync fails at its second list answer whatever the unit's size, so the first sync
    need not archive the largest unit (3,700 reviews at this scale, about 9 times the time).
    """
    sizes = user_unit_sizes(server)
    return min((bu for bu, size in sizes.items() if size > 300), key=sizes.__getitem__)


def _rule(path: str, status: int, body: bytes, content_type: str, **kw: Any) -> Rule:
    return Rule(path, status=status, body=body, content_type=content_type, **kw)


@pytest.mark.parametrize(("label", "status", "body", "content_type"), ANSWERS)
def test_sync_never_deletes_on_an_unreadable_page(
    fresh: EmulatorServer, tmp_path: Path, label: str, status: int, body: bytes, content_type: str
) -> None:
    """Every list answer after the first is unreadable: a full re-sync raises ResponseError and
    leaves every archived review, reply, tag and tombstone exactly as it was."""
    unit = several_pages_unit(fresh)
    archive = tmp_path / "archive.sqlite"
    with FaultProxy(fresh.url) as proxy:
        tp = client_for(fresh, tmp_path, base_url=proxy.url + "/v1")
        first = tp.sync(unit, archive)
        assert first.archived > 300  # several pages: the bad page is not the only one
        before = _archived(archive)
        proxy.add(_rule(PRIVATE_LIST, status, body, content_type, times=None, skip=1))
        result = run_export(lambda: tp.sync(unit, archive, full=True))
        after = _archived(archive)
    unchanged = after == before
    outcome = CLEAR if isinstance(result, ResponseError) and unchanged else WRONG
    LEDGER.record(
        "malformed 200 list page (sync)",
        outcome,
        f"{label}: {result!r:.200}; unchanged={unchanged}",
    )
    assert isinstance(result, ResponseError), result
    assert label.split()[0] in str(result) or "list" in str(result)
    assert unchanged


@pytest.mark.parametrize(("label", "status", "body", "content_type"), ONCE)
def test_one_unreadable_page_is_retried_and_the_sync_is_exact(
    fresh: EmulatorServer, tmp_path: Path, label: str, status: int, body: bytes, content_type: str
) -> None:
    """One bad answer in the middle of a first sync: the retry reads the page; the archive
    holds exactly the unit's reviews."""
    unit = biggest_unit(fresh)
    archive = tmp_path / "archive.sqlite"
    with FaultProxy(fresh.url) as proxy:
        proxy.add(_rule(PRIVATE_LIST, status, body, content_type, times=1, skip=2))
        tp = client_for(fresh, tmp_path, base_url=proxy.url + "/v1")
        report = run_export(lambda: tp.sync(unit, archive))
        rule_hits = proxy.rules[0].hits
    truth = truth_of(fresh, private=True, business_unit_id=unit, include_reported=True)
    if isinstance(report, BaseException):
        outcome, evidence = judge(report, truth)
    else:
        with sqlite3.connect(archive) as db:
            ids = {row[0] for row in db.execute("SELECT id FROM reviews")}
        outcome = COMPLETE if ids == truth.required else WRONG
        evidence = f"{len(ids)} archived, {len(truth.required)} expected"
    LEDGER.record("malformed 200 list page, once (sync)", outcome, f"{label}: {evidence}")
    assert rule_hits > 2  # the fault was served
    assert outcome == COMPLETE, evidence


@pytest.mark.parametrize(("label", "status", "body", "content_type"), ANSWERS)
@pytest.mark.parametrize("kind", ["public", "private"])
def test_client_methods_are_complete_or_a_typed_error(
    fresh: EmulatorServer,
    tmp_path: Path,
    kind: str,
    label: str,
    status: int,
    body: bytes,
    content_type: str,
) -> None:
    """A pull whose second page is unreadable once is exact; always unreadable, it raises
    ResponseError: never a short or empty frame."""
    unit = biggest_unit(fresh)
    if kind == "public":
        path = PUBLIC_LIST
        truth = truth_of(fresh, private=False, business_unit_id=unit)

        def pull(tp: Any) -> Any:
            return tp.reviews(unit, progress=False)
    else:
        path = PRIVATE_LIST
        since, until = window(fresh, unit, (0.1, 0.9))
        start, end = (__import__("pandas").Timestamp(t).to_pydatetime() for t in (since, until))
        truth = truth_of(
            fresh,
            private=True,
            business_unit_id=unit,
            include_reported=True,
            start=start,
            end=end,
        )

        def pull(tp: Any) -> Any:
            return tp.private_reviews(unit, since=since, until=until, progress=False)

    for times, expected in ((1, COMPLETE), (None, CLEAR)):
        with FaultProxy(fresh.url) as proxy:
            proxy.add(_rule(path, status, body, content_type, times=times, skip=1))
            tp = client_for(fresh, tmp_path / f"{kind}-{times}", base_url=proxy.url + "/v1")
            result = run_export(pull, tp)
        outcome, evidence = judge(result, truth)
        if expected == CLEAR and not isinstance(result, ResponseError):
            outcome = WRONG
        what = "once" if times == 1 else "always"
        LEDGER.record(
            f"malformed 200 list page, {what} ({kind} pull)", outcome, f"{label}: {evidence}"
        )
        assert outcome == expected, evidence
