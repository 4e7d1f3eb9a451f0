"""The archive file itself: private modes, foreign files refused untouched, damaged schemas and
read-only archives reported clearly (issue 14: items 7, 17 and 23).

Each foreign or damaged file is judged the same way: opening it must raise an
:class:`~tpnb.store.ArchiveError` that says what the file is, and (for a foreign file) leave its
bytes and its folder exactly as they were.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tpnb.store import Archive, ArchiveError
from tpnb.store.schema import APPLICATION_ID, DDL, SCHEMA_VERSION

UNIT = "5f0c0c0c0c0c0c0c0c0c0c01"
DOMAIN = "files-shop.example"


def unit_json() -> dict[str, Any]:
    return {
        "id": UNIT,
        "displayName": "Files Shop",
        "name": {"identifying": DOMAIN, "referring": [DOMAIN]},
    }


def review_json(i: int) -> dict[str, Any]:
    return {
        "id": f"{i:024x}",
        "businessUnit": {"id": UNIT},
        "stars": 1 + i % 5,
        "title": f"title {i}",
        "text": f"text {i}",
        "language": "en",
        "createdAt": f"2024-01-{1 + i % 28:02d}T10:00:00Z",
        "consumer": {"id": f"{i + 1000:024x}", "displayName": f"Person {i}"},
        "referralEmail": f"person{i}@mail.example",
        "referenceId": f"order-{i}",
    }


def fill(path: Path, count: int = 5) -> None:
    with Archive(path) as archive, archive.transaction() as conn:
        archive.put_business_unit(conn, unit_json())
        archive.upsert_reviews(
            conn, [review_json(i) for i in range(count)], unit_id=UNIT, private=True
        )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a folder with the sha256 of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()
    }


# --------------------------------------------------------------------------- private modes
def test_a_new_archive_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    old = os.umask(0o022)  # the usual umask, which leaves new files world-readable
    try:
        with Archive(path) as archive, archive.transaction() as conn:
            archive.put_business_unit(conn, unit_json())
            companions = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
            assert all(p.exists() for p in companions)  # WAL mode, while a connection is open
            assert {p.name: mode(p) for p in [path, *companions]} == {
                p.name: 0o600 for p in [path, *companions]
            }
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- foreign files
def other_apps_database(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT)")
        conn.execute("INSERT INTO contacts(email) VALUES ('someone@mail.example')")
        conn.commit()


def wal_database_with_application_id(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA application_id = {0x47504B47}")  # 'GPKG': a GeoPackage
        conn.execute("CREATE TABLE features (id INTEGER PRIMARY KEY)")
        conn.commit()


def tpnb_http_cache(path: Path) -> None:
    """tpnb's own HTTP cache file, made by tpnb's cache backend."""
    from tpnb.config import Settings
    from tpnb.http.backends import build_backend

    backend = build_backend(Settings(cache_backend="sqlite", cache_path=path))
    backend.responses["some-key"] = "some value"  # type: ignore[index]
    backend.close()


def settings_only(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 7")


def partial_tpnb_tables(path: Path) -> None:
    """Two of tpnb's table names in someone else's file."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE reviews (id TEXT)")
        conn.execute("CREATE TABLE business_units (id TEXT)")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (other_apps_database, "tables: contacts"),
        (wal_database_with_application_id, "application_id 0x47504b47"),
        (tpnb_http_cache, "HTTP cache"),
        (settings_only, "no tables"),
        (partial_tpnb_tables, "tables: business_units, reviews"),
    ],
)
def test_a_foreign_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path, make: Any, says: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "other.sqlite"
    make(path)
    before = snapshot(folder)
    for _ in range(2):  # the second attempt meets the same untouched file
        with pytest.raises(ArchiveError, match="is not a tpnb archive") as caught:
            Archive(path)
        assert says in str(caught.value)
        assert str(path) in str(caught.value)
    assert snapshot(folder) == before


