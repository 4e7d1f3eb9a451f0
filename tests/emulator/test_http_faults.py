"""Faults, webhooks, the admin surface, restart: each over real HTTP."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kit.emulator_http import Api, biggest_unit, demo_unit, make_api
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tpnb.emulator import EmulatorServer

pytestmark = pytest.mark.faults


@pytest.fixture
def server(make_emulator: Callable[..., EmulatorServer]) -> EmulatorServer:
    return make_emulator(fault_seed=7)


@pytest.fixture
def api(server: EmulatorServer) -> Iterator[Api]:
    yield from make_api(server)


def test_faults_are_off_by_default(api: Api) -> None:
    assert not api.server.state.faults.active
    assert all(api.get("/categories").status_code == 200 for _ in range(20))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_error_rate_by_status(api: Api, status: int) -> None:
    api.server.admin.set_faults(error_rates={status: 1.0})
    resp = api.get("/categories")
    assert resp.status_code == status
    body = resp.json()
    assert set(body) == {"message", "errorCode", "correlationId"}
    assert body["errorCode"] not in (status, None)
    api.server.admin.reset_faults()
    assert api.get("/categories").status_code == 200


def test_error_rate_is_seeded(make_emulator: Callable[..., EmulatorServer]) -> None:
    runs = []
    for _ in range(2):
        server = make_emulator(fault_seed=3)
        server.admin.set_faults(error_rates={503: 0.5})
        for api in make_api(server):
            runs.append([api.get("/categories").status_code for _ in range(30)])
    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, 503}


def test_fail_next_with_retry_after(api: Api) -> None:
    api.server.admin.set_faults(fail_next=[503, 502], retry_after=2)
    first = api.get("/categories")
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "2"
    assert api.get("/categories").status_code == 502
    assert api.get("/categories").status_code == 200


def test_dropped_connection(api: Api) -> None:
    api.server.admin.set_faults(drop_next=1)
    with pytest.raises(requests.ConnectionError):
        api.get("/categories")
    assert api.get("/categories").status_code == 200


def test_truncated_body(api: Api) -> None:
    api.server.admin.set_faults(truncate_rate=1.0)
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        api.get("/categories")
    api.server.admin.reset_faults()
    assert api.get("/categories").status_code == 200


def test_latency(api: Api) -> None:
    api.server.admin.set_faults(latency=0.2)
    resp = api.get("/categories")
    assert resp.status_code == 200
    assert resp.elapsed.total_seconds() >= 0.2  # the injected sleep happened (not a speed test)


def test_faults_never_hit_admin_paths(api: Api) -> None:
    api.server.admin.set_faults(error_rates={500: 1.0})
    assert requests.get(api.server.url + "/_emulator/health", timeout=30).status_code == 200


def test_bad_fault_settings_are_rejected(api: Api) -> None:
    with pytest.raises(ValueError, match="error status"):
        api.server.admin.set_faults(error_rates={404: 0.5})
    with pytest.raises(ValueError, match="probability"):
        api.server.admin.set_faults(drop_rate=2)
    with pytest.raises(ValueError, match="unknown fault setting"):
        api.server.admin.set_faults(explode=True)


def test_revoke_all_tokens(api: Api) -> None:
    token = api.access_token()
    unit = demo_unit(api)
    path = f"/private/business-units/{unit}/reviews"
    assert api.private("GET", path, token).status_code == 200
    assert api.server.admin.revoke_all_tokens() >= 1
    assert api.private("GET", path, token).status_code == 401


def test_token_lifetime_override(api: Api) -> None:
    api.server.admin.set_token_lifetime(10)
    assert api.token().json()["expires_in"] == "10"


def test_admin_http_routes(api: Api) -> None:
    base = api.server.url + "/_emulator"
    faults = requests.put(base + "/faults", json={"error_rates": {"500": 1.0}}, timeout=30)
    assert faults.status_code == 200
    assert api.get("/categories").status_code == 500
    assert requests.delete(base + "/faults", timeout=30).status_code == 204
    assert api.get("/categories").status_code == 200
    log = requests.get(base + "/requests", timeout=30).json()
    assert log["count"] == 2
    config = requests.put(base + "/config", json={"rateLimits": [[1, 60]]}, timeout=30)
    assert config.status_code == 204
    assert api.get("/categories").status_code == 429
    requests.put(base + "/config", json={"rateLimits": None}, timeout=30)
    requests.delete(base + "/rate-limits", timeout=30)
    assert api.get("/categories").status_code == 200
    bad = requests.put(base + "/faults", json={"drop_rate": 5}, timeout=30)
    assert bad.status_code == 400


def test_restart_keeps_port_and_state(api: Api) -> None:
    server = api.server
    token = api.access_token()
    port = server.port
    server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(server.api_url + "/categories", headers={"apikey": api.key}, timeout=5)
    server.restart()
    assert server.port == port
    unit = demo_unit(api)
    resp = requests.get(
        f"{server.api_url}/private/business-units/{unit}/reviews",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert resp.status_code == 200


# ------------------------------------------------------------------ live data
def test_admin_add_edit_delete_review(api: Api) -> None:
    unit = biggest_unit(api)
    before = api.json(f"/business-units/{unit['id']}")["numberOfReviews"]["total"]
    review_id = api.server.admin.add_review(unit["id"], stars=2, title="Meh", text="Slow delivery")
    newest = api.json(f"/business-units/{unit['id']}/reviews")["reviews"][0]
    assert newest["id"] == review_id
    assert api.json(f"/business-units/{unit['id']}")["numberOfReviews"]["total"] == before + 1
    api.server.admin.update_review(review_id, stars=4)
    assert api.json(f"/reviews/{review_id}")["stars"] == 4
    api.server.admin.delete_review(review_id)
    assert api.get(f"/reviews/{review_id}").status_code == 404
    via_http = requests.post(
        api.server.url + "/_emulator/reviews",
        json={
            "businessUnitId": unit["id"],
            "stars": 5,
            "title": "Great",
            "text": "Lovely",
            "createdAt": "2026-11-02T10:00:00Z",
            "tags": [{"group": "generic", "value": "vip"}],
        },
        timeout=30,
    )
    assert via_http.status_code == 201
    new_id = via_http.json()["ids"][0]
    created = api.json(f"/reviews/{new_id}")
    assert created["title"] == "Great"
    assert created["createdAt"] == "2026-11-02T10:00:00Z"
    bad = requests.post(
        api.server.url + "/_emulator/reviews",
        json={"businessUnitId": unit["id"], "stars": 9, "title": "x", "text": "y"},
        timeout=30,
    )
    assert bad.status_code == 400
    patch = requests.patch(
        api.server.url + f"/_emulator/reviews/{new_id}", json={"text": "Lovely!"}, timeout=30
    )
    assert patch.status_code == 204
    gone = requests.delete(api.server.url + f"/_emulator/reviews/{new_id}", timeout=30)
    assert gone.status_code == 204
    missing = requests.delete(api.server.url + f"/_emulator/reviews/{new_id}", timeout=30)
    assert missing.status_code == 404


class Receiver:
    """A tiny webhook receiver on loopback that records what it gets."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], Any]] = []
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    @Request.application  # type: ignore[arg-type]
    def app(self, request: Request) -> Response:
        self.calls.append((dict(request.headers), json.loads(request.data)))
        return Response("ok")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.stop()


