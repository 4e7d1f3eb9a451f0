"""OAuth routes: the token, refresh and revoke endpoints and a minimal authorize page.

* ``POST /v1/oauth/oauth-business-users-for-applications/accesstoken``: grants ``password``,
  ``client_credentials`` (no refresh token), ``authorization_code`` and ``refresh_token``;
* ``POST .../refresh``: ``grant_type=refresh_token`` (the grant type may be omitted there);
* ``POST .../revoke``: ``token=<access or refresh token>`` -> 200 with an empty body ([I]);
* ``GET /authenticate?client_id&redirect_uri&response_type=code[&state]``: an HTML login form
  (stands for https://authenticate.trustpilot.com); ``POST /authenticate`` with the same query
  plus form ``username`` and ``password`` answers ``302`` to ``redirect_uri?code=...[&state=...]``.

The client authenticates with ``Authorization: Basic base64(api_key:api_secret)`` or with form
fields ``client_id``/``client_secret`` ([C] for the authorization-code grant; accepted for all).
POST bodies must be ``application/x-www-form-urlencoded`` (415 otherwise). Errors use Apigee
OAuthV2's ``{"ErrorCode", "Error"}``: 401 ``invalid_client`` for missing or wrong client
credentials, 400 ``invalid_request``/``unsupported_grant_type``/``invalid_grant`` otherwise, 429
``too_many_requests`` (with ``Retry-After``) when refreshing too often ([I] statuses and
codes, RFC 6749 style).

Redirect URIs ([I]): one of the api client's registered ``redirect_uris``, or any
``http://127.0.0.1:<port>/...`` / ``http://localhost:<port>/...`` URI (RFC 8252 loopback).
Token calls count against the client's rate limit like any other call.
"""

from __future__ import annotations

import base64
import binascii
import html
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, request
from werkzeug.wrappers import Response as WerkzeugResponse

from tpnb.emulator.api.context import state
from tpnb.emulator.api.gateway import check_rate_limit
from tpnb.emulator.api.responses import app_error, dumps, oauth_error
from tpnb.emulator.data.accounts import ApiClient
from tpnb.emulator.data.tokens import TokenError

PREFIX = "/v1/oauth/oauth-business-users-for-applications"
blueprint = Blueprint("oauth", __name__)


def _require_form() -> None:
    mimetype = request.mimetype
    if mimetype != "application/x-www-form-urlencoded":
        raise app_error(
            415,
            f"Unsupported Content-Type {mimetype or '(none)'!r}; "
            "use application/x-www-form-urlencoded",
        )


def _client(optional: bool = False) -> ApiClient | None:
    key = secret = None
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise oauth_error(401, "invalid_client", "Malformed Basic authorization") from None
        key, _, secret = decoded.partition(":")
    elif request.form.get("client_id"):
        key, secret = request.form.get("client_id"), request.form.get("client_secret", "")
    if key is None:
        if optional:
            return None
        raise oauth_error(401, "invalid_client", "Client credentials are missing")
    client = state().dataset.accounts.clients.get(key)
    if client is None or client.api_secret != secret:
        raise oauth_error(401, "invalid_client", "ClientId is Invalid")
    check_rate_limit(state(), client.api_key)
    return client


