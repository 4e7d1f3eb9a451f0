"""The archive's tables and the pure functions that turn API JSON into their rows.

Each review is stored twice over: its JSON exactly as the API gave it (minus ``links``, whose
hrefs embed the server's address and would make every review look "changed" when the base URL
moves), which :func:`tpnb.frames.review_frame` turns back into the very frame the client returns;
and a few indexed columns extracted from it, used only to filter and count in SQL. Replies and
tags also get their own tables, so plain SQL (or ``sqlite3`` in a shell) can query them.

Timestamps are stored as fixed-width UTC text, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, so that text
order is time order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from typing import Any

from tpnb.frames.schemas import PRIVATE_REVIEW_SCHEMA

#: Bumped when the tables change; stored in ``PRAGMA user_version``. Format 2 added
#: ``deletion_cursors``; an archive of format 1 gets it on its first writable open.
#: Indexes are not part of the format: every tpnb reads an archive with or without them, and
#: SQLite keeps every index up to date for any writer, so an index added later (such as
#: ``reviews_created``) is created on the archive's next writable open without a format bump
#: (an older tpnb still opens the archive; a read-only open reads without the index, slower).
SCHEMA_VERSION = 2
#: The tables each format added after format 1 (an unstamped format-1 archive lacks them).
TABLES_ADDED_AFTER_1 = frozenset({"deletion_cursors"})

#: What marks a SQLite file as a tpnb archive: ``PRAGMA application_id`` (the ASCII of "tpnb").
#: A file with another id, or with none and foreign tables, is never opened as an archive.
APPLICATION_ID = 0x74706E62

DDL = """
CREATE TABLE IF NOT EXISTS business_units (
    id               TEXT PRIMARY KEY,
    identifying_name TEXT,
    display_name     TEXT,
    json             TEXT NOT NULL,
    fetched_at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS unit_names (
    name             TEXT PRIMARY KEY,          -- lower-cased identifying or referring name
    business_unit_id TEXT NOT NULL REFERENCES business_units(id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS reviews (
    id               TEXT PRIMARY KEY,
    business_unit_id TEXT,                      -- NULL only for a webhook review of unknown unit
    stars            INTEGER,
    language         TEXT,
    created_at       TEXT,
    updated_at       TEXT,
    location_id      TEXT,
    consumer_name    TEXT,
    responded        INTEGER NOT NULL DEFAULT 0,
    reported         INTEGER NOT NULL DEFAULT 0,
    reference_id     TEXT,
    referral_email   TEXT,
    source           TEXT,
    find_reviewer    TEXT,                      -- 'contacted' | 'notContacted'
    private          INTEGER NOT NULL DEFAULT 0,-- json came from the Customer (private) API
    needs_completion INTEGER NOT NULL DEFAULT 0,-- written from a webhook event: sync completes it
    json             TEXT NOT NULL,
    stored_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_unit_created ON reviews(business_unit_id, created_at);
-- reviews of every unit in a date range (all_reviews(since=, until=)), newest first without a
-- sort: the id breaks ties in created_at as the queries order them
CREATE INDEX IF NOT EXISTS reviews_created ON reviews(created_at, id);
CREATE INDEX IF NOT EXISTS reviews_pending ON reviews(needs_completion) WHERE needs_completion = 1;
CREATE TABLE IF NOT EXISTS replies (
    review_id        TEXT PRIMARY KEY REFERENCES reviews(id) ON DELETE CASCADE,
    text             TEXT,
    created_at       TEXT,
    updated_at       TEXT,
    author_business_user_id TEXT
);
CREATE TABLE IF NOT EXISTS tags (
    review_id        TEXT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    tag_group        TEXT NOT NULL,
    tag_value        TEXT NOT NULL,
    PRIMARY KEY (review_id, tag_group, tag_value)
);
CREATE INDEX IF NOT EXISTS tags_group_value ON tags(tag_group, tag_value);
CREATE TABLE IF NOT EXISTS tombstones (
    review_id        TEXT PRIMARY KEY,
    business_unit_id TEXT,
    deleted_at       TEXT NOT NULL,
    origin           TEXT NOT NULL              -- 'sync' | 'webhook' | 'deletions'
);
CREATE TABLE IF NOT EXISTS sync_state (
    business_unit_id TEXT PRIMARY KEY,
    phase            TEXT NOT NULL,             -- 'initial' (first pull running) | 'ready'
    mode             TEXT NOT NULL,             -- 'private' | 'public'
    walked_until     TEXT,                      -- first pull: everything created before is in
    newest_created_at TEXT,
    newest_updated_at TEXT,
    started_at       TEXT,
    finished_at      TEXT,
    last_report      TEXT
);
CREATE TABLE IF NOT EXISTS deletion_cursors (
    kind             TEXT PRIMARY KEY,          -- 'reviews' | 'consumers' (the Deletions API lists)
    deleted_at       TEXT NOT NULL              -- newest deletedAt seen: later syncs ask from here
);
CREATE TABLE IF NOT EXISTS webhook_events (
    digest           TEXT PRIMARY KEY,          -- sha256 of the canonical event JSON
    event_name       TEXT NOT NULL,
    review_id        TEXT,
    received_at      TEXT NOT NULL
);
"""


@cache
def expected_columns() -> dict[str, frozenset[str]]:
    """Every table of :data:`DDL` with its columns (read from an in-memory copy of the schema)."""
    memory = sqlite3.connect(":memory:")
    try:
        memory.executescript(DDL)
        tables = [r[0] for r in memory.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            table: frozenset(r[1] for r in memory.execute(f"PRAGMA table_info({table})"))
            for table in tables
        }
    finally:
        memory.close()


@cache
def expected_indexes() -> frozenset[str]:
    """The names of the indexes :data:`DDL` creates (read from an in-memory copy of the schema)."""
    memory = sqlite3.connect(":memory:")
    try:
        memory.executescript(DDL)
        return frozenset(
            str(r[0])
            for r in memory.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            if not str(r[0]).startswith("sqlite_")
        )
    finally:
        memory.close()


@dataclass(frozen=True)
class SyncState:
    """Where the sync of one business unit stands (a row of ``sync_state``)."""

    business_unit_id: str
    phase: str  # "initial" while the first pull runs, then "ready"
    mode: str  # "private" or "public": which API the reviews came from
    walked_until: str | None = None
    newest_created_at: str | None = None
    newest_updated_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    last_report: str | None = None


@dataclass(frozen=True)
class ReviewRow:
    """What the archive stores for one review (see the ``reviews``, ``replies``, ``tags`` tables)."""

    id: str
    business_unit_id: str | None
    stars: int | None
    language: str | None
    created_at: str | None
    updated_at: str | None
    location_id: str | None
    consumer_name: str | None
    responded: int
    reported: int
    reference_id: str | None
    referral_email: str | None
    source: str | None
    find_reviewer: str
    private: int
    json: str
    reply: tuple[str | None, str | None, str | None, str | None] | None
    tags: tuple[tuple[str, str], ...]

    def review_values(self, needs_completion: int, stored_at: str) -> tuple[Any, ...]:
        """The values of a ``reviews`` row, in table order."""
        return (
            self.id,
            self.business_unit_id,
            self.stars,
            self.language,
            self.created_at,
            self.updated_at,
            self.location_id,
            self.consumer_name,
            self.responded,
            self.reported,
            self.reference_id,
            self.referral_email,
            self.source,
            self.find_reviewer,
            self.private,
            needs_completion,
            self.json,
            stored_at,
        )


REVIEW_COLUMNS = (
    "id, business_unit_id, stars, language, created_at, updated_at, location_id, consumer_name, "
    "responded, reported, reference_id, referral_email, source, find_reviewer, private, "
    "needs_completion, json, stored_at"
)


def _first_str(review: Mapping[str, Any], column: str) -> str | None:
    """The first string at the review frame column's source paths (one declaration of them).

    The archive's indexed columns read the same alternatives as the frames do (e.g. the 2025
    shape's ``consumer.name`` and ``consumer.email``), so a filter in SQL matches what the frame
    shows.
    """
    for path in PRIVATE_REVIEW_SCHEMA[column].paths:
        value: Any = review
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if isinstance(value, str) and value:
            return value
    return None


def iso(value: object) -> str | None:
    """A timestamp as fixed-width UTC text (``2024-05-01T10:20:30.000000Z``); ``None`` stays.

    Accepts API strings (``...Z``, zone-less = UTC, milliseconds, ``+00:00``), dates, datetimes
    and pandas Timestamps (naive = UTC).

    Raises:
        ValueError: If ``value`` is not a timestamp.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an ISO 8601 timestamp: {value!r}") from None
    elif isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        raise ValueError(f"not a timestamp: {type(value).__name__} {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def strip_links(value: Any) -> Any:
    """A deep copy of a JSON value without any ``links`` key (their hrefs embed the host)."""
    if isinstance(value, dict):
        return {
            k: strip_links(v) if isinstance(v, (dict, list)) else v
            for k, v in value.items()
            if k != "links"
        }
    if isinstance(value, list):
        return [strip_links(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def canonical(value: Any) -> str:
    """Compact JSON with sorted keys: equal values give equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _obj(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def review_row(review: Mapping[str, Any], unit_id: str | None, *, private: bool) -> ReviewRow:
    """Extract the stored row of one review JSON (public or private shape).

    Args:
        review: A review object as the API returns it (``links`` may be present).
        unit_id: The business unit it was fetched for, used when the JSON does not name one.
        private: Whether it came from the Customer API (has the private fields).

    Raises:
        ValueError: If the review has no string ``id`` or a malformed timestamp.
    """
    review_id = review.get("id")
    if not isinstance(review_id, str) or not review_id:
        raise ValueError(f"a review needs a string 'id', got {review_id!r}")
    clean = strip_links(dict(review))
    unit = _str(_obj(clean.get("businessUnit")).get("id")) or _str(clean.get("businessUnitId"))
    unit = unit or unit_id
    stars = clean.get("stars")
    reply = _obj(clean.get("companyReply"))
    finder = _obj(clean.get("findReviewer"))
    tags: list[tuple[str, str]] = []
    for tag in clean.get("tags") or ():
        tag_map = _obj(tag)
        group, value = _str(tag_map.get("group")), _str(tag_map.get("value"))
        if group is not None and value is not None and (group, value) not in tags:
            tags.append((group, value))
    return ReviewRow(
        id=review_id,
        business_unit_id=unit,
        stars=stars if isinstance(stars, int) and not isinstance(stars, bool) else None,
        language=_str(clean.get("language")),
        created_at=iso(clean.get("createdAt")),
        updated_at=iso(clean.get("updatedAt")),
        location_id=_str(_obj(clean.get("location")).get("id")) or _str(clean.get("locationId")),
        consumer_name=_first_str(clean, "consumer_name"),
        responded=1 if reply else 0,
        reported=1 if clean.get("reportData") else 0,
        reference_id=_str(clean.get("referenceId")),
        referral_email=_first_str(clean, "referral_email"),
        source=_str(clean.get("source")),
        find_reviewer="contacted" if finder.get("requests") else "notContacted",
        private=1 if private else 0,
        json=canonical(clean),
        reply=(
            (
                _str(reply.get("text")),
                iso(reply.get("createdAt")),
                iso(reply.get("updatedAt")),
                _str(reply.get("authorBusinessUserId")),
            )
            if reply
            else None
        ),
        tags=tuple(tags),
    )


def unit_names(unit: Mapping[str, Any]) -> list[str]:
    """Every lower-cased name (identifying and referring) a business unit JSON answers to."""
    name = _obj(unit.get("name"))
    out: list[str] = []
    for item in [name.get("identifying"), *(name.get("referring") or ())]:
        text = _str(item)
        if text is not None and text.lower() not in out:
            out.append(text.lower())
    return out
