"""Query-parameter parsing and validation: every bad value becomes a 400 naming the parameter.

Choices ([I] in the API notes): array parameters accept comma-separated values and repeated
keys alike (``stars=4,5`` == ``stars=4&stars=5``); booleans accept ``true``/``false`` (any case)
and ``1``/``0``; date-times accept ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM[:SS[.fff]]`` with an
optional ``Z`` or ``+HH:MM`` offset, zone-less values being UTC; unknown parameters are ignored.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from flask import request
from werkzeug.datastructures import MultiDict

from tpnb.emulator.httputil import bad_param

MAX_PAGE = 2_147_483_647
ORDER_FIELDS = ("createdat", "stars")
ORDER_VALUES = tuple(f"{f}.{d}" for f in ORDER_FIELDS for d in ("asc", "desc"))
LOCALE_RE = re.compile(r"^[A-Za-z]{2}[-_][A-Za-z]{2}$")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_DT_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


def values(name: str, args: MultiDict[str, str] | None = None) -> list[str]:
    """All values of an array parameter, split on commas, blanks dropped."""
    src = request.args if args is None else args
    out: list[str] = []
    for raw in src.getlist(name):
        out.extend(part.strip() for part in raw.split(",") if part.strip())
    return out


def get_str(name: str, *aliases: str) -> str | None:
    """A single string parameter (first of ``name`` and its aliases that is present)."""
    for key in (name, *aliases):
        value = request.args.get(key)
        if value is not None and value != "":
            return value
    return None


def get_int(name: str, default: int, lo: int, hi: int, *aliases: str) -> int:
    """An integer parameter within ``lo..hi``."""
    raw = get_str(name, *aliases)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_param(name, raw, f"an integer from {lo} to {hi}") from None
    if not lo <= value <= hi:
        raise bad_param(name, raw, f"an integer from {lo} to {hi}")
    return value


def get_bool(name: str) -> bool | None:
    """A boolean parameter (``true``/``false``/``1``/``0``), ``None`` when absent."""
    raw = get_str(name)
    if raw is None:
        return None
    low = raw.lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise bad_param(name, raw, "true or false")


def get_stars(name: str = "stars") -> set[int] | None:
    """The ``stars`` array (each 1..5), ``None`` when absent."""
    raw = values(name)
    if not raw:
        return None
    out: set[int] = set()
    for item in raw:
        if item not in ("1", "2", "3", "4", "5"):
            raise bad_param(name, item, "integers 1 to 5, comma-separated (e.g. '4,5')")
        out.add(int(item))
    return out


def get_languages(name: str = "language") -> set[str] | None:
    """The ``language`` array (ISO 639-1 codes; ``all`` means no filter)."""
    raw = values(name)
    if not raw or any(item.lower() == "all" for item in raw):
        return None
    for item in raw:
        if not _LANG_RE.match(item):
            raise bad_param(name, item, "ISO 639-1 language codes, comma-separated (e.g. 'en,da')")
    return {item.split("-")[0].lower() for item in raw}


def get_order_by(name: str = "orderBy") -> tuple[tuple[str, str], ...]:
    """The ``orderBy`` array as ``((field, direction), ...)``; default ``createdat.desc``."""
    raw = values(name)
    if not raw:
        return (("createdat", "desc"),)
    out: list[tuple[str, str]] = []
    for item in raw:
        low = item.lower()
        if low not in ORDER_VALUES:
            raise bad_param(name, item, ", ".join(ORDER_VALUES) + " (comma-separated)")
        field, direction = low.split(".")
        out.append((field, direction))
    return tuple(out)


def get_datetime(name: str) -> datetime | None:
    """An ISO 8601 date or date-time parameter as an aware UTC datetime."""
    raw = get_str(name)
    if raw is None:
        return None
    match = _DT_RE.match(raw.strip())
    allowed = "an ISO 8601 date-time such as 2024-05-01T13:37:00 or 2024-05-01T13:37:00Z (UTC)"
    if not match:
        raise bad_param(name, raw, allowed)
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        tz = timezone.utc
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        raise bad_param(name, raw, allowed) from None
    return value.astimezone(timezone.utc)


def page_url(page: int) -> str:
    """The current URL (absolute) with every original query parameter and ``page`` replaced."""
    items = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    items.append(("page", str(page)))
    return request.base_url + "?" + urlencode(items)


def page_links(page: int, has_next: bool) -> list[dict[str, str]]:
    """``links`` for a page-numbered list: ``prev-page`` when page > 1, ``next-page`` if any."""
    links: list[dict[str, str]] = []
    if page > 1:
        links.append({"href": page_url(page - 1), "method": "GET", "rel": "prev-page"})
    if has_next:
        links.append({"href": page_url(page + 1), "method": "GET", "rel": "next-page"})
    return links


def api_base() -> str:
    """The emulated ``https://api.trustpilot.com/v1`` base for the current request."""
    return request.host_url.rstrip("/") + "/v1"
