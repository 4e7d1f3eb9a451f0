"""The gateway in front of every route, and the one place errors become response bodies.

:func:`install` adds to an app:

* the check of every API call (``before_request``): admin (``/_emulator/``), the authorize page
  and the token endpoints skip it; ``/private/`` paths need ``Authorization: Bearer <token>``
  (401 fault when missing, unknown, revoked or expired; the ``apikey`` is accepted, not
  required, but an unknown one is a 401); every other path needs a known ``apikey`` header or
  query parameter (401 fault), except ``/v1/resources/*`` and ``/v1/business-signup/*`` where it
  is optional ([I]: BRUNO marks them ``auth: none``); then the call is counted against the key's
  rate limit (429). Paths outside ``/v1/`` and ``/invitations-api/v1/`` skip the gateway and are
  404 (the docs: a wrong base URL is a 404). With ``cloudfront_mode`` (the default) a missing
  apikey is instead the CDN's ``403`` HTML page (what the real edge sent in 2023,
  python-trustpilot #27, and in 2026, W6W) and every API response carries CloudFront-like
  ``X-Cache``/``Via``/``X-Amz-Cf-Id`` headers; ``EmulatorOptions(cloudfront_mode=False)`` gives
  the 401 fault for a missing key. Which of the two a present-but-wrong key gets is unknown
  ([U]); the emulator answers it with the 401 ``oauth.v2.InvalidApiKey`` fault in both modes;
* CORS ([C] "The Cross-Origin Resource Sharing (CORS) policy is enabled for Get requests";
  the exact headers are [U], these are [I]): every GET/HEAD answer under the API roots
  (errors and the CDN page included, so a browser can read them) carries
  ``Access-Control-Allow-Origin: *``; a preflight (``OPTIONS`` with
  ``Access-Control-Request-Method``) needs no apikey and is answered ``204`` with
  ``Access-Control-Allow-Origin: *``, ``Access-Control-Allow-Methods: GET, HEAD``,
  ``Access-Control-Allow-Headers: apikey, Authorization, Content-Type`` and
  ``Access-Control-Max-Age: 86400`` when it asks for GET or HEAD, and ``204`` without them
  (the browser then refuses) for any other method;
* the error handlers: an :class:`~.responses.ApiError` is its own body; an unknown id
  (:class:`~tpnb.emulator.data.errors.UnknownId`, from the data set) is a 404 whose message
  names it; the router's 404 and 405 get the same JSON shape.

Routes call :func:`require_access` for a business unit a private call wants to manage: a
password/authorization-code token acts for its business user and sees that user's units only;
a client-credentials token sees the units of its company's users
(:meth:`~tpnb.emulator.data.accounts.Accounts.units_of_client`), or of one of them when
``x-business-user-id`` (header or query) names it (403 for a user of another company). A unit
outside that set is 403 (unknown units too: the docs say a wrong unit id "may result in 403").
"""

from __future__ import annotations

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from tpnb.emulator.api.context import EmulatorState, Identity, identity, state
from tpnb.emulator.api.faults import ADMIN_PREFIX
from tpnb.emulator.api.responses import (
    ApiError,
    add_edge_headers,
    app_error,
    cloudfront_403,
    error_body,
    error_response,
    fault_error,
)
from tpnb.emulator.data.errors import UnknownId

_API_ROOTS = ("/v1/", "/invitations-api/v1/")
# BRUNO marks these `auth: none` ([I]: the apikey is optional there)
_KEYLESS = ("/v1/resources/", "/v1/business-signup/")


def install(app: Flask) -> None:
    """Add the gateway check, the CloudFront headers and the error handlers to ``app``."""
    app.before_request(_gateway)
    app.after_request(_edge_headers)
    app.after_request(_cors_headers)
    app.register_error_handler(ApiError, error_response)
    app.register_error_handler(UnknownId, _unknown_id)
    app.register_error_handler(HTTPException, _http_exception)


def api_key_of_request() -> str | None:
    """The ``apikey`` header or query parameter, if any."""
    return request.headers.get("apikey") or request.args.get("apikey") or None


