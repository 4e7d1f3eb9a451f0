"""Webhook events racing a sync, and webhook reviews a sync cannot complete.

The real client and the real emulator over loopback; the emulator POSTs its documented events to
a real receiver writing the same archive file the sync writes. Each run is counted in the
reliability report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.webhooks import PASSWORD, USER, body, post, record

import tpnb.store.sync as sync_module
from tpnb.client import Client
from tpnb.emulator import EmulatorServer
from tpnb.emulator import serve as serve_emulator
from tpnb.emulator.data.webhooks import event_data as emulator_event_data
from tpnb.store import Archive
from tpnb.store.sync import sync
from tpnb.store.webhooks import ReceiverServer
from tpnb.store.webhooks import serve as serve_receiver

GENEROUS = {"rate_limits": ((10_000_000, 300.0),), "refresh_limit": (100_000, 60.0)}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with serve_emulator(scale=0.03, **GENEROUS) as srv:  # type: ignore[arg-type]
        yield srv


@pytest.fixture
def admin(server: EmulatorServer) -> Iterator[Any]:
    yield server.admin
    server.admin.remove_webhook()


@pytest.fixture
def client(server: EmulatorServer, tmp_path: Path) -> Iterator[Client]:
    with client_for(server, tmp_path) as tp:
        yield tp


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.sqlite") as arch:
        yield arch


@pytest.fixture
def receiver(archive: Archive) -> Iterator[ReceiverServer]:
    with serve_receiver(archive.path, username=USER, password=PASSWORD) as srv:
        yield srv


def demo_units(server: EmulatorServer) -> list[str]:
    """The demo user's units with 100..2000 reviews, smallest first."""
    user = server.dataset.user_by_username(server.credentials["username"])
    assert user is not None
    ds = server.dataset
    sized = sorted(
        (len(ds.query_reviews(business_unit_id=u, include_reported=True)), u)
        for u in user.business_unit_ids
    )
    return [u for n, u in sized if 100 <= n <= 2000]


def foreign_unit(server: EmulatorServer) -> str:
    """A unit the demo business user may not read."""
    user = server.dataset.user_by_username(server.credentials["username"])
    assert user is not None
    return next(u for u in server.dataset.business_unit_ids() if u not in user.business_unit_ids)


def review_ids(server: EmulatorServer, unit: str) -> list[str]:
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
    return [ds.review_id(int(r)) for r in rows]


def event_of(server: EmulatorServer, rid: str) -> dict[str, Any]:
    """The ``eventData`` the emulator would send for a review as it is now."""
    ds = server.dataset
    row = ds.review_row(rid)
    assert row is not None
    return emulator_event_data(ds.review_json(row, server.api_url, private=True), server.api_url)


def once_after(
    monkeypatch: pytest.MonkeyPatch,
    owner: Any,
    name: str,
    action: Callable[[Any], bool],
) -> list[bool]:
    """Wrap ``owner.name`` so that ``action(result)`` runs after a call, until it returns True."""
    original = getattr(owner, name)
    done: list[bool] = []

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if not done and action(result):
            done.append(True)
        return result

    monkeypatch.setattr(owner, name, wrapper)
    return done


