"""Validation and normalisation of user arguments, done before any request is sent.

Every function takes what a person types in a notebook and returns the form the API wants, or
raises at once with a message that names the argument, the value received and what is allowed:
:class:`tpnb.errors.ConfigError` (a :class:`ValueError`) for a bad value or one of the wrong
kind.

Conventions:

* a business unit is a 24-hex id or a domain (``example.com``; a URL is reduced to its host);
* dates accept ``str`` (ISO 8601 only: ``01/02/2025`` is refused, not guessed),
  :class:`datetime.date`, :class:`datetime.datetime` and :class:`pandas.Timestamp`; a naive
  value means UTC; a bare date means its midnight UTC;
* array filters (stars, languages, order) accept one value, a comma-separated string or a list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from tpnb.errors import ConfigError

ID_RE = re.compile(r"^[0-9a-f]{24}$")
_DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}[a-z0-9]$"
)
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_LOCALE_RE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
#: The ISO 8601 forms a date string may take: a date (``2024-05-01``, ``20240501``, a month
#: ``2024-05``), optionally a time (``T`` or a space) with fractions and a zone (``Z``, ``+02:00``).
#: Anything else is refused, above all ``01/02/2025``, which some read as 1 February and others
#: (pandas among them) as 2 January.
_ISO_TIMESTAMP_RE = re.compile(
    r"^(\d{4}-\d{2}(-\d{2})?|\d{8})"
    r"([T ]\d{2}(:?\d{2}(:?\d{2}([.,]\d+)?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?)?$",
    re.IGNORECASE,
)
_DATE_FORMS = (
    "an ISO 8601 date or date-time such as '2024-05-01', '2024-05-01T13:37:00Z' or "
    "'2024-05-01 13:37+02:00' (or a date, datetime or pandas Timestamp)"
)

ORDER_BY_VALUES: tuple[str, ...] = ("createdat.asc", "createdat.desc", "stars.asc", "stars.desc")
FIND_REVIEWER_VALUES: tuple[str, ...] = ("contacted", "notContacted")


@dataclass(frozen=True)
class UnitRef:
    """A business-unit reference: exactly one of ``id`` and ``domain`` is set."""

    id: str | None = None
    domain: str | None = None

    def __str__(self) -> str:
        return self.id or self.domain or ""


def _kind(value: object) -> str:
    return type(value).__name__


def text(value: object, name: str, *, allow_empty: bool = False) -> str:
    """A string argument, stripped; empty only when ``allow_empty``."""
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a string, got {_kind(value)} {value!r}")
    out = value.strip()
    if not out and not allow_empty:
        raise ConfigError(f"{name} must not be empty")
    return out


def entity_id(value: object, name: str = "id") -> str:
    """A Trustpilot id: 24 hexadecimal characters (case-insensitive, returned lower-case)."""
    raw = text(value, name).lower()
    if not ID_RE.match(raw):
        raise ConfigError(
            f"{name} must be a Trustpilot id of 24 hexadecimal characters "
            f"(e.g. '507f191e810c19729de860ea'), got {value!r}"
        )
    return raw


def review_id(value: object) -> str:
    """A review id (24 hex)."""
    return entity_id(value, "review id")


def consumer_id(value: object) -> str:
    """A consumer id (24 hex)."""
    return entity_id(value, "consumer id")


def domain(value: object, name: str = "domain") -> str:
    """A domain such as ``example.com``; a URL is reduced to its host, lower-cased."""
    raw = text(value, name).lower()
    host = urlsplit(raw).hostname if "://" in raw else raw.split("/")[0]
    host = (host or "").rstrip(".")
    if not _DOMAIN_RE.match(host):
        raise ConfigError(
            f"{name} must be a domain such as 'example.com' (or a 24-hex business unit id), "
            f"got {value!r}"
        )
    return host


def business_unit(value: object) -> UnitRef:
    """A business unit given as a 24-hex id or a domain (``example.com``, or a URL)."""
    raw = text(value, "business_unit")
    if ID_RE.match(raw.lower()):
        return UnitRef(id=raw.lower())
    try:
        return UnitRef(domain=domain(raw, "business_unit"))
    except ValueError:
        raise ConfigError(
            "business_unit must be a 24-hex business unit id or a domain such as "
            f"'example.com', got {value!r}"
        ) from None


def _items(value: object, name: str) -> list[object]:
    """Split a scalar, comma-separated string or iterable into a list of items."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        out: list[object] = []
        for item in value:
            out.extend(_items(item, name) if isinstance(item, str) else [item])
        return out
    return [value]


