"""Review lists: filters from query parameters, page slicing, the 100k cap and pageTokens.

Choices ([I] in the API notes):

* page-numbered lists (business-unit reviews public and private, consumer reviews) return
  ``{"links": [...], "reviews": [...]}``; ``page`` is 1..2147483647, ``perPage`` 1..100
  (default 20); a page past the end is ``"reviews": []`` with status 200;
* the 100,000-record cap (``EmulatorOptions.record_cap``): a page with ``page * perPage > cap``
  is empty, and no ``next-page`` link points past the cap;
* ``prev-page`` is present whenever ``page > 1``; ``next-page`` when the following page is
  non-empty; hrefs are absolute and keep every original query parameter (``apikey`` included
  when it was sent in the query);
* ``all-reviews`` walks newest first by keyset on ``(createdAt, row)``: ``pageToken`` is an
  opaque base64url string (400 when malformed or from another unit), ``perPage`` 1..100
  (default 100), the response is ``{"reviews", "nextPageToken" (null on the last page),
  "links"}``. Reviews that arrive during a walk are newer than its start and are not returned;
  none is repeated or skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import urlencode

import numpy as np
from flask import Response, request

from tpnb.emulator.api import params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.responses import bad_param, json_response
from tpnb.emulator.data.formats import link

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def public_filters() -> dict[str, Any]:
    """``query_reviews`` keyword arguments from the public review-list parameters."""
    location = params.get_str("internalLocationId", "locationId")
    return {
        "stars": params.get_stars(),
        "languages": params.get_languages(),
        "location_id": location,
        "responded": params.get_bool("responded"),
        "tag_group": params.get_str("tagGroup"),
        "tag_value": params.get_str("tagValue"),
        "ignore_tag_value_case": bool(params.get_bool("ignoreTagValueCase")),
        "include_reported": bool(params.get_bool("includeReportedReviews")),
        "order_by": params.get_order_by(),
    }


def page_and_size(
    default_per_page: int = DEFAULT_PER_PAGE, max_per_page: int = MAX_PER_PAGE
) -> tuple[int, int]:
    """Validated ``(page, perPage)`` (``perpage`` accepted as an alias)."""
    page = params.get_int("page", 1, 1, params.MAX_PAGE)
    per_page = params.get_int("perPage", default_per_page, 1, max_per_page, "perpage")
    return page, per_page


def slice_page(total: int, page: int, per_page: int, cap: int | None) -> tuple[int, int, bool]:
    """``(start, stop, has_next)`` of a page over ``total`` records, under an optional cap."""
    limit = total if cap is None else min(total, cap)
    if cap is not None and page * per_page > cap:
        return 0, 0, False
    start = (page - 1) * per_page
    stop = min(start + per_page, limit)
    if start >= limit:
        return 0, 0, False
    next_fits = cap is None or (page + 1) * per_page <= cap
    return start, stop, next_fits and stop < limit


def review_list(rows: np.ndarray, *, private: bool, cache: str | None) -> Response:
    """Render one page of ``rows`` as ``{"links", "reviews"}``."""
    page, per_page = page_and_size()
    start, stop, has_next = slice_page(len(rows), page, per_page, state().options.record_cap)
    ds, base = state().dataset, params.api_base()
    reviews = [ds.review_json(int(row), base, private=private) for row in rows[start:stop]]
    payload = {"links": params.page_links(page, has_next), "reviews": reviews}
    return json_response(payload, cache=cache)


# ----------------------------------------------------------------- all-reviews (keyset)
def _encode_token(bu_id: str, created: int, row: int) -> str:
    raw = json.dumps({"b": bu_id, "c": created, "r": row}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, bu_id: str) -> tuple[int, int]:
    allowed = "a nextPageToken returned by this endpoint for this business unit"
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        created, row, unit = int(data["c"]), int(data["r"]), str(data["b"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise bad_param("pageToken", token, allowed) from None
    if unit != bu_id:
        raise bad_param("pageToken", token, allowed)
    return created, row


def all_reviews(bu_id: str) -> Response:
    """Render one keyset page of ``/business-units/{id}/all-reviews``."""
    per_page = params.get_int("perPage", MAX_PER_PAGE, 1, MAX_PER_PAGE, "perpage")
    include_reported = bool(params.get_bool("includeReportedReviews"))
    rows = state().dataset.query_reviews(business_unit_id=bu_id, include_reported=include_reported)
    created = state().dataset.review_created_at(rows)
    order = np.lexsort((rows, created))[::-1]  # newest first, ties by row (desc)
    rows, created = rows[order], created[order]
    token = params.get_str("pageToken")
    if token is not None:
        c, r = _decode_token(token, bu_id)
        keep = (created < c) | ((created == c) & (rows < r))
        rows, created = rows[keep], created[keep]
    page_rows = rows[:per_page]
    ds, base = state().dataset, params.api_base()
    reviews = [ds.review_json(int(row), base) for row in page_rows]
    next_token = None
    links: list[dict[str, str]] = []
    if len(rows) > per_page:
        last = per_page - 1
        next_token = _encode_token(bu_id, int(created[last]), int(rows[last]))
        items = [(k, v) for k, v in request.args.items(multi=True) if k != "pageToken"]
        items.append(("pageToken", next_token))
        links.append(link(request.base_url + "?" + urlencode(items), "next-page"))
    payload = {"links": links, "nextPageToken": next_token, "reviews": reviews}
    return json_response(payload, cache="review-list")
