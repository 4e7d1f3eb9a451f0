"""HTTP helpers of the emulator: error bodies, JSON/JSONP responses, cache headers and ETags.

Error bodies (a design choice, [I] in the API notes):

* gateway-level failures (missing or unknown ``apikey``, missing/invalid/expired bearer token)
  use the Apigee ``fault`` shape the real gateway sends:
  ``{"fault": {"faultstring": "...", "detail": {"errorcode": "..."}}}``;
* the token endpoints use Apigee OAuthV2's ``{"ErrorCode": "...", "Error": "..."}``;
* everything else (400, 403, 404, 405, 415, 429, injected 5xx) uses
  ``{"message": "...", "errorCode": <HTTP status>, "details": {...} | null}``, where ``details``
  names the offending ``parameter`` and what is ``allowed`` for a 400.

Caching: public GETs carry ``Cache-Control: public, max-age=N`` (``N`` per resource, see
:data:`DEFAULT_MAX_AGE`) and a strong ``ETag`` (a hash of the exact body bytes); a matching
``If-None-Match`` gets ``304 Not Modified``. Private (OAuth) responses carry
``Cache-Control: private, no-store`` and no ETag. No response carries ``Vary: Authorization``.

JSONP: a GET with ``callback=<js identifier>`` gets ``application/javascript`` ``/**/cb({...});``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from flask import Response, request

# resource kind -> max-age in seconds (Trustpilot's guidance: ids forever, scores ~daily)
DEFAULT_MAX_AGE: dict[str, int] = {
    "resources": 604_800,  # star images/strings, locales, countries: static
    "categories": 86_400,  # category tree and category lookups
    "business-unit-static": 86_400,  # profileinfo, web-links, images, BU categories
    "business-unit": 3_600,  # find / get / all / search: carry score and counts
    "consumer": 3_600,  # consumer, profile, web-links, bulk profiles
    "review": 300,  # a single review, its likes and web-links
    "product-summary": 3_600,  # product review summaries
    "review-list": 60,  # review lists (BU, consumer, all-reviews, latest, product)
}

PRIVATE_CACHE_CONTROL = "private, no-store"
_CALLBACK_RE = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$")


class ApiError(Exception):
    """An error answered with a JSON body (raised anywhere inside a request).

    Attributes:
        status: HTTP status code.
        body: The JSON body to send.
        headers: Extra response headers.
    """

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def app_error(status: int, message: str, *, details: dict[str, Any] | None = None) -> ApiError:
    """Build an application error (``{"message", "errorCode", "details"}``)."""
    return ApiError(status, {"message": message, "errorCode": status, "details": details})


def bad_param(name: str, value: object, allowed: str) -> ApiError:
    """A 400 naming the parameter, the value received and what is allowed."""
    return app_error(
        400,
        f"Invalid value for parameter '{name}': {value!r}. Allowed: {allowed}.",
        details={"parameter": name, "value": value, "allowed": allowed},
    )


def fault_error(status: int, faultstring: str, errorcode: str) -> ApiError:
    """A gateway (Apigee) fault, as sent for apikey and bearer-token failures."""
    return ApiError(
        status, {"fault": {"faultstring": faultstring, "detail": {"errorcode": errorcode}}}
    )


def oauth_error(status: int, code: str, message: str) -> ApiError:
    """An Apigee OAuthV2 error, as sent by the token endpoints."""
    return ApiError(status, {"ErrorCode": code, "Error": message})


def dumps(payload: Any) -> bytes:
    """Serialise JSON compactly (UTF-8, no ASCII escaping)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_response(err: ApiError) -> Response:
    """Render an :class:`ApiError` (never cached)."""
    resp = Response(dumps(err.body), status=err.status, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    for key, value in err.headers.items():
        resp.headers[key] = value
    return resp


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = [part.strip() for part in header.split(",")]
    return etag in candidates


def json_response(
    payload: Any, *, cache: str | None, max_age: dict[str, int], status: int = 200
) -> Response:
    """Render a JSON (or JSONP) body with the right caching headers.

    Args:
        payload: The JSON-serialisable body.
        cache: A key of ``max_age`` for a public, cacheable response; ``None`` for a private one.
        max_age: The max-age table in force (:data:`DEFAULT_MAX_AGE` plus overrides).
        status: HTTP status for the response.

    Returns:
        The response; ``304`` without a body when ``If-None-Match`` matches a public GET.

    Raises:
        ApiError: 400 when ``callback`` is not a JavaScript identifier.
    """
    body = dumps(payload)
    mimetype = "application/json"
    callback = request.args.get("callback") if request.method == "GET" else None
    if callback is not None:
        if not _CALLBACK_RE.match(callback) or len(callback) > 128:
            raise bad_param("callback", callback, "a JavaScript identifier such as 'cb' or 'a.b'")
        body = b"/**/" + callback.encode() + b"(" + body + b");"
        mimetype = "application/javascript"
    if cache is None:
        resp = Response(body, status=status, mimetype=mimetype)
        resp.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return resp
    etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    cache_control = f"public, max-age={max_age[cache]}"
    if request.method in ("GET", "HEAD") and _etag_matches(
        request.headers.get("If-None-Match"), etag
    ):
        resp = Response(status=304)
        resp.headers["ETag"] = etag
        resp.headers["Cache-Control"] = cache_control
        return resp
    resp = Response(body, status=status, mimetype=mimetype)
    resp.headers["ETag"] = etag
    resp.headers["Cache-Control"] = cache_control
    return resp


def empty_response(status: int) -> Response:
    """A body-less response (201/202/204 of write endpoints), never cached."""
    resp = Response(b"", status=status)
    resp.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return resp
