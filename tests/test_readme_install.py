"""The README's demo command, run as a new user would: exactly what it installs, and nothing more.

A fresh virtual environment made by the Quickstart's own command line (read from README.md, so
the test follows the README), in a copy of the repository's tracked files (what a clone holds),
with pip's download cache but no other environment: no test extras, no pyarrow unless tpnb
itself asks for it. Then, in that environment:

- every notebook in ``notebooks/`` runs top to bottom (``jupyter execute``) on the embedded
  emulator;
- the dashboard's text search works (it keeps its search text in an Arrow string column);
- the Notebook 7 front end is there (``jupyter notebook`` answers ``/tree``).

It needs PyPI (pip's cache makes reruns fast) and is marked ``slow``. The Binder environment has
its own test (``test_binder.py``); this one is about the README's command.
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
#: Notebooks executed at the same time (each its own ``jupyter execute`` process and kernel).
NOTEBOOK_WORKERS = 2

SEARCH_SCRIPT = """
import tpnb
from tpnb.widgets import ReviewExplorer

tp = tpnb.connect()
explorer = ReviewExplorer(tp, business_unit="maison-lumiere.example", progress=False)
assert len(explorer.reviews) > 1000, len(explorer.reviews)
explorer.filters.text.value = "delivery"
assert "tpnb-message-error" not in explorer.messages.value, explorer.messages.value
found = explorer.value
assert 0 < len(found) < len(explorer.reviews), len(found)
haystack = (found["title"].fillna("") + " " + found["text"].fillna("") + " "
            + found["consumer_name"].fillna("")).str.lower()
assert haystack.str.contains("delivery").all()
print("search ok", len(found))
"""


def demo_command() -> list[str]:
    """The Quickstart's demo command line, split at ``&&``, without the final ``tpnb demo``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    lines = [
        line.strip()
        for block in re.findall(r"```bash\n(.*?)```", quickstart, flags=re.S)
        for line in block.splitlines()
        if "tpnb demo" in line
    ]
    assert len(lines) == 1, f"expected one demo command line in the Quickstart, got {lines}"
    steps = [step.strip() for step in lines[0].split("&&")]
    assert steps[-1].endswith("tpnb demo"), steps
    return steps[:-1]


def copy_checkout(target: Path) -> Path:
    """Copy the repository's tracked files (their working-tree content), like a fresh clone."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
    return target


def test_the_quickstart_has_one_demo_command() -> None:
    steps = demo_command()
    assert steps[0].startswith("python3 -m venv .venv")
    assert any("pip install" in step and ".[notebooks]" in step for step in steps)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.timeout(2400)
def test_the_demo_install_runs_every_notebook_and_the_search(tmp_path: Path) -> None:
    repo = copy_checkout(tmp_path / "repo")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRUSTPILOT_", "TPNB_", "VIRTUAL_ENV", "PYTHON", "JUPYTER", "MPL"))
    }
    env["PIP_CACHE_DIR"] = str(Path.home() / ".cache" / "pip")  # pip's real download cache
    env["HOME"] = str(home)  # no user-level kernels, Jupyter or matplotlib config
    env["TMPDIR"] = str(tmp_path)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # python3 on PATH is the interpreter running the tests' base (the README says python3)
    base_bin = Path(getattr(sys, "_base_executable", sys.executable)).parent
    env["PATH"] = f"{base_bin}{os.pathsep}{env.get('PATH', '')}"

    def run(cmd: list[str] | str, timeout: float, cwd: Path = repo) -> str:
        started = time.monotonic()
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            shell=isinstance(cmd, str),
        )
        shown = cmd if isinstance(cmd, str) else " ".join(cmd[-3:])
        print(f"{time.monotonic() - started:6.1f} s  {shown}")
        assert proc.returncode == 0, (
            f"{shown} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
        return proc.stdout

    for step in demo_command():
        run(step, 900)
    venv_bin = repo / ".venv" / "bin"
    env["PATH"] = f"{venv_bin}{os.pathsep}{env['PATH']}"
    where = run([str(venv_bin / "python"), "-c", "import tpnb; print(tpnb.__file__)"], 60)
    assert str(repo) in where, where

    notebooks = sorted((repo / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 8

    def execute(notebook: Path) -> None:
        executed = tmp_path / f"{notebook.stem}-executed.ipynb"
        run(
            [
                str(venv_bin / "jupyter"),
                "execute",
                "--kernel_name=python3",
                "--timeout=600",
                f"--output={executed}",
                str(notebook),
            ],
            900,
            cwd=notebook.parent,
        )
        nb = json.loads(executed.read_text(encoding="utf-8"))
        errors = [
            out
            for cell in nb["cells"]
            for out in cell.get("outputs", [])
            if out["output_type"] == "error"
        ]
        assert not errors, f"{notebook.name}: {errors[0]['ename']}: {errors[0]['evalue']}"

    # Two notebooks at a time, each in its own kernel: every demo notebook starts its own
    # emulator on a free port and keeps its cache, tokens, review store and files in temporary
    # directories, so they share nothing; the kernels' start-up and imports overlap.
    with ThreadPoolExecutor(max_workers=NOTEBOOK_WORKERS) as pool:
        for done in [pool.submit(execute, notebook) for notebook in notebooks]:
            done.result()  # the first failure, in notebook order

    assert "search ok" in run([str(venv_bin / "python"), "-c", SEARCH_SCRIPT], 300)

    # the Notebook 7 front end: /tree and /notebooks/<name> answer (not 404)
    port = _free_port()
    server = subprocess.Popen(
        [
            str(venv_bin / "jupyter"),
            "notebook",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={repo / 'notebooks'}",
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        status = {}
        for path in ("/tree", "/notebooks/dashboard.ipynb"):
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                        status[path] = r.status
                    break
                except urllib.error.HTTPError as exc:
                    status[path] = exc.code
                    break
                except OSError:
                    assert server.poll() is None, "jupyter notebook exited"
                    assert time.monotonic() < deadline, "jupyter notebook did not start"
                    time.sleep(0.5)
        assert status == {"/tree": 200, "/notebooks/dashboard.ipynb": 200}, status
    finally:
        server.terminate()
        server.wait(timeout=30)