def _token_response(body: dict[str, str]) -> Response:
    resp = Response(dumps(body), status=200, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Pragma"] = "no-cache"
    return resp


def _grant(client: ApiClient, grant_type: str) -> Response:
    st = state()
    form = request.form
    try:
        if grant_type == "password":
            username, password = form.get("username"), form.get("password")
            if not username or password is None:
                raise oauth_error(400, "invalid_request", "username and password are required")
            user = st.dataset.accounts.user_by_username(username)
            if user is None or user.password != password:
                raise oauth_error(400, "invalid_grant", "Invalid username or password")
            return _token_response(st.tokens.issue(client.api_key, user.id))
        if grant_type == "client_credentials":
            return _token_response(st.tokens.issue(client.api_key, None))
        if grant_type == "authorization_code":
            code = form.get("code")
            if not code:
                raise oauth_error(400, "invalid_request", "code is required")
            user_id = st.tokens.redeem_code(client.api_key, code, form.get("redirect_uri"))
            return _token_response(st.tokens.issue(client.api_key, user_id))
        if grant_type == "refresh_token":
            token = form.get("refresh_token")
            if not token:
                raise oauth_error(400, "invalid_request", "refresh_token is required")
            return _token_response(st.tokens.refresh(client.api_key, token))
    except TokenError as exc:
        err = oauth_error(exc.status, exc.code, exc.message)
        if exc.retry_after is not None:
            err.headers["Retry-After"] = str(exc.retry_after)
        raise err from None
    raise oauth_error(
        400,
        "unsupported_grant_type",
        f"Unsupported grant type: {grant_type!r}; allowed: password, client_credentials, "
        "authorization_code, refresh_token",
    )


@blueprint.post(f"{PREFIX}/accesstoken")
def accesstoken() -> Response:
    """The token endpoint (every grant)."""
    _require_form()
    client = _client()
    assert client is not None
    grant_type = request.form.get("grant_type")
    if not grant_type:
        raise oauth_error(400, "invalid_request", "grant_type is required")
    return _grant(client, grant_type)


@blueprint.post(f"{PREFIX}/refresh")
def refresh() -> Response:
    """The refresh endpoint (``grant_type=refresh_token`` only)."""
    _require_form()
    client = _client()
    assert client is not None
    grant_type = request.form.get("grant_type", "refresh_token")
    if grant_type != "refresh_token":
        raise oauth_error(
            400, "unsupported_grant_type", "Only grant_type=refresh_token is accepted here"
        )
    return _grant(client, grant_type)


@blueprint.post(f"{PREFIX}/revoke")
def revoke() -> Response:
    """Revoke an access or refresh token (200, empty body; unknown tokens too, as RFC 7009)."""
    _require_form()
    _client(optional=True)
    token = request.form.get("token")
    if not token:
        raise oauth_error(400, "invalid_request", "token is required")
    state().tokens.revoke(token)
    resp = Response(b"", status=200)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _redirect_allowed(client: ApiClient, uri: str) -> bool:
    if uri in client.redirect_uris:
        return True
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")


def _authorize_client() -> tuple[ApiClient, str]:
    client_id = request.args.get("client_id", "")
    redirect_uri = request.args.get("redirect_uri", "")
    client = state().dataset.accounts.clients.get(client_id)
    if client is None:
        raise app_error(400, "Unknown client_id")
    if not redirect_uri or not _redirect_allowed(client, redirect_uri):
        raise app_error(
            400,
            "redirect_uri must be registered for this client (or a loopback http URI)",
        )
    if request.args.get("response_type", "code") != "code":
        raise app_error(400, "Only response_type=code is supported")
    return client, redirect_uri


_FORM = """<!doctype html><html><head><meta charset="utf-8"><title>Log in - tpnb emulator</title>
</head><body><h1>Log in to Trustpilot Business (emulated)</h1>{error}
<form method="post" action="{action}"><label>Email <input name="username" type="email"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Log in</button></form></body></html>"""


def _form_page(error: str = "", status: int = 200) -> Response:
    action = html.escape(request.full_path, quote=True)
    body = _FORM.format(action=action, error=f"<p role='alert'>{html.escape(error)}</p>")
    resp = Response(body, status=status, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@blueprint.get("/authenticate")
def authorize_page() -> Response:
    """The login page of the authorization-code flow."""
    _authorize_client()
    return _form_page()


@blueprint.post("/authenticate")
def authorize_submit() -> Response | WerkzeugResponse:
    """Check the business user's login and redirect back with a single-use code."""
    client, redirect_uri = _authorize_client()
    _require_form()
    user = state().dataset.accounts.user_by_username(request.form.get("username", ""))
    if user is None or user.password != request.form.get("password"):
        return _form_page("Wrong email or password.", status=401)
    code = state().tokens.create_code(client.api_key, user.id, redirect_uri)
    params = {"code": code}
    if request.args.get("state"):
        params["state"] = request.args["state"]
    sep = "&" if urlsplit(redirect_uri).query else "?"
    return redirect(redirect_uri + sep + urlencode(params), code=302)