def test_an_archive_made_before_the_marker_is_opened_and_stamped(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as conn:  # what tpnb wrote before the marker
        conn.executescript(DDL)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    with Archive(path) as archive:
        assert len(archive.private_reviews(DOMAIN)) == 5


def test_an_empty_file_becomes_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "touched.sqlite"
    path.touch()
    fill(path)
    with Archive(path) as archive:
        assert len(archive.private_reviews(DOMAIN)) == 5


# --------------------------------------------------------------------------- damaged schema
@pytest.mark.parametrize(
    ("damage", "says"),
    [
        ("DROP TABLE replies", "table replies is missing"),
        ("ALTER TABLE reviews DROP COLUMN consumer_name", "reviews lacks consumer_name"),
    ],
)
def test_a_damaged_schema_is_a_clear_error(tmp_path: Path, damage: str, says: str) -> None:
    path = tmp_path / "damaged.sqlite"
    fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(damage)
        conn.commit()
    for read_only in (False, True):
        with pytest.raises(ArchiveError, match="is damaged") as caught:
            Archive(path, read_only=read_only)
        assert says in str(caught.value)
        assert "sync again" in str(caught.value)


def test_a_schema_damaged_while_open_is_a_clear_error_not_sqlite3(tmp_path: Path) -> None:
    path = tmp_path / "live.sqlite"
    fill(path)
    with Archive(path) as archive:
        with contextlib.closing(sqlite3.connect(path)) as other:
            other.execute("DROP TABLE tags")
            other.commit()
        with pytest.raises(ArchiveError, match="cannot be used") as caught:
            archive.tags(DOMAIN)
        assert "no such table: t" in str(caught.value)  # SQLite's own words are kept
        with pytest.raises(ArchiveError), archive.transaction() as conn:
            archive.upsert_reviews(conn, [review_json(9)], unit_id=UNIT, private=True)
        with pytest.raises(ArchiveError):  # the failed write left no transaction open
            archive.tags(DOMAIN)
        assert len(archive.private_reviews(DOMAIN)) == 5


def test_the_webhook_receiver_refuses_a_damaged_archive_when_built(tmp_path: Path) -> None:
    from tpnb.store.webhooks import WebhookReceiver

    path = tmp_path / "hooks.sqlite"
    fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE webhook_events")
        conn.commit()
    with pytest.raises(ArchiveError, match="webhook_events is missing"):
        WebhookReceiver(path, username="hook", password="secret")


# --------------------------------------------------------------------------- read-only
@contextlib.contextmanager
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder whose archive tpnb cannot write: a read-only tmpfs as root, else chmod 0555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        fill(folder / "reviews.sqlite")
        (folder / "reviews.sqlite").chmod(0o444)
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"root, but cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        fill(folder / "reviews.sqlite")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_archive_can_be_read(tmp_path: Path) -> None:
    with read_only_folder(tmp_path) as folder:
        path = folder / "reviews.sqlite"
        before = snapshot(folder)
        with Archive(path) as archive:
            assert archive.read_only
            frame = archive.private_reviews(DOMAIN)
            assert sorted(frame["id"]) == [f"{i:024x}" for i in range(5)]
            assert list(archive.status()["reviews"]) == [5]
            with pytest.raises(ArchiveError, match="read-only"), archive.transaction():
                pass
        assert snapshot(folder) == before


def test_read_only_on_request_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    fill(path)
    before = path.read_bytes()
    with Archive(path, read_only=True) as archive:
        assert len(archive.private_reviews(DOMAIN)) == 5
        with pytest.raises(ArchiveError, match="read-only"), archive.transaction():
            pass
    # (SQLite may leave its WAL index beside the file: a reader needs one in WAL mode)
    assert path.read_bytes() == before
    with pytest.raises(ArchiveError, match="never created"):
        Archive(tmp_path / "missing.sqlite", read_only=True)
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_new_archive_in_a_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    with (
        read_only_folder(tmp_path) as folder,
        pytest.raises(ArchiveError, match="is not writable, so it cannot be created"),
    ):
        Archive(folder / "new.sqlite")
