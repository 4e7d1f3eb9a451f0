"""The exception tree, status mapping, server messages and secret redaction."""

from __future__ import annotations

import json
import pickle
import re

import pytest
import requests

from tpnb import errors
from tpnb.errors import (
    APIError,
    AuthError,
    BadRequestError,
    ConfigError,
    ForbiddenError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TpnbError,
    TransportError,
    UnauthorizedError,
    api_error_for,
    redact,
)

SECRET = "sk-live-0123456789abcdef"


def _response(
    status: int, body: object, content_type: str = "application/json"
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = {404: "Not Found", 500: "Internal Server Error"}.get(status, "Error")
    raw = body if isinstance(body, str) else json.dumps(body)
    response._content = raw.encode()
    response.headers["Content-Type"] = content_type
    request = requests.Request(
        "GET",
        "http://127.0.0.1/v1/x",
        headers={"apikey": SECRET, "Authorization": f"Bearer {SECRET}"},
    ).prepare()
    response.request = request
    return response


def test_tree_matches_the_docstring() -> None:
    for cls in (ConfigError, AuthError, TransportError, APIError):
        assert issubclass(cls, TpnbError)
    for cls in (
        BadRequestError,
        UnauthorizedError,
        ForbiddenError,
        NotFoundError,
        RateLimitError,
        ServerError,
    ):
        assert issubclass(cls, APIError)
        assert cls.__name__ in (errors.__doc__ or "")
    assert issubclass(APIError, requests.HTTPError)
    assert issubclass(UnauthorizedError, AuthError)
    assert issubclass(ConfigError, ValueError)


def test_a_rate_limit_error_says_how_long_the_api_asked_to_wait() -> None:
    response = _response(429, {"message": "Too many requests"})
    error = api_error_for(response, method="GET", path="/x", retry_after=240.0)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 240.0
    assert "the API asks to wait 240 s, longer than tpnb waits by itself" in str(error)
    assert "TPNB_RETRY_AFTER_MAX" in str(error)


def test_every_exception_class_is_drawn_in_the_docstring_tree() -> None:
    doc = errors.__doc__ or ""
    classes = [
        name
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), BaseException)
    ]
    assert "CapExceededError" in classes
    for name in classes:
        assert re.search(rf"^[\s│├└─]*{name}\b", doc, re.MULTILINE), name


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, UnauthorizedError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, BadRequestError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[APIError]) -> None:
    error = api_error_for(_response(status, {"message": "nope"}), method="GET", path="/x")
    assert type(error) is cls
    assert error.status == status
    assert error.message == "nope"
    assert error.path == "/x"
    if cls is RateLimitError:  # what it means and what to do
        assert str(error).startswith("HTTP 429 for GET /x: nope: still refused after tpnb's")
        assert "another client or process is probably using the same api key" in str(error)
    else:
        assert str(error) == f"HTTP {status} for GET /x: nope"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "x"}}},
            "Invalid ApiKey: the API key is missing or invalid: check TRUSTPILOT_API_KEY",
        ),
        ({"message": "Unknown business unit", "errorCode": 404}, "Unknown business unit"),
        ({"ErrorCode": "invalid_request", "Error": "Invalid grant_type"}, "Invalid grant_type"),
        ("go away", "go away"),
    ],
)
def test_server_message_shapes(body: object, expected: str) -> None:
    error = api_error_for(
        _response(400, body, "text/plain" if isinstance(body, str) else "application/json"),
        method="GET",
        path="/x",
    )
    assert error.message == expected


def test_html_page_reduced_to_reason() -> None:
    error = api_error_for(
        _response(404, "<html>" + "x" * 900 + "</html>", "text/html"), method="GET", path="/x"
    )
    assert error.message == "Not Found"


def test_error_never_carries_a_secret() -> None:
    body = {"message": f"token {SECRET} is not valid for apikey={SECRET}"}
    response = _response(401, body)
    error = api_error_for(response, method="GET", path="/private/x", secrets=[SECRET])
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert SECRET not in error.message
    assert error.response is not None
    assert SECRET not in str(dict(error.response.request.headers))
    assert isinstance(pickle.loads(pickle.dumps(error)), UnauthorizedError)


def test_long_messages_are_shortened() -> None:
    error = api_error_for(_response(400, {"message": "y" * 5000}), method="GET", path="/x")
    assert len(error.message) == errors.MAX_MESSAGE_CHARS


