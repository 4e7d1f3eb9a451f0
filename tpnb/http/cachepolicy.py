"""Pure cache decisions: which resource a URL is, how long a headerless response is kept, whose
cache entry it is.

Responses that carry cache headers (``Cache-Control: max-age``, ``no-store``, ``ETag``) follow
them (the session runs with ``cache_control=True``). Responses without them are kept for the
time tpnb's per-resource policy gives their resource class (Trustpilot's caching guidance:
business-unit ids for a long time, profiles and scores about a day, review lists briefly), see
:data:`tpnb.config.DEFAULT_CACHE_EXPIRY`. A class with 0 seconds is not cached at all.

Cache keys are partitioned by identity: requests-cache removes the credentials from the key (so
they are never written), which would let two api keys or two business users share entries. The
:func:`make_key_fn` key mixes a one-way fingerprint of the identity into the key, and only into
the key.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from requests import PreparedRequest, Response
from requests_cache import DO_NOT_CACHE, create_key

__all__ = [
    "RESOURCE_PATTERNS",
    "fingerprint",
    "is_private_request",
    "make_filter_fn",
    "make_key_fn",
    "resource_class",
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
