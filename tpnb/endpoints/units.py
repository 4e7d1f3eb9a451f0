"""Business units and categories (public, api key)."""

from __future__ import annotations

from tpnb.endpoints._common import Conn, Json, query, seg


def find_business_unit(conn: Conn, name: str) -> Json:
    """``GET /business-units/find?name=`` -> one business unit (404 if unknown)."""
    return conn.get_json("/business-units/find", query(name=name))


def get_business_unit(conn: Conn, business_unit_id: str) -> Json:
    """``GET /business-units/{id}`` -> one business unit."""
    return conn.get_json(f"/business-units/{seg(business_unit_id)}")


def search_business_units(
    conn: Conn,
    query_text: str,
    *,
    country: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Json:
    """``GET /business-units/search`` -> ``{"businessUnits": [...], "links": [...]}``."""
    params = query(query=query_text, country=country, page=page, perPage=per_page)
    return conn.get_json("/business-units/search", params, list_key="businessUnits")


def list_business_units(
    conn: Conn,
    *,
    country: str | list[str] | None = None,
    per_page: int = 1000,
    cursor: str | None = None,
) -> Json:
    """``GET /business-units/all`` -> ``{"businessUnits": [...], "cursor": ...}`` (cursor paging)."""
    params = query(country=country, perPage=per_page, cursor=cursor)
    return conn.get_json("/business-units/all", params, list_key="businessUnits")


def get_profile_info(conn: Conn, business_unit_id: str) -> Json:
    """``GET /business-units/{id}/profileinfo``."""
    return conn.get_json(f"/business-units/{seg(business_unit_id)}/profileinfo")


def get_web_links(conn: Conn, business_unit_id: str, locale: str) -> Json:
    """``GET /business-units/{id}/web-links?locale=``."""
    path = f"/business-units/{seg(business_unit_id)}/web-links"
    return conn.get_json(path, query(locale=locale))


def get_business_unit_categories(
    conn: Conn, business_unit_id: str, *, country: str | None = None, locale: str | None = None
) -> Json:
    """``GET /business-units/{id}/categories`` -> ``{"categories": [...]}``."""
    path = f"/business-units/{seg(business_unit_id)}/categories"
    return conn.get_json(path, query(country=country, locale=locale))


def list_categories(
    conn: Conn,
    *,
    country: str | None = None,
    locale: str | None = None,
    parent_id: str | None = None,
) -> Json:
    """``GET /categories`` -> ``{"categories": [...]}``."""
    return conn.get_json("/categories", query(country=country, locale=locale, parentId=parent_id))


def get_category(
    conn: Conn, category_id: str, *, country: str | None = None, locale: str | None = None
) -> Json:
    """``GET /categories/{id}``."""
    return conn.get_json(f"/categories/{seg(category_id)}", query(country=country, locale=locale))


def list_category_business_units(
    conn: Conn,
    category_id: str,
    *,
    country: str | None = None,
    locale: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Json:
    """``GET /categories/{id}/business-units`` -> ``{"businessUnits": [...], "links": [...]}``."""
    params = query(country=country, locale=locale, page=page, perPage=per_page)
    return conn.get_json(
        f"/categories/{seg(category_id)}/business-units", params, list_key="businessUnits"
    )
