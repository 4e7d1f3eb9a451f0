"""The archive: one SQLite file holding business units, reviews, replies, tags and sync state.

Why SQLite rather than DuckDB: the archive's workload is many small transactional writes (a sync
commits one window at a time, the webhook receiver one POST at a time, possibly both at once),
which is SQLite's home ground: it ships with Python (no new dependency), its WAL journal lets
readers (a notebook) read while one writer writes, ``BEGIN IMMEDIATE`` plus a busy time-out makes a
second writer wait instead of failing, and a process killed mid-transaction leaves the file as it
was before that transaction. DuckDB is faster at scans but allows one writing process per file,
and the analytics side is served anyway by :func:`tpnb.store.export_parquet` (Parquet that DuckDB,
Spark or Dask read directly).

Reading back: :meth:`Archive.reviews` and :meth:`Archive.private_reviews` take the client's
filters and return the same typed DataFrame as ``Client.reviews`` / ``Client.private_reviews``,
built by the same converter (:func:`tpnb.frames.review_frame`) from the stored JSON.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

import pandas as pd

from tpnb import params
from tpnb.errors import ConfigError, TpnbError
from tpnb.paging.collect import gc_shelter
from tpnb.store import queries
from tpnb.store.schema import (
    APPLICATION_ID,
    DDL,
    SCHEMA_VERSION,
    TABLES_ADDED_AFTER_1,
    SyncState,
    expected_columns,
    expected_indexes,
)
from tpnb.store.writes import ArchiveWrites, now_iso

__all__ = [
    "Archive",
    "ArchiveBusyError",
    "ArchiveError",
    "SyncState",
    "UnknownUnitError",
    "now_iso",
]

#: Seconds a writer waits for another writer before :class:`ArchiveBusyError`.
DEFAULT_TIMEOUT = 30.0


class ArchiveError(TpnbError):
    """The archive file cannot be used (not an archive, newer format, unreadable)."""


class ArchiveBusyError(ArchiveError):
    """Another process holds the archive (a sync, or a write) longer than the time-out."""


class UnknownUnitError(ArchiveError, LookupError):
    """The archive holds nothing for this business unit."""


class Archive(ArchiveWrites):
    """A local review archive in one SQLite file (created on first use).

    Args:
        path: The archive file (``.sqlite`` by convention). Its directory must exist. A new file
            is created readable by its owner only (``0600``; SQLite gives its ``-wal`` and
            ``-shm`` files the same mode): it holds consumers' e-mails and order ids.
        timeout: Seconds a write waits for another process's write before
            :class:`ArchiveBusyError`.
        read_only: Open for reading only (never writes, never creates the file). An archive
            that tpnb cannot write (file or folder without write permission, read-only
            file system) is opened this way without asking.

    Example::

        archive = Archive("reviews.sqlite")
        tp.sync("northwind-outdoor.example", archive)
        df = archive.private_reviews("northwind-outdoor.example", since="2025-01-01")

    Only a new (or empty) file, or a file that already is a tpnb archive (``PRAGMA
    application_id`` = :data:`~tpnb.store.schema.APPLICATION_ID`), is opened: any other file,
    such as another application's SQLite database or tpnb's own HTTP cache, is an
    :class:`ArchiveError` that says what the file is, and is left exactly as it was.

    Connections are per thread (SQLite connections are not shared between threads), so one
    ``Archive`` may serve a notebook and a webhook receiver thread at once.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        read_only: bool = False,
    ) -> None:
        if not isinstance(path, (str, os.PathLike)) or str(path).strip() == "":
            raise ConfigError(
                f"archive must be the path of its file (str or pathlib.Path), got "
                f"{type(path).__name__} {path!r}"
            )
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
            raise ConfigError(f"timeout must be a number of seconds >= 0, got {timeout!r}")
        if not isinstance(read_only, bool):
            raise ConfigError(f"read_only must be True or False, got {read_only!r}")
        self.path = Path(path).expanduser().resolve()
        if not self.path.parent.is_dir():
            raise ArchiveError(f"archive directory does not exist: {self.path.parent}")
        if self.path.is_dir():
            raise ArchiveError(
                f"{self.path} is a folder; an archive is a file (e.g. reviews.sqlite)"
            )
        self.timeout = float(timeout)
        #: ``True`` when the archive is open for reading only (asked for, or not writable).
        self.read_only = read_only or not _writable(self.path)
        self._asked_read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._connect()  # create / validate the file now, so a bad path fails here

    # --- connections and transactions -------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise ArchiveError(f"archive {self.path} is closed")
        try:
            conn = self._open()
            try:
                self._prepare(conn)
            except BaseException:
                conn.close()  # not kept: do not leave the file open
                raise
        except sqlite3.Error as exc:
            raise self._archive_error(exc, opening=True) from exc
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        """A new connection: read-write (creating the file, private), or read-only."""
        if not self.read_only:
            if not self.path.exists():
                with suppress(FileExistsError):  # another process created it meanwhile
                    os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return self._sqlite(str(self.path))
        if not self.path.exists():
            why = (
                "an archive opened with read_only=True is never created"
                if self._asked_read_only
                else f"its folder {self.path.parent} is not writable, so it cannot be created"
            )
            raise ArchiveError(f"archive {self.path} does not exist ({why}); check the path")
        conn: sqlite3.Connection | None = None
        try:
            conn = self._sqlite(f"{self.path.as_uri()}?mode=ro")
            conn.execute("PRAGMA schema_version").fetchone()
            return conn
        except sqlite3.OperationalError:
            if conn is not None:
                conn.close()
            if self.path.with_name(self.path.name + "-wal").exists():
                raise
        # a WAL archive in a folder we cannot write: SQLite cannot create its -shm file, so read
        # the file as it is (no writer can be mid-transaction: there is no -wal file)
        return self._sqlite(f"{self.path.as_uri()}?immutable=1")

    def _sqlite(self, target: str) -> sqlite3.Connection:
        """``sqlite3.connect`` with the archive's settings (``target``: a path or a file: URI)."""
        return sqlite3.connect(
            target,
            timeout=self.timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=target.startswith("file:"),
        )

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Set a new connection up, creating or upgrading the schema when needed.

        Nothing is written before the file is known to be a tpnb archive (or empty). A writable
        open also creates the indexes the archive lacks (made by an earlier tpnb): a one-time
        write of a few seconds per million reviews, under the write lock. A read-only open
        creates nothing; its queries give the same rows, without the missing index.
        """
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        kind, version = self._identify(conn)
        if version > SCHEMA_VERSION:
            raise ArchiveError(
                f"archive {self.path} has format {version}; this tpnb reads up to "
                f"{SCHEMA_VERSION}: upgrade tpnb"
            )
        if self.read_only:
            if kind == "empty":
                raise ArchiveError(
                    f"archive {self.path} is empty and cannot be written (read-only): "
                    "nothing to read yet"
                )
            conn.execute("PRAGMA query_only = ON")
            return
        self._use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if kind == "archive" and version == SCHEMA_VERSION and not _missing_indexes(conn):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            # an older format, or an index added after the archive was made (every statement
            # of the DDL is IF NOT EXISTS: what the archive has stays as it is)
            if conn.execute("PRAGMA user_version").fetchone()[
                0
            ] < SCHEMA_VERSION or _missing_indexes(conn):
                for statement in DDL.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """Switch to WAL, retrying while another process holds the file (up to the time-out).

        Changing the journal mode needs the file to itself for a moment, and SQLite answers
        "database is locked" at once, without its busy handler, when two processes open a new
        archive at the same instant (seen in two syncs started together).
        """
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.OperationalError as exc:
                code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
                if code not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
                mode = None
            if str(mode).lower() == "wal" or time.monotonic() >= deadline:
                return
            time.sleep(0.02)

    def _identify(self, conn: sqlite3.Connection) -> tuple[str, int]:
        """What the file is (reads only): ``("archive" | "unstamped" | "empty", user_version)``.

        An archive made before tpnb stamped its ``application_id`` (tpnb's tables, format 1..
        :data:`SCHEMA_VERSION`) counts as an archive, and is stamped on its first writable open.

        Raises:
            ArchiveError: The file is another application's database, or a damaged archive.
        """
        # one read transaction: a process creating the archive meanwhile is seen before or after
        # its schema and stamp, never in between (tables already there, stamp not yet read)
        conn.execute("BEGIN")
        try:
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                str(row[0]): str(row[1])
                for row in conn.execute("SELECT name, type FROM sqlite_master")
                if not str(row[0]).startswith("sqlite_")
            }
        finally:
            conn.execute("COMMIT")
        expected = expected_columns()
        if application_id == 0 and not tables and version == 0:
            return "empty", version
        kind = "archive"
        format_1_tables = set(expected) - TABLES_ADDED_AFTER_1
        if (
            application_id == 0
            and 1 <= version <= SCHEMA_VERSION
            and format_1_tables <= set(tables)
        ):
            kind = "unstamped"  # made by an earlier tpnb: tpnb's own tables, no application_id
        elif application_id != APPLICATION_ID:
            raise ArchiveError(
                f"{self.path} is not a tpnb archive: it is {_describe(application_id, tables)}. "
                "tpnb leaves it untouched; pass the path of a new file (or of a tpnb archive)"
            )
        if version == SCHEMA_VERSION:
            problems = []
            for table, columns in expected.items():
                if tables.get(table) != "table":
                    problems.append(f"table {table} is missing")
                    continue
                found = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")}
                if columns - found:
                    problems.append(f"{table} lacks {', '.join(sorted(columns - found))}")
            if problems:
                raise ArchiveError(
                    f"archive {self.path} is damaged ({'; '.join(problems)}); restore it from a "
                    "backup, or delete it and sync again to rebuild it from the API"
                )
        return kind, version

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): all of it is stored, or none of it.

        An exception, including ``KeyboardInterrupt``, rolls back; so does a killed process
        (SQLite discards an uncommitted WAL tail on the next open), and so does a failed commit
        (a full disk).

        Raises:
            ArchiveBusyError: Another process kept the write lock longer than the time-out.
            ArchiveError: The archive is read-only, full, damaged or otherwise unusable.
        """
        if self.read_only:
            raise ArchiveError(
                f"archive {self.path} is open read-only (asked for, or the file or its folder "
                "is not writable): reading works; a sync or the webhook receiver needs write "
                "access"
            )
        conn = self._connect()
        if conn.in_transaction:
            raise ArchiveError("archive transactions do not nest")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise ArchiveBusyError(
                f"archive {self.path} is being written by another process; waited "
                f"{self.timeout} s (pass a larger timeout= to wait longer)"
            ) from exc
        try:
            with self._sqlite_errors():
                yield conn
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):  # a damaged file may refuse even the rollback
                    conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """Turn SQLite's errors into :class:`ArchiveError` (or busy) messages with the way out.

        A file whose header survived opens fine and only fails when a damaged page is read, so
        every read and every write transaction goes through here (not just opening).
        """
        try:
            yield
        except sqlite3.Error as exc:
            raise self._archive_error(exc) from exc

    def _archive_error(self, exc: sqlite3.Error, *, opening: bool = False) -> ArchiveError:
        """The typed error, with the way out, for one of SQLite's errors."""
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        said = f"(SQLite said: {exc})"
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return ArchiveBusyError(
                f"archive {self.path} stayed locked by another process for {self.timeout} s"
            )
        if code == sqlite3.SQLITE_NOTADB:
            return ArchiveError(f"{self.path} is not a tpnb archive {said}")
        if code == sqlite3.SQLITE_CORRUPT or (opening and code == sqlite3.SQLITE_ERROR):
            return ArchiveError(
                f"archive {self.path} is damaged {said}; restore it from a backup, or delete it "
                "and sync again to rebuild it from the API"
            )
        if code == sqlite3.SQLITE_FULL:
            return ArchiveError(
                f"the disk holding archive {self.path} is full {said}; the unfinished "
                "transaction was rolled back: free some space and run it again"
            )
        if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
            return ArchiveError(
                f"cannot open archive {self.path} for writing {said}: check the permissions of "
                "the file and its folder, or open it with read_only=True"
            )
        if opening:
            return ArchiveError(f"cannot open archive {self.path} {said}")
        return ArchiveError(f"archive {self.path} cannot be used {said}")

    def release(self) -> None:
        """Close the calling thread's connection (for short-lived threads, e.g. a server's)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            if conn in self._connections:
                self._connections.remove(conn)
        conn.close()

    def close(self) -> None:
        """Close every connection this object opened (in any thread)."""
        with self._lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    @property
    def closed(self) -> bool:
        """``True`` once :meth:`close` was called."""
        return self._closed

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({str(self.path)!r})"

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._sqlite_errors():
            return self._connect().execute(sql, tuple(args)).fetchall()

    # --- business units --------------------------------------------------------------------------
    def resolve_unit(self, business_unit: str) -> str:
        """The id of a business unit given as an id or one of its domains.

        Raises:
            UnknownUnitError: When the archive holds nothing for it.
            tpnb.errors.ConfigError: When ``business_unit`` is neither an id nor a domain.
        """
        ref = params.business_unit(business_unit)
        if ref.id is not None:
            known = self._read(
                "SELECT 1 FROM business_units WHERE id = ? UNION ALL "
                "SELECT 1 FROM reviews WHERE business_unit_id = ? LIMIT 1",
                (ref.id, ref.id),
            )
            if known:
                return ref.id
        else:
            rows = self._read(
                "SELECT business_unit_id FROM unit_names WHERE name = ?", (ref.domain,)
            )
            if rows:
                return str(rows[0][0])
        known_names = [r[0] for r in self._read("SELECT identifying_name FROM business_units")]
        raise UnknownUnitError(
            f"archive {self.path.name} holds nothing for business unit {str(ref)!r}; "
            f"it holds: {', '.join(sorted(n for n in known_names if n)) or 'no units yet'} "
            "(run sync first)"
        )

    def business_unit_json(self, business_unit: str) -> dict[str, Any] | None:
        """The stored JSON of one business unit (as last fetched by a sync), or ``None``."""
        unit_id = self.resolve_unit(business_unit)
        rows = self._read("SELECT json FROM business_units WHERE id = ?", (unit_id,))
        return json.loads(rows[0][0]) if rows else None

    def business_units(self) -> pd.DataFrame:
        """Every archived business unit, as ``Client.business_unit`` frames them."""
        from tpnb.frames import business_unit_frame

        rows = self._read("SELECT json FROM business_units ORDER BY identifying_name, id")
        frame: pd.DataFrame = business_unit_frame([json.loads(r[0]) for r in rows])
        return frame

    # --- reviews: reading --------------------------------------------------------------------------
    def reviews(self, business_unit: str, **filters: Any) -> Any:
        """Archived reviews of one unit, as ``Client.reviews`` returns them (public columns).

        Takes the client's filters: ``stars, language, since, until, responded, tag_group,
        tag_value, order_by, include_reported, location, limit`` (and ``raw=True`` for the stored
        JSON, ``progress`` is accepted and ignored). Like the public API, reported reviews are
        left out unless ``include_reported=True``.
        """
        return self._frame(business_unit, filters, private=False)

    def private_reviews(self, business_unit: str, **filters: Any) -> Any:
        """Archived reviews of one unit, as ``Client.private_reviews`` returns them.

        Takes the public filters (but not ``include_reported``) plus ``reported, reference_id,
        referral_email, source, username, find_reviewer``. Reviews archived from the public API
        have NA in the private columns.
        """
        return self._frame(business_unit, filters, private=True)

    def all_reviews(self, *, private: bool = False, **filters: Any) -> Any:
        """Archived reviews of every unit in one frame (one query, newest first by default).

        Takes the filters of :meth:`reviews` (or, with ``private=True``, of
        :meth:`private_reviews`). One frame rather than a ``pandas.concat`` of per-unit frames:
        one read of the archive (a concat keeps the same dtypes, but reads once per unit). A date
        range reads the ``reviews_created`` index: only the reviews in the range are read, already
        in the default order (newest first), not every review. Like every review read, the rows
        are decoded and typed :data:`FRAME_CHUNK` at a time from one SQL statement (one snapshot
        of the file), so a million reviews never hold all their decoded JSON at once.

        Example::

            year = archive.all_reviews(since="2025-11-01", until="2026-11-01")
        """
        return self._frame(None, filters, private=private)

    def _frame(
        self, business_unit: str | None, filters: Mapping[str, Any], *, private: bool
    ) -> Any:
        from tpnb.frames import review_frame

        query = queries.ReviewQuery.build(filters, private=private)
        unit_id = None if business_unit is None else self.resolve_unit(business_unit)
        sql, args = query.sql(unit_id)
        if filters.get("raw"):
            return _decode_rows([r[0] for r in self._read(sql, args)])
        parts: list[pd.DataFrame] = []
        with self._sqlite_errors(), closing(self._connect().execute(sql, tuple(args))) as cursor:
            # one statement, so one snapshot of the file however long the build takes (WAL)
            while rows := cursor.fetchmany(FRAME_CHUNK):
                part = review_frame(
                    _decode_rows([r[0] for r in rows]), private=private, business_unit_id=unit_id
                )
                if unit_id is None and part["business_unit_id"].hasnans:
                    # JSON that names no unit (e.g. private reviews): the unit it is filed under
                    filed = pd.Series([r[1] for r in rows], index=part.index, dtype="string")
                    part["business_unit_id"] = part["business_unit_id"].fillna(filed)
                parts.append(part)
        if not parts:
            return review_frame([], private=private)
        # the schema's dtypes survive a concat of its frames (tests/frames/test_frames_dtypes.py)
        return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)

    def review_json(self, review_id: str) -> dict[str, Any] | None:
        """The stored JSON of one review, or ``None`` when the archive does not hold it."""
        rows = self._read("SELECT json FROM reviews WHERE id = ?", (params.review_id(review_id),))
        return json.loads(rows[0][0]) if rows else None

    def review_ids(
        self, business_unit_id: str | None, since: str | None = None, until: str | None = None
    ) -> set[str]:
        """Ids of the unit's archived reviews created in ``[since, until)`` (archive timestamps)."""
        where, args = _unit_window(business_unit_id, since, until)
        return {r[0] for r in self._read(f"SELECT id FROM reviews WHERE {where}", args)}

    def count(
        self, business_unit_id: str, since: str | None = None, until: str | None = None
    ) -> int:
        """How many reviews of a unit created in ``[since, until)`` the archive holds."""
        where, args = _unit_window(business_unit_id, since, until)
        return int(self._read(f"SELECT COUNT(*) FROM reviews WHERE {where}", args)[0][0])

    def counts(self, business_unit_id: str) -> dict[int, int]:
        """Archived reviews of a unit per star (1..5, all present), from the indexed column."""
        out = dict.fromkeys(range(1, 6), 0)
        for stars, n in self._read(
            "SELECT stars, COUNT(*) FROM reviews WHERE business_unit_id = ? GROUP BY stars",
            (business_unit_id,),
        ):
            if stars in out:
                out[stars] = n
        return out

    def pending_completion(self, business_unit_id: str | None = None) -> list[str]:
        """Ids of reviews written from webhook events that the next sync will complete."""
        if business_unit_id is None:
            rows = self._read("SELECT id FROM reviews WHERE needs_completion = 1 ORDER BY id")
        else:
            rows = self._read(
                "SELECT id FROM reviews WHERE needs_completion = 1 "
                "AND (business_unit_id = ? OR business_unit_id IS NULL) ORDER BY id",
                (business_unit_id,),
            )
        return [r[0] for r in rows]

    def tags(self, business_unit: str) -> pd.DataFrame:
        """Every archived tag of a unit's reviews: columns ``review_id, group, value``."""
        unit_id = self.resolve_unit(business_unit)
        rows = self._read(
            "SELECT t.review_id, t.tag_group, t.tag_value FROM tags t JOIN reviews r "
            "ON r.id = t.review_id WHERE r.business_unit_id = ? ORDER BY 1, 2, 3",
            (unit_id,),
        )
        return pd.DataFrame(rows, columns=["review_id", "group", "value"]).astype("string")

    # --- sync state --------------------------------------------------------------------------------
    def sync_state(self, business_unit_id: str) -> SyncState | None:
        """The sync state of one unit (by id), or ``None`` before its first sync."""
        rows = self._read(
            "SELECT business_unit_id, phase, mode, walked_until, newest_created_at, "
            "newest_updated_at, started_at, finished_at, last_report FROM sync_state "
            "WHERE business_unit_id = ?",
            (business_unit_id,),
        )
        return SyncState(*rows[0]) if rows else None

    def deletion_cursor(self, kind: str) -> str | None:
        """The newest ``deletedAt`` a sync saw in the Deletions API's ``kind`` list
        (``"reviews"`` or ``"consumers"``; the archive's timestamp format), or ``None``."""
        rows = self._read("SELECT deleted_at FROM deletion_cursors WHERE kind = ?", (kind,))
        return str(rows[0][0]) if rows else None

    def newest(self, business_unit_id: str) -> tuple[str | None, str | None]:
        """The newest ``created_at`` and ``updated_at`` archived for a unit."""
        row = self._read(
            "SELECT MAX(created_at), MAX(updated_at) FROM reviews WHERE business_unit_id = ?",
            (business_unit_id,),
        )[0]
        return row[0], row[1]

    def oldest(self, business_unit_id: str) -> str | None:
        """The oldest ``created_at`` archived for a unit."""
        return self._read(  # type: ignore[no-any-return]
            "SELECT MIN(created_at) FROM reviews WHERE business_unit_id = ?", (business_unit_id,)
        )[0][0]

    def status(self) -> pd.DataFrame:
        """One row per archived unit: name, reviews, pending completions and its sync state.

        Units known only from webhook events (never synced) are listed too, without a name.
        """
        rows = self._read(
            "SELECT u.id, b.identifying_name, "
            "(SELECT COUNT(*) FROM reviews r WHERE r.business_unit_id = u.id), "
            "(SELECT COUNT(*) FROM reviews r WHERE r.business_unit_id = u.id "
            " AND r.needs_completion = 1), "
            "s.phase, s.mode, s.newest_created_at, s.finished_at "
            f"FROM ({_UNIT_IDS}) u LEFT JOIN business_units b ON b.id = u.id "
            "LEFT JOIN sync_state s ON s.business_unit_id = u.id "
            "ORDER BY b.identifying_name IS NULL, b.identifying_name, u.id"
        )
        frame = pd.DataFrame(
            rows,
            columns=[
                "business_unit_id",
                "identifying_name",
                "reviews",
                "pending_completion",
                "phase",
                "mode",
                "newest_created_at",
                "last_sync",
            ],
        )
        for col in ("newest_created_at", "last_sync"):
            frame[col] = pd.to_datetime(frame[col], utc=True, format="ISO8601")
        return frame.astype({"reviews": "int64", "pending_completion": "int64"})

    # --- every unit, synced or known only from webhook events (added for issue 14) --------------
    def unit_ids(self) -> list[str]:
        """Ids of every unit the archive holds anything for, sorted: the synced units and the
        units known only from webhook events (reviews filed under a unit never synced)."""
        return [r[0] for r in self._read(f"{_UNIT_IDS} ORDER BY 1")]


