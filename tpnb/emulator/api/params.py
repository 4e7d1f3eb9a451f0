"""Request parsing and validation: every bad value becomes a 400 naming the parameter.

Choices ([I] in the API notes): array parameters accept comma-separated values and repeated
keys alike (``stars=4,5`` == ``stars=4&stars=5``), SKU lists also the docs' JSON-array form
``sku=["A","B"]``; booleans accept ``true``/``false`` (any case) and ``1``/``0``; date-times
accept ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM[:SS[.fff]]`` with an optional ``Z`` or ``+HH:MM``
offset, zone-less values being UTC; unknown parameters are ignored. Write bodies must be
``application/json`` (415 otherwise) holding a JSON object (400 otherwise).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from flask import request
from werkzeug.datastructures import MultiDict

from tpnb.emulator.api.responses import app_error, bad_param
from tpnb.emulator.data.formats import link

MAX_PAGE = 2_147_483_647
ORDER_FIELDS = ("createdat", "stars")
ORDER_VALUES = tuple(f"{f}.{d}" for f in ORDER_FIELDS for d in ("asc", "desc"))
LOCALE_RE = re.compile(r"^[A-Za-z]{2}[-_][A-Za-z]{2}$")
LOCALE_ALLOWED = "a locale such as en-US or da-DK"
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


def get_locale() -> str | None:
    """The optional ``locale`` parameter (``xx-YY``; 400 when malformed)."""
    locale = get_str("locale")
    if locale is not None and not LOCALE_RE.match(locale):
        raise bad_param("locale", locale, LOCALE_ALLOWED)
    return locale


def required_locale() -> str:
    """The required ``locale`` parameter (``xx-YY``; 400 when missing or malformed)."""
    locale = get_str("locale")
    if locale is None or not LOCALE_RE.match(locale):
        raise bad_param("locale", locale, LOCALE_ALLOWED + " (required)")
    return locale


def get_country() -> str | None:
    """The ``country`` parameter: one ISO 3166-1 alpha-2 code, upper-cased."""
    country = get_str("country")
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise bad_param("country", country, "an ISO 3166-1 alpha-2 code such as 'DK'")
    return country.upper() if country else None


def get_countries() -> list[str] | None:
    """The ``country`` array: ISO 3166-1 alpha-2 codes, upper-cased."""
    raw = values("country")
    for item in raw:
        if len(item) != 2 or not item.isalpha():
            raise bad_param(
                "country", item, "ISO 3166-1 alpha-2 codes, comma-separated (e.g. 'DK,GB')"
            )
    return [item.upper() for item in raw] or None


def get_skus(name: str = "sku", what: str = "SKUs", *, required: bool = False) -> list[str] | None:
    """A list of SKUs (or other ids): comma-separated or repeated, as the docs describe.

    A JSON array (``sku=["A","B"]``) is not a documented form: like any other text it is split
    at its commas, into SKUs that match nothing (``["A"`` and ``"B"]``), which is how the real API
    very likely reads it ([I]; trustpilot-api.md, product summaries).
    """
    out = [item for item in values(name) if item] or None
    if out is None and required:
        raise bad_param(name, None, f"one or more {what}, comma-separated (required)")
    return out


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
    value = iso_datetime(raw)
    if value is None:
        allowed = "an ISO 8601 date-time such as 2024-05-01T13:37:00 or 2024-05-01T13:37:00Z (UTC)"
        raise bad_param(name, raw, allowed)
    return value


def iso_datetime(raw: object) -> datetime | None:
    """``raw`` (an ISO 8601 date or date-time string) as an aware UTC datetime; None if not one."""
    if not isinstance(raw, str):
        return None
    match = _DT_RE.match(raw.strip())
    if not match:
        return None
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
        return None
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
        links.append(link(page_url(page - 1), "prev-page"))
    if has_next:
        links.append(link(page_url(page + 1), "next-page"))
    return links


def api_base() -> str:
    """The emulated ``https://api.trustpilot.com/v1`` base for the current request."""
    return request.host_url.rstrip("/") + "/v1"


def self_link(path: str) -> list[dict[str, str]]:
    """``links`` holding one ``self`` link to ``path`` (below the API base)."""
    return [link(api_base() + path, "self")]


# ----------------------------------------------------------------------------- JSON bodies
def json_body() -> dict[str, Any]:
    """The request's JSON object body (415 for another content type, 400 if not an object)."""
    if request.mimetype != "application/json":
        raise app_error(
            415,
            f"Unsupported Content-Type {request.mimetype or '(none)'!r}; use application/json",
        )
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise app_error(400, "The request body must be a JSON object")
    return data


def text_value(value: Any, name: str, *, required: bool) -> str | None:
    """A non-blank string field of a body (``None`` when absent and not ``required``)."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise bad_param(name, value, "a non-empty string" + (" (required)" if required else ""))
    return value


def email_value(value: Any, name: str) -> str:
    """A required e-mail address field of a body."""
    email = text_value(value, name, required=True)
    if email is None or "@" not in email:
        raise bad_param(name, email, "an email address")
    return email
