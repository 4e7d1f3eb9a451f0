"""Webhook events the receiver must get right: repeats, disorder, wrong types, hostile bodies.

Trustpilot's events carry no event id, no ``updatedAt`` (API notes §3.5) and may arrive twice or
out of order; a body may be malformed or hostile. Each test posts over loopback to a real
receiver and checks what the archive holds afterwards; each run is counted in the reliability
report (``complete``: the archive holds exactly what it should; ``clear``: the input was refused
with a 400 naming the problem and nothing of it was stored; ``wrong``: anything else).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kit.webhooks import (
    CLEAR,
    PASSWORD,
    UNIT,
    USER,
    body,
    event_data,
    post,
    record,
    review_id,
    stored_json,
    tags_of,
)

from tpnb.store import Archive
from tpnb.store.webhooks import ReceiverServer, serve

CREATED, UPDATED = "service-review-created", "service-review-updated"
TAG = {"group": "topic", "value": "delivery"}


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[ReceiverServer]:
    with serve(tmp_path / "hooks.sqlite", username=USER, password=PASSWORD) as srv:
        yield srv


def archive_of(receiver: ReceiverServer) -> Archive:
    return receiver.receiver.archive


# --------------------------------------------------------------------------- repeats (item 10)
@pytest.mark.parametrize(
    ("field", "earlier", "later"),
    [("tags", [TAG], []), ("tags", [], [TAG]), ("text", "A", "B"), ("stars", 5, 2)],
)
def test_a_change_undone_and_redone_is_applied(
    receiver: ReceiverServer, field: str, earlier: Any, later: Any
) -> None:
    """tag added, removed, added again (or text A -> B -> A): every step is a real change."""
    rid = review_id(1)
    assert post(receiver, body((CREATED, event_data(1, **{field: earlier})))).status_code == 200
    answers = [
        post(receiver, body((UPDATED, event_data(1, **{field: value})))).json()
        for value in (later, earlier, later)
    ]
    got = stored_json(archive_of(receiver))[rid][field]
    ok = (tags_of({"tags": got}) == tags_of({"tags": later})) if field == "tags" else got == later
    record(
        "webhook: a change undone and redone (A -> B -> A -> B)",
        ok,
        f"{field}: stored {got!r}, expected {later!r}; answers {answers}",
    )
    assert ok
    assert [a["applied"] for a in answers] == [1, 1, 1]


def test_a_repeated_delivery_changes_nothing(receiver: ReceiverServer) -> None:
    payload = body(
        (CREATED, event_data(2)),
        (CREATED, event_data(3)),
        (UPDATED, event_data(2, title="edited", tags=[])),
    )
    first = post(receiver, payload).json()
    before = stored_json(archive_of(receiver))
    pending_before = archive_of(receiver).pending_completion(UNIT)
    again = post(receiver, payload).json()
    after = stored_json(archive_of(receiver))
    ok = after == before and archive_of(receiver).pending_completion(UNIT) == pending_before
    ok = ok and after[review_id(2)]["title"] == "edited" and again["applied"] == 0
    record("webhook: the same delivery twice", ok, f"first {first}, again {again}")
    assert ok
    assert first == {"applied": 3, "duplicates": 0, "ignored": 0, "stale": 0}
    assert again == {"applied": 0, "duplicates": 2, "ignored": 0, "stale": 1}


# --------------------------------------------------------------------------- order (item 11)
def test_an_update_that_overtook_its_creation_is_kept(receiver: ReceiverServer) -> None:
    rid = review_id(4)
    assert post(receiver, body((UPDATED, event_data(4, title="edited", stars=1)))).ok
    late = post(receiver, body((CREATED, event_data(4)))).json()
    review = stored_json(archive_of(receiver))[rid]
    ok = (review["title"], review["stars"]) == ("edited", 1)
    record("webhook: events out of order", ok, f"after a late created: {review['title']!r}")
    assert ok
    assert late["stale"] == 1


def test_events_carrying_update_times_are_ordered_by_them(receiver: ReceiverServer) -> None:
    rid = review_id(5)
    newer = event_data(5, title="newer", updatedAt="2025-04-02T10:00:00Z")
    older = event_data(5, title="older", updatedAt="2025-04-01T10:00:00.000Z")
    assert post(receiver, body((CREATED, event_data(5)))).ok
    assert post(receiver, body((UPDATED, newer))).ok
    answer = post(receiver, body((UPDATED, older))).json()
    review = stored_json(archive_of(receiver))[rid]
    ok = review["title"] == "newer" and review["updatedAt"] == "2025-04-02T10:00:00Z"
    record("webhook: events out of order", ok, f"older update after newer: {review['title']!r}")
    assert ok
    assert answer["stale"] == 1
    # a later update without a time (the documented payload) is applied: arrival order is all
    # there is to go by
    plain = event_data(5, title="plain")
    assert post(receiver, body((UPDATED, plain))).json()["applied"] == 1
    assert stored_json(archive_of(receiver))[rid]["title"] == "plain"


# --------------------------------------------------------------------------- types (item 13)
WRONG_TYPES = [
    ("stars", "five"),
    ("stars", 4.5),
    ("stars", 99),
    ("stars", 0),
    ("stars", True),
    ("stars", None),
    ("isVerified", "yes"),
    ("isVerified", 1),
    ("tags", "delivery"),
    ("tags", [1]),
    ("tags", [{"group": "topic"}]),
    ("tags", [{"group": 1, "value": "x"}]),
    ("tags", [{"group": "", "value": "x"}]),
    ("createdAt", "yesterday"),
    ("createdAt", 1741000000),
    ("createdAt", "2025-13-45T99:00:00Z"),
    ("createdAt", None),
    ("updatedAt", "later"),
    ("language", 5),
    ("title", ["x"]),
    ("text", {"a": 1}),
    ("referenceId", 12),
    ("locationId", 7),
    ("consumer", "bob"),
    ("consumer", {"id": 5, "name": "x"}),
    ("id", "not-a-review-id"),
    ("id", 42),
]


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES)
@pytest.mark.parametrize("name", [CREATED, UPDATED])
def test_an_event_with_a_wrong_field_type_is_refused(
    receiver: ReceiverServer, name: str, field: str, value: Any
) -> None:
    archive = archive_of(receiver)
    assert post(receiver, body((CREATED, event_data(6)))).ok  # the unit has one good review
    before = stored_json(archive)
    number = 6 if name == UPDATED else 7  # an update of the stored review, or a new review
    answer = post(receiver, body((name, event_data(number, **{field: value}))))
    error = answer.json().get("error", "") if answer.status_code < 500 else answer.text
    after = stored_json(archive)
    frame = archive.private_reviews(UNIT)  # reads never fail on what was stored
    public = archive.reviews(UNIT)
    ok = (
        answer.status_code == 400
        and field in error
        and after == before
        and list(frame["id"]) == [review_id(6)]
        and len(public) == 1
    )
    record(
        "webhook: an event with a wrong field type",
        ok,
        f"{name} {field}={value!r}: {answer.status_code} {error[:120]}",
        outcome_if_ok=CLEAR,
    )
    assert ok, (answer.status_code, error)


def test_unknown_extra_fields_are_accepted_and_not_stored(receiver: ReceiverServer) -> None:
    answer = post(receiver, body((CREATED, event_data(8, sentiment={"score": 0.9}))))
    assert answer.json()["applied"] == 1
    assert "sentiment" not in stored_json(archive_of(receiver))[review_id(8)]


# --------------------------------------------------------------------------- bodies (item 14)
def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [40, 600, 5000])
def test_a_deeply_nested_body_is_refused_with_400(receiver: ReceiverServer, depth: int) -> None:
    good = json.dumps(event_data(9))
    deep = good[:-1] + f', "extra": {nested(depth)}}}'
    payload = f'{{"events": [{{"eventName": "{CREATED}", "eventData": {deep}}}]}}'.encode()
    answer = post(receiver, payload)
    error = answer.json().get("error", "") if answer.status_code == 400 else answer.text
    ok = answer.status_code == 400 and "deep" in error and stored_json(archive_of(receiver)) == {}
    record(
        "webhook: a malformed or hostile body",
        ok,
        f"nesting {depth}: {answer.status_code} {error[:100]}",
        outcome_if_ok=CLEAR,
    )
    assert ok, (answer.status_code, error)


@pytest.mark.parametrize(
    "payload",
    [
        b'{"events": [{"eventName": "service-review-created", "eventData": {"stars": NaN}}]}',
        b'{"events": []',
        b"\xff\xfe",
        b"[]",
        b'{"events": "x"}',
    ],
)
def test_a_malformed_body_is_refused_with_400(receiver: ReceiverServer, payload: bytes) -> None:
    answer = post(receiver, payload)
    ok = answer.status_code == 400 and bool(answer.json().get("error"))
    record(
        "webhook: a malformed or hostile body",
        ok,
        f"{payload[:40]!r}: {answer.status_code}",
        outcome_if_ok=CLEAR,
    )
    assert ok


def test_a_batch_is_applied_event_by_event(receiver: ReceiverServer) -> None:
    """Valid events of a POST are applied; the invalid ones are refused by index (400)."""
    payload = body(
        (CREATED, event_data(20)),
        (CREATED, event_data(21, createdAt="soon")),
        ("service-review-deleted", {"title": "no id"}),
        (CREATED, event_data(22, stars="five")),
        (CREATED, event_data(23)),
    )
    answer = post(receiver, payload)
    reply = answer.json()
    stored = stored_json(archive_of(receiver))
    rejected = reply.get("rejected", [])
    ok = (
        answer.status_code == 400
        and set(stored) == {review_id(20), review_id(23)}
        and [r["index"] for r in rejected] == [1, 2, 3]
        and "createdAt" in rejected[0]["error"]
        and "id" in rejected[1]["error"]
        and "stars" in rejected[2]["error"]
        and reply["applied"] == 2
    )
    record("webhook: a batch with some invalid events", ok, f"{answer.status_code} {reply}")
    assert ok, reply
    # the sender may retry the whole POST: the valid events are then duplicates
    again = post(receiver, payload).json()
    assert (again["applied"], again["duplicates"]) == (0, 2)
    assert stored_json(archive_of(receiver)) == stored


# --------------------------------------------------------------------------- product reviews
def test_product_review_events_are_skipped_knowingly(
    receiver: ReceiverServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tpnb")
    product = {
        "id": review_id(31),
        "stars": 4,
        "content": "Nice lamp",
        "product": {"sku": "LAMP-1", "name": "Lamp"},
        "referenceId": "order-31",
        "consumer": {"id": review_id(131), "name": "Ann", "email": "ann@example.com"},
        "state": "published",
        "createdAt": "2025-03-01T10:00:00Z",
    }
    payload = body(
        ("product-review-created", product),
        ("product-review-created", "not even an object"),
        (CREATED, event_data(30)),
    )
    answer = post(receiver, payload)
    ok = answer.status_code == 200 and answer.json() == {
        "applied": 1,
        "duplicates": 0,
        "ignored": 2,
        "stale": 0,
    }
    record("webhook: product-review-created", ok, f"{answer.status_code} {answer.text[:100]}")
    assert ok
    assert set(stored_json(archive_of(receiver))) == {review_id(30)}
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert any("product review" in line and "not stored" in line for line in lines), lines
    assert not any("ann@example.com" in line for line in lines)