def string_list(value: object, name: str) -> list[str]:
    """One string or a list/tuple of strings (e.g. ids or tags), as a list.

    Raises:
        ConfigError: Anything else (None, a number, a dict, an object), naming ``name``.
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(
        f"{name} must be a string or a list of strings, got {_kind(value)} {value!r:.80}"
    )


def stars(value: object) -> tuple[int, ...] | None:
    """Star filter: ``None``, one of 1..5, or several (list or ``"4,5"``); sorted, unique."""
    if value is None:
        return None
    out: set[int] = set()
    for item in _items(value, "stars"):
        number: object = item
        if isinstance(item, str) and item.isdigit():
            number = int(item)
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 5:
            raise ConfigError(
                f"stars must be integers from 1 to 5 (e.g. 5 or [4, 5]), got {item!r}"
            )
        out.add(number)
    if not out:
        raise ConfigError("stars must name at least one value from 1 to 5")
    return tuple(sorted(out))


def languages(value: object, name: str = "language") -> tuple[str, ...] | None:
    """Language filter: ISO 639-1 codes (``"en"``, ``"en,da"``, ``["en", "da"]``), lower-cased.

    ``"all"`` (the API's own spelling) means no filter and gives ``None``.
    """
    if value is None:
        return None
    out: list[str] = []
    for item in _items(value, name):
        code = item.strip().lower() if isinstance(item, str) else item
        if code == "all":
            return None
        if not isinstance(code, str) or not _LANGUAGE_RE.match(code):
            raise ConfigError(
                f"{name} must be ISO 639-1 codes of two letters (e.g. 'en' or ['en', 'da']), "
                f"got {item!r}"
            )
        if code not in out:
            out.append(code)
    if not out:
        raise ConfigError(f"{name} must name at least one language code such as 'en'")
    return tuple(out)


def order_by(value: object) -> tuple[str, ...] | None:
    """Sort order: ``createdat.asc|desc`` and ``stars.asc|desc`` (``created_at`` also accepted)."""
    if value is None:
        return None
    out: list[str] = []
    for item in _items(value, "order_by"):
        key = (
            item.strip().lower().replace("created_at", "createdat") if isinstance(item, str) else ""
        )
        if key not in ORDER_BY_VALUES:
            raise ConfigError(f"order_by must be one of {', '.join(ORDER_BY_VALUES)}, got {item!r}")
        if key.split(".")[0] in {o.split(".")[0] for o in out}:
            raise ConfigError(f"order_by names {key.split('.')[0]!r} twice: {value!r}")
        out.append(key)
    if not out:
        raise ConfigError(f"order_by must name one of {', '.join(ORDER_BY_VALUES)}")
    return tuple(out)


def limit(value: object) -> int | None:
    """Maximum number of rows: ``None`` (everything) or an integer >= 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"limit must be an integer >= 0 or None, got {_kind(value)} {value!r}")
    if value < 0:
        raise ConfigError(f"limit must be >= 0 (or None for everything), got {value}")
    return value


