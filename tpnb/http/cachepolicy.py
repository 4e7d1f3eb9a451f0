"""Pure cache decisions: which resource a URL is, how long a headerless response is kept, whose
cache entry it is.

Responses that carry cache headers (``Cache-Control: max-age``, ``no-store``, ``ETag``) follow
them (the session runs with ``cache_control=True``). Responses without them are kept for the
time tpnb's per-resource policy gives their resource class (Trustpilot's caching guidance:
business-unit ids for a long time, profiles and scores about a day, review lists briefly), see
:data:`tpnb.config.DEFAULT_CACHE_EXPIRY`. A class with 0 seconds is not cached at all.

Freshness headers are made computable before requests-cache reads them
(:func:`sanitize_cache_headers`, applied to every network response): an invalid ``Expires`` means
already expired (RFC 9111 §5.3), a ``max-age`` (or other delta-seconds directive) beyond
:data:`~tpnb.config.MAX_CACHE_SECONDS` is clamped to it (§1.2.2), and an invalid one (negative,
not a number) makes the response stale. requests-cache would otherwise raise ValueError or
OverflowError while saving, for that URL on every call, and it reads ``max-age=-1`` as "never
expire".

Cache keys are partitioned by identity: requests-cache removes the credentials from the key (so
they are never written), which would let two api keys or two business users share entries. The
:func:`make_key_fn` key mixes a one-way fingerprint of the identity into the key, and only into
the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, MutableMapping
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from requests import PreparedRequest, Response
from requests_cache import DO_NOT_CACHE, create_key

from tpnb.config import MAX_CACHE_SECONDS

__all__ = [
    "RESOURCE_PATTERNS",
    "fingerprint",
    "is_private_request",
    "make_filter_fn",
    "make_key_fn",
    "resource_class",
    "sanitize_cache_headers",
    "urls_expire_after",
]

#: (resource class, path regex) checked in order against the URL path; first match wins.
RESOURCE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("never", re.compile(r"/oauth/")),
    ("private", re.compile(r"/private/")),
    ("business_unit_ids", re.compile(r"/business-units/find/?$")),
    ("reviews", re.compile(r"/reviews(/|$)|/all-reviews|/product-reviews")),
    (
        "profiles",
        re.compile(
            r"/business-units/[^/?]+(/(profileinfo|web-links|categories|images))?/?$"
            r"|/consumers/[^/?]+(/profile)?/?$"
        ),
    ),
    ("resources", re.compile(r"/(categories|resources)(/|$)")),
)


def resource_class(url: str) -> str:
    """The resource class of a URL: a key of the expiry policy, or ``"never"`` for OAuth."""
    path = urlsplit(url).path
    for name, pattern in RESOURCE_PATTERNS:
        if pattern.search(path):
            return name
    return "default"


def urls_expire_after(expiry: Mapping[str, float]) -> dict[re.Pattern[str], Any]:
    """The ``urls_expire_after`` mapping for requests-cache from a per-class expiry policy.

    Patterns are anchored on the URL path (query excluded), so they work for any base URL.
    """
    patterns: dict[re.Pattern[str], Any] = {}
    for name, pattern in RESOURCE_PATTERNS:
        seconds = 0.0 if name == "never" else float(expiry[name])
        # requests-cache matches against the whole URL; stop the path pattern at the query
        anchored = re.compile(r"^[^?]*?(?:" + pattern.pattern.replace("$", r"(?:\?|$)") + ")")
        patterns[anchored] = DO_NOT_CACHE if seconds <= 0 else seconds
    return patterns


def default_expire_after(expiry: Mapping[str, float]) -> Any:
    """The session-wide ``expire_after`` (the ``default`` class)."""
    seconds = float(expiry["default"])
    return DO_NOT_CACHE if seconds <= 0 else seconds


def make_filter_fn(expiry: Mapping[str, float]) -> Callable[[Response], bool]:
    """A ``filter_fn``: False (do not store) for OAuth URLs, for responses that went through a
    redirect (their history would hold the request headers), and for classes the policy sets to 0,
    whatever the response headers say."""

    def keep(response: Response) -> bool:
        if getattr(response, "history", None):
            return False
        name = resource_class(response.url or "")
        return name != "never" and float(expiry.get(name, 0.0)) > 0

    return keep


def fingerprint(*parts: str) -> str:
    """A one-way, stable fingerprint of an identity (e.g. an api key): 32 hex characters."""
    digest = hashlib.sha256(b"tpnb-identity-v1")
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()[:32]


def is_private_request(request: Any) -> bool:
    """True for customer-API requests (a bearer token, or a ``/private/`` path)."""
    headers = getattr(request, "headers", None) or {}
    return "Authorization" in headers or "/private/" in urlsplit(str(request.url or "")).path


def make_key_fn(public_identity: str, private_identity: Callable[[], str]) -> Callable[..., str]:
    """A requests-cache ``key_fn`` that partitions entries by identity.

    Args:
        public_identity: Fingerprint of the api key (for every request).
        private_identity: Returns the business user's partition (a fingerprint, never a token),
            mixed in for private requests. Called per request, so it follows a later login.
    """

    def key_fn(request: PreparedRequest, **kwargs: Any) -> str:
        base = create_key(request, **kwargs)
        partition = "k:" + public_identity
        if is_private_request(request):
            partition += "|u:" + private_identity()
        digest = hashlib.blake2b(digest_size=16)
        digest.update(b"tpnb-cache-key-v1\0" + partition.encode() + b"\0" + base.encode())
        return digest.hexdigest()

    return key_fn


#: Cache-Control directives whose value is a number of seconds (RFC 9111 delta-seconds).
DELTA_DIRECTIVES = (
    "max-age", "s-maxage", "stale-if-error", "stale-while-revalidate", "min-fresh", "max-stale",
)  # fmt: skip
#: What an invalid ``Expires`` becomes: a date in the past (RFC 9111 §5.3, "already expired").
EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"


def sanitize_cache_headers(
    headers: MutableMapping[str, str], *, now: dt.datetime | None = None
) -> list[str]:
    """Rewrite a response's invalid or absurd freshness headers in place (see the module
    docstring); valid ones are left as they are.

    Args:
        headers: The response headers (case-insensitive in a real response).
        now: The current time (default: now, UTC).

    Returns:
        The names of the headers that were rewritten.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    changed = []
    expires = headers.get("Expires")
    if expires is not None:
        fixed = _expires(expires, now)
        if fixed != expires:
            headers["Expires"] = fixed
            changed.append("Expires")
    control = headers.get("Cache-Control")
    if control is not None:
        fixed = ", ".join(_directive(part.strip()) for part in control.split(",") if part.strip())
        if fixed != ", ".join(part.strip() for part in control.split(",") if part.strip()):
            headers["Cache-Control"] = fixed
            changed.append("Cache-Control")
    return changed


def _expires(value: str, now: dt.datetime) -> str:
    """A valid ``Expires`` at most :data:`MAX_CACHE_SECONDS` ahead, else :data:`EXPIRED`."""
    text = value.strip()
    if re.fullmatch(r"-?\d+", text):  # "0", "-1": requests-cache reads these as expired
        return value
    try:
        when = parsedate_to_datetime(text).astimezone(dt.timezone.utc)
    except (TypeError, ValueError, IndexError, OverflowError):
        return EXPIRED
    latest = now + dt.timedelta(seconds=MAX_CACHE_SECONDS)
    return format_datetime(latest, usegmt=True) if when > latest else value


def _directive(part: str) -> str:
    """One Cache-Control directive, its delta-seconds value checked and clamped."""
    name, has_value, raw = part.partition("=")
    name = name.strip()
    if name.lower() not in DELTA_DIRECTIVES:
        return part
    number = raw.strip().strip('"')
    if not has_value or not number.isascii() or not number.isdigit():
        return f"{name}=0"  # invalid freshness information: stale (RFC 9111 §4.2.1)
    return f"{name}={int(MAX_CACHE_SECONDS)}" if int(number) > MAX_CACHE_SECONDS else part
