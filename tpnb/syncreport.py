"""What a sync reports (:class:`SyncReport`), and the time arithmetic of its windows.

Pure helpers of :mod:`tpnb.sync` (which re-exports :class:`SyncReport`): no I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = ["SyncReport", "api_time", "floor_second", "parse_time"]


@dataclass
class SyncReport:
    """What one sync did. ``str(report)`` is a one-line summary."""

    business_unit_id: str
    first_sync: bool = False
    resumed: bool = False
    added: int = 0
    changed: int = 0
    removed: int = 0
    completed: int = 0
    windows: int = 0
    audited_windows: int = 0
    requests: int = 0
    cache_hits: int = 0
    archived: int = 0
    seconds: float = 0.0
    added_ids: list[str] = field(default_factory=list, repr=False)
    changed_ids: list[str] = field(default_factory=list, repr=False)
    removed_ids: list[str] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        kind = "first sync" + (" (resumed)" if self.resumed else "") if self.first_sync else "sync"
        return (
            f"{kind} of {self.business_unit_id}: {self.added} added, {self.changed} changed, "
            f"{self.removed} removed, {self.completed} completed; {self.archived} archived; "
            f"{self.requests} requests ({self.cache_hits} from cache) in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict[str, Any]:
        """The counts (without the id lists)."""
        out = asdict(self)
        for key in ("added_ids", "changed_ids", "removed_ids"):
            out.pop(key)
        return out


def api_time(moment: datetime | None) -> str | None:
    """A window bound as the API takes it: UTC, to the second, no zone suffix."""
    return None if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def parse_time(text: str | None) -> datetime | None:
    """An archive timestamp (ISO 8601, ``Z`` allowed) as an aware datetime."""
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def floor_second(moment: datetime) -> datetime:
    """``moment`` without its microseconds (window bounds are whole seconds)."""
    return moment.replace(microsecond=0)
