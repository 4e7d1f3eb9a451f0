"""Units known only from webhook events: listed by ``Archive.status()``, written by ``export_parquet``.

A receiver told the subscription's unit (``?business_unit=``) files new reviews under it before
any sync of that unit ran; the archive must show and export them like any other unit's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from kit.webhooks import PASSWORD, UNIT, USER, body, event_data, post, record, review_id

from tpnb.store import export_parquet
from tpnb.store.webhooks import ReceiverServer, serve

CREATED = "service-review-created"


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[ReceiverServer]:
    with serve(tmp_path / "hooks.sqlite", username=USER, password=PASSWORD) as srv:
        yield srv


def test_units_known_only_from_webhooks_are_listed_and_exported(
    receiver: ReceiverServer, tmp_path: Path
) -> None:
    answer = post(receiver, body((CREATED, event_data(40)), (CREATED, event_data(41))))
    assert answer.json()["applied"] == 2
    archive = receiver.receiver.archive
    status = archive.status().set_index("business_unit_id")
    written = export_parquet(archive, tmp_path / "parquet")
    exported = pd.read_parquet(tmp_path / "parquet") if written else pd.DataFrame()
    ok = (
        UNIT in status.index
        and int(status.loc[UNIT, "reviews"]) == 2
        and int(status.loc[UNIT, "pending_completion"]) == 2
        and sorted(exported.get("id", [])) == [review_id(40), review_id(41)]
    )
    record("webhook: a unit known only from webhooks", ok, f"status {list(status.index)}")
    assert ok
