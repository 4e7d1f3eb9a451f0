"""The reliability report's tallies: one outcome per export run under a fault, and the secret scan.

``tests/reliability/conftest.py`` prints :data:`LEDGER` as the table "fault, runs, complete
results, clear errors, wrong results" (with :data:`SCANS`) and writes it to
``test-artifacts/reliability/report.md``.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from kit.truth import CLEAR, COMPLETE, WRONG


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