def check_rate_limit(st: EmulatorState, key: str) -> None:
    """Count one call for ``key`` or raise the 429."""
    verdict = st.limiter.hit(key)
    if verdict is not None:
        raise ApiError(
            429,
            error_body(
                429,
                f"Too many requests: at most {verdict.limit} calls per "
                f"{verdict.window:g} s for this api key",
            ),
            {"Retry-After": str(verdict.retry_after)},
        )


def require_access(bu_id: str) -> None:
    """403 unless the caller may manage ``bu_id``."""
    if bu_id not in identity().unit_ids:
        raise app_error(
            403,
            f"Forbidden: this token has no access to business unit {bu_id}",
        )


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _resolve_identity(st: EmulatorState, token: str | None) -> Identity:
    if token is None:
        raise fault_error(401, "Invalid access token", "oauth.v2.InvalidAccessToken")
    grant = st.tokens.check_access(token)
    if grant == "expired":
        raise fault_error(401, "Access Token expired", "keymanagement.service.access_token_expired")
    if isinstance(grant, str):
        raise fault_error(401, "Invalid Access Token", "keymanagement.service.invalid_access_token")
    accounts = st.dataset.accounts
    client = accounts.clients[grant.client_key]
    if grant.user_id is not None:
        user = accounts.user(grant.user_id)
        return Identity(client, user, user.business_unit_ids)
    acting = request.headers.get("x-business-user-id") or request.args.get("x-business-user-id")
    if acting:
        user_or_none = accounts.find_user(acting)
        if user_or_none is None or user_or_none not in accounts.users_of_client(client):
            raise app_error(
                403,
                "x-business-user-id is not a business user of this application",
            )
        return Identity(client, user_or_none, user_or_none.business_unit_ids)
    return Identity(client, None, accounts.units_of_client(client))


def _gateway() -> Response | None:
    path = request.path
    if path.startswith((ADMIN_PREFIX, "/authenticate", "/v1/oauth/")):
        return None
    if not path.startswith(_API_ROOTS):
        return None  # another base URL: 404 from the router, as the docs say
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        return _preflight()
    st = state()
    key = api_key_of_request()
    if key is not None and key not in st.dataset.accounts.clients:
        raise fault_error(401, "Invalid ApiKey", "oauth.v2.InvalidApiKey")
    if path.startswith(("/v1/private/", "/invitations-api/v1/private/")):
        g.identity = _resolve_identity(st, _bearer())
        key = key or identity().client.api_key
    elif key is None and not path.startswith(_KEYLESS):
        if st.options.cloudfront_mode:
            return cloudfront_403()
        raise fault_error(
            401,
            "Failed to resolve API Key variable request.header.apikey",
            "steps.oauth.v2.FailedToResolveAPIKey",
        )
    if key is not None:
        check_rate_limit(st, key)
    return None


CORS_METHODS = ("GET", "HEAD")


def _preflight() -> Response:
    resp = Response(status=204)
    if request.headers["Access-Control-Request-Method"].upper() in CORS_METHODS:
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Allow-Methods"] = ", ".join(CORS_METHODS)
        resp.headers["Access-Control-Allow-Headers"] = "apikey, Authorization, Content-Type"
        resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def _cors_headers(resp: Response) -> Response:
    if request.method in CORS_METHODS and request.path.startswith(_API_ROOTS):
        resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def _edge_headers(resp: Response) -> Response:
    if (
        state().options.cloudfront_mode
        and request.path.startswith(_API_ROOTS)
        and "X-Amz-Cf-Id" not in resp.headers
    ):
        add_edge_headers(resp, error=resp.status_code >= 400)
    return resp


def _unknown_id(err: UnknownId) -> Response:
    return error_response(app_error(404, err.message))


def _http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 404:
        message = f"Not found: {request.path}"
    elif status == 405:
        message = f"Method {request.method} not allowed on {request.path}"
    else:
        message = exc.description or exc.name
    resp = error_response(app_error(status, message))
    if status == 405:
        allowed = exc.get_response().headers.get("Allow")
        if allowed:
            resp.headers["Allow"] = allowed
    return resp
