"""End to end: emulator webhook subscription -> tpnb.store.webhooks receiver -> archive, no polling.

Reviews are added, edited and deleted through the emulator's admin API; the emulator POSTs the
documented events to the receiver (Basic credentials from the subscription URL); the archive
follows without a single API request. The next sync completes what events cannot carry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from kit.clients import client_for
from kit.server import api_requests

from tpnb.client import Client
from tpnb.emulator import EmulatorServer, serve
from tpnb.store import Archive
from tpnb.store.sync import sync
from tpnb.store.webhooks import ReceiverServer
from tpnb.store.webhooks import serve as serve_receiver

GENEROUS = {"rate_limits": ((10_000_000, 300.0),), "refresh_limit": (100_000, 60.0)}
USER, PASSWORD = "trustpilot", "hook-pass-9f3k2"


def remote_ids(server: EmulatorServer, unit: str) -> list[str]:
    ds = server.dataset
    return [
        ds.review_id(int(r)) for r in ds.query_reviews(business_unit_id=unit, include_reported=True)
    ]


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.03, **GENEROUS) as srv:  # type: ignore[arg-type]
        yield srv


@pytest.fixture
def unit(server: EmulatorServer) -> str:
    user = server.dataset.user_by_username(server.credentials["username"])
    assert user is not None
    sized = sorted((len(remote_ids(server, u)), u) for u in user.business_unit_ids)
    return next(u for n, u in sized if n >= 100)


@pytest.fixture
def client(server: EmulatorServer, tmp_path: Path) -> Iterator[Client]:
    with client_for(server, tmp_path) as tp:
        yield tp


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[ReceiverServer]:
    with serve_receiver(tmp_path / "archive.sqlite", username=USER, password=PASSWORD) as srv:
        yield srv
    srv.receiver.archive.close()


def test_archive_follows_add_edit_delete_without_polling(
    server: EmulatorServer, client: Client, receiver: ReceiverServer, unit: str, tmp_path: Path
) -> None:
    archive = Archive(tmp_path / "archive.sqlite")
    sync(client, unit, archive)
    admin = server.admin
    admin.add_webhook(
        receiver.subscription_url(PASSWORD, business_unit=unit), business_unit_id=unit
    )
    before = api_requests(server)
    ids = remote_ids(server, unit)
    edited, deleted = ids[3], ids[-5]
    new = admin.add_review(unit, stars=4, title="Arrived by webhook", text="Quick delivery")
    admin.update_review(edited, title="Edited, says the webhook", stars=1)
    admin.delete_review(deleted)
    assert admin.flush_webhooks(timeout=20)
    assert [d.status for d in admin.webhook_deliveries] == [200, 200, 200]
    assert all(PASSWORD not in d.url for d in admin.webhook_deliveries)
    assert api_requests(server) == before  # the archive followed with no API request at all

    frame = archive.private_reviews(unit).set_index("id")
    assert frame.loc[new, "title"] == "Arrived by webhook"
    assert frame.loc[new, "stars"] == 4
    assert pd.isna(frame.loc[new, "referral_email"])  # events carry no email
    assert (frame.loc[edited, "title"], frame.loc[edited, "stars"]) == (
        "Edited, says the webhook",
        1,
    )
    assert deleted not in frame.index
    assert sorted(archive.pending_completion(unit)) == sorted([new, edited])

    # the next sync completes what the events could not carry, and reads equal the API again
    report = sync(client, unit, archive)
    assert report.removed == 0  # the webhook already removed it
    assert archive.pending_completion(unit) == []
    mine = archive.private_reviews(unit).sort_values("id", ignore_index=True)
    theirs = client.private_reviews(unit, progress=False).sort_values("id", ignore_index=True)
    pd.testing.assert_frame_equal(mine, theirs)
    archive.close()


def test_replayed_deliveries_change_nothing(
    server: EmulatorServer, receiver: ReceiverServer, unit: str
) -> None:
    admin = server.admin
    url = receiver.subscription_url(PASSWORD, business_unit=unit)
    admin.add_webhook(url)
    admin.add_webhook(url.replace("?", "/again?"))  # a second subscription: every event twice
    existing = remote_ids(server, unit)[0]
    new = admin.add_review(unit, stars=2, title="twice", text="delivered twice")
    admin.delete_review(existing)
    assert admin.flush_webhooks(timeout=20)
    assert [d.status for d in admin.webhook_deliveries] == [200] * 4
    archive = receiver.receiver.archive
    assert archive.review_ids(unit) == {new}  # no sync ran: only what the events brought
    assert archive.review_json(new)["title"] == "twice"  # type: ignore[index]
    # each event was applied once; its second delivery was recognised as a replay
    assert archive._read("SELECT COUNT(*) FROM webhook_events")[0][0] == 2


def test_wrong_credentials_in_the_subscription_are_refused(
    server: EmulatorServer, receiver: ReceiverServer, unit: str
) -> None:
    admin = server.admin
    admin.add_webhook(receiver.subscription_url("not-the-password", business_unit=unit))
    admin.add_review(unit, stars=5, title="nope", text="should not be stored")
    assert admin.flush_webhooks(timeout=20)
    assert [d.status for d in admin.webhook_deliveries] == [401]
    assert receiver.receiver.archive.review_ids(unit) == set()


def test_a_subscription_without_unit_is_resolved_by_the_next_sync(
    server: EmulatorServer, client: Client, receiver: ReceiverServer, unit: str
) -> None:
    admin = server.admin
    admin.add_webhook(receiver.subscription_url(PASSWORD))
    new = admin.add_review(unit, stars=3, title="unit unknown", text="which unit?")
    assert admin.flush_webhooks(timeout=20)
    archive = receiver.receiver.archive
    assert archive.review_ids(None) == {new}  # filed under no unit yet
    sync(client, unit, archive)
    assert new in archive.review_ids(unit)
    assert archive.review_ids(None) == set()
