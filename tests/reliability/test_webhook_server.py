"""The webhook receiver's HTTP server and command line under hostile or careless use.

Loopback only, bounded loops, no assertion on seconds: every wait has a generous time-out that
makes the test fail rather than hang. Each run is counted in the reliability report.
"""

from __future__ import annotations

import socket
import threading
from contextlib import ExitStack
from pathlib import Path

import pytest
from kit.webhooks import CLEAR, PASSWORD, USER, body, event_data, post, record, stored_json

from tpnb.store.webhooks import ReceiverServer, serve

GENEROUS = 30.0  # seconds a socket waits before the test fails (never reached when all is well)
CREATED = "service-review-created"


def connect(receiver: ReceiverServer) -> socket.socket:
    sock = socket.create_connection((receiver.host, receiver.port), timeout=GENEROUS)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (``socket.timeout`` fails the test)."""
    data = b""
    for _ in range(1000):  # bounded: the server answers in a few reads, then closes
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    raise AssertionError("the server kept sending")


# --------------------------------------------------------------------------- item 15
def test_300_idle_connections_pin_no_threads_and_a_delivery_still_succeeds(
    tmp_path: Path,
) -> None:
    with serve(tmp_path / "a.sqlite", username=USER, password=PASSWORD) as receiver:
        post(receiver, body((CREATED, event_data(1))))  # server warmed up: its threads exist
        threads_before = threading.active_count()
        with ExitStack() as stack:
            for _ in range(300):
                sock = stack.enter_context(connect(receiver))
                sock.sendall(b"POST / HTTP/1.1\r\nHost: slow\r\n")  # headers never finished
            answer = post(receiver, body((CREATED, event_data(2))), timeout=GENEROUS)
            grown = threading.active_count() - threads_before
        ok = answer.status_code == 200 and grown < 20
        record(
            "webhook server: 300 idle connections",
            ok,
            f"delivery {answer.status_code}, {grown} more threads",
        )
        assert ok, (answer.status_code, grown)
        assert len(stored_json(receiver.receiver.archive)) == 2


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connects, says nothing
        b"POST / HTTP/1.1\r\nHost: slow\r\n",  # headers never finished
        b'POST / HTTP/1.1\r\nHost: slow\r\nContent-Length: 500\r\n\r\n{"events": [',  # short body
    ],
)
def test_a_silent_connection_is_closed_after_the_idle_timeout(tmp_path: Path, sent: bytes) -> None:
    with serve(tmp_path / "b.sqlite", username=USER, password=PASSWORD, idle_timeout=1) as srv:
        with connect(srv) as sock:
            sock.sendall(sent)
            try:
                answer = read_until_closed(sock)
                closed = True
            except TimeoutError:
                answer, closed = b"", False
        ok = (
            closed
            and not answer.startswith(b"HTTP/1.1 2")
            and stored_json(srv.receiver.archive) == {}
        )
        record(
            "webhook server: a slow or silent client",
            ok,
            f"sent {sent[:30]!r}: closed={closed} {answer[:40]!r}",
            outcome_if_ok=CLEAR,
        )
        assert ok


def test_a_declared_length_above_max_body_is_refused_at_once(tmp_path: Path) -> None:
    with serve(tmp_path / "c.sqlite", username=USER, password=PASSWORD, max_body=4096) as srv:
        with connect(srv) as sock:
            sock.sendall(
                b'POST / HTTP/1.1\r\nHost: big\r\nContent-Length: 1000000000\r\n\r\n{"events": ['
            )
            try:
                answer = read_until_closed(sock)
            except TimeoutError:
                answer = b"(no answer)"
        ok = answer.startswith(b"HTTP/1.1 413")
        record(
            "webhook server: a slow or silent client",
            ok,
            f"Content-Length 1e9, short body: {answer[:40]!r}",
            outcome_if_ok=CLEAR,
        )
        assert ok, answer[:200]


def test_at_the_connection_limit_deliveries_wait_then_succeed(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    with serve(path, username=USER, password=PASSWORD, max_connections=20, idle_timeout=1) as srv:
        with ExitStack() as stack:
            for _ in range(40):  # twice the limit: the last ones wait in the listen queue
                stack.enter_context(connect(srv))
            answer = post(srv, body((CREATED, event_data(3))), timeout=GENEROUS)
        ok = answer.status_code == 200
        record("webhook server: connections above the limit", ok, f"delivery {answer.status_code}")
        assert ok


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"idle_timeout": 0}, "idle_timeout"),
        ({"idle_timeout": 1.5}, "idle_timeout"),
        ({"max_connections": 0}, "max_connections"),
        ({"max_connections": 10**9}, "max_connections"),
        ({"port": 99999}, "port"),
        ({"port": -1}, "port"),
        ({"port": "80"}, "port"),
    ],
)
def test_server_settings_are_checked_before_anything_is_created(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    from tpnb.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        serve(tmp_path / "never.sqlite", username=USER, password=PASSWORD, **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
