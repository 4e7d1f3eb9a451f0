"""How values look in the API's JSON: timestamps, HATEOAS links, web hosts (trustpilot-api.md §0).

Timestamps are ``YYYY-MM-DDTHH:MM:SSZ`` ([I]: the real API sends both this and zone-less forms);
empty values are ``null``, never omitted (documented). Web links point at the locale's
Trustpilot-like host ([I]: ``dk.trustpilot.example`` for da-DK, ``www`` for en-US...).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

JSON = dict[str, Any]
#: the per-star counts of ``numberOfReviews`` (business units, product summaries)
STAR_KEYS = ("oneStar", "twoStars", "threeStars", "fourStars", "fiveStars")


def iso(seconds: int | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` for epoch seconds (None and negative values give None)."""
    if seconds is None or seconds < 0:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def link(href: str, rel: str, method: str = "GET") -> JSON:
    """One HATEOAS link object."""
    return {"href": href, "method": method, "rel": rel}


def locale_host(locale: str) -> str:
    """The Trustpilot-like web host of a locale (``da-DK`` -> ``dk.trustpilot.example``)."""
    region = locale.split("-")[-1].lower() if "-" in locale else "us"
    sub = {"us": "www", "gb": "uk"}.get(region, region)
    return f"https://{sub}.trustpilot.example"