#: Every unit id: synced units, and units only webhook reviews are filed under.
_UNIT_IDS = (
    "SELECT id FROM business_units UNION "
    "SELECT business_unit_id FROM reviews WHERE business_unit_id IS NOT NULL"
)


def _unit_window(
    business_unit_id: str | None, since: str | None, until: str | None
) -> tuple[str, list[Any]]:
    """The WHERE clause (and its arguments) of a unit's reviews created in ``[since, until)``.

    ``IS`` rather than ``=`` so that ``None`` selects the reviews filed under no unit yet; SQLite
    still searches the ``(business_unit_id, created_at)`` index with it.
    """
    where = "business_unit_id IS ?"
    args: list[Any] = [business_unit_id]
    if since is not None:
        where += " AND created_at >= ?"
        args.append(since)
    if until is not None:
        where += " AND created_at < ?"
        args.append(until)
    return where, args


def _missing_indexes(conn: sqlite3.Connection) -> frozenset[str]:
    """The indexes of :data:`~tpnb.store.schema.DDL` that the archive lacks."""
    present = {
        str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    return expected_indexes() - present


def _writable(path: Path) -> bool:
    """Whether tpnb may write the archive: the file (or, for a new file, its folder) and the
    folder (SQLite creates the ``-wal`` and ``-shm`` files beside it)."""
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


#: requests-cache's tables: the layout of tpnb's own HTTP cache file
_HTTP_CACHE_TABLES = {"responses", "redirects"}


def _describe(application_id: int, tables: Mapping[str, str]) -> str:
    """A few words on what a foreign SQLite file is, for the error that refuses it."""
    names = sorted(tables)
    listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    if set(names) >= _HTTP_CACHE_TABLES:
        return f"an HTTP cache (requests-cache's tables: {listed}), like tpnb's own cache file"
    if application_id != 0:
        return f"the SQLite database of another application (application_id {application_id:#010x})"
    if not names:
        return "a SQLite database with settings of another application and no tables"
    return f"the SQLite database of another application (tables: {listed})"


#: stored reviews decoded per JSON array (see :func:`_decode_rows`)
DECODE_CHUNK = 2000
#: stored reviews read, decoded and made into a frame at a time by the review reads, whose
#: frames are then concatenated. Decoding every row before building one frame held all the
#: decoded JSON at once: for the 998,278 reviews of the 1M benchmark archive a 5.4 GB peak and
#: 41 s of CPU (a third of it the kernel handing the process fresh memory), against 1.2 GB and
#: 23-24 s in chunks; 100k reviews take about 1.9 s either way (tests/benchmarks/bench_archive.py).
FRAME_CHUNK = 20_000


def _decode_rows(texts: list[str]) -> list[Any]:
    """The JSON values of ``texts`` (one stored review each), in order.

    Decoded as JSON arrays of :data:`DECODE_CHUNK` rows (one ``loads()`` of an array is about 4x
    faster than one per row: its key memo is shared), each chunk moved out of the garbage
    collector's way once decoded (:func:`tpnb.paging.collect.gc_shelter`): 124,000 reviews are
    about 1.5 million dicts and lists, and the collector's full passes over them as they grew
    cost about a sixth of the load.
    """
    records: list[Any] = []
    with gc_shelter() as keep:
        for start in range(0, len(texts), DECODE_CHUNK):
            records.extend(json.loads("[" + ",".join(texts[start : start + DECODE_CHUNK]) + "]"))
            keep()
    return records
