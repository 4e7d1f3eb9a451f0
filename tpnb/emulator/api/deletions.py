"""The Deletions API (trustpilot-api.md §2.10): deleted review ids and deleted consumer ids.

* ``GET /reviews/deletions`` -> ``{"reviews": [{"reviewId", "businessUnitId", "deletedAt"}],
  "nextToken": str | null}``;
* ``GET /consumers/deletions`` -> ``{"consumers": [{"consumerId", "deletedAt"}], "nextToken"}``.

Both take the api key (public auth) and, all optional: ``limit`` (1..1000, default 100; anything
else is a 400 [I]: the docs say "up to 1000" and do not say whether more is clamped),
``startDate``/``endDate`` (ISO 8601 date or date-time, UTC unless zoned; a start after the end is
a 400 [I]) and ``nextToken`` (the previous answer's). Bounds [I]: ``startDate`` inclusive,
``endDate`` exclusive, except that a date-only ``endDate`` covers that whole day; no bound means
no limit (the emulator keeps every deletion). The last page has ``"nextToken": null`` [C example].

``nextToken`` is opaque base64 ([C] DOC-DEL; its example decodes to DynamoDB's
``{"lastEvaluatedKey":{}}``): the emulator encodes ``{"lastEvaluatedKey": {"deletedAt": <epoch
ms>, "id": <id>}}``, the last item of the page, so a token stays valid while new deletions
arrive. A token that does not decode to that is a 400.

Answers carry ``Cache-Control: private, no-store`` [I]: a list that grows with every deletion
should not be served from a cache.

The routes live under ``/v1`` and are registered before the review and consumer routes; Flask
also ranks their literal ``deletions`` segment above ``/reviews/<id>``, so ``deletions`` is
never read as an id.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import timedelta

from flask import Blueprint, Response

from tpnb.emulator.api import params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.responses import bad_param, json_response
from tpnb.emulator.data.deletions import CONSUMER, REVIEW

blueprint = Blueprint("deletions", __name__, url_prefix="/v1")

#: ``limit`` bounds and default (DOC-DEL)
MIN_LIMIT, MAX_LIMIT, DEFAULT_LIMIT = 1, 1000, 100
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[0-9a-f]{24}$")
_TOKEN_ALLOWED = "the nextToken of the previous page, unchanged"


def encode_token(cursor: tuple[int, str]) -> str:
    """The opaque ``nextToken`` of a cursor ``(deleted_ms, id)``."""
    payload = {"lastEvaluatedKey": {"deletedAt": cursor[0], "id": cursor[1]}}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.b64encode(raw).decode("ascii")


def decode_token(token: str) -> tuple[int, str]:
    """The cursor of a ``nextToken`` (a 400 naming the parameter when it is not one)."""
    try:
        payload = json.loads(base64.b64decode(token.encode("ascii"), validate=True))
        key = payload["lastEvaluatedKey"]
        deleted_ms, item_id = key["deletedAt"], key["id"]
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
        raise bad_param("nextToken", token, _TOKEN_ALLOWED) from None
    if not isinstance(deleted_ms, int) or not isinstance(item_id, str) or not _ID.match(item_id):
        raise bad_param("nextToken", token, _TOKEN_ALLOWED)
    return deleted_ms, item_id


def _bounds() -> tuple[int | None, int | None]:
    """``startDate``/``endDate`` as epoch milliseconds (see the module docstring)."""
    start = params.get_datetime("startDate")
    end = params.get_datetime("endDate")
    raw_end = params.get_str("endDate")
    if end is not None and raw_end is not None and _DATE_ONLY.match(raw_end.strip()):
        end = end + timedelta(days=1)
    if start is not None and end is not None and start >= end:
        raise bad_param(
            "startDate", params.get_str("startDate"), f"a date-time before endDate ({raw_end})"
        )
    start_ms = None if start is None else int(start.timestamp() * 1000)
    end_ms = None if end is None else int(end.timestamp() * 1000)
    return start_ms, end_ms


def _deletions(kind: str, key: str) -> Response:
    limit = params.get_int("limit", DEFAULT_LIMIT, MIN_LIMIT, MAX_LIMIT)
    start_ms, end_ms = _bounds()
    token = params.get_str("nextToken")
    after = None if token is None else decode_token(token)
    items, cursor = state().dataset.deletions.page(
        kind, start_ms=start_ms, end_ms=end_ms, after=after, limit=limit
    )
    body = {
        key: [item.json() for item in items],
        "nextToken": None if cursor is None else encode_token(cursor),
    }
    return json_response(body, cache=None)


@blueprint.get("/reviews/deletions")
def deleted_reviews() -> Response:
    """``GET /reviews/deletions``."""
    return _deletions(REVIEW, "reviews")


@blueprint.get("/consumers/deletions")
def deleted_consumers() -> Response:
    """``GET /consumers/deletions``."""
    return _deletions(CONSUMER, "consumers")
