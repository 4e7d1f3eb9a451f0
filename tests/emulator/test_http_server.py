"""serve(), EmulatorServer life cycle, the public surface and the ``tpnb emulator`` command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

import tpnb.emulator
from tpnb.emulator import EmulatorServer, build_dataset, serve

ROOT = Path(__file__).resolve().parents[2]


def test_exported_members() -> None:
    exported = tpnb.emulator.__all__
    assert len(exported) == len(set(exported))
    public = {n for n in vars(tpnb.emulator) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(tpnb.emulator, n)).__name__ == "module"}
    assert set(exported) == public - modules - {"annotations"}
    for name in ("serve", "EmulatorServer", "build_dataset", "create_app", "DEMO_API_KEY"):
        assert name in tpnb.emulator.__all__
        assert hasattr(tpnb.emulator, name)


def test_emulator_imports_nothing_from_the_client_side() -> None:
    code = (
        "import sys, tpnb.emulator, tpnb.cli.emulator\n"
        "bad = sorted(m for m in sys.modules if m.startswith('tpnb.') "
        "and not m.startswith('tpnb.emulator') and m not in ('tpnb.cli', 'tpnb.cli.emulator'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""


def test_urls_and_credentials(emulator: EmulatorServer) -> None:
    assert emulator.url == f"http://127.0.0.1:{emulator.port}"
    assert emulator.api_url == emulator.url + "/v1"
    assert emulator.invitations_url == emulator.url + "/invitations-api/v1"
    assert emulator.authorize_url == emulator.url + "/authenticate"
    assert set(emulator.credentials) == {"api_key", "api_secret", "username", "password"}
    assert emulator.credentials["api_key"] in emulator.dataset.accounts.clients


def test_repr_shows_no_secret(emulator: EmulatorServer) -> None:
    text = repr(emulator)
    for secret in emulator.credentials.values():
        assert secret not in text


def test_start_stop_without_with(make_emulator: Callable[..., EmulatorServer]) -> None:
    server = make_emulator(start=False)
    assert not server.running
    server.start()
    assert server.running
    assert requests.get(server.url + "/_emulator/health", timeout=30).json()["status"] == "ok"
    server.stop()
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/_emulator/health", timeout=5)


def test_serve_an_existing_dataset() -> None:
    dataset = build_dataset(scale=0.01)
    with serve(dataset=dataset) as server:
        assert server.dataset is dataset
        assert requests.get(server.url + "/_emulator/health", timeout=30).status_code == 200


def test_bad_options_are_rejected() -> None:
    dataset = build_dataset(scale=0.01)
    with pytest.raises(ValueError, match="token_lifetime"):
        EmulatorServer(dataset, token_lifetime=0)
    with pytest.raises(ValueError, match="max_age"):
        EmulatorServer(dataset, max_age={"nonsense": 1})
    with pytest.raises(ValueError, match="rate limit"):
        EmulatorServer(dataset, rate_limits=[(10, 0)])


def test_redacted_access_log(capfd: pytest.CaptureFixture[str]) -> None:
    with serve(scale=0.01, log_requests=True) as server:
        key = server.credentials["api_key"]
        requests.get(server.api_url + "/categories", params={"apikey": key}, timeout=30)
    err = capfd.readouterr().err
    assert "/v1/categories?apikey=REDACTED" in err
    assert key not in err


@pytest.mark.slow
def test_cli_runs_in_the_foreground() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "tpnb.cli", "emulator", "--port", "0", "--scale", "0.01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    ) as proc:
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            assert first.startswith("tpnb emulator running at http://127.0.0.1:")
            url = first.split()[4]
            lines = [proc.stdout.readline() for _ in range(10)]
            assert any("demo-api-key" in line for line in lines)
            deadline = time.monotonic() + 20
            while True:
                try:
                    health = requests.get(url + "/_emulator/health", timeout=5)
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            # a missing apikey gets the CDN's 403 HTML page, as the real edge sends it
            keyless = requests.get(url + "/v1/categories", timeout=10)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        assert health.json()["status"] == "ok"
        assert keyless.status_code == 403
        assert keyless.headers["Content-Type"].startswith("text/html")
