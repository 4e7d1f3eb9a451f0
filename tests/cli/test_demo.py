"""``tpnb demo``: the README's main-job command."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tpnb.cli.demo import DASHBOARD, build_command
from tpnb.report import find_notebooks

REPO = Path(__file__).resolve().parents[2]


def _args(**overrides: object) -> argparse.Namespace:
    values = {"voila": False, "port": 8888, "host": "127.0.0.1", "no_browser": True}
    return argparse.Namespace(**(values | overrides))


def test_finds_the_repository_notebooks() -> None:
    found = find_notebooks(str(REPO / "notebooks"))
    assert (found / "01-quickstart.ipynb").is_file()
    assert (found / DASHBOARD).is_file()


def test_installed_notebooks_are_found_away_from_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a wheel (no ./notebooks, no checkout): the notebooks under <prefix>/share/tpnb."""
    import tpnb.report as report

    shared = tmp_path / "prefix" / "share" / "tpnb" / "notebooks"
    shared.mkdir(parents=True)
    (shared / "01-quickstart.ipynb").write_text("{}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(report, "__file__", str(tmp_path / "site-packages" / "tpnb" / "report.py"))
    monkeypatch.setattr(report, "installed_notebooks", lambda: [tmp_path / "user" / "x", shared])
    assert find_notebooks() == shared.resolve()
    shared.joinpath("01-quickstart.ipynb").unlink()
    with pytest.raises(SystemExit, match=r"no notebooks found.*share/tpnb/notebooks"):
        find_notebooks()


def test_installed_notebooks_point_into_the_environment() -> None:
    import sys

    from tpnb.report import installed_notebooks

    places = installed_notebooks()
    assert Path(sys.prefix) / "share" / "tpnb" / "notebooks" in places


def test_a_folder_without_notebooks_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no notebooks found"):
        find_notebooks(str(tmp_path / "nowhere"))


def test_lab_and_voila_command_lines() -> None:
    notebooks = REPO / "notebooks"
    lab = build_command(_args(), notebooks)
    assert lab[1:4] == ["-m", "jupyter", "lab"]
    assert f"--ServerApp.root_dir={notebooks}" in lab
    assert "--ServerApp.ip=127.0.0.1" in lab
    voila = build_command(_args(voila=True, port=9000), notebooks)
    assert voila[1:3] == ["-m", "voila"]
    assert str(notebooks / DASHBOARD) in voila
    assert "--port=9000" in voila


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc), children's children included."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_demo_starts_jupyterlab_on_loopback_and_stops_with_it(stop: signal.Signals) -> None:
    """Stopping `tpnb demo` stops JupyterLab: no server is left behind (issue 18)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "tpnb.cli", "demo", "--no-browser", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                answer = requests.get(
                    f"http://127.0.0.1:{port}/lab", timeout=5, allow_redirects=False
                )
                break
            except requests.ConnectionError:
                assert proc.poll() is None, "tpnb demo exited"
                assert time.monotonic() < deadline, "JupyterLab did not start"
                time.sleep(0.5)
        assert answer.status_code in (200, 302)  # the lab page, or its token login
        children = _descendants(proc.pid)
        assert children, "JupyterLab runs as a child of tpnb demo"
        proc.send_signal(stop)
        assert proc.wait(timeout=60) == 0
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [pid for pid in children if _alive(pid)]
        assert not left, f"processes left behind by tpnb demo: {left}"
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/lab", timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in children:  # never leave a server behind, even when the test fails
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
