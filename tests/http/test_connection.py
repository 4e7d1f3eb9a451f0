"""The transport under injected faults (emulator admin faults) and bad input: retries with
back-off, Retry-After, pacing that waits instead of being refused, clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kit.clients import connect_to

from tpnb.errors import (
    BadRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TransportError,
    UnauthorizedError,
)

pytestmark = pytest.mark.faults


def a_unit(server: Any) -> str:
    return str(next(iter(server.dataset.business_unit_ids())))


def test_retries_transient_errors_then_succeeds(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator()
    with connect_to(server, tmp_path, cache_backend="memory") as conn:
        server.admin.set_faults(fail_next=[503, 502, 500])
        body = conn.get_json(f"/business-units/{a_unit(server)}")
        assert body["id"] == a_unit(server)
        assert conn.stats.retries == 3
        assert conn.stats.requests == 4


def test_gives_up_with_server_error_never_empty(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator()
    with connect_to(server, tmp_path, cache_backend="memory", max_retries=2) as conn:
        server.admin.set_faults(error_rates={503: 1.0})
        with pytest.raises(ServerError) as info:
            conn.get_json(f"/business-units/{a_unit(server)}")
        assert info.value.status == 503
        assert conn.stats.requests == 3  # first attempt + 2 retries
        server.admin.reset_faults()
        assert conn.get_json(f"/business-units/{a_unit(server)}")["id"] == a_unit(server)


def test_dropped_and_truncated_responses_are_retried(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator()
    with connect_to(server, tmp_path, cache_backend="sqlite") as conn:
        server.admin.set_faults(drop_next=1, truncate_next=1)
        body = conn.get_json(f"/business-units/{a_unit(server)}")
        assert body["id"] == a_unit(server)
        assert conn.stats.retries == 2
        assert conn.get_json(f"/business-units/{a_unit(server)}") == body  # a good copy was cached


def test_connection_refused_is_a_transport_error(tmp_path: Path, make_emulator: Any) -> None:
    server = make_emulator()
    with connect_to(server, tmp_path, cache_backend="memory", max_retries=1) as conn:
        server.stop()
        with pytest.raises(TransportError, match=r"failed after 2 attempt\(s\)") as info:
            conn.get_json(f"/business-units/{a_unit(server)}")
        assert server.credentials["api_key"] not in str(info.value)


def test_post_is_not_retried_on_5xx(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator()
    with connect_to(server, tmp_path, cache_backend="memory") as conn:
        units = sorted(
            server.dataset.user_by_username(server.credentials["username"]).business_unit_ids
        )
        pages = [conn.get_json(f"/private/business-units/{u}/reviews", private=True) for u in units]
        review = next(page["reviews"][0] for page in pages if page["reviews"])
        server.admin.set_faults(fail_next=[503])
        with pytest.raises(ServerError):
            conn.post_json(f"/private/reviews/{review['id']}/reply", {"message": "Thanks!"})
        assert conn.stats.retries == 0


def test_rate_limit_honours_retry_after(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(rate_limits=[(3, 1.0)])
    with connect_to(server, tmp_path, cache_backend="memory", pace_limits=((10_000, 1.0),)) as conn:
        ids = list(server.dataset.business_unit_ids())[:5]
        bodies = [conn.get_json(f"/business-units/{u}") for u in ids]
        assert [b["id"] for b in bodies] == ids
        assert conn.stats.retries >= 1  # the server refused, the client waited and retried


def test_rate_limit_error_after_retries(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(rate_limits=[(1, 60.0)])
    with connect_to(server, tmp_path, cache_backend="memory", retry_after_max=0.5) as conn:
        ids = list(server.dataset.business_unit_ids())[:2]
        conn.get_json(f"/business-units/{ids[0]}")
        with pytest.raises(RateLimitError) as info:
            conn.get_json(f"/business-units/{ids[1]}")
        assert info.value.status == 429
        assert info.value.retry_after is not None


def test_pacing_keeps_within_the_server_limit(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(rate_limits=[(4, 1.0)])
    with connect_to(server, tmp_path, cache_backend="memory", pace_limits=((4, 1.0),)) as conn:
        ids = list(server.dataset.business_unit_ids())[:9]
        for unit in ids:
            conn.get_json(f"/business-units/{unit}")
        assert conn.stats.retries == 0  # never refused
        assert conn.stats.paced >= 1  # because it waited instead
        for unit in ids:  # cache hits are not paced
            conn.get_json(f"/business-units/{unit}")
        assert conn.stats.cache_hits == len(ids)


def test_api_errors_keep_status_message_and_path(emulator: Any, tmp_path: Path) -> None:
    with connect_to(emulator, tmp_path, cache_backend="memory") as conn:
        with pytest.raises(NotFoundError) as missing:
            conn.get_json("/business-units/ffffffffffffffffffffffff")
        assert missing.value.path == "/business-units/ffffffffffffffffffffffff"
        assert missing.value.message
        with pytest.raises(BadRequestError) as bad:
            conn.get_json(f"/business-units/{a_unit(emulator)}/reviews", {"perPage": 1000})
        assert bad.value.status == 400
        assert "perPage" in bad.value.message


def test_bad_paths_rejected_before_any_request(emulator: Any, tmp_path: Path) -> None:
    with connect_to(emulator, tmp_path, cache_backend="memory") as conn:
        with pytest.raises(ValueError, match="start with '/'"):
            conn.get_json("business-units/find")
        with pytest.raises(ValueError, match="start with '/'"):
            conn.get_json("https://evil.example/v1/x")
        with pytest.raises(ValueError, match="api must be"):
            conn.get_json("/x", api="other")  # type: ignore[arg-type]
        assert conn.stats.requests == 0


def test_refused_api_key_names_the_setting(emulator: Any, tmp_path: Path) -> None:
    settings = {"cache_backend": "memory", "api_key": "not-a-known-key"}
    with (
        connect_to(emulator, tmp_path, **settings) as conn,
        pytest.raises(UnauthorizedError) as info,
    ):
        conn.get_json(f"/business-units/{a_unit(emulator)}")
    assert "check TRUSTPILOT_API_KEY" in str(info.value)
    assert info.value.error_code == "oauth.v2.InvalidApiKey"
    assert "not-a-known-key" not in str(info.value)