# --------------------------------------------------------------------------- item 4
def test_a_deletion_between_fetch_and_store_is_not_undone(
    server: EmulatorServer,
    admin: Any,
    client: Client,
    archive: Archive,
    receiver: ReceiverServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unit = demo_units(server)[0]
    sync(client, unit, archive)
    admin.add_webhook(receiver.subscription_url(PASSWORD, business_unit=unit))
    victim = admin.add_review(unit, stars=2, title="deleted while the sync ran", text="gone soon")
    assert admin.flush_webhooks(timeout=20)

    def delete_victim(items: list[dict[str, Any]]) -> bool:
        if victim not in {item["id"] for item in items}:
            return False
        admin.delete_review(victim)  # the consumer deletes it; the webhook arrives at once
        assert admin.flush_webhooks(timeout=20)
        return True

    done = once_after(monkeypatch, sync_module, "list_window", delete_victim)
    sync(client, unit, archive)
    assert done, "the listed window never held the review"
    back = archive.review_json(victim) is not None
    record(
        "webhook: deleted between a sync's fetch and store",
        not back,
        "the deleted review is back after the sync" if back else "stays deleted",
    )
    assert not back
    assert archive.is_tombstoned(archive._connect(), victim)


def test_an_edit_between_fetch_and_store_is_not_undone(
    server: EmulatorServer,
    admin: Any,
    client: Client,
    archive: Archive,
    receiver: ReceiverServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unit = demo_units(server)[1]
    sync(client, unit, archive)
    admin.add_webhook(receiver.subscription_url(PASSWORD, business_unit=unit))
    edited = admin.add_review(unit, stars=3, title="before the edit", text="edited soon")
    assert admin.flush_webhooks(timeout=20)

    def edit(items: list[dict[str, Any]]) -> bool:
        if edited not in {item["id"] for item in items}:
            return False
        admin.update_review(edited, title="after the fetch", stars=5)
        assert admin.flush_webhooks(timeout=20)
        return True

    done = once_after(monkeypatch, sync_module, "list_window", edit)
    sync(client, unit, archive)
    assert done
    review = archive.review_json(edited)
    assert review is not None
    ok = (review["title"], review["stars"]) == ("after the fetch", 5)
    record("webhook: edited between a sync's fetch and store", ok, f"title {review['title']!r}")
    assert ok
    assert archive.pending_completion(unit) == []  # the sync fetched the edited review


def test_a_deletion_during_completion_is_not_undone(
    server: EmulatorServer,
    admin: Any,
    client: Client,
    archive: Archive,
    receiver: ReceiverServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unit = demo_units(server)[2]
    sync(client, unit, archive)
    admin.add_webhook(receiver.subscription_url(PASSWORD, business_unit=unit))
    old = review_ids(server, unit)[-3]  # an old review, outside the incremental window
    admin.update_review(old, title="edited, then deleted")
    assert admin.flush_webhooks(timeout=20)
    assert archive.pending_completion(unit) == [old]

    def delete_old(review: dict[str, Any]) -> bool:
        admin.delete_review(old)
        assert admin.flush_webhooks(timeout=20)
        return True

    done = once_after(monkeypatch, sync_module.ep, "get_private_review", delete_old)
    report = sync(client, unit, archive)
    assert done
    # the audit later in the same sync would delete a resurrected review again (its count
    # differs): so check that it never had to, and that the webhook's tombstone is the one kept
    origin = archive._read("SELECT origin FROM tombstones WHERE review_id = ?", (old,))
    ok = archive.review_json(old) is None and report.removed == 0 and origin == [("webhook",)]
    record(
        "webhook: deleted between a sync's fetch and store",
        ok,
        f"during completion: removed again by the sync {report.removed_ids}, tombstone {origin}",
    )
    assert ok


# --------------------------------------------------------------------------- item 18
def test_orphan_webhook_reviews_are_fetched_once_then_parked(
    server: EmulatorServer, client: Client, archive: Archive, receiver: ReceiverServer
) -> None:
    mine, other_of_mine = demo_units(server)[:2]
    foreign = foreign_unit(server)
    unreadable = review_ids(server, foreign)[:40]
    filed_foreign = review_ids(server, foreign)[40:45]
    readable_elsewhere = review_ids(server, other_of_mine)[0]
    # a subscription without unit: every review arrives unfiled
    unfiled = [*unreadable, readable_elsewhere]
    payload = body(*[("service-review-updated", event_of(server, rid)) for rid in unfiled])
    assert post(receiver, payload, unit=None).json()["applied"] == 41
    # a subscription for the foreign unit (misconfigured: this user cannot read it)
    payload = body(*[("service-review-updated", event_of(server, rid)) for rid in filed_foreign])
    assert post(receiver, payload, unit=foreign).json()["applied"] == 5

    def review_gets(rids: list[str]) -> int:
        wanted = set(rids)
        return sum(
            1
            for _, path in server.admin.requests
            if "/private/reviews/" in path and path.rsplit("/", 1)[-1] in wanted
        )

    def token_requests() -> int:
        return sum(1 for _, path in server.admin.requests if "/oauth/" in path)

    before = review_gets(unfiled)  # the module's emulator may have served some before
    tokens_before = token_requests()
    first = sync(client, mine, archive)
    first_tokens = token_requests() - tokens_before
    first_gets = review_gets(unfiled) - before
    second = sync(client, mine, archive)
    second_gets = review_gets(unfiled) - first_gets - before
    foreign_gets = review_gets(filed_foreign)
    ok = (
        first.parked == 40
        and sorted(first.parked_ids) == sorted(unreadable)
        # 41 reviews, plus one resend after the single token renewal the first 403 earns
        # (Trustpilot: re-authenticate once, then raise); later 403s renew nothing
        and first_gets == 42
        and first_tokens <= 2  # the login and the one renewal, not one per review
        and second_gets == 0
        and second.parked == 0
        and foreign_gets == 0
        and readable_elsewhere in archive.review_ids(other_of_mine)
        and archive.pending_completion(mine) == []
    )
    record(
        "webhook: reviews a sync cannot read",
        ok,
        f"first sync {first_gets} GETs, {first_tokens} token requests ({first.parked} parked), "
        f"second {second_gets}, "
        f"foreign unit {foreign_gets}",
    )
    assert ok
    assert "40 parked" in str(first)
    # a new change to a parked review makes it worth one more try (a repeat of its event is not)
    repeat = body(("service-review-updated", event_of(server, unreadable[0])))
    assert post(receiver, repeat, unit=None).json()["duplicates"] == 1
    changed = body(("service-review-updated", {**event_of(server, unreadable[0]), "title": "new"}))
    assert post(receiver, changed, unit=None).json()["applied"] == 1
    third = sync(client, mine, archive)
    assert third.parked_ids == [unreadable[0]]
