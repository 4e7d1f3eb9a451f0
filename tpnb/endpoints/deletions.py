"""The Deletions API (api key): ids of deleted reviews and consumer profiles (DOC-DEL)."""

from __future__ import annotations

from tpnb.endpoints._common import Conn, Json, query


def list_deleted_reviews(
    conn: Conn,
    *,
    limit: int | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    next_token: str | None = None,
) -> Json:
    """``GET /reviews/deletions`` -> ``{"reviews": [...], "nextToken": str | null}``."""
    params = query(limit=limit, startDate=start_date, endDate=end_date, nextToken=next_token)
    return conn.get_json("/reviews/deletions", params, list_key="reviews")


def list_deleted_consumers(
    conn: Conn,
    *,
    limit: int | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    next_token: str | None = None,
) -> Json:
    """``GET /consumers/deletions`` -> ``{"consumers": [...], "nextToken": str | null}``."""
    params = query(limit=limit, startDate=start_date, endDate=end_date, nextToken=next_token)
    return conn.get_json("/consumers/deletions", params, list_key="consumers")
