"""The exceptions tpnb raises: one small tree, so a notebook can catch exactly what it expects.

::

    TpnbError                      every tpnb error
     ├── ConfigError (ValueError)  bad settings or arguments, missing credentials
     ├── AuthError                 login, token refresh or revocation failed
     ├── TransportError            no usable response: connection refused/reset, time-outs
     ├── ConsistencyError          the list changed under a walk in a way it cannot prove exact
     ├── CapExceededError          more records match than the API lists (its 100,000 cap)
     ├── ResponseError             a successful answer whose data tpnb cannot read
     └── APIError (requests.HTTPError)   the API answered with an error status
          ├── BadRequestError      400 (and other 4xx without a subclass)
          ├── UnauthorizedError    401 (also an AuthError)
          ├── ForbiddenError       403
          ├── NotFoundError        404
          ├── RateLimitError       429, after the retries
          └── ServerError          5xx, after the retries

An :class:`APIError` keeps the HTTP ``status``, the server's ``message``, the ``method`` and the
``path`` (without the query string). It never carries a secret: server messages pass through
:func:`redact` before they are stored, and request headers are not kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

import requests

__all__ = [
    "APIError",
    "AuthError",
    "BadRequestError",
    "CapExceededError",
    "ConfigError",
    "ConsistencyError",
    "ForbiddenError",
    "NotFoundError",
    "RateLimitError",
    "ResponseError",
    "ServerError",
    "TpnbError",
    "TransportError",
    "UnauthorizedError",
    "api_error_for",
    "redact",
    "secret_forms",
    "server_message",
]

#: Longest server message kept on an APIError (the rest is cut, with an ellipsis).
MAX_MESSAGE_CHARS = 300

# Secret-looking fragments that are blanked even when the exact value is unknown.
_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)((?:api_?key|access_token|refresh_token|client_secret|password|token)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\"'&,\s}]+"
    ),
)


def secret_forms(secret: str) -> set[str]:
    """The ways ``secret`` can appear in a message: as is, as ``repr``/``ascii`` and JSON escape it
    (an error message quoting a header value with ``!r``), escaped twice (the ``repr`` of such a
    message, e.g. an exception's repr), URL-encoded (a form body or a query), and as the ``repr``
    of its UTF-8 bytes."""
    escaped = {
        repr(secret)[1:-1],
        ascii(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret.encode("utf-8"))[2:-1],
    }
    forms = {secret, quote_plus(secret), quote(secret, safe=""), *escaped}
    forms |= {repr(form)[1:-1] for form in escaped}
    return {form for form in forms if form}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Blank every known secret (in each of its :func:`secret_forms`) and anything that looks
    like a credential in ``text``.

    Args:
        text: Any text that may be shown to a user or logged.
        secrets: Exact secret values to remove (empty strings are ignored).

    Returns:
        The text with each secret replaced by ``***``.
    """
    forms = {form for secret in secrets if secret for form in secret_forms(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    text = _SECRET_PATTERNS[0].sub(lambda m: f"{m.group(1)} ***", text)
    return _SECRET_PATTERNS[1].sub(lambda m: f"{m.group(1)}***", text)


class TpnbError(Exception):
    """Base class of every error tpnb raises."""


class ConfigError(TpnbError, ValueError):
    """A setting or argument is invalid, or credentials are missing; the message says what to set."""


class AuthError(TpnbError):
    """Logging in, refreshing or revoking a token failed; the message says how to log in again."""


class TransportError(TpnbError):
    """No usable HTTP response arrived (connection refused or reset, time-out), after the retries."""


class ConsistencyError(TpnbError):
    """A multi-page walk could not prove its result exact (the list kept changing under it).

    Raised instead of returning a partial DataFrame; running the call again usually succeeds.
    """


class CapExceededError(TpnbError):
    """More records match than the API will list (it stops at 100,000 per listing).

    Raised instead of returning a silently truncated DataFrame; the message says how to narrow
    the request (a language, a date range, fewer star ratings).
    """


class ResponseError(TpnbError):
    """The API answered successfully, but with data tpnb cannot read (a malformed field).

    The message names the field and the bad value (API data, redacted like any message); the
    original converter error is chained as ``__cause__``. ``raw=True`` returns the JSON as sent.
    """


class APIError(TpnbError, requests.HTTPError):
    """The API answered with an error status (after any retries).

    Attributes:
        status: The HTTP status code.
        message: The server's own message (redacted, shortened), or the reason phrase.
        method: The HTTP method of the request.
        path: The request path, without the query string.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        method: str = "GET",
        path: str = "",
        response: requests.Response | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        text = (
            f"HTTP {status} for {method} {path}: {message}" if path else f"HTTP {status}: {message}"
        )
        super().__init__(text, response=response)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_api_error, (type(self), self.status, self.message, self.method, self.path))


def _rebuild_api_error(
    cls: type[APIError], status: int, message: str, method: str, path: str
) -> APIError:
    return cls(status, message, method=method, path=path)


class BadRequestError(APIError):
    """400, or any other client error without a more specific class."""


class UnauthorizedError(APIError, AuthError):
    """401: the api key or the access token was refused."""


class ForbiddenError(APIError):
    """403: the identity may not see this resource (e.g. another company's business unit)."""


class NotFoundError(APIError):
    """404: unknown id or path."""


class RateLimitError(APIError):
    """429: too many requests, still refused after the retries.

    Attributes:
        retry_after: The server's Retry-After in seconds, when it sent one.
    """

    retry_after: float | None = None


class ServerError(APIError):
    """5xx: the server failed, still failing after the retries."""


_BY_STATUS: dict[int, type[APIError]] = {
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    429: RateLimitError,
}


_CREDENTIAL_HEADERS = ("apikey", "Authorization", "Proxy-Authorization", "Cookie")


def server_message(response: requests.Response, secrets: Iterable[str] = ()) -> str:
    """Extract the server's error message from a response body, redacted and shortened.

    Understands the gateway ``{"fault": {"faultstring": ...}}``, ``{"message": ...}``,
    ``{"Error": ...}`` / ``{"error_description": ...}`` bodies, and falls back to plain text
    (HTML pages are reduced to the reason phrase).
    """
    text = ""
    try:
        body: Any = json.loads(response.content.decode("utf-8", "replace") or "null")
    except ValueError:
        body = None
    if isinstance(body, dict):
        fault = body.get("fault")
        if isinstance(fault, dict):
            text = str(fault.get("faultstring", ""))
        for key in ("message", "error_description", "Error", "error", "details"):
            if not text and body.get(key):
                text = str(body[key])
    elif body is None and "html" not in response.headers.get("Content-Type", "").lower():
        text = response.content.decode("utf-8", "replace").strip()
    if not text:
        text = response.reason or "error"
    text = redact(" ".join(text.split()), secrets)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text


def api_error_for(
    response: requests.Response,
    *,
    method: str,
    path: str,
    secrets: Iterable[str] = (),
    retry_after: float | None = None,
) -> APIError:
    """Build the right :class:`APIError` subclass for an error response."""
    status = response.status_code
    request = response.request
    if request is not None:  # the error keeps the response: blank the request's credentials
        for name in _CREDENTIAL_HEADERS:
            if name in request.headers:
                request.headers[name] = "***"
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else BadRequestError)
    error = cls(
        status,
        server_message(response, secrets),
        method=method,
        path=path,
        response=response,
    )
    if isinstance(error, RateLimitError):
        error.retry_after = retry_after
    return error
