"""Category routes (trustpilot-api.md §2.5).

* ``GET /categories?country=&locale=&parentId=``, ``/categories/{id}?country=&locale=``,
  ``/categories/{id}/business-units?country=&page=&perPage=`` (-> ``{"businessUnits": [...],
  "links": [...]}`` [I]); an unknown category is 404.
"""

from __future__ import annotations

from flask import Blueprint, Response

from tpnb.emulator.api import listing, params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.responses import json_response

blueprint = Blueprint("categories", __name__, url_prefix="/v1/categories")


@blueprint.get("")
def categories() -> Response:
    """``GET /categories``."""
    data = state().dataset.categories_json(
        params.get_country(), params.get_locale(), params.get_str("parentId")
    )
    return json_response(data, cache="categories")


@blueprint.get("/<category_id>")
def category(category_id: str) -> Response:
    """``GET /categories/{id}``."""
    data = state().dataset.category_json(category_id, params.get_country(), params.get_locale())
    return json_response(data, cache="categories")


@blueprint.get("/<category_id>/business-units")
def category_units(category_id: str) -> Response:
    """``GET /categories/{id}/business-units``."""
    ds = state().dataset
    ids = ds.category_business_unit_ids(category_id, params.get_country())
    page, per_page = listing.page_and_size()
    start, stop, has_next = listing.slice_page(len(ids), page, per_page, cap=None)
    base = params.api_base()
    units = [ds.business_unit_json(bu_id, base) for bu_id in ids[start:stop]]
    payload = {"businessUnits": units, "links": params.page_links(page, has_next)}
    return json_response(payload, cache="business-unit")
