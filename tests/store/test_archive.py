"""tpnb.store: the SQLite archive on its own (API-shaped JSON, no server).

The integration with the emulator (sync, client parity) is in test_sync*.py and
test_webhooks*.py; here the archive's own contract: file handling, transactions, filters,
tombstones, Parquet export. Expectations are computed from the records the tests write.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from kit.files import needs_proc, open_files

from tpnb.errors import ConfigError
from tpnb.frames import review_frame
from tpnb.store import (
    Archive,
    ArchiveError,
    UnknownUnitError,
    export_parquet,
)
from tpnb.store.queries import ReviewQuery
from tpnb.store.schema import APPLICATION_ID, SCHEMA_VERSION, iso, review_row

UNIT = "5f0c0c0c0c0c0c0c0c0c0c01"
DOMAIN = "example-shop.example"
BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)


def unit_json(unit_id: str = UNIT, domain: str = DOMAIN) -> dict[str, Any]:
    return {
        "id": unit_id,
        "displayName": "Example Shop",
        "name": {"identifying": domain, "referring": [domain, f"www.{domain}"]},
        "numberOfReviews": {"total": 0},
        "links": [{"href": "http://127.0.0.1:1/v1/business-units/x", "rel": "self"}],
    }


def make_review(i: int, unit_id: str = UNIT, **over: Any) -> dict[str, Any]:
    """A private-review JSON whose fields vary with ``i`` (deterministic)."""
    review: dict[str, Any] = {
        "id": f"{i:024x}",
        "businessUnit": {"id": unit_id, "displayName": "Example Shop"},
        "stars": 1 + i % 5,
        "title": f"title {i}",
        "text": f"text {i}",
        "language": ("en", "da", "de")[i % 3],
        "createdAt": (BASE + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updatedAt": None,
        "experiencedAt": None,
        "consumer": {"id": f"{i + 1000:024x}", "displayName": f"Person {i % 4}"},
        "isVerified": i % 2 == 0,
        "companyReply": (
            {"text": "thanks", "createdAt": "2024-06-01T00:00:00Z", "updatedAt": None}
            if i % 3 == 0
            else None
        ),
        "reportData": {"reason": "spam"} if i % 7 == 6 else None,
        "location": {"id": "0b7c4a2e-1111-2222-3333-444455556666", "name": "Store"}
        if i % 4 == 0
        else None,
        "referenceId": f"order-{i}",
        "referralEmail": f"p{i}@mail.example",
        "source": ("Organic", "InvitationApi")[i % 2],
        "tags": [{"group": "topic", "value": ("delivery", "price")[i % 2]}],
        "findReviewer": {"isEligible": True, "requests": [{"id": "r"}] if i % 5 == 0 else []},
        "links": [{"href": f"http://127.0.0.1:1/v1/reviews/{i:024x}", "rel": "reviews"}],
    }
    review.update(over)
    return review


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    with Archive(tmp_path / "a.sqlite") as arch:
        yield arch  # type: ignore[misc]


@pytest.fixture
def filled(archive: Archive) -> tuple[Archive, list[dict[str, Any]]]:
    reviews = [make_review(i) for i in range(40)]
    with archive.transaction() as conn:
        archive.put_business_unit(conn, unit_json())
        archive.upsert_reviews(conn, reviews, unit_id=UNIT, private=True)
    return archive, reviews


# --- timestamps and rows ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "2024-05-01T10:20:30Z",
        "2024-05-01T10:20:30",
        "2024-05-01T10:20:30.000Z",
        "2024-05-01T12:20:30+02:00",
        datetime(2024, 5, 1, 10, 20, 30),
        pd.Timestamp("2024-05-01T10:20:30Z"),
    ],
)
def test_iso_normalises_every_api_form(raw: object) -> None:
    assert iso(raw) == "2024-05-01T10:20:30.000000Z"


def test_iso_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        iso("yesterday")


def test_review_row_strips_links_and_extracts_filters() -> None:
    review = make_review(6)
    row = review_row(review, None, private=True)
    assert "links" not in json.loads(row.json)
    assert row.business_unit_id == UNIT
    assert row.stars == review["stars"]
    assert row.reported == 1
    assert row.responded == (1 if review["companyReply"] else 0)
    assert row.tags == (("topic", review["tags"][0]["value"]),)
    with pytest.raises(ValueError, match="'id'"):
        review_row({"stars": 5}, UNIT, private=True)


# --- the file ---------------------------------------------------------------------------------
def test_reopen_keeps_data_and_wal_mode(filled: tuple[Archive, list[dict[str, Any]]]) -> None:
    archive, reviews = filled
    archive.close()
    with Archive(archive.path) as again:
        assert len(again.private_reviews(UNIT)) == len(reviews)
        mode = sqlite3.connect(again.path).execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_not_an_archive_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, not a database " * 100)
    with pytest.raises(ArchiveError, match="not a tpnb archive"):
        Archive(path)


def test_newer_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ArchiveError, match="upgrade tpnb"):
        Archive(path)


@needs_proc
@pytest.mark.parametrize("kind", ["newer format", "not sqlite"])
def test_a_refused_file_is_not_left_open(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "refused.sqlite"
    if kind == "not sqlite":
        path.write_text("hello, not a database " * 100)
    else:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    assert open_files(path) == []
    with pytest.raises(ArchiveError):
        Archive(path)
    assert open_files(path) == []


@pytest.mark.parametrize("path", [None, 42, "", object()])
def test_a_path_of_the_wrong_kind_is_a_config_error(path: Any) -> None:
    with pytest.raises(ConfigError, match="archive must be the path"):
        Archive(path)


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="does not exist"):
        Archive(tmp_path / "nope" / "a.sqlite")


# --- writes -----------------------------------------------------------------------------------
def test_upsert_reports_added_changed_and_skips_identical(archive: Archive) -> None:
    reviews = [make_review(i) for i in range(5)]
    with archive.transaction() as conn:
        added, changed = archive.upsert_reviews(conn, reviews, unit_id=UNIT, private=True)
    assert (sorted(added), changed) == (sorted(r["id"] for r in reviews), [])
    edited = [*reviews[:4], {**reviews[4], "text": "edited"}]
    # the same content with other link hrefs (another server port) is not a change
    edited[0] = {**edited[0], "links": [{"href": "http://127.0.0.1:2/v1/other"}]}
    with archive.transaction() as conn:
        added, changed = archive.upsert_reviews(conn, edited, unit_id=UNIT, private=True)
    assert (added, changed) == ([], [reviews[4]["id"]])
    assert archive.review_json(reviews[4]["id"])["text"] == "edited"  # type: ignore[index]


def test_replies_and_tags_tables_follow_the_json(
    filled: tuple[Archive, list[dict[str, Any]]],
) -> None:
    archive, reviews = filled
    conn = sqlite3.connect(archive.path)
    replied = {r["id"] for r in reviews if r["companyReply"]}
    assert {r[0] for r in conn.execute("SELECT review_id FROM replies")} == replied
    tags = archive.tags(DOMAIN)
    assert len(tags) == len(reviews)
    target = reviews[3]
    with archive.transaction() as c:
        archive.upsert_reviews(
            c, [{**target, "companyReply": None, "tags": []}], unit_id=UNIT, private=True
        )
    assert target["id"] not in {r[0] for r in conn.execute("SELECT review_id FROM replies")}
    assert target["id"] not in set(archive.tags(DOMAIN)["review_id"])


def test_delete_leaves_a_tombstone_and_cascades(
    filled: tuple[Archive, list[dict[str, Any]]],
) -> None:
    archive, reviews = filled
    victim, unknown = reviews[0]["id"], "f" * 24
    with archive.transaction() as conn:
        removed = archive.delete_reviews(conn, [victim, unknown, victim], origin="sync")
        assert archive.is_tombstoned(conn, unknown)
    assert removed == [victim]
    assert archive.review_json(victim) is None
    conn2 = sqlite3.connect(archive.path)
    assert (
        conn2.execute("SELECT COUNT(*) FROM tags WHERE review_id = ?", (victim,)).fetchone()[0] == 0
    )


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_a_failed_batch_leaves_the_archive_as_before(
    filled: tuple[Archive, list[dict[str, Any]]], error: BaseException
) -> None:
    archive, reviews = filled
    before = archive.private_reviews(UNIT)

    def batch() -> None:
        with archive.transaction() as conn:
            archive.upsert_reviews(conn, [make_review(100)], unit_id=UNIT, private=True)
            archive.delete_reviews(conn, [reviews[1]["id"]], origin="sync")
            raise error

    with pytest.raises(type(error)):
        batch()
    pd.testing.assert_frame_equal(archive.private_reviews(UNIT), before)


def test_transactions_do_not_nest(archive: Archive) -> None:
    with archive.transaction(), pytest.raises(ArchiveError, match="nest"):  # noqa: SIM117
        with archive.transaction():
            pass


# --- reads: the client's filters --------------------------------------------------------------
def _expected(reviews: list[dict[str, Any]], keep: Any) -> list[str]:
    chosen = [r for r in reviews if keep(r)]
    chosen.sort(key=lambda r: (r["createdAt"], r["id"]), reverse=True)
    return [r["id"] for r in chosen]


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        ({}, lambda r: True),
        ({"stars": [4, 5]}, lambda r: r["stars"] in (4, 5)),
        ({"stars": "1"}, lambda r: r["stars"] == 1),
        ({"language": "da"}, lambda r: r["language"] == "da"),
        ({"language": ["en", "de"]}, lambda r: r["language"] in ("en", "de")),
        ({"since": "2024-01-10"}, lambda r: r["createdAt"] >= "2024-01-10"),
        (
            {"since": "2024-01-05", "until": datetime(2024, 1, 20)},
            lambda r: "2024-01-05" <= r["createdAt"] < "2024-01-20",
        ),
        ({"responded": True}, lambda r: r["companyReply"] is not None),
        ({"responded": False}, lambda r: r["companyReply"] is None),
        ({"tag_group": "topic", "tag_value": "price"}, lambda r: r["tags"][0]["value"] == "price"),
        ({"location": "0B7C4A2E-1111-2222-3333-444455556666"}, lambda r: r["location"] is not None),
        ({"reported": True}, lambda r: r["reportData"] is not None),
        ({"reference_id": "order-7"}, lambda r: r["referenceId"] == "order-7"),
        ({"referral_email": "P8@mail.example"}, lambda r: r["referralEmail"] == "p8@mail.example"),
        ({"source": "Organic"}, lambda r: r["source"] == "Organic"),
        ({"username": "Person 2"}, lambda r: r["consumer"]["displayName"] == "Person 2"),
        ({"username": "PERSON"}, lambda r: r["consumer"]["displayName"].startswith("Person ")),
        ({"tag_value": "price"}, lambda r: r["tags"][0]["value"] == "price"),
        (
            {"tag_group": "topic", "tag_value": "PRICE", "ignore_tag_value_case": True},
            lambda r: r["tags"][0]["value"] == "price",
        ),
        ({"find_reviewer": "contacted"}, lambda r: bool(r["findReviewer"]["requests"])),
        ({"find_reviewer": "notContacted"}, lambda r: not r["findReviewer"]["requests"]),
    ],
)
def test_private_filters(
    filled: tuple[Archive, list[dict[str, Any]]], filters: dict[str, Any], keep: Any
) -> None:
    archive, reviews = filled
    frame = archive.private_reviews(DOMAIN, **filters)
    assert list(frame["id"]) == _expected(reviews, keep)


def test_filters_read_the_2025_consumer_shape_as_the_frame_does(archive: Archive) -> None:
    """consumer{name, email} (no displayName, no referralEmail): SQL filters match the frame."""
    shapes = [
        make_review(1),
        make_review(2, consumer={"id": "c2", "name": "Ann Lee", "email": "ann@x.example"}),
        make_review(3, consumer={"id": "c3", "name": "Bo"}, referralEmail="bo@x.example"),
    ]
    del shapes[1]["referralEmail"]
    with archive.transaction() as conn:
        archive.upsert_reviews(conn, shapes, unit_id=UNIT, private=True)
    frame = archive.private_reviews(UNIT)
    names = zip(frame["consumer_name"], frame["referral_email"], strict=True)
    shown = dict(zip(frame["id"], names, strict=True))
    assert shown[shapes[1]["id"]] == ("Ann Lee", "ann@x.example")
    assert list(archive.private_reviews(UNIT, referral_email="ANN@x.example")["id"]) == [
        shapes[1]["id"]
    ]
    assert list(archive.private_reviews(UNIT, username="Ann")["id"]) == [shapes[1]["id"]]
    assert list(archive.private_reviews(UNIT, username="Bo")["id"]) == [shapes[2]["id"]]
    assert list(archive.private_reviews(UNIT, referral_email="bo@x.example")["id"]) == [
        shapes[2]["id"]
    ]


def test_raw_gives_the_stored_json(filled: tuple[Archive, list[dict[str, Any]]]) -> None:
    archive, reviews = filled
    raw = archive.private_reviews(UNIT, stars=5, raw=True)
    want = {
        r["id"]: {k: v for k, v in r.items() if k != "links"} for r in reviews if r["stars"] == 5
    }
    assert {r["id"]: r for r in raw} == want


def test_public_reads_hide_reported_unless_asked(
    filled: tuple[Archive, list[dict[str, Any]]],
) -> None:
    archive, reviews = filled
    assert list(archive.reviews(UNIT)["id"]) == _expected(reviews, lambda r: not r["reportData"])
    assert len(archive.reviews(UNIT, include_reported=True)) == len(reviews)


def test_order_and_limit(filled: tuple[Archive, list[dict[str, Any]]]) -> None:
    archive, reviews = filled
    frame = archive.private_reviews(UNIT, order_by="stars.asc,createdat.desc", limit=7)
    expected = sorted(reviews, key=lambda r: (r["stars"], -int(r["id"], 16)))[:7]
    # ties on stars are broken by created_at desc (ids grow with created_at here)
    assert list(frame["id"]) == [r["id"] for r in expected]
    assert archive.private_reviews(UNIT, limit=0).empty


def test_frames_have_the_converters_columns_and_dtypes(
    filled: tuple[Archive, list[dict[str, Any]]],
) -> None:
    archive, reviews = filled
    for private in (False, True):
        got = (
            archive.private_reviews(UNIT)
            if private
            else archive.reviews(UNIT, include_reported=True)
        )
        want = review_frame(reviews, private=private)
        assert list(got.columns) == list(want.columns)
        assert got.dtypes.astype(str).to_dict() == want.dtypes.astype(str).to_dict()
    none = archive.private_reviews(UNIT, since="2030-01-01")
    assert none.empty
    assert (
        none.dtypes.astype(str).to_dict()
        == review_frame([], private=True).dtypes.astype(str).to_dict()
    )


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"stars": 6}, "stars"),
        ({"since": "2024-02-01", "until": "2024-01-01"}, "before until"),
        ({"limit": -1}, "limit"),
        ({"language": "english"}, "language"),
        ({"colour": "red"}, "unknown filter"),
        ({"order_by": "updatedat.desc"}, "order_by"),
    ],
)
def test_bad_filters_raise_before_reading(
    filled: tuple[Archive, list[dict[str, Any]]], filters: dict[str, Any], message: str
) -> None:
    archive, _ = filled
    with pytest.raises(ConfigError, match=message):
        archive.private_reviews(UNIT, **filters)


def test_include_reported_is_public_only(filled: tuple[Archive, list[dict[str, Any]]]) -> None:
    archive, _ = filled
    with pytest.raises(ConfigError, match="include_reported"):
        archive.private_reviews(UNIT, include_reported=True)


def test_units_resolve_by_any_name(filled: tuple[Archive, list[dict[str, Any]]]) -> None:
    archive, _ = filled
    assert archive.resolve_unit(f"https://www.{DOMAIN}/") == UNIT
    assert list(archive.business_units()["id"]) == [UNIT]
    with pytest.raises(UnknownUnitError, match=DOMAIN):
        archive.private_reviews("other.example")
    with pytest.raises(UnknownUnitError):
        archive.private_reviews("a" * 24)


# --- Parquet ----------------------------------------------------------------------------------
def test_export_parquet_partitions_by_unit_and_month(
    filled: tuple[Archive, list[dict[str, Any]]], tmp_path: Path
) -> None:
    archive, reviews = filled
    other = "5f0c0c0c0c0c0c0c0c0c0c02"
    with archive.transaction() as conn:
        archive.put_business_unit(conn, unit_json(other, "other.example"))
        archive.upsert_reviews(
            conn, [make_review(i, other) for i in range(200, 203)], unit_id=other, private=True
        )
    files = export_parquet(archive, tmp_path / "pq")
    months = {(UNIT, r["createdAt"][:7]) for r in reviews}
    months |= {(other, make_review(i)["createdAt"][:7]) for i in range(200, 203)}
    parts = {(f.parent.parent.name.split("=")[1], f.parent.name.split("=")[1]) for f in files}
    assert parts == months
    back = pd.read_parquet(tmp_path / "pq")
    assert len(back) == len(reviews) + 3
    # the reviews' dtypes survive (string, Int8, UTC datetimes...); the partition keys read back
    # as categories (pyarrow's hive partitioning)
    dtypes = archive.private_reviews(UNIT).dtypes.astype(str).drop("business_unit_id")
    assert back.dtypes.astype(str)[dtypes.index].to_dict() == dtypes.to_dict()
    assert {"Int8", "string", "datetime64[us, UTC]"} <= set(dtypes)
    assert isinstance(back["business_unit_id"].dtype, pd.CategoricalDtype)
    assert isinstance(back["month"].dtype, pd.CategoricalDtype)
    assert set(back.loc[back["business_unit_id"] == UNIT, "id"]) == {r["id"] for r in reviews}
    # re-export after a deletion leaves no stale month behind
    first = min(reviews, key=lambda r: r["createdAt"])
    with archive.transaction() as conn:
        archive.delete_reviews(
            conn,
            [r["id"] for r in reviews if r["createdAt"][:7] == first["createdAt"][:7]],
            origin="sync",
        )
    export_parquet(archive, tmp_path / "pq", business_units=[DOMAIN])
    again = pd.read_parquet(tmp_path / "pq")
    assert first["createdAt"][:7] not in set(again.loc[again["business_unit_id"] == UNIT, "month"])


# --- every unit at once (issue 17: a year of all units, one frame) -----------------------------
OTHER = "5f0c0c0c0c0c0c0c0c0c0c02"


def _two_units(archive: Archive) -> list[dict[str, Any]]:
    """40 reviews of UNIT and 20 of OTHER; OTHER's JSON names no unit (filed under OTHER)."""
    first = [make_review(i) for i in range(40)]
    second = [make_review(100 + i, OTHER, businessUnit=None, language="sv") for i in range(20)]
    with archive.transaction() as conn:
        archive.put_business_unit(conn, unit_json())
        archive.put_business_unit(conn, unit_json(OTHER, "other-shop.example"))
        archive.upsert_reviews(conn, first, unit_id=UNIT, private=True)
        archive.upsert_reviews(conn, second, unit_id=OTHER, private=True)
    return first + second


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        ({}, lambda r: True),
        ({"stars": [1, 2]}, lambda r: r["stars"] in (1, 2)),
        (
            {"since": "2024-01-20", "until": "2024-04-15"},
            lambda r: "2024-01-20" <= r["createdAt"] < "2024-04-15",
        ),
        ({"language": "sv"}, lambda r: r["language"] == "sv"),
    ],
)
def test_all_reviews_reads_every_unit_in_one_frame(
    archive: Archive, filters: dict[str, Any], keep: Any
) -> None:
    reviews = _two_units(archive)
    frame = archive.all_reviews(private=True, **filters)
    assert list(frame["id"]) == _expected(reviews, keep)
    units = {r["id"]: UNIT if r["businessUnit"] else OTHER for r in reviews}
    assert dict(zip(frame["id"], frame["business_unit_id"], strict=True)) == {
        i: units[i] for i in frame["id"]
    }
    want = review_frame([], private=True).dtypes.astype(str).to_dict()
    assert frame.dtypes.astype(str).to_dict() == want
    per_unit = pd.concat([archive.private_reviews(u, **filters) for u in (UNIT, OTHER)])
    assert sorted(frame["id"]) == sorted(per_unit["id"])


