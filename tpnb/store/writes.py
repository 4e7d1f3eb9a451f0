"""The archive's write operations; each runs inside a caller's transaction (``conn``).

Mixed into :class:`tpnb.store.Archive`; the sync and the webhook intake call them within
``with archive.transaction() as conn:`` so that a batch is stored whole or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from tpnb.store.schema import (
    REVIEW_COLUMNS,
    ReviewRow,
    SyncState,
    canonical,
    review_row,
    strip_links,
    unit_names,
)

_CHUNK = 500  # ids per ``IN (...)`` query
#: ``reviews.needs_completion``: 0 complete; PENDING written by a webhook event (the next sync
#: of its unit fetches it); PARKED not readable by the business user (fetched once, then left
#: until a new event for it).
PENDING, PARKED = 1, 2


def now_iso() -> str:
    """The current UTC time in the archive's timestamp format."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ArchiveWrites:
    """Writes of business units, reviews, deletions and sync state."""

    def put_business_unit(self, conn: sqlite3.Connection, unit: Mapping[str, Any]) -> str:
        """Store (or replace) a business unit's JSON inside ``conn``'s transaction."""
        unit_id = unit.get("id")
        if not isinstance(unit_id, str):
            raise ValueError(f"a business unit needs a string 'id', got {unit_id!r}")
        name = unit.get("name") if isinstance(unit.get("name"), Mapping) else {}
        conn.execute(
            "INSERT INTO business_units(id, identifying_name, display_name, json, fetched_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "identifying_name = excluded.identifying_name, display_name = excluded.display_name, "
            "json = excluded.json, fetched_at = excluded.fetched_at",
            (
                unit_id,
                name.get("identifying") if isinstance(name, Mapping) else None,
                unit.get("displayName"),
                canonical(strip_links(dict(unit))),
                now_iso(),
            ),
        )
        conn.execute("DELETE FROM unit_names WHERE business_unit_id = ?", (unit_id,))
        conn.executemany(
            "INSERT OR REPLACE INTO unit_names(name, business_unit_id) VALUES (?, ?)",
            [(n, unit_id) for n in unit_names(unit)],
        )
        return unit_id

    # --- reviews: writing (inside a transaction) ---------------------------------------------------
    def upsert_reviews(
        self,
        conn: sqlite3.Connection,
        reviews: Iterable[Mapping[str, Any]],
        *,
        unit_id: str | None,
        private: bool,
        needs_completion: bool = False,
    ) -> tuple[list[str], list[str]]:
        """Insert new reviews and update changed ones; return ``(added_ids, changed_ids)``.

        A review whose stored JSON is identical (and complete) is not written at all. Writing a
        review that the archive had deleted (a tombstone) brings it back: the API is the truth.
        """
        rows: dict[str, ReviewRow] = {}
        for review in reviews:
            row = review_row(review, unit_id, private=private)
            rows[row.id] = row
        existing: dict[str, tuple[str, int]] = {}
        ids = list(rows)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for rid, stored, pending in conn.execute(
                f"SELECT id, json, needs_completion FROM reviews WHERE id IN ({marks})", chunk
            ):
                existing[rid] = (stored, pending)
        added: list[str] = []
        changed: list[str] = []
        stamp = now_iso()
        flag = 1 if needs_completion else 0
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        replies: list[tuple[Any, ...]] = []
        tags: list[tuple[str, str, str]] = []
        for rid, row in rows.items():
            old = existing.get(rid)
            if old is not None and old[0] == row.json and old[1] == flag:
                continue
            values = row.review_values(flag, stamp)
            if old is None:
                inserts.append(values)
                added.append(rid)
            else:
                updates.append((*values[1:], rid))
                if old[0] != row.json:
                    changed.append(rid)
            if row.reply is not None:
                replies.append((rid, *row.reply))
            tags.extend((rid, g, v) for g, v in row.tags)
        rewritten = [u[-1] for u in updates]
        for start in range(0, len(rewritten), _CHUNK):  # replies/tags of rewritten reviews
            chunk = rewritten[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM replies WHERE review_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM tags WHERE review_id IN ({marks})", chunk)
        marks = ",".join("?" * len(REVIEW_COLUMNS.split(",")))
        conn.executemany(f"INSERT INTO reviews({REVIEW_COLUMNS}) VALUES ({marks})", inserts)
        sets = ", ".join(f"{c.strip()} = ?" for c in REVIEW_COLUMNS.split(",")[1:])
        conn.executemany(f"UPDATE reviews SET {sets} WHERE id = ?", updates)
        conn.executemany("INSERT INTO replies VALUES (?, ?, ?, ?, ?)", replies)
        conn.executemany("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", tags)
        if not needs_completion and ids:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                conn.execute(
                    f"DELETE FROM tombstones WHERE review_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
        return added, changed

    def delete_reviews(
        self, conn: sqlite3.Connection, ids: Iterable[str], *, origin: str
    ) -> list[str]:
        """Delete reviews (with their replies and tags), leaving tombstones; return those deleted.

        Ids the archive does not hold still get a tombstone (a webhook may announce a deletion
        before the archive ever saw the review), but are not counted as deleted.
        """
        removed: list[str] = []
        stamp = now_iso()
        for rid in dict.fromkeys(ids):
            unit = conn.execute(
                "SELECT business_unit_id FROM reviews WHERE id = ?", (rid,)
            ).fetchone()
            if unit is not None:
                conn.execute("DELETE FROM reviews WHERE id = ?", (rid,))
                removed.append(rid)
            conn.execute(
                "INSERT OR IGNORE INTO tombstones VALUES (?, ?, ?, ?)",
                (rid, unit[0] if unit else None, stamp, origin),
            )
        return removed

    def forget_deleted_reviews(
        self, conn: sqlite3.Connection, ids: Iterable[str], *, count_down: bool = False
    ) -> list[str]:
        """Delete the archived reviews among ``ids`` that the Deletions API listed (tombstone
        origin ``deletions``); ids the archive never held are ignored. Returns those deleted.

        With ``count_down``, the ``consumer.numberOfReviews`` of the deleted reviews' consumers
        goes down by one per deleted review on their reviews still archived (the API's answer
        for them, which a public-only refresh does not re-list).
        """
        held: list[str] = []
        authors: dict[str, int] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for review_id, consumer_id in conn.execute(
                f"SELECT id, json_extract(json, '$.consumer.id') FROM reviews WHERE id IN ({marks})",
                chunk,
            ):
                held.append(review_id)
                if isinstance(consumer_id, str):
                    authors[consumer_id] = authors.get(consumer_id, 0) + 1
        deleted = self.delete_reviews(conn, sorted(held), origin="deletions")
        if count_down and authors:
            self._set_consumer_counts(
                conn, authors, lambda consumer_id, count: count - authors[consumer_id]
            )
        return deleted

    def carry_consumer_counts(
        self, conn: sqlite3.Connection, reviews: Iterable[Mapping[str, Any]]
    ) -> int:
        """Give the archived reviews of the consumers of ``reviews`` (just listed) the
        ``consumer.numberOfReviews`` those carry: a consumer's new or deleted review changes the
        count shown on all their reviews, also the old ones a refresh does not re-list.

        Returns:
            How many archived reviews changed.
        """
        counts: dict[str, int] = {}
        for review in reviews:
            consumer = review.get("consumer")
            if not isinstance(consumer, Mapping):
                continue
            consumer_id, count = consumer.get("id"), consumer.get("numberOfReviews")
            if isinstance(consumer_id, str) and isinstance(count, int):
                counts[consumer_id] = count
        if not counts:
            return 0
        return self._set_consumer_counts(conn, counts, lambda consumer_id, _: counts[consumer_id])

    def _set_consumer_counts(
        self,
        conn: sqlite3.Connection,
        consumers: Mapping[str, int],
        new_count: Callable[[str, int], int],
    ) -> int:
        """Rewrite ``consumer.numberOfReviews`` on every archived review of ``consumers`` to
        ``new_count(consumer_id, stored_count)``; returns how many reviews changed."""
        changed = 0
        wanted = list(consumers)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT id, json FROM reviews WHERE json_extract(json, '$.consumer.id') "
                f"IN ({marks})",
                chunk,
            ).fetchall()
            for review_id, text in rows:
                review = json.loads(text)
                consumer = review["consumer"]
                stored = consumer.get("numberOfReviews")
                if not isinstance(stored, int):
                    continue
                count = max(0, new_count(str(consumer["id"]), stored))
                if count != stored:
                    consumer["numberOfReviews"] = count
                    conn.execute(
                        "UPDATE reviews SET json = ? WHERE id = ?", (canonical(review), review_id)
                    )
                    changed += 1
        return changed

    def erase_consumers(self, conn: sqlite3.Connection, consumer_ids: Iterable[str]) -> list[str]:
        """Erase the personal data of deleted consumers from the reviews still archived.

        Every review whose ``consumer.id`` is listed keeps its text and stars (it is the
        business's review data until the Deletions API lists the review itself), but loses the
        consumer's name, location and any other consumer field but the id, its
        ``referralEmail``, and the name and e-mail of Find Reviewer answers.

        Returns:
            The listed consumers the archive held data of.
        """
        found: list[str] = []
        for consumer_id in dict.fromkeys(consumer_ids):
            rows = conn.execute(
                "SELECT id, json FROM reviews WHERE json_extract(json, '$.consumer.id') = ?",
                (consumer_id,),
            ).fetchall()
            if rows:
                found.append(consumer_id)
            for review_id, text in rows:
                conn.execute(
                    "UPDATE reviews SET json = ?, consumer_name = NULL, referral_email = NULL "
                    "WHERE id = ?",
                    (canonical(_without_consumer_data(json.loads(text))), review_id),
                )
        return found

    def save_deletion_cursor(self, conn: sqlite3.Connection, kind: str, deleted_at: str) -> None:
        """Record the newest ``deletedAt`` seen in the ``kind`` list (never moves back)."""
        conn.execute(
            "INSERT INTO deletion_cursors(kind, deleted_at) VALUES (?, ?) ON CONFLICT(kind) "
            "DO UPDATE SET deleted_at = MAX(deleted_at, excluded.deleted_at)",
            (kind, deleted_at),
        )

    def is_tombstoned(self, conn: sqlite3.Connection, review_id: str) -> bool:
        """Whether the archive recorded the review as deleted."""
        hit = conn.execute("SELECT 1 FROM tombstones WHERE review_id = ?", (review_id,))
        return hit.fetchone() is not None

    def save_sync_state(self, conn: sqlite3.Connection, state: SyncState) -> None:
        """Write a unit's sync state inside ``conn``'s transaction."""
        conn.execute(
            "INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                state.business_unit_id,
                state.phase,
                state.mode,
                state.walked_until,
                state.newest_created_at,
                state.newest_updated_at,
                state.started_at,
                state.finished_at,
                state.last_report,
            ),
        )

    # --- reviews written by webhook events, as a sync completes them (added for issue 14) ------
    def written_since(self, conn: sqlite3.Connection, ids: Iterable[str], moment: str) -> set[str]:
        """Ids among ``ids`` that the archive deleted, or a webhook event wrote, at or after
        ``moment`` (archive time): what is stored is newer than anything fetched before it."""
        newer: set[str] = set()
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for (rid,) in conn.execute(
                f"SELECT review_id FROM tombstones WHERE review_id IN ({marks}) "
                "AND deleted_at >= ? UNION "
                f"SELECT id FROM reviews WHERE id IN ({marks}) AND needs_completion = ? "
                "AND stored_at >= ?",
                (*chunk, moment, *chunk, PENDING, moment),
            ):
                newer.add(rid)
        return newer

    def unsettled(self, conn: sqlite3.Connection, unit_id: str) -> set[str]:
        """Ids of a unit's reviews written by webhook events and not completed (pending or
        parked): the API's list is not the judge of those."""
        rows = conn.execute(
            "SELECT id FROM reviews WHERE business_unit_id = ? AND needs_completion != 0",
            (unit_id,),
        )
        return {r[0] for r in rows}

    def park_reviews(self, conn: sqlite3.Connection, ids: Iterable[str]) -> None:
        """Mark pending reviews as parked: the business user may not read them, so no sync
        fetches them again until a new webhook event for them makes them pending again."""
        conn.executemany(
            "UPDATE reviews SET needs_completion = ? WHERE id = ? AND needs_completion = ?",
            [(PARKED, rid, PENDING) for rid in dict.fromkeys(ids)],
        )


def _without_consumer_data(review: dict[str, Any]) -> dict[str, Any]:
    """A review JSON with the consumer's personal data set to null (see ``erase_consumers``)."""
    consumer = review.get("consumer")
    if isinstance(consumer, dict):
        review["consumer"] = {k: (v if k == "id" else None) for k, v in consumer.items()}
    if "referralEmail" in review:
        review["referralEmail"] = None
    finder = review.get("findReviewer")
    requests = finder.get("requests") if isinstance(finder, dict) else None
    for request in requests if isinstance(requests, list) else ():
        answer = request.get("consumerResponse") if isinstance(request, dict) else None
        if isinstance(answer, dict):
            for key in ("name", "email"):
                if key in answer:
                    answer[key] = None
    return review
