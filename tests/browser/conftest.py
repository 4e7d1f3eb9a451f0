"""Real-browser fixtures: Debian's chromium via pytest-playwright, Voila and JupyterLab servers.

Recipe and pitfalls: /work/shared/docs/browser-testing.md. In short:

* pytest-playwright's launch arguments are overridden to use ``/usr/bin/chromium`` (no
  ``playwright install``); every request that is not to 127.0.0.1 is aborted in the page.
* ``voila_url``, ``lab_url`` and ``notebook7_url`` are session-scoped servers on free loopback
  ports, serving temporary copies (outputs stripped; Lab autosaves into its root): Voila the
  app as shipped (``notebooks/dashboard.ipynb`` and its ``voila.json``), Lab and Notebook 7
  ``dashboard_test.ipynb``.
* The notebook's kernel runs ``tpnb.connect()`` with no credentials in its environment, so it
  talks to the embedded emulator (demo data).
* Screenshots go to ``test-artifacts/browser/`` at the repository root (gitignored).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "dashboard_test.ipynb"
APP_NOTEBOOK = HERE.parents[1] / "notebooks" / "dashboard.ipynb"
ARTIFACTS = HERE.parents[1] / "test-artifacts" / "browser"
VENV_BIN = Path(sys.executable).parent
STARTUP_TIMEOUT = 60.0
# credentials the kernel must not see: the browser tests run in demo mode
_CREDENTIAL_VARS = re.compile(r"^(TRUSTPILOT_|TPNB_)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is a browser test; skip it all when chromium is not installed."""
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(reason=f"no chromium at {CHROMIUM} (apt install chromium)")
                )


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """Replaces pytest-playwright's (a method-style session fixture that pytest 9 warns about)."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROME_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1440, "height": 1500}}


@pytest.fixture
def page(page: Any) -> Any:
    """The stock page, hermetic: only requests to 127.0.0.1 go out."""
    page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    page.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    return page


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stripped_copy(root: Path, notebook: Path = NOTEBOOK) -> Path:
    """Copy a notebook into ``root`` without outputs, prompts or widget state."""
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("widgets", None)
    target = root / notebook.name
    target.write_text(json.dumps(nb, indent=1))
    return target


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not _CREDENTIAL_VARS.match(k)}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_CONFIG_DIR"] = str(home / ".jupyter")
    env["JUPYTER_RUNTIME_DIR"] = str(home / ".runtime")
    return env


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited ({proc.returncode}); log:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(
        f"server not ready at {url} after {STARTUP_TIMEOUT}s; log:\n{log.read_text()[-3000:]}"
    )


def _serve(cmd: list[str], ready: str, home: Path, name: str) -> Iterator[subprocess.Popen[bytes]]:
    log = home / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=home, env=_env(home), stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(ready, proc, log)
        yield proc
    finally:
        proc.terminate()  # the server shuts its kernels down
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log, ARTIFACTS / log.name)  # server + kernel stderr, for failures


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("voila")
    # the app users get: notebooks/dashboard.ipynb with the voila.json beside it (Voila reads
    # it from its working directory, as under `tpnb demo --voila`)
    notebook = _stripped_copy(home, APP_NOTEBOOK)
    shutil.copy(APP_NOTEBOOK.parent / "voila.json", home / "voila.json")
    port = _free_port()
    cmd = [
        str(VENV_BIN / "voila"),
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=True",
    ]
    url = f"http://127.0.0.1:{port}"
    yield from (url for _proc in _serve(cmd, url + "/", home, "voila"))


@pytest.fixture(scope="session")
def lab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("lab")
    _stripped_copy(home)
    settings = home / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    subshells = os.environ.get(
        "LAB_COMMS_OVER_SUBSHELLS"
    )  # e.g. "disabled"; Lab's default otherwise
    if subshells:
        (settings / "kernels-settings.jupyterlab-settings").write_text(
            json.dumps({"commsOverSubshells": subshells})
        )
    port = _free_port()
    cmd = [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={home}",
        f"--LabApp.user_settings_dir={home / '.settings'}",
        f"--LabApp.workspaces_dir={home / '.workspaces'}",
    ]
    url = f"http://127.0.0.1:{port}"
    yield from (url for _proc in _serve(cmd, url + "/api/status", home, "lab"))


@pytest.fixture(scope="session")
def notebook7_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Jupyter Notebook 7 (``jupyter notebook``, what ``pip install tpnb[notebooks]`` brings)."""
    home = tmp_path_factory.mktemp("notebook7")
    _stripped_copy(home)
    port = _free_port()
    cmd = [
        str(VENV_BIN / "jupyter"),
        "notebook",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={home}",
        f"--JupyterNotebookApp.user_settings_dir={home / '.settings'}",
        f"--JupyterNotebookApp.workspaces_dir={home / '.workspaces'}",
    ]
    url = f"http://127.0.0.1:{port}"
    yield from (url for _proc in _serve(cmd, url + "/api/status", home, "notebook7"))


@pytest.fixture(scope="session", autouse=True)
def _clean_artifacts() -> None:
    """Start each run with an empty screenshot folder."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