def test_all_reviews_is_public_by_default_with_the_review_dtypes(archive: Archive) -> None:
    reviews = _two_units(archive)
    frame = archive.all_reviews()
    assert list(frame["id"]) == _expected(reviews, lambda r: not r["reportData"])
    assert list(frame.columns) == list(review_frame([]).columns)
    assert frame.dtypes.to_dict() == review_frame([]).dtypes.to_dict()
    assert set(frame["language"]) == {"en", "da", "de", "sv"}
    with pytest.raises(ConfigError, match="reference_id"):
        archive.all_reviews(reference_id="x")  # a private filter on the public columns


def _plan(archive: Archive, **filters: Any) -> str:
    """SQLite's plan of the query ``all_reviews(**filters)`` runs, as one line."""
    sql, args = ReviewQuery.build(filters, private=False).sql(None)
    return "; ".join(str(row[3]) for row in archive._read(f"EXPLAIN QUERY PLAN {sql}", args))


YEAR = {"since": "2024-01-20", "until": "2024-04-15"}


def test_a_date_range_of_every_unit_searches_the_created_index(archive: Archive) -> None:
    reviews = _two_units(archive)
    plan = _plan(archive, **YEAR)
    assert "SEARCH r USING INDEX reviews_created (created_at>? AND created_at<?)" in plan
    assert "TEMP B-TREE" not in plan  # newest first straight from the index, no sort
    frame = archive.all_reviews(**YEAR)
    keep = _expected(
        reviews, lambda r: "2024-01-20" <= r["createdAt"] < "2024-04-15" and not r["reportData"]
    )
    assert list(frame["id"]) == keep


