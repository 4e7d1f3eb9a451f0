"""Helpers for the webhook reliability tests (not a test module).

Builds webhook bodies in the documented shape (API notes §3.5), posts them to a receiver over
loopback, reads back what the archive holds, and records each run in the reliability ledger
(:data:`relkit.LEDGER`) as ``complete`` (the archive holds exactly what it should), ``clear``
(the input was refused with an answer naming the problem, nothing of it stored) or ``wrong``.
"""

from __future__ import annotations

import json
from typing import Any

import requests

from kit.ledger import LEDGER
from kit.truth import CLEAR, COMPLETE, WRONG
from tpnb.store import Archive
from tpnb.store.webhooks import ReceiverServer

USER, PASSWORD = "hook-user", "rel-hook-pass-7Qx"
UNIT = "5f0c0c0c0c0c0c0c0c0c0c01"


def review_id(number: int) -> str:
    """The 24-hex id of test review ``number``."""
    return f"{number:024x}"


def event_data(number: int, **changes: Any) -> dict[str, Any]:
    """The ``eventData`` of a ``service-review-created/updated`` event, as documented."""
    data: dict[str, Any] = {
        "id": review_id(number),
        "language": "en",
        "title": f"title {number}",
        "text": f"text {number}",
        "referenceId": f"order-{number}",
        "stars": 1 + number % 5,
        "createdAt": f"2025-03-{1 + number % 28:02d}T10:00:00Z",
        "isVerified": True,
        "locationId": None,
        "link": f"https://api.trustpilot.com/v1/reviews/{review_id(number)}",
        "consumer": {"id": f"{number + 99:024x}", "name": f"Person {number}", "link": "https://x"},
        "tags": [{"group": "topic", "value": "delivery"}],
    }
    data.update(changes)
    return data


def body(*events: tuple[str, Any]) -> dict[str, Any]:
    """``{"events": [...]}`` of ``(eventName, eventData)`` pairs."""
    return {"events": [{"eventName": n, "version": "1", "eventData": d} for n, d in events]}


def post(
    receiver: ReceiverServer, payload: object, *, unit: str | None = UNIT, timeout: float = 30
) -> requests.Response:
    """POST ``payload`` (a JSON value, or raw bytes) with the right credentials."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return requests.post(
        receiver.url + (f"?business_unit={unit}" if unit else ""),
        data=data,
        auth=(USER, PASSWORD),
        headers={"Content-Type": "application/json"},
        timeout=timeout,
    )


def stored_json(archive: Archive) -> dict[str, dict[str, Any]]:
    """Every archived review JSON, by id."""
    rows = archive._read("SELECT id, json FROM reviews ORDER BY id")
    return {rid: json.loads(text) for rid, text in rows}


def tags_of(review: dict[str, Any]) -> list[tuple[str, str]]:
    """A review JSON's tags as sorted (group, value) pairs."""
    return sorted((t["group"], t["value"]) for t in review.get("tags") or [])


def record(fault: str, ok: bool, evidence: str, *, outcome_if_ok: str = COMPLETE) -> None:
    """Count one run of ``fault`` in the ledger: ``outcome_if_ok`` when ``ok``, else wrong."""
    LEDGER.record(fault, outcome_if_ok if ok else WRONG, evidence)


__all__ = [
    "CLEAR",
    "COMPLETE",
    "PASSWORD",
    "UNIT",
    "USER",
    "body",
    "event_data",
    "post",
    "record",
    "review_id",
    "stored_json",
    "tags_of",
]