def test_webhooks_created_updated_deleted(api: Api, receiver: Receiver) -> None:
    admin = api.server.admin
    url = receiver.url.replace("http://", "http://hook-user:s3cret@")
    assert admin.add_webhook(url) == receiver.url  # credentials never kept in the URL
    unit = biggest_unit(api)
    review_id = admin.add_review(
        unit["id"], stars=5, title="Super", text="Fast", reference_id="ord-1"
    )
    admin.update_review(review_id, stars=4)
    admin.delete_review(review_id)
    assert admin.flush_webhooks()
    names = [body["events"][0]["eventName"] for _, body in receiver.calls]
    assert names == ["service-review-created", "service-review-updated", "service-review-deleted"]
    headers, body = receiver.calls[0]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"hook-user:s3cret").decode()
    assert headers["Content-Type"] == "application/json"
    event = body["events"][0]
    assert event["version"] == "1"
    data = event["eventData"]
    assert set(data) == {"id", "language", "title", "text", "referenceId", "stars", "createdAt",
                         "isVerified", "locationId", "link", "consumer", "tags"}  # fmt: skip
    assert data["id"] == review_id
    assert data["referenceId"] == "ord-1"
    assert data["link"] == f"{api.server.api_url}/reviews/{review_id}"
    assert set(data["consumer"]) == {"id", "name", "link"}
    assert receiver.calls[1][1]["events"][0]["eventData"]["stars"] == 4
    assert [d.status for d in admin.webhook_deliveries] == [200, 200, 200]


def test_webhook_batches_and_unit_filter(api: Api, receiver: Receiver) -> None:
    admin = api.server.admin
    units = api.server.dataset.business_unit_ids()
    admin.add_webhook(receiver.url, business_unit_id=units[0])
    admin.add_reviews([
        {"business_unit_id": units[0], "stars": 5, "title": "A", "text": "a"},
        {"business_unit_id": units[0], "stars": 4, "title": "B", "text": "b"},
        {"business_unit_id": units[1], "stars": 3, "title": "C", "text": "c"},
    ])  # fmt: skip
    assert admin.flush_webhooks()
    assert len(receiver.calls) == 1
    assert [e["eventData"]["title"] for e in receiver.calls[0][1]["events"]] == ["A", "B"]
    admin.remove_webhook()
    assert admin.webhooks == []


def test_webhook_failures_are_recorded(api: Api) -> None:
    admin = api.server.admin
    admin.add_webhook("http://127.0.0.1:9/nothing-listens-here")
    admin.add_review(biggest_unit(api)["id"], stars=5, title="x", text="y")
    assert admin.flush_webhooks()
    delivery = admin.webhook_deliveries[-1]
    assert delivery.status is None
    assert delivery.error