def test_an_archive_made_before_the_created_index_gets_it_on_a_writable_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    with Archive(path) as archive:
        _two_units(archive)
        before = archive.all_reviews(private=True, **YEAR)
    with contextlib.closing(sqlite3.connect(path)) as conn:  # the archive as tpnb made it before
        conn.execute("DROP INDEX reviews_created")

    def indexes() -> set[str]:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}

    assert "reviews_created" not in indexes()
    with Archive(path, read_only=True) as archive:  # reads, creates nothing, same rows
        assert "reviews_created" not in _plan(archive, **YEAR)
        pd.testing.assert_frame_equal(archive.all_reviews(private=True, **YEAR), before)
    assert "reviews_created" not in indexes()
    with Archive(path) as archive:
        assert "USING INDEX reviews_created" in _plan(archive, **YEAR)
        pd.testing.assert_frame_equal(archive.all_reviews(private=True, **YEAR), before)
        assert len(archive.all_reviews(private=True)) == 60
    assert "reviews_created" in indexes()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_decode_rows_in_chunks_keeps_order_and_leaves_gc_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stored reviews are decoded a chunk at a time, each chunk moved out of the collector's
    passes while the next is decoded; the result is every row in order, and nothing stays
    frozen afterwards."""
    import gc

    from tpnb.store import archive as archive_module

    monkeypatch.setattr(archive_module, "DECODE_CHUNK", 3)
    frozen: list[int] = []
    real_loads = json.loads

    def noting_loads(text: str) -> Any:
        frozen.append(gc.get_freeze_count())
        return real_loads(text)

    monkeypatch.setattr(archive_module, "json", SimpleNamespace(loads=noting_loads))
    texts = [
        json.dumps({"id": f"r{i}", "consumer": {"links": [{"href": f"/c{i}"}]}}) for i in range(7)
    ]
    assert gc.get_freeze_count() == 0
    records = archive_module._decode_rows(texts)
    assert records == [real_loads(t) for t in texts]
    assert len(frozen) == 3  # chunks of 3, 3 and 1
    assert frozen[0] == 0  # nothing decoded yet
    assert frozen[1] > 0  # the first chunk is out of the passes while the second is decoded
    assert frozen[2] > 0
    assert gc.get_freeze_count() == 0
    assert archive_module._decode_rows([]) == []


def test_review_reads_build_their_frame_a_chunk_at_a_time(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read is decoded and made into a frame FRAME_CHUNK rows at a time, then concatenated:
    the result is the frame of all the stored JSON at once, with the schema's dtypes, and the
    unit a review is filed under fills the chunks whose JSON names none (here chunks of 7 mix
    the two units)."""
    import tpnb.frames
    from tpnb.store import archive as archive_module

    reviews = _two_units(archive)
    filed = {r["id"]: OTHER if r["businessUnit"] is None else UNIT for r in reviews}
    built: list[int] = []
    real_frame = tpnb.frames.review_frame

    def counting_frame(records: Any, **kwargs: Any) -> pd.DataFrame:
        built.append(len(records))
        return real_frame(records, **kwargs)

    monkeypatch.setattr(archive_module, "FRAME_CHUNK", 7)
    monkeypatch.setattr(tpnb.frames, "review_frame", counting_frame)
    for private in (True, False):
        built.clear()
        frame = archive.all_reviews(private=private)
        stored = archive.all_reviews(private=private, raw=True)
        whole, left = divmod(len(stored), 7)
        assert whole >= 2
        assert built == [7] * whole + ([left] if left else [])
        want = real_frame(stored, private=private)
        want["business_unit_id"] = pd.array([filed[i] for i in want["id"]], dtype="string")
        pd.testing.assert_frame_equal(frame, want)
        assert frame.index.equals(pd.RangeIndex(len(stored)))
    for unit in (UNIT, OTHER):  # one unit: the caller's id fills the JSON's gaps
        frame = archive.private_reviews(unit, stars=[1, 2, 3])
        stored = archive.private_reviews(unit, stars=[1, 2, 3], raw=True)
        pd.testing.assert_frame_equal(
            frame, real_frame(stored, private=True, business_unit_id=unit)
        )
    nothing = archive.all_reviews(language="xx")
    pd.testing.assert_frame_equal(nothing, real_frame([]))


