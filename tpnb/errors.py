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
``path`` (without the query string), and Trustpilot's own ``error_code`` and ``correlation_id``
when the body has them (the correlation id is shown in the error's text: Trustpilot's support
asks for it). It never carries a secret: server messages pass through :func:`redact` before they
are stored, and request headers are not kept.

Error bodies come in several shapes, and :func:`error_details` reads each by status and
``Content-Type``, never failing on a body that is not JSON:

* application errors ``{"message", "errorCode": <Trustpilot's code, not the HTTP status>,
  "correlationId"}``;
* gateway faults ``{"fault": {"faultstring", "detail": {"errorcode"}}}`` (a refused api key or
  access token, as 401 or 403);
* token endpoint errors ``{"ErrorCode", "Error"}``;
* the CDN's HTML page (``text/html``) for a request without a usable api key (403).

A refused key or token gets a hint naming what to check (``TRUSTPILOT_API_KEY``, a new login).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
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
    "ErrorDetails",
    "ForbiddenError",
    "NotFoundError",
    "RateLimitError",
    "ResponseError",
    "ServerError",
    "TpnbError",
    "TransportError",
    "UnauthorizedError",
    "api_error_for",
    "error_details",
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
        message: The server's own message (redacted, shortened), or the reason phrase, with a
            hint naming what to check when the api key or the access token was refused.
        method: The HTTP method of the request.
        path: The request path, without the query string.
        error_code: Trustpilot's own error code (``errorCode``, a gateway fault's ``errorcode``
            or a token endpoint's ``ErrorCode``), never the HTTP status; ``None`` when absent.
        correlation_id: The ``correlationId`` of the failed request (quote it to Trustpilot's
            support); ``None`` when absent.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        method: str = "GET",
        path: str = "",
        response: requests.Response | None = None,
        error_code: int | str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        self.error_code = error_code
        self.correlation_id = correlation_id
        text = (
            f"HTTP {status} for {method} {path}: {message}" if path else f"HTTP {status}: {message}"
        )
        extras = []
        if error_code is not None:
            extras.append(f"Trustpilot error code {error_code}")
        if correlation_id is not None:
            extras.append(f"correlation id {correlation_id}")
        if extras:
            text += f" ({', '.join(extras)})"
        super().__init__(text, response=response)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_api_error,
            (
                type(self),
                self.status,
                self.message,
                self.method,
                self.path,
                self.error_code,
                self.correlation_id,
            ),
        )


def _rebuild_api_error(
    cls: type[APIError],
    status: int,
    message: str,
    method: str,
    path: str,
    error_code: int | str | None = None,
    correlation_id: str | None = None,
) -> APIError:
    return cls(
        status,
        message,
        method=method,
        path=path,
        error_code=error_code,
        correlation_id=correlation_id,
    )


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

    def __str__(self) -> str:
        return f"{super().__str__()}: {_rate_limit_hint(self.retry_after)}"


class ServerError(APIError):
    """5xx: the server failed, still failing after the retries."""


_BY_STATUS: dict[int, type[APIError]] = {
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    429: RateLimitError,
}


_CREDENTIAL_HEADERS = ("apikey", "Authorization", "Proxy-Authorization", "Cookie")


#: what to check when the api key was refused (or missing)
KEY_HINT = "the API key is missing or invalid: check TRUSTPILOT_API_KEY"
#: what to do when the access token was refused
TOKEN_HINT = (
    "the access token was refused or has expired: log in again "
    "(TRUSTPILOT_USERNAME/TRUSTPILOT_PASSWORD, or tp.login_with_code)"
)
# longest error code / correlation id kept (a longer value is not one)
_MAX_FIELD_CHARS = 100


@dataclass(frozen=True)
class ErrorDetails:
    """What an error response says, read by :func:`error_details` (every text redacted).

    Attributes:
        message: The server's message (or the reason phrase), with a hint when a key or token
            was refused, shortened to :data:`MAX_MESSAGE_CHARS`.
        error_code: Trustpilot's own code, never the HTTP status (``None`` when absent).
        correlation_id: The request's correlation id (``None`` when absent).
    """

    message: str
    error_code: int | str | None = None
    correlation_id: str | None = None


