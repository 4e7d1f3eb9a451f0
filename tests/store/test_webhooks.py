"""The webhook receiver over loopback: credentials, bad bodies, idempotence, the CLI.

The emulator-driven end-to-end path is in test_webhooks_e2e.py.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests
from kit.files import needs_proc, open_files

from tpnb.errors import ConfigError
from tpnb.store import Archive
from tpnb.store.webhooks import ReceiverServer, serve

USER, PASSWORD = "hook-user", "s3cret-hook-pass-ZQ"
UNIT = "5f0c0c0c0c0c0c0c0c0c0c01"


def event_data(i: int, **over: Any) -> dict[str, Any]:
    data = {
        "id": f"{i:024x}",
        "language": "en",
        "title": f"title {i}",
        "text": f"text {i}",
        "referenceId": f"order-{i}",
        "stars": 1 + i % 5,
        "createdAt": f"2025-03-{1 + i % 28:02d}T10:00:00Z",
        "isVerified": True,
        "locationId": None,
        "link": f"https://api.trustpilot.com/v1/reviews/{i:024x}",
        "consumer": {"id": f"{i + 99:024x}", "name": f"Person {i}", "link": "https://x"},
        "tags": [{"group": "topic", "value": "delivery"}],
    }
    data.update(over)
    return data


def body(*events: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"events": [{"eventName": n, "version": "1", "eventData": d} for n, d in events]}


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[ReceiverServer]:
    with serve(tmp_path / "hooks.sqlite", username=USER, password=PASSWORD, max_body=4096) as srv:
        yield srv


def post(
    srv: ReceiverServer, payload: object, *, auth: Any = (USER, PASSWORD), **kw: Any
) -> requests.Response:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return requests.post(
        srv.url + kw.pop("query", ""),
        data=data,
        auth=auth,
        headers={"Content-Type": "application/json"},
        timeout=10,
        **kw,
    )


def stored(srv: ReceiverServer) -> pd.DataFrame:
    archive = srv.receiver.archive
    rows = archive._read(
        "SELECT id, business_unit_id, stars, json_extract(json, '$.title'), needs_completion FROM reviews"
    )
    return pd.DataFrame(rows, columns=["id", "unit", "stars", "title", "pending"]).sort_values("id")


def test_binds_loopback_by_default(receiver: ReceiverServer) -> None:
    assert receiver.host == "127.0.0.1"
    assert receiver.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    "auth",
    [None, (USER, "wrong"), ("other", PASSWORD), (USER, PASSWORD + "x"), (USER, "")],
)
def test_wrong_or_missing_credentials_get_401_and_store_nothing(
    receiver: ReceiverServer, auth: Any
) -> None:
    answer = post(receiver, body(("service-review-created", event_data(1))), auth=auth)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Basic")
    assert stored(receiver).empty


def test_bearer_scheme_is_not_basic(receiver: ReceiverServer) -> None:
    import base64

    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    answer = requests.post(
        receiver.url, data=b"{}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        b"not json at all",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"events": {"eventName": "x"}}',
        json.dumps(body(("service-review-created", event_data(1)))).encode()[:-3],
        # (a POST with some invalid events stores its valid ones: see
        # tests/reliability/test_webhook_events.py::test_a_batch_is_applied_event_by_event)
        json.dumps(
            {"events": [{"eventName": "service-review-updated", "eventData": {"title": "no id"}}]}
        ).encode(),
        json.dumps(
            {"events": [{"eventName": "service-review-created", "eventData": "x"}]}
        ).encode(),
    ],
)
def test_malformed_bodies_get_400_and_store_nothing(
    receiver: ReceiverServer, payload: bytes
) -> None:
    answer = post(receiver, payload)
    assert answer.status_code == 400
    assert "error" in answer.json()
    assert stored(receiver).empty


def test_oversized_body_gets_413_and_stores_nothing(receiver: ReceiverServer) -> None:
    big = body(*[("service-review-created", event_data(i)) for i in range(40)])
    assert len(json.dumps(big)) > receiver.receiver.max_body
    answer = post(receiver, big)
    assert answer.status_code == 413
    assert stored(receiver).empty


def test_only_post(receiver: ReceiverServer) -> None:
    answer = requests.get(receiver.url, auth=(USER, PASSWORD), timeout=10)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST"


def test_created_updated_deleted_and_replays(receiver: ReceiverServer) -> None:
    created = body(
        ("service-review-created", event_data(1)), ("service-review-created", event_data(2))
    )
    first = post(receiver, created, query=f"?business_unit={UNIT}")
    assert first.status_code == 200
    assert first.json() == {"applied": 2, "duplicates": 0, "ignored": 0, "stale": 0}
    snapshot = stored(receiver)
    assert list(snapshot["unit"]) == [UNIT, UNIT]
    assert list(snapshot["pending"]) == [1, 1]  # events carry no email: completed by the next sync
    # the same POST again changes nothing
    again = post(receiver, created, query=f"?business_unit={UNIT}")
    assert again.json()["duplicates"] == 2
    pd.testing.assert_frame_equal(stored(receiver), snapshot)
    # an update merges the event's fields over what is stored
    updated = body(("service-review-updated", event_data(1, stars=1, title="changed")))
    assert post(receiver, updated).json()["applied"] == 1
    row = stored(receiver).set_index("id").loc[f"{1:024x}"]
    assert (row["stars"], row["title"], row["unit"]) == (1, "changed", UNIT)
    # a replayed *older* event does not undo the newer one
    post(receiver, created)
    assert stored(receiver).set_index("id").loc[f"{1:024x}", "title"] == "changed"
    # deletion, then a late created event for the deleted review: stale, not resurrected
    deleted = body(("service-review-deleted", {"id": f"{2:024x}"}))
    assert post(receiver, deleted).json()["applied"] == 1
    late = body(("service-review-updated", event_data(2, text="late")))
    assert post(receiver, late).json()["stale"] == 1
    assert list(stored(receiver)["id"]) == [f"{1:024x}"]
    assert post(receiver, deleted).json()["duplicates"] == 1


def test_unknown_events_are_ignored_and_logged(
    receiver: ReceiverServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = body(
        ("product-review-created", {"id": "x"}), ("service-review-created", event_data(3))
    )
    answer = post(receiver, payload)
    assert answer.json() == {"applied": 1, "duplicates": 0, "ignored": 1, "stale": 0}
    assert any("product-review-created" in r.getMessage() for r in caplog.records)


def test_bad_business_unit_query_is_400(receiver: ReceiverServer) -> None:
    answer = post(
        receiver, body(("service-review-created", event_data(4))), query="?business_unit=nope"
    )
    assert answer.status_code == 400
    assert stored(receiver).empty


def test_credentials_never_logged_or_shown(
    receiver: ReceiverServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    post(receiver, body(("service-review-created", event_data(5))))
    post(receiver, b"nope")
    post(receiver, body(), auth=(USER, "bad-" + PASSWORD))
    text = "\n".join(r.getMessage() for r in caplog.records)
    for shown in (text, repr(receiver), repr(receiver.receiver), receiver.url):
        assert PASSWORD not in shown
    assert PASSWORD in receiver.subscription_url(PASSWORD)  # the one place it is meant to be


def test_deliveries_write_no_access_log_line(
    receiver: ReceiverServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = post(receiver, body(("service-review-created", event_data(7))))
    assert answer.status_code == 200
    assert post(receiver, b"nope").status_code == 400
    werkzeug = [r for r in caplog.records if r.name == "werkzeug" and r.levelno >= logging.INFO]
    assert werkzeug == []
    # the request lines go to tpnb's logger at DEBUG instead
    lines = [
        r for r in caplog.records if r.name == "tpnb.store.webhooks" and r.levelno == logging.DEBUG
    ]
    assert any("POST / HTTP/1.1" in r.getMessage() for r in lines)


@needs_proc
def test_shutdown_closes_the_archive_serve_opened_not_one_passed_in(tmp_path: Path) -> None:
    path = tmp_path / "opened-by-serve.sqlite"
    with serve(path, username=USER, password=PASSWORD) as srv:
        assert post(srv, body(("service-review-created", event_data(1)))).status_code == 200
    assert srv.receiver.archive.closed
    assert open_files(path) == []
    with Archive(tmp_path / "mine.sqlite") as mine:
        with serve(mine, username=USER, password=PASSWORD) as srv:
            assert post(srv, body(("service-review-created", event_data(2)))).status_code == 200
        assert not mine.closed  # the caller's archive: still usable
        assert len(stored(srv)) == 1


@needs_proc
def test_a_port_in_use_leaves_no_archive_open(tmp_path: Path) -> None:
    path = tmp_path / "port-taken.sqlite"
    first = serve(tmp_path / "first.sqlite", username=USER, password=PASSWORD)
    with first, pytest.raises(OSError, match="already in use"):
        serve(path, username=USER, password=PASSWORD, port=first.port)
    assert open_files(path) == []


def test_constructor_validates_before_creating_anything(tmp_path: Path) -> None:
    path = tmp_path / "never-created.sqlite"
    for kwargs, message in (
        ({"password": ""}, "password"),
        ({"username": 42}, "username"),
        ({"business_unit": "shop.example"}, "24 hexadecimal"),
        ({"max_body": 0}, "max_body"),
        ({"max_body": "1mb"}, "max_body"),
        ({"max_body": 1.5}, "max_body"),
        ({"max_body": True}, "max_body"),
    ):
        with pytest.raises(ConfigError, match=message):
            serve(path, **{"username": USER, "password": PASSWORD, **kwargs})  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []  # no archive file half-made


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cli_runs_the_receiver_in_the_foreground(tmp_path: Path) -> None:
    port = _free_port()
    archive_path = tmp_path / "cli.sqlite"
    secret_file = tmp_path / "hook-password"
    secret_file.write_text(PASSWORD + "\n", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tpnb.cli",
            "webhooks",
            "--archive",
            str(archive_path),
            "--port",
            str(port),
            "--username",
            USER,
            "--password-file",
            str(secret_file),
            "--business-unit",
            UNIT,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                answer = requests.post(
                    url,
                    json=body(("service-review-created", event_data(6))),
                    auth=(USER, PASSWORD),
                    timeout=5,
                )
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:  # pragma: no cover
            pytest.fail("the CLI receiver did not start")
        assert answer.json()["applied"] == 1
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert PASSWORD not in output
    assert f"tpnb webhooks: receiving on http://127.0.0.1:{port}/" in output
    assert "HTTP/1.1" not in output  # no access-log line per delivery
    with Archive(archive_path) as archive:
        assert list(archive.private_reviews(UNIT)["id"]) == [f"{6:024x}"]
