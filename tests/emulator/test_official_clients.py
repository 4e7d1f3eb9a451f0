"""Trustpilot's own clients, run unmodified against the emulator.

The emulator agreeing with tpnb's client proves little: both are ours. Trustpilot's official
Python client (PyPI ``trustpilot``: sync session, async session and its ``trustpilot_api_client``
command) and official Node client (npm ``trustpilot``, installed by ``.ci/setup`` into
``tests/emulator/official_node``) are not: each operation they support must work against the
emulator as their users use it against the real API (their quirks included: the Python session
sends no apikey until a 401/403 makes it log in; the Node client asks for a new token on every
call because it compares milliseconds with seconds). Ground truth comes from plain HTTP calls.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tpnb.emulator import EmulatorServer, serve

NODE_DIR = Path(__file__).with_name("official_node")
TOKEN_PATH = "/oauth/oauth-business-users-for-applications/accesstoken"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """A private emulator (its data is changed by replies), with generous limits: the Node
    client asks for a token on every call."""
    with serve(
        scale=0.02, rate_limits=((10_000_000, 300.0),), refresh_limit=(100_000, 60.0)
    ) as emulator:
        yield emulator


def _token(server: EmulatorServer) -> dict[str, Any]:
    creds = server.credentials
    answer = requests.post(
        server.api_url + TOKEN_PATH,
        data={
            "grant_type": "password",
            "username": creds["username"],
            "password": creds["password"],
        },
        auth=(creds["api_key"], creds["api_secret"]),
        timeout=10,
    )
    answer.raise_for_status()
    token: dict[str, Any] = answer.json()
    return token


@pytest.fixture(scope="module")
def target(server: EmulatorServer) -> dict[str, Any]:
    """A unit the demo user may read privately, with more than one page of public reviews,
    found with plain HTTP: its id, domain, public review ids and the business user's id."""
    key = {"apikey": server.credentials["api_key"]}
    token = _token(server)
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    units = requests.get(
        server.api_url + "/business-units/all", params={"perPage": 1000}, headers=key, timeout=10
    ).json()["businessUnits"]
    candidates = []
    for unit in units:
        full = requests.get(
            f"{server.api_url}/business-units/{unit['id']}", headers=key, timeout=10
        ).json()
        readable = requests.get(
            f"{server.api_url}/private/business-units/{unit['id']}/reviews",
            params={"perPage": 1},
            headers=bearer,
            timeout=10,
        )
        if readable.status_code == 200 and 150 <= full["numberOfReviews"]["total"] <= 2_000:
            candidates.append((full["numberOfReviews"]["total"], full))
    assert candidates, "the demo user reads a unit with 150 to 2,000 reviews (seeded data)"
    _, unit = min(candidates, key=lambda c: c[0])
    ids: list[str] = []
    page = 1
    while True:
        body = requests.get(
            f"{server.api_url}/business-units/{unit['id']}/reviews",
            params={"perPage": 100, "page": page},
            headers=key,
            timeout=10,
        ).json()
        ids += [r["id"] for r in body["reviews"]]
        if not any(link["rel"] == "next-page" for link in body.get("links", [])):
            break
        page += 1
    return {
        "id": unit["id"],
        "domain": unit["name"]["identifying"],
        "ids": ids,
        "business_user_id": token["app_enduser"],
    }


# ------------------------------------------------------------------------------------- Python
@pytest.fixture
def python_client(server: EmulatorServer) -> Any:
    from trustpilot import client

    creds = server.credentials
    session = client.TrustpilotSession(
        api_host=server.url,
        api_key=creds["api_key"],
        api_secret=creds["api_secret"],
        username=creds["username"],
        password=creds["password"],
    )
    return session


