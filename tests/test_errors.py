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
    assert str(error) == f"HTTP {status} for GET /x: nope"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "x"}}},
            "Invalid ApiKey",
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