def test_redact_patterns_without_known_values() -> None:
    text = redact(
        "Authorization: Bearer abc.def-123 apikey=XYZ password: 'hunter2' Basic dXNlcjpwdw=="
    )
    for leaked in ("abc.def-123", "XYZ", "hunter2", "dXNlcjpwdw=="):
        assert leaked not in text


def test_rate_limit_error_keeps_retry_after() -> None:
    error = api_error_for(
        _response(429, {"message": "slow down"}), method="GET", path="/x", retry_after=12.0
    )
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 12.0


# ---------------------------------------------------------------- Trustpilot's own error fields
CORRELATION = "226c6f21-6cc1-4f2d-9ef8-9abfa5095bf9"


def test_application_error_keeps_code_and_correlation_id() -> None:
    body = {
        "message": "Access to resource is forbidden",
        "errorCode": 1014,
        "correlationId": CORRELATION,
    }
    error = api_error_for(_response(403, body), method="GET", path="/x")
    assert isinstance(error, ForbiddenError)
    assert error.message == "Access to resource is forbidden"
    assert error.error_code == 1014  # Trustpilot's code, not the HTTP status
    assert error.correlation_id == CORRELATION
    assert CORRELATION in str(error)
    assert "1014" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.error_code, copy.correlation_id) == (1014, CORRELATION)
    assert str(copy) == str(error)


def test_error_without_trustpilot_fields_has_none() -> None:
    error = api_error_for(_response(400, {"message": "bad"}), method="GET", path="/x")
    assert error.error_code is None
    assert error.correlation_id is None
    assert str(error) == "HTTP 400 for GET /x: bad"


@pytest.mark.parametrize("status", [401, 403])
def test_gateway_fault_for_a_key_names_the_setting(status: int) -> None:
    body = {
        "fault": {
            "faultstring": "Invalid ApiKey",
            "detail": {"errorcode": "oauth.v2.InvalidApiKey"},
        }
    }
    error = api_error_for(_response(status, body), method="GET", path="/x")
    assert error.message.startswith("Invalid ApiKey")
    assert "TRUSTPILOT_API_KEY" in error.message
    assert error.error_code == "oauth.v2.InvalidApiKey"


def test_gateway_fault_for_a_token_says_log_in_again() -> None:
    body = {
        "fault": {
            "faultstring": "Access Token expired",
            "detail": {"errorcode": "keymanagement.service.access_token_expired"},
        }
    }
    error = api_error_for(_response(401, body), method="GET", path="/private/x")
    assert "log in again" in error.message
    assert "TRUSTPILOT_API_KEY" not in error.message


def test_token_error_shape_keeps_its_code() -> None:
    body = {"ErrorCode": "invalid_request", "Error": "Invalid grant_type"}
    response = _response(400, body)
    error = api_error_for(response, method="POST", path="/oauth/x")
    assert error.message == "Invalid grant_type"
    assert error.error_code == "invalid_request"
    assert errors.server_message(response) == "Invalid grant_type (invalid_request)"


CLOUDFRONT_403 = (
    "<!DOCTYPE HTML PUBLIC><HTML><HEAD><TITLE>ERROR: The request could not be satisfied"
    "</TITLE></HEAD><BODY><H1>403 ERROR</H1>Request blocked.</BODY></HTML>"
)


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=iso-8859-1"])
def test_cdn_html_403_names_the_api_key(content_type: str) -> None:
    error = api_error_for(_response(403, CLOUDFRONT_403, content_type), method="GET", path="/x")
    assert isinstance(error, ForbiddenError)
    assert "the API key is missing or invalid: check TRUSTPILOT_API_KEY" in error.message
    assert "<" not in error.message
    assert error.error_code is None


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (403, "\xff\xfe not json {", "application/json"),
        (500, "<html>oops", "application/json"),
        (401, "", "application/json"),
        (502, "Bad gateway", "text/plain"),
    ],
)
def test_non_json_bodies_never_crash(status: int, body: str, content_type: str) -> None:
    error = api_error_for(_response(status, body, content_type), method="GET", path="/x")
    assert error.status == status
    assert error.message


def test_trustpilot_fields_are_redacted() -> None:
    body = {"message": "no", "errorCode": f"apikey={SECRET}", "correlationId": SECRET}
    error = api_error_for(_response(400, body), method="GET", path="/x", secrets=[SECRET])
    assert SECRET not in str(error)
    assert SECRET not in repr(error.error_code)
    assert SECRET not in repr(error.correlation_id)