def _clean(text: str, secrets: Iterable[str]) -> str:
    return redact(" ".join(text.split()), secrets)


def _short_field(value: Any, secrets: Iterable[str]) -> str | None:
    """A code or id from an error body as text, or ``None`` when absent or not a short scalar."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = _clean(str(value), secrets)
    return text if text and len(text) <= _MAX_FIELD_CHARS else None


def _rate_limit_hint(retry_after: float | None) -> str:
    """What a 429 that tpnb did not wait out means, and what to do."""
    why = (
        f"the API asks to wait {retry_after:.0f} s, longer than tpnb waits by itself "
        "(TPNB_RETRY_AFTER_MAX)"
        if retry_after is not None
        else "still refused after tpnb's retries"
    )
    return (
        f"{why}; tpnb paces its own calls, so another client or process is probably using the "
        "same api key: wait, then run again"
    )


def _hint(status: int, *texts: str) -> str | None:
    """What to check when a gateway fault names a refused api key or access token."""
    joined = " ".join(texts).lower().replace(" ", "").replace("_", "")
    if "apikey" in joined:
        return KEY_HINT
    if "accesstoken" in joined or (status == 401 and "token" in joined):
        return TOKEN_HINT
    return None


def error_details(response: requests.Response, secrets: Iterable[str] = ()) -> ErrorDetails:
    """Read an error response's message, Trustpilot error code and correlation id.

    Chooses by ``Content-Type`` and status (see the module docstring for the shapes); a body
    that is not JSON never raises. Every text is redacted.
    """
    secrets = tuple(secrets)
    status = response.status_code
    content_type = response.headers.get("Content-Type", "").lower()
    text = ""
    hint: str | None = None  # appended after redaction (it names settings, never values)
    code: int | str | None = None
    correlation: str | None = None
    body: Any = None
    if "html" in content_type:
        if status in (401, 403):
            hint = f"{KEY_HINT} (the server answered with an HTML page, not the API's JSON)"
    else:
        try:
            body = json.loads(response.content.decode("utf-8", "replace") or "null")
        except ValueError:
            body = None
        if body is None:
            text = _clean(response.content.decode("utf-8", "replace"), secrets)
    if isinstance(body, dict):
        fault = body.get("fault")
        if isinstance(fault, dict):
            detail = fault.get("detail")
            raw_code = detail.get("errorcode") if isinstance(detail, dict) else None
            text = str(fault.get("faultstring") or "")
            hint = _hint(status, text, str(raw_code or ""))
            code = _short_field(raw_code, secrets)
        else:
            for key in ("message", "Error", "error_description", "error", "details"):
                if body.get(key) and isinstance(body[key], (str, int, float)):
                    text = str(body[key])
                    break
            raw_code = body.get("errorCode", body.get("ErrorCode"))
            if isinstance(raw_code, int) and not isinstance(raw_code, bool):
                code = raw_code  # Trustpilot's numeric code, kept as a number
            else:
                code = _short_field(raw_code, secrets)
            correlation = _short_field(body.get("correlationId"), secrets)
    if not text and hint is None:
        text = response.reason or "error"
    text = _clean(text, secrets)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    if hint is not None:
        text = f"{text}: {hint}" if text else hint
    return ErrorDetails(text, code, correlation)


def server_message(response: requests.Response, secrets: Iterable[str] = ()) -> str:
    """The server's error message from a response body, redacted and shortened, with a hint
    naming what to check when a key or token was refused (see :func:`error_details`)."""
    details = error_details(response, secrets)
    code = details.error_code
    # a token endpoint's ``ErrorCode`` (``invalid_grant``) says what the message does not
    if isinstance(code, str) and details.correlation_id is None and details.message != code:
        return f"{details.message} ({code})"
    return details.message


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
    details = error_details(response, secrets)
    error = cls(
        status,
        details.message,
        method=method,
        path=path,
        response=response,
        error_code=details.error_code,
        correlation_id=details.correlation_id,
    )
    if isinstance(error, RateLimitError):
        error.retry_after = retry_after
    return error
