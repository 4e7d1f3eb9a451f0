"""Auth over HTTP: apikey, every OAuth grant, rotation, revoke, throttling, bearer failures."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from kit.emulator_http import REFRESH_PATH, REVOKE_PATH, TOKEN_PATH, Api, demo_unit

from tpnb.emulator import EmulatorServer

FIND = "/business-units/find"


def _fault(resp: requests.Response) -> str:
    body = resp.json()
    assert set(body) == {"fault"}
    assert isinstance(body["fault"]["faultstring"], str)
    return str(body["fault"]["detail"]["errorcode"])


# ---------------------------------------------------------------------- apikey
def test_apikey_header_and_query_both_work(api: Api) -> None:
    name = api.json("/business-units/all")["businessUnits"][0]["name"]["identifying"]
    by_header = api.get(FIND, params={"name": name})
    by_query = requests.get(
        api.server.api_url + FIND, params={"name": name, "apikey": api.key}, timeout=30
    )
    assert by_header.status_code == by_query.status_code == 200
    assert by_header.json() == by_query.json()


def test_missing_apikey_is_the_cdn_403_page_by_default(emulator: EmulatorServer) -> None:
    resp = requests.get(emulator.api_url + "/business-units/all", timeout=30)
    assert resp.status_code == 403
    assert resp.headers["Content-Type"].startswith("text/html")
    assert "Request blocked" in resp.text


def test_missing_apikey_is_401_fault_when_selected(
    make_emulator: Callable[..., EmulatorServer],
) -> None:
    server = make_emulator(scale=0.01, cloudfront_mode=False)
    resp = requests.get(server.api_url + "/business-units/all", timeout=30)
    assert resp.status_code == 401
    assert _fault(resp) == "steps.oauth.v2.FailedToResolveAPIKey"
    assert "X-Cache" not in resp.headers


def test_unknown_apikey_is_401_fault(emulator: EmulatorServer) -> None:
    resp = requests.get(
        emulator.api_url + "/business-units/all", headers={"apikey": "nope"}, timeout=30
    )
    assert resp.status_code == 401
    assert _fault(resp) == "oauth.v2.InvalidApiKey"


def test_resources_need_no_apikey(emulator: EmulatorServer) -> None:
    resp = requests.get(emulator.api_url + "/resources/images/stars/4.5", timeout=30)
    assert resp.status_code == 200


# ---------------------------------------------------------------------- grants
#: the fields of the password-grant answer Trustpilot sent in 2025 (lindar-open/trustpilot-client)
CAPTURED_FIELDS = {
    "access_token",
    "refresh_token",
    "issued_at",
    "expires_in",
    "token_type",
    "refresh_token_issued_at",
    "refresh_token_expires_in",
    "refresh_token_status",
    "app_enduser",
    "client_id",
}
REFRESH_FIELDS = {f for f in CAPTURED_FIELDS if f.startswith("refresh_")}


def test_password_grant_answer_is_the_captured_one(api: Api) -> None:
    before = time.time()
    resp = api.token("password")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    body = resp.json()
    assert set(body) == CAPTURED_FIELDS  # none of the Apigee extras (status, scope, ...)
    assert all(isinstance(value, str) for value in body.values())
    assert body["access_token"].startswith("tpa-")
    assert body["refresh_token"].startswith("tpr-")
    assert body["expires_in"] == "360000"  # 100 h, as captured
    assert body["refresh_token_expires_in"] == "7776000"  # 90 days, as captured
    assert body["token_type"] == "BearerToken"
    assert body["refresh_token_status"] == "approved"
    assert body["client_id"] == api.key
    user = api.server.dataset.user_by_username(api.server.credentials["username"])
    assert user is not None
    assert body["app_enduser"] == user.id
    # epoch seconds, not milliseconds: within a day of the local clock
    for field in ("issued_at", "refresh_token_issued_at"):
        assert abs(int(body[field]) - before) < 86_400, field


def test_token_lifetime_is_configurable(make_emulator: Callable[..., EmulatorServer]) -> None:
    server = make_emulator(token_lifetime=30)
    with requests.Session() as session:
        body = Api(server, session).token().json()
    assert body["expires_in"] == "30"


def test_client_credentials_has_no_refresh_fields(api: Api) -> None:
    body = api.token("client_credentials").json()
    assert set(body) == CAPTURED_FIELDS - REFRESH_FIELDS - {"refresh_token", "app_enduser"}
    assert body["access_token"].startswith("tpa-")
    assert all(isinstance(value, str) for value in body.values())


def test_client_credentials_token_sees_the_apps_units(api: Api) -> None:
    token = api.access_token(grant="client_credentials")
    unit = demo_unit(api)
    resp = api.private("GET", f"/private/business-units/{unit}/reviews", token)
    assert resp.status_code == 200


def test_client_credentials_tokens_are_isolated_per_app(api: Api) -> None:
    from tpnb.emulator.data.accounts import OTHER_USERNAME, SECOND_API_KEY, SECOND_API_SECRET

    ds = api.server.dataset
    other = ds.user_by_username(OTHER_USERNAME)
    assert other is not None
    token = api.access_token(
        grant="client_credentials", key=SECOND_API_KEY, secret=SECOND_API_SECRET
    )
    for unit in ds.business_unit_ids():
        resp = api.private("GET", f"/private/business-units/{unit}/reviews", token)
        assert resp.status_code == (200 if unit in other.business_unit_ids else 403)


def test_client_credentials_acts_for_x_business_user_id(api: Api) -> None:
    token = api.access_token(grant="client_credentials")
    ds = api.server.dataset
    user = ds.user_by_username(api.server.credentials["username"])
    assert user is not None
    unit = demo_unit(api)
    ok = api.private(
        "GET",
        f"/private/business-units/{unit}/reviews",
        token,
        headers={"x-business-user-id": user.id},
    )
    assert ok.status_code == 200
    bad = api.private(
        "GET",
        f"/private/business-units/{unit}/reviews",
        token,
        headers={"x-business-user-id": "000000000000000000000000"},
    )
    assert bad.status_code == 403


def test_wrong_password_and_wrong_secret(api: Api) -> None:
    wrong_pw = api.token("password", password="wrong")
    assert wrong_pw.status_code == 400
    assert wrong_pw.json()["ErrorCode"] == "invalid_grant"
    wrong_secret = api.token("password", secret="wrong")
    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["ErrorCode"] == "invalid_client"
    no_auth = requests.post(
        api.server.api_url + TOKEN_PATH, data={"grant_type": "client_credentials"}, timeout=30
    )
    assert no_auth.status_code == 401
    assert set(no_auth.json()) == {"ErrorCode", "Error"}


def test_unknown_grant_type(api: Api) -> None:
    resp = api.token("implicit")
    assert resp.status_code == 400
    assert resp.json()["ErrorCode"] == "unsupported_grant_type"


def test_token_endpoint_wants_form_encoding(api: Api) -> None:
    creds = api.server.credentials
    resp = requests.post(
        api.server.api_url + TOKEN_PATH,
        json={"grant_type": "client_credentials"},
        auth=(creds["api_key"], creds["api_secret"]),
        timeout=30,
    )
    assert resp.status_code == 415


def test_client_id_and_secret_in_form(api: Api) -> None:
    creds = api.server.credentials
    resp = requests.post(
        api.server.api_url + TOKEN_PATH,
        data={
            "grant_type": "client_credentials",
            "client_id": creds["api_key"],
            "client_secret": creds["api_secret"],
        },
        timeout=30,
    )
    assert resp.status_code == 200


def test_authorization_code_flow(api: Api) -> None:
    server, creds = api.server, api.server.credentials
    redirect = "http://127.0.0.1:9/callback"
    query = {"client_id": creds["api_key"], "redirect_uri": redirect, "response_type": "code"}
    page = requests.get(server.authorize_url, params={**query, "state": "xyz"}, timeout=30)
    assert page.status_code == 200
    assert "<form" in page.text
    login = requests.post(
        server.authorize_url,
        params={**query, "state": "xyz"},
        data={"username": creds["username"], "password": creds["password"]},
        allow_redirects=False,
        timeout=30,
    )
    assert login.status_code == 302
    location = urlsplit(login.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect
    params = parse_qs(location.query)
    assert params["state"] == ["xyz"]
    code = params["code"][0]
    mismatch = api.token("authorization_code", code=code, redirect_uri=redirect + "x")
    assert mismatch.status_code == 400
    ok = api.token("authorization_code", code=code, redirect_uri=redirect)
    assert ok.status_code == 200
    assert "refresh_token" in ok.json()
    again = api.token("authorization_code", code=code, redirect_uri=redirect)
    assert again.status_code == 400  # single use


def test_authorize_rejects_foreign_redirect_and_bad_login(api: Api) -> None:
    creds = api.server.credentials
    bad_redirect = requests.get(
        api.server.authorize_url,
        params={"client_id": creds["api_key"], "redirect_uri": "https://evil.example/cb"},
        timeout=30,
    )
    assert bad_redirect.status_code == 400
    bad_login = requests.post(
        api.server.authorize_url,
        params={"client_id": creds["api_key"], "redirect_uri": "http://localhost:1/cb"},
        data={"username": creds["username"], "password": "nope"},
        allow_redirects=False,
        timeout=30,
    )
    assert bad_login.status_code == 401


# ------------------------------------------------------------ refresh / revoke
def _refresh(api: Api, token: str, path: str = REFRESH_PATH) -> requests.Response:
    creds = api.server.credentials
    return requests.post(
        api.server.api_url + path,
        data={"grant_type": "refresh_token", "refresh_token": token},
        auth=(creds["api_key"], creds["api_secret"]),
        timeout=30,
    )


def test_refresh_rotates_and_is_single_use(api: Api) -> None:
    first = api.token().json()
    second = _refresh(api, first["refresh_token"])
    assert second.status_code == 200
    body = second.json()
    assert body["refresh_token"] != first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    reuse = _refresh(api, first["refresh_token"])
    assert reuse.status_code == 400
    assert reuse.json()["ErrorCode"] == "invalid_grant"
    third = _refresh(api, body["refresh_token"], path=TOKEN_PATH)  # accesstoken accepts it too
    assert third.status_code == 200
    assert third.json()["refresh_token"] not in (first["refresh_token"], body["refresh_token"])


def test_refresh_answer_lacks_app_enduser_and_client_id(api: Api) -> None:
    first = api.token().json()
    body = _refresh(api, first["refresh_token"]).json()
    assert set(body) == CAPTURED_FIELDS - {"app_enduser", "client_id"}
    assert body["access_token"].startswith("tpa-")
    assert body["refresh_token"].startswith("tpr-")
    assert all(isinstance(value, str) for value in body.values())


def test_refreshing_too_often_is_429(make_emulator: Callable[..., EmulatorServer]) -> None:
    server = make_emulator(refresh_limit=(2, 60.0))
    with requests.Session() as session:
        api = Api(server, session)
        token = api.token().json()["refresh_token"]
        for _ in range(2):
            resp = _refresh(api, token)
            assert resp.status_code == 200
            token = resp.json()["refresh_token"]
        throttled = _refresh(api, token)
    assert throttled.status_code == 429
    assert throttled.json()["ErrorCode"] == "too_many_requests"
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_revoke_kills_both_tokens(api: Api, which: str) -> None:
    body = api.token().json()
    creds = api.server.credentials
    resp = requests.post(
        api.server.api_url + REVOKE_PATH,
        data={"token": body[which]},
        auth=(creds["api_key"], creds["api_secret"]),
        timeout=30,
    )
    assert resp.status_code == 200
    unit = demo_unit(api)
    call = api.private("GET", f"/private/business-units/{unit}/reviews", body["access_token"])
    assert call.status_code == 401
    assert _fault(call) == "keymanagement.service.invalid_access_token"
    assert _refresh(api, body["refresh_token"]).status_code == 400


# ---------------------------------------------------------------------- bearer
def test_private_without_token_is_401(api: Api) -> None:
    unit = demo_unit(api)
    resp = api.get(f"/private/business-units/{unit}/reviews")
    assert resp.status_code == 401
    assert _fault(resp) == "oauth.v2.InvalidAccessToken"


def test_private_with_garbage_token_is_401(api: Api) -> None:
    resp = api.private("GET", f"/private/business-units/{demo_unit(api)}/reviews", "garbage")
    assert resp.status_code == 401


def test_expired_token_is_401(make_emulator: Callable[..., EmulatorServer]) -> None:
    server = make_emulator()
    with requests.Session() as session:
        api = Api(server, session)
        token = api.access_token()
        server.admin.expire_tokens()
        resp = api.private("GET", f"/private/business-units/{demo_unit(api)}/reviews", token)
    assert resp.status_code == 401
    assert _fault(resp) == "keymanagement.service.access_token_expired"


def test_other_users_unit_is_403(api: Api, bearer: str) -> None:
    ds = api.server.dataset
    mine = ds.user_by_username(api.server.credentials["username"])
    assert mine is not None
    others = [u for u in ds.business_unit_ids() if u not in mine.business_unit_ids]
    assert others
    resp = api.private("GET", f"/private/business-units/{others[0]}/reviews", bearer)
    assert resp.status_code == 403
    assert resp.json()["errorCode"] == 1014  # the code the real API sent for a 403 (#104)


def test_second_business_user_sees_only_their_units(api: Api) -> None:
    ds = api.server.dataset
    demo = ds.user_by_username(api.server.credentials["username"])
    other = next(u for u in ds.accounts.users if demo is None or u.id != demo.id)
    token = api.access_token(username=other.username, password=other.password)
    for unit in ds.business_unit_ids():
        resp = api.private("GET", f"/private/business-units/{unit}/reviews", token)
        assert resp.status_code == (200 if unit in other.business_unit_ids else 403)


def test_basic_header_must_be_base64(api: Api) -> None:
    resp = requests.post(
        api.server.api_url + TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic !!!" + base64.b64encode(b"x").decode()},
        timeout=30,
    )
    assert resp.status_code == 401
