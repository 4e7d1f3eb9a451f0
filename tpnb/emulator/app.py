"""The emulator's WSGI application: state, gateway checks (apikey, bearer, rate limit), errors.

Order of operations for every request (the gateway, then the backend):

1. :class:`~tpnb.emulator.faults.FaultMiddleware` logs ``(method, path)`` and may inject a fault;
2. :func:`_gateway` (``before_request``): admin (``/_emulator/``), the authorize page and the
   token endpoints skip it; ``/private/`` paths need ``Authorization: Bearer <token>`` (401
   fault when missing, unknown, revoked or expired; the ``apikey`` is accepted, not required,
   but an unknown one is a 401); every other path needs a known ``apikey`` header or query
   parameter (401 fault), except ``/v1/resources/*`` and ``/v1/business-signup/*`` where it is
   optional ([I]: BRUNO marks them ``auth: none``); then the call is counted against the key's
   rate limit (429). Paths outside ``/v1/`` and ``/invitations-api/v1/`` skip the gateway and
   are 404 (the docs: a wrong base URL is a 404);
   with ``cloudfront_mode=True`` a missing apikey is instead the CDN's ``403`` HTML page (what
   the real edge sent in 2023, python-trustpilot #27) and every API response carries
   CloudFront-like ``X-Cache``/``Via``/``X-Amz-Cf-Id`` headers;
3. the route (``routes_*`` modules) validates parameters (400), looks things up (404, 403) and
   renders with :func:`~tpnb.emulator.httputil.json_response` (ETag, Cache-Control, JSONP).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from tpnb.emulator.data.accounts import ApiClient, BusinessUser
from tpnb.emulator.data.dataset import Dataset
from tpnb.emulator.data.errors import UnknownId, UnknownReview
from tpnb.emulator.data.stores import ConversationStore, DisplayNames, Invitations, ProductStore
from tpnb.emulator.data.tokens import TokenStore
from tpnb.emulator.data.webhooks import WebhookDispatcher, event, event_data
from tpnb.emulator.faults import ADMIN_PREFIX, FaultInjector, FaultMiddleware
from tpnb.emulator.httputil import (
    ApiError,
    add_edge_headers,
    app_error,
    cloudfront_403,
    error_response,
    fault_error,
)
from tpnb.emulator.limits import RateLimiter
from tpnb.emulator.options import EmulatorOptions

STATE_KEY = "tpnb_emulator"
_API_ROOTS = ("/v1/", "/invitations-api/v1/")
# BRUNO marks these `auth: none` ([I]: the apikey is optional there)
_KEYLESS = ("/v1/resources/", "/v1/business-signup/")


@dataclass(frozen=True)
class Identity:
    """Who a private call acts for: the api client and, unless client-credentials, a user."""

    client: ApiClient
    user: BusinessUser | None
    unit_ids: frozenset[str]


class EmulatorState:
    """Everything the routes share: the data set plus the HTTP-side state."""

    def __init__(self, dataset: Dataset, options: EmulatorOptions) -> None:
        self.dataset = dataset
        self.options = options
        self.tokens = TokenStore(
            token_lifetime=options.token_lifetime, refresh_limit=options.refresh_limit
        )
        self.limiter = RateLimiter(options.rate_limits)
        self.faults = FaultInjector(options.fault_seed)
        self.webhooks = WebhookDispatcher(timeout=options.webhook_timeout)
        self.max_age = options.max_age
        self.api_base = "http://127.0.0.1/v1"  # replaced by the server once it has a port
        self.invitations = Invitations()
        self.cloudfront_mode = options.cloudfront_mode
        self.conversations = ConversationStore()
        self.added_products = ProductStore()
        self.display_names = DisplayNames()
        self._log_lock = threading.Lock()
        self.request_log: list[tuple[str, str]] = []

    def review_event(self, name: str, review_id: str) -> tuple[dict[str, Any], str]:
        """A webhook event ``name`` for the review as it is now, and its business unit's id
        (raises :class:`~tpnb.emulator.data.errors.UnknownReview`)."""
        review = self.dataset.review_json_by_id(review_id, self.api_base, private=True)
        entry = event(name, event_data(review, self.api_base))
        return entry, str(review["businessUnit"]["id"])

    def publish_review_event(self, name: str, review_id: str) -> None:
        """Post one event ``name`` for a review to the matching webhook subscriptions."""
        if not self.webhooks.subscriptions:
            return
        try:
            entry, unit = self.review_event(name, review_id)
        except UnknownReview:  # pragma: no cover - deleted concurrently: nothing to tell
            return
        self.webhooks.dispatch([entry], unit)

    def log_request(self, method: str, path: str) -> None:
        """Record one API call (admin calls are not recorded)."""
        with self._log_lock:
            self.request_log.append((method, path))

    def clear_log(self) -> None:
        """Forget recorded calls."""
        with self._log_lock:
            self.request_log.clear()


def state() -> EmulatorState:
    """The :class:`EmulatorState` of the running app."""
    return cast(EmulatorState, current_app.extensions[STATE_KEY])


def identity() -> Identity:
    """The identity of the current private call (set by the gateway)."""
    return cast(Identity, g.identity)


def api_key_of_request() -> str | None:
    """The ``apikey`` header or query parameter, if any."""
    return request.headers.get("apikey") or request.args.get("apikey") or None


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
                details={"parameter": "x-business-user-id"},
            )
        return Identity(client, user_or_none, user_or_none.business_unit_ids)
    return Identity(client, None, accounts.units_of_client(client))


def _gateway() -> Response | None:
    path = request.path
    if path.startswith((ADMIN_PREFIX, "/authenticate", "/v1/oauth/")):
        return None
    if not path.startswith(_API_ROOTS):
        return None  # another base URL: 404 from the router, as the docs say
    st = state()
    key = api_key_of_request()
    if key is not None and key not in st.dataset.accounts.clients:
        raise fault_error(401, "Invalid ApiKey", "oauth.v2.InvalidApiKey")
    if path.startswith(("/v1/private/", "/invitations-api/v1/private/")):
        g.identity = _resolve_identity(st, _bearer())
        key = key or identity().client.api_key
    elif key is None and not path.startswith(_KEYLESS):
        if st.cloudfront_mode:
            return cloudfront_403()
        raise fault_error(
            401,
            "Failed to resolve API Key variable request.header.apikey",
            "steps.oauth.v2.FailedToResolveAPIKey",
        )
    if key is not None:
        check_rate_limit(st, key)
    return None


def _edge_headers(resp: Response) -> Response:
    if (
        state().cloudfront_mode
        and request.path.startswith(_API_ROOTS)
        and "X-Amz-Cf-Id" not in resp.headers
    ):
        add_edge_headers(resp, error=resp.status_code >= 400)
    return resp


def check_rate_limit(st: EmulatorState, key: str) -> None:
    """Count one call for ``key`` or raise the 429."""
    verdict = st.limiter.hit(key)
    if verdict is not None:
        raise ApiError(
            429,
            {
                "message": (
                    f"Too many requests: at most {verdict.limit} calls per "
                    f"{verdict.window:g} s for this api key"
                ),
                "errorCode": 429,
                "details": {
                    "limit": verdict.limit,
                    "windowSeconds": verdict.window,
                    "retryAfter": verdict.retry_after,
                },
            },
            {"Retry-After": str(verdict.retry_after)},
        )


def _handle_api_error(err: ApiError) -> Response:
    return error_response(err)


def _handle_unknown_id(err: UnknownId) -> Response:
    return error_response(app_error(404, err.message))


def _handle_http_exception(exc: HTTPException) -> Response:
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


def create_app(dataset: Dataset, options: EmulatorOptions | None = None) -> Flask:
    """Build the Flask app serving ``dataset``.

    Args:
        dataset: The data set (from :func:`tpnb.emulator.data.dataset.build_dataset`).
        options: The settings (default: :class:`EmulatorOptions`'s defaults); its data-set
            settings (``seed``, ``scale``, ``now``) are not used: ``dataset`` is given.

    Returns:
        The app; ``app.extensions["tpnb_emulator"]`` is its :class:`EmulatorState` and
        ``app.wsgi_app`` is wrapped by the fault middleware.
    """
    from tpnb.emulator import (
        admin,
        oauth,
        routes_bu,
        routes_conversations,
        routes_extra,
        routes_invitations,
        routes_misc,
        routes_private,
        routes_products,
        routes_products_extra,
        routes_reviews,
    )

    app = Flask("tpnb.emulator")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    st = EmulatorState(dataset, options or EmulatorOptions())
    app.extensions[STATE_KEY] = st
    app.url_map.strict_slashes = False
    app.before_request(_gateway)
    app.after_request(_edge_headers)
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(UnknownId, _handle_unknown_id)
    app.register_error_handler(HTTPException, _handle_http_exception)
    for blueprint in (
        oauth.blueprint,
        routes_bu.blueprint,
        routes_reviews.blueprint,
        routes_private.blueprint,
        routes_misc.blueprint,
        routes_invitations.blueprint,
        routes_products.blueprint,
        routes_products_extra.blueprint,
        routes_conversations.blueprint,
        routes_extra.blueprint,
        admin.blueprint,
    ):
        app.register_blueprint(blueprint)
    inner: Callable[..., Any] = app.wsgi_app
    app.wsgi_app = FaultMiddleware(inner, st.faults, st.log_request)  # type: ignore[method-assign]
    return app