def test_python_client_public_calls(python_client: Any, target: dict[str, Any]) -> None:
    found = python_client.get("/business-units/find", params={"name": target["domain"]})
    assert found.status_code == 200
    assert found.json()["id"] == target["id"]
    ids: list[str] = []
    url = f"/v1/business-units/{target['id']}/reviews?perPage=100"
    while url:  # follow the next-page links the emulator writes
        body = python_client.get(url).json()
        ids += [r["id"] for r in body["reviews"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next-page"), "")
    assert ids == target["ids"]


def test_python_client_private_calls_and_reply(python_client: Any, target: dict[str, Any]) -> None:
    reviews = python_client.get(
        f"/v1/private/business-units/{target['id']}/reviews", params={"perPage": 5}
    )
    assert reviews.status_code == 200
    review = reviews.json()["reviews"][-1]
    assert "referralEmail" in review
    posted = python_client.post(
        f"/v1/private/reviews/{review['id']}/reply",
        json={
            "message": "Thank you (official Python client)",
            "authorBusinessUserId": target["business_user_id"],
        },
    )
    assert posted.status_code == 201
    after = python_client.get(f"/v1/private/reviews/{review['id']}").json()
    assert after["companyReply"]["text"] == "Thank you (official Python client)"


def test_python_async_client(server: EmulatorServer, target: dict[str, Any]) -> None:
    from trustpilot import async_client

    creds = server.credentials

    async def run() -> tuple[int, Any, int]:
        session = async_client.TrustpilotAsyncSession(
            api_host=server.url,
            api_key=creds["api_key"],
            api_secret=creds["api_secret"],
            username=creds["username"],
            password=creds["password"],
        )
        unit = await session.get(f"/v1/business-units/{target['id']}")
        private = await session.get(f"/v1/private/business-units/{target['id']}/reviews")
        return unit.status, await unit.json(), private.status

    # in a thread of its own: a browser test's Playwright may leave this thread's event loop running
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        status, unit, private_status = pool.submit(asyncio.run, run()).result(timeout=120)
    assert (status, private_status) == (200, 200)
    assert unit["id"] == target["id"]


def test_python_command_line(server: EmulatorServer, target: dict[str, Any]) -> None:
    creds = server.credentials
    env = {
        **os.environ,
        "TRUSTPILOT_API_HOST": server.url,
        "TRUSTPILOT_API_KEY": creds["api_key"],
        "TRUSTPILOT_API_SECRET": creds["api_secret"],
        "TRUSTPILOT_USERNAME": creds["username"],
        "TRUSTPILOT_PASSWORD": creds["password"],
    }
    command = Path(sys.executable).with_name("trustpilot_api_client")
    out = subprocess.run(
        [str(command), "get", f"/v1/business-units/find?name={target['domain']}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert target["id"] in out.stdout
    token = subprocess.run(
        [str(command), "create-access-token"], capture_output=True, text=True, env=env, timeout=60
    )
    assert token.returncode == 0, token.stderr
    assert "tpa-" in token.stdout or "access_token" in token.stdout


# --------------------------------------------------------------------------------------- Node
def _node_ready() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (.ci/setup installs Debian's nodejs)"
    if not (NODE_DIR / "node_modules" / "trustpilot").is_dir():
        return "npm package 'trustpilot' not installed (.ci/setup runs npm ci in official_node/)"
    return None


@pytest.mark.skipif(_node_ready() is not None, reason=str(_node_ready()))
def test_node_client_operations(server: EmulatorServer, target: dict[str, Any]) -> None:
    creds = server.credentials
    config = {
        "baseUrl": server.url,
        "invitationsBase": server.url + "/invitations-api",
        "key": creds["api_key"],
        "secret": creds["api_secret"],
        "username": creds["username"],
        "password": creds["password"],
        "domain": target["domain"],
        "businessUserId": target["business_user_id"],
    }
    run = subprocess.run(
        ["node", "check.mjs", json.dumps(config)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    errors = {name: step for name, step in result.items() if "error" in step}
    assert errors == {}
    assert result["find"]["id"] == target["id"]
    assert result["unit"]["total"] >= len(target["ids"])
    assert result["public_reviews"]["ids"] == target["ids"]
    # a missing key gets the CDN's 403 HTML page, as the real edge sends it
    assert result["no_key"]["status"] == 403
    assert result["private_reviews"]["status"] == 200
    # invited reviews carry the consumer's email; organic ones none (the emulator's choice)
    emails = result["private_reviews"]["emails"]
    assert all(email is None or "@" in email for email in emails)
    assert any(email is not None for email in emails)
    assert result["reply"]["status"] == 201
    assert result["reply"]["after"] == "Thank you (official Node client)"
    assert result["client_credentials"] == {"status": 200, "id": target["id"]}
    assert result["invitation_templates"]["status"] == 200
    assert result["invitation_templates"]["templates"] > 0
