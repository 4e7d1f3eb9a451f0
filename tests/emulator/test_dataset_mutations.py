"""Mutations of the data set: add/edit/delete reviews, replies, tags; aggregates, version, threads."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from kit.dataset_checks import check_review

from tpnb.emulator.data.dataset import Dataset, build_dataset

BASE = "http://127.0.0.1:9/v1"


@pytest.fixture
def ds() -> Dataset:
    return build_dataset(scale=0.02)


def counts(ds: Dataset, bu: str) -> dict[str, int]:
    data = ds.business_unit_json(bu, BASE)
    assert data is not None
    return dict(data["numberOfReviews"])


def score(ds: Dataset, bu: str) -> float:
    data = ds.business_unit_json(bu, BASE)
    assert data is not None
    return float(data["score"]["trustScore"])


def test_add_review_updates_aggregates_version_and_queries(ds: Dataset) -> None:
    bu = ds.find_business_unit("quietpine-studio.example")
    assert bu is not None
    assert counts(ds, bu)["total"] == 0
    assert score(ds, bu) == 0.0
    version = ds.version
    rid = ds.add_review(bu, stars=5, title="Lovely work", text="The new logo is perfect, fast delivery.",
                        reference_id="QP-1", tags=[{"group": "generic", "value": "web"}])  # fmt: skip
    assert ds.version > version
    after = counts(ds, bu)
    assert after["total"] == after["fiveStars"] == after["usedForTrustScoreCalculation"] == 1
    assert score(ds, bu) == 3.7  # (24.5 + 5) / 8 = 3.6875, the review is newer than "now"
    rows = ds.query_reviews(business_unit_id=bu)
    review = ds.review_json(rows[0], BASE, private=True)
    check_review(review, BASE, private=True)
    assert review["id"] == rid
    assert review["title"] == "Lovely work"
    assert review["referenceId"] == "QP-1"
    assert review["source"] == "InvitationApi"
    assert ds.query_reviews(business_unit_id=bu, reference_id="QP-1").size == 1
    assert ds.query_reviews(business_unit_id=bu, tag_group="generic", tag_value="web").size == 1
    consumer = review["consumer"]["id"]
    assert ds.query_reviews(consumer_id=consumer).size == 1


def test_added_review_sorts_into_place(ds: Dataset) -> None:
    bu = ds.find_business_unit("northwind-outdoor.example")
    assert bu is not None
    rows = ds.query_reviews(business_unit_id=bu, order_by=[("createdat", "asc")])
    t0, t1 = ds.review_created_at(rows[10:12])
    when = datetime.fromtimestamp((int(t0) + int(t1)) // 2, tz=timezone.utc)
    rid = ds.add_review(bu, stars=1, title="Bad", text="Late delivery.", created_at=when)
    again = ds.query_reviews(business_unit_id=bu, order_by=[("createdat", "asc")])
    assert ds.review_row(rid) in again[10:13]
    assert again.size == rows.size + 1


def test_update_delete_reply_and_tags(ds: Dataset) -> None:
    bu = ds.find_business_unit("bayside-energy.example")
    assert bu is not None
    row = ds.query_reviews(business_unit_id=bu, stars={5}, responded=False)[0]
    rid = ds.review_json(row, BASE)["id"]
    before = counts(ds, bu)
    old_title = ds.review_json(row, BASE)["title"]
    ds.update_review(rid, stars=1, text="Billing went wrong after all.")
    after = counts(ds, bu)
    assert (after["fiveStars"], after["oneStar"]) == (
        before["fiveStars"] - 1,
        before["oneStar"] + 1,
    )
    edited = ds.review_json(row, BASE)
    assert edited["updatedAt"] is not None
    assert edited["title"] == old_title
    assert edited["text"] == "Billing went wrong after all."
    with pytest.raises(ValueError, match="editable"):
        ds.update_review(rid, colour="red")
    with pytest.raises(ValueError, match=r"1\.\.5"):
        ds.update_review(rid, stars=0)

    user = next(iter(u for u in ds.accounts.users if bu in u.business_unit_ids))
    ds.set_reply(rid, "Sorry, we fixed your bill.", user.id)
    reply = ds.review_json(row, BASE, private=True)["companyReply"]
    assert reply["text"] == "Sorry, we fixed your bill."
    assert reply["authorBusinessUserId"] == user.id
    assert row in ds.query_reviews(business_unit_id=bu, responded=True)
    ds.set_reply(rid, "Updated reply.", user.id)
    assert ds.review_json(row, BASE)["companyReply"]["updatedAt"] is not None
    ds.delete_reply(rid)
    assert ds.review_json(row, BASE)["companyReply"] is None
    assert row in ds.query_reviews(business_unit_id=bu, responded=False)

    ds.set_review_tags(rid, [{"group": "team", "value": "Billing"}])
    ds.add_review_tags(rid, [("team", "Escalations"), ("team", "Billing")])
    assert ds.review_tags(rid) == [
        {"group": "team", "value": "Billing"},
        {"group": "team", "value": "Escalations"},
    ]
    found = ds.query_reviews(
        business_unit_id=bu, tag_group="team", tag_value="billing", ignore_tag_value_case=True
    )
    assert list(found) == [row]
    ds.remove_review_tag(rid, "team", "Billing")
    assert ds.review_tags(rid) == [{"group": "team", "value": "Escalations"}]
    request_id = ds.request_find_reviewer(rid, "Could you send your order number?")
    finder = ds.review_json(row, BASE, private=True)["findReviewer"]
    assert request_id in [r["id"] for r in finder["requests"]]
    assert row in ds.query_reviews(business_unit_id=bu, find_reviewer="contacted")

    total = counts(ds, bu)["total"]
    ds.delete_review(rid)
    assert ds.review_row(rid) is None
    assert counts(ds, bu)["total"] == total - 1
    assert row not in ds.query_reviews(business_unit_id=bu, include_reported=True)
    with pytest.raises(LookupError):
        ds.delete_review(rid)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"stars": 6}, ValueError),
        ({"stars": True}, ValueError),
        ({"text": ""}, ValueError),
        ({"language": "xx"}, ValueError),
        ({"source": "Carrier pigeon"}, ValueError),
        ({"consumer_id": "0" * 24}, LookupError),
        ({"location_id": "nope"}, LookupError),
        ({"tags": [{"group": "", "value": "x"}]}, ValueError),
    ],
)
def test_bad_mutations_raise_early(
    ds: Dataset, kwargs: dict[str, object], error: type[Exception]
) -> None:
    bu = ds.find_business_unit("northwind-outdoor.example")
    assert bu is not None
    args: dict[str, object] = {"stars": 4, "title": "t", "text": "text", **kwargs}
    version = ds.version
    with pytest.raises(error):
        ds.add_review(bu, **args)  # type: ignore[arg-type]
    assert ds.version == version
    with pytest.raises(LookupError):
        ds.add_review("0" * 24, stars=4, title="t", text="x")


def test_concurrent_mutations_and_queries_stay_consistent(ds: Dataset) -> None:
    bu = ds.find_business_unit("pennant-bank.example")
    assert bu is not None
    start = counts(ds, bu)["total"]
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(50):
                ds.add_review(bu, stars=1 + i % 5, title="t", text="Concurrent review text.")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(50):
                rows = ds.query_reviews(business_unit_id=bu, stars={1, 5})
                for row in rows[:3]:
                    ds.review_json(row, BASE)
                ds.business_unit_json(bu, BASE)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)] + [
        threading.Thread(target=reader) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    after = counts(ds, bu)
    assert after["total"] == start + 200
    assert after["total"] == ds.query_reviews(business_unit_id=bu, include_reported=True).size