def count(value: object, name: str, lo: int, hi: int) -> int:
    """An integer within ``lo..hi``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer from {lo} to {hi}, got {value!r}")
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be an integer from {lo} to {hi}, got {value}")
    return value


def flag(value: object, name: str) -> bool | None:
    """A tri-state boolean filter: ``None`` (no filter), ``True`` or ``False``."""
    if value is None or isinstance(value, bool):
        return value
    raise ConfigError(f"{name} must be True, False or None, got {_kind(value)} {value!r}")


def country(value: object, name: str = "country") -> str | None:
    """An ISO 3166-1 alpha-2 country code (``"gb"`` -> ``"GB"``), or ``None``."""
    if value is None:
        return None
    raw = text(value, name).upper()
    if not _COUNTRY_RE.match(raw):
        raise ConfigError(f"{name} must be an ISO 3166-1 alpha-2 code such as 'GB', got {value!r}")
    return raw


def locale(value: object, name: str = "locale") -> str:
    """A locale such as ``en-GB`` (``en_gb`` is normalised)."""
    raw = text(value, name).replace("_", "-")
    parts = raw.split("-")
    norm = f"{parts[0].lower()}-{parts[1].upper()}" if len(parts) == 2 else raw
    if not _LOCALE_RE.match(norm):
        raise ConfigError(f"{name} must be a locale such as 'en-GB' or 'da-DK', got {value!r}")
    return norm


def location_id(value: object) -> str | None:
    """A location id (a UUID), or ``None``."""
    if value is None:
        return None
    raw = text(value, "location")
    if not _UUID_RE.match(raw):
        raise ConfigError(f"location must be a location id (a UUID), got {value!r}")
    return raw.lower()


def find_reviewer(value: object) -> str | None:
    """The private ``findReviewer`` filter: ``"contacted"`` or ``"notContacted"``."""
    if value is None:
        return None
    for allowed in FIND_REVIEWER_VALUES:
        if isinstance(value, str) and value.replace("_", "").lower() == allowed.lower():
            return allowed
    raise ConfigError(
        f"find_reviewer must be one of {', '.join(FIND_REVIEWER_VALUES)}, got {value!r}"
    )


def optional_text(value: object, name: str) -> str | None:
    """A non-empty string filter, or ``None``."""
    return None if value is None else text(value, name)


def skus(value: object, *, required: bool = False) -> tuple[str, ...] | None:
    """Product SKUs: one string, a comma-separated string or a list of strings.

    Raises:
        ConfigError: None when ``required``, no SKU at all, an item that is not a non-empty
            string, or a list item containing a comma (it would be sent as two SKUs).
    """
    if value is None:
        if required:
            raise ConfigError("skus is required: one SKU or a list of SKUs (e.g. ['ABC-1'])")
        return None
    if not isinstance(value, str) and isinstance(value, Iterable):
        # a list names its SKUs one by one: a comma inside one would be sent as two SKUs
        for item in value:
            if isinstance(item, str) and "," in item:
                raise ConfigError(
                    f"skus: the SKU {item!r:.60} contains a comma; the API reads SKUs as a "
                    "comma-separated list, so a SKU cannot contain one (give a comma-separated "
                    "string or a list of SKUs without commas)"
                )
    out = tuple(dict.fromkeys(text(item, "sku") for item in _items(value, "skus")))
    if not out:
        raise ConfigError("skus must name at least one SKU (e.g. 'ABC-1' or ['ABC-1', 'XYZ-2'])")
    return out


def timestamp(value: object, name: str) -> pd.Timestamp | None:
    """A point in time as a UTC :class:`pandas.Timestamp` (naive = UTC), or ``None``."""
    if value is None:
        return None
    if not isinstance(value, (str, date, datetime, pd.Timestamp)):
        raise ConfigError(
            f"{name} must be a str, date, datetime or pandas Timestamp, got {_kind(value)} {value!r}"
        )
    if isinstance(value, str) and not _ISO_TIMESTAMP_RE.match(value.strip()):
        ambiguous = " (day and month order is ambiguous)" if "/" in value or "." in value else ""
        raise ConfigError(f"{name} must be {_DATE_FORMS}, got {value!r}{ambiguous}")
    try:
        ts = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError, OverflowError):
        raise ConfigError(f"{name} must be {_DATE_FORMS}, got {value!r}") from None
    if pd.isna(ts):
        raise ConfigError(f"{name} must be a date or date-time, got {value!r}")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def date_range(since: object, until: object) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """``since`` (inclusive) and ``until`` (exclusive) as UTC timestamps; ``since < until``."""
    start = timestamp(since, "since")
    end = timestamp(until, "until")
    if start is not None and end is not None and start >= end:
        raise ConfigError(f"since ({start.isoformat()}) must be before until ({end.isoformat()})")
    return start, end


def api_datetime(ts: pd.Timestamp) -> str:
    """Format a UTC timestamp for ``startDateTime``/``endDateTime`` (``YYYY-MM-DDTHH:MM:SS``)."""
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S")


def tags(value: object) -> list[dict[str, str]]:
    """Review tags: ``{"group": g, "value": v}`` dicts, ``(g, v)`` pairs or ``"g:v"`` strings.

    A lone 2-tuple of strings is one ``(group, value)`` pair when neither contains ``":"``,
    and two ``"group:value"`` strings when both do; any other mix is ambiguous and refused
    (pass a list: ``[("source", "a:b")]`` is one pair).
    """
    items: Iterable[Any]
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        colons = [":" in v for v in value]
        if all(colons):
            items = list(value)  # ("source:web", "topic:delivery"): two tags
        elif not any(colons):
            items = [value]  # ("source", "web"): one tag
        else:
            raise ConfigError(
                f"tags={value!r} is ambiguous: pass [{value!r}] for one (group, value) pair, "
                "or a list of 'group:value' strings for several tags"
            )
    elif isinstance(value, (str, dict)):
        items = [value]
    elif isinstance(value, Iterable):
        items = value
    else:
        raise ConfigError(f"tags must be a list of tags, got {_kind(value)} {value!r}")
    out: list[dict[str, str]] = []
    for item in items:
        if isinstance(item, dict) and set(item) == {"group", "value"}:
            group, val = item["group"], item["value"]
        elif isinstance(item, tuple) and len(item) == 2:
            group, val = item
        elif isinstance(item, str) and ":" in item:
            group, val = item.split(":", 1)
        else:
            raise ConfigError(
                "each tag must be {'group': g, 'value': v}, a (group, value) pair or a "
                f"'group:value' string, got {item!r}"
            )
        out.append({"group": text(group, "tag group"), "value": text(val, "tag value")})
    return out


def reply_message(value: object) -> str:
    """A reply text: a non-empty string."""
    return text(value, "message")
