"""Fixtures of the reliability suite, and the report printer.

The fault suite records every export run in :data:`kit.ledger.LEDGER`; the secret scan records what
it searched in :data:`kit.ledger.SCANS`. At the end of the session :func:`pytest_terminal_summary`
prints the table "fault, runs, complete results, clear errors, wrong results" and writes it
(with the scan summary and the evidence of any wrong result) to
``test-artifacts/reliability/report.md``.

Fixtures:

* ``fault_server``: a private emulator (scale 0.03, generous limits) for the fault suite, with
  the API's 100,000-record depth cap lowered to :data:`SMALL_CAP` on *both* sides (the
  emulator's ``record_cap`` option and the client's walkers), so every export crosses the cap
  and the slicing strategies run under every fault in a second instead of a minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from kit.ledger import LEDGER, SCANS
from kit.paths import ARTIFACTS, REPO
from kit.server import GENEROUS_RATE_LIMITS, GENEROUS_REFRESH_LIMIT

from tpnb.emulator import EmulatorServer, serve

REPORT = ARTIFACTS / "reliability" / "report.md"
#: The depth cap used by the fault suite (the real one is 100,000).
SMALL_CAP = 1_000


@pytest.fixture(scope="module")
def small_cap() -> Iterator[int]:
    """Lower the 100k depth cap in the client's walkers (module-wide); the emulator's cap is the
    ``record_cap`` option of the server that uses it."""
    from tpnb.paging import walkers

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(walkers, "API_RECORD_CAP", SMALL_CAP)
        yield SMALL_CAP


@pytest.fixture(scope="module")
def fault_server(small_cap: int) -> Iterator[EmulatorServer]:
    """A private small-scale emulator whose depth cap is :data:`SMALL_CAP`."""
    with serve(
        scale=0.03,
        rate_limits=GENEROUS_RATE_LIMITS,
        refresh_limit=GENEROUS_REFRESH_LIMIT,
        record_cap=small_cap,
    ) as server:
        yield server


@pytest.fixture
def fresh(fault_server: EmulatorServer) -> Iterator[EmulatorServer]:
    """The fault server with every fault, limit and counter reset after the test."""
    yield fault_server
    admin = fault_server.admin
    admin.reset()
    admin.set_rate_limits(GENEROUS_RATE_LIMITS)
    admin.set_refresh_limit(*GENEROUS_REFRESH_LIMIT)
    admin.set_token_lifetime(360_000)
    if not fault_server.running:
        fault_server.start()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the fault table and write test-artifacts/reliability/report.md."""
    if not LEDGER.counts and not SCANS:
        return
    parts = [
        "# tpnb reliability report",
        "",
        f"Generated {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M UTC} by tests/reliability.",
        "",
    ]
    if LEDGER.counts:
        parts += [
            "## Exports under faults",
            "",
            "Each run exports the largest business unit's public reviews or a private-review "
            "range under one fault and is judged against the emulator's ground truth. "
            "*complete*: exactly the emulator's reviews (same ids, no duplicates, same field "
            "values); *clear error*: a typed tpnb error after bounded retries; *wrong*: "
            "anything else (a partial or duplicated frame, wrong values, an untyped "
            "exception). Two rows judge tpnb's own output instead: *full disk during "
            "export* (tests/reliability/test_export_disk.py: a clear error must leave the "
            "previous Parquet export whole and readable) and *hostile text* "
            "(tests/reliability/test_hostile_text.py: complete means no element or attribute "
            "of the rendered HTML, and no CSV formula, came from the data). "
            "The rows on identities, token answers, cache headers, settings and "
            "exceptions judge one session, call or value each: *complete* is the right result "
            "for the right identity, *clear* a typed error that names the problem, *wrong* "
            "another identity's token or data, a reachable secret, a broken URL or an untyped "
            "exception. "
            "Rows named *webhook*/*webhooks CLI* (tests/reliability/test_webhook_"
            "*.py) judge the webhook receiver, its server and command line, and a sync racing "
            "webhook events: *complete*: the archive holds exactly what it should; *clear "
            "error*: the input was refused with an answer naming the problem (a 400, exit "
            "status 2, a closed idle connection) and nothing of it was stored or created; "
            "*wrong*: anything else.",
            "",
            LEDGER.table(),
            "",
        ]
        for outcome, title in (("wrong", "Wrong results"), ("clear", "Clear errors seen")):
            notes = LEDGER.notes_of(outcome)
            if notes:
                parts += [f"### {title}", "", notes, ""]
    if SCANS:
        parts += [
            "## Secret scan",
            "",
            "| flow | places searched | hits |",
            "|---|---:|---:|",
            *(f"| {flow} | {n} | {hits} |" for flow, (n, hits) in SCANS.items()),
            "",
        ]
    text = "\n".join(parts)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    terminalreporter.write_sep("=", "tpnb reliability report")
    terminalreporter.write_line(text)
    terminalreporter.write_line(f"(written to {REPORT.relative_to(REPO)})")