def test_a_chunked_read_is_one_snapshot_of_the_archive(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reviews written by another connection while a read builds its chunks are not in it (one
    SQL statement reads one snapshot in WAL mode), and the next read has them."""
    import tpnb.frames
    from tpnb.store import archive as archive_module

    reviews = _two_units(archive)
    before = archive.all_reviews(private=True)
    real_frame = tpnb.frames.review_frame
    writes = 0

    def writing_frame(records: Any, **kwargs: Any) -> pd.DataFrame:
        nonlocal writes
        if writes == 0:  # after the first chunk was read: a writer adds and deletes reviews
            with Archive(archive.path) as writer, writer.transaction() as conn:
                writer.upsert_reviews(
                    conn, [make_review(500 + i) for i in range(3)], unit_id=UNIT, private=True
                )
                writer.delete_reviews(conn, [reviews[0]["id"]], origin="sync")
            writes += 1
        return real_frame(records, **kwargs)

    monkeypatch.setattr(archive_module, "FRAME_CHUNK", 5)
    monkeypatch.setattr(tpnb.frames, "review_frame", writing_frame)
    pd.testing.assert_frame_equal(archive.all_reviews(private=True), before)
    assert writes == 1
    after = archive.all_reviews(private=True)
    assert len(after) == len(before) + 3 - 1
