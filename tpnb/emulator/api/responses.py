"""Every response body of the API: JSON/JSONP with cache headers and ETags, and the error bodies.

Routes answer with :func:`json_response` (or :func:`empty_response` for a write without a body);
anything that goes wrong raises an :class:`ApiError` built by :func:`app_error`,
:func:`bad_param`, :func:`fault_error` or :func:`oauth_error`, which the gateway renders with
:func:`error_response`.

Error bodies (a design choice, [I] in the API notes):

* gateway-level failures (missing or unknown ``apikey``, missing/invalid/expired bearer token)
  use the Apigee ``fault`` shape the real gateway sends:
  ``{"fault": {"faultstring": "...", "detail": {"errorcode": "..."}}}``;
* the token endpoints use Apigee OAuthV2's ``{"ErrorCode": "...", "Error": "..."}``;
* everything else (400, 403, 404, 405, 415, 429, injected 5xx) is an application error
  ``{"message": "...", "errorCode": <Trustpilot-style code>, "correlationId": "<UUID>"}``, the
  shape Trustpilot's invitations API sent in 2023 ([S] node-trustpilot #104:
  ``{"message":"Access to resource is forbidden","errorCode":1014,"correlationId":"226c…"}``).
  ``errorCode`` is never the HTTP status: 1014 for a 403 is the one code seen; the others in
  :data:`ERROR_CODES` are [I] (no other code is public). ``correlationId`` is a fresh UUID per
  error. Nothing else is added (no ``details``): a client must not come to rely on a field the
  real API may not send, so the message itself names the parameter and what is allowed.

Caching: public GETs carry ``Cache-Control: public, max-age=N`` (``N`` per resource, see
:data:`~tpnb.emulator.options.DEFAULT_MAX_AGE`) and a strong ``ETag`` (a hash of the exact body bytes); a matching
``If-None-Match`` gets ``304 Not Modified``. Private (OAuth) responses carry
``Cache-Control: private, no-store`` and no ETag. No response carries ``Vary: Authorization``.

JSONP: a GET with ``callback=<js identifier>`` gets ``application/javascript`` ``/**/cb({...});``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask import Response, request

from tpnb.emulator.api.context import state

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


#: HTTP status -> the ``errorCode`` of an application error. 1014 (403) was seen on the real API
#: ([S] node-trustpilot #104); the rest are [I], chosen in Trustpilot's four-digit range so that
#: no code equals an HTTP status.
ERROR_CODES: Mapping[int, int] = MappingProxyType(
    {
        400: 1001,
        403: 1014,
        404: 1016,
        405: 1017,
        409: 1019,
        415: 1020,
        429: 1030,
        500: 1050,
        501: 1051,
        502: 1052,
        503: 1053,
        504: 1054,
    }
)
#: the code of a status missing from :data:`ERROR_CODES`
DEFAULT_ERROR_CODE = 1000


def error_body(status: int, message: str) -> dict[str, Any]:
    """An application error body: ``{"message", "errorCode", "correlationId"}``."""
    return {
        "message": message,
        "errorCode": ERROR_CODES.get(status, DEFAULT_ERROR_CODE),
        "correlationId": str(uuid.uuid4()),
    }


def app_error(status: int, message: str) -> ApiError:
    """Build an application error (:func:`error_body`)."""
    return ApiError(status, error_body(status, message))


def bad_param(name: str, value: object, allowed: str) -> ApiError:
    """A 400 naming the parameter, the value received and what is allowed."""
    return app_error(400, f"Invalid value for parameter '{name}': {value!r}. Allowed: {allowed}.")


def fault_error(status: int, faultstring: str, errorcode: str) -> ApiError:
    """A gateway (Apigee) fault, as sent for apikey and bearer-token failures."""
    return ApiError(
        status, {"fault": {"faultstring": faultstring, "detail": {"errorcode": errorcode}}}
    )


def oauth_error(status: int, code: str, message: str) -> ApiError:
    """An Apigee OAuthV2 error, as sent by the token endpoints."""
    return ApiError(status, {"ErrorCode": code, "Error": message})


_CLOUDFRONT_403 = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" \
"http://www.w3.org/TR/html4/loose.dtd">
<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
<TITLE>ERROR: The request could not be satisfied</TITLE>
</HEAD><BODY>
<H1>403 ERROR</H1>
<H2>The request could not be satisfied.</H2>
<HR noshade size="1px">
Request blocked.
We can't connect to the server for this app or website at this time. There might be too much \
traffic or a configuration error. Try again later, or contact the app or website owner.
<BR clear="all">
If you provide content to customers through CloudFront, you can find steps to troubleshoot and \
help prevent this error by reviewing the CloudFront documentation.
<BR clear="all">
<HR noshade size="1px">
<PRE>
Generated by cloudfront (CloudFront)
Request ID: {request_id}
</PRE>
<ADDRESS>
</ADDRESS>
</BODY></HTML>"""


def add_edge_headers(resp: Response, *, error: bool = False) -> None:
    """CloudFront-like ``X-Cache``, ``Via`` and ``X-Amz-Cf-Id`` headers (cloudfront mode)."""
    request_id = hashlib.blake2b(os.urandom(16), digest_size=30).hexdigest()[:56]
    resp.headers["X-Cache"] = "Error from cloudfront" if error else "Miss from cloudfront"
    resp.headers["Via"] = "1.1 tpnb-emulator.cloudfront.net (CloudFront)"
    resp.headers["X-Amz-Cf-Id"] = request_id


def cloudfront_403() -> Response:
    """The CDN's ``403`` HTML page for a request without an apikey (cloudfront mode, [S])."""
    resp = Response(b"", status=403, mimetype="text/html")
    add_edge_headers(resp, error=True)
    resp.set_data(_CLOUDFRONT_403.format(request_id=resp.headers["X-Amz-Cf-Id"]).encode())
    return resp


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


def json_response(payload: Any, *, cache: str | None, status: int = 200) -> Response:
    """Render a JSON (or JSONP) body with the right caching headers.

    Args:
        payload: The JSON-serialisable body.
        cache: The resource kind of a public, cacheable response (a key of
            ``EmulatorOptions.max_age``: its max-age is sent); ``None`` for a private one.
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
    cache_control = f"public, max-age={state().options.max_age[cache]}"
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
