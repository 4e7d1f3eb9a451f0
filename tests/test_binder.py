"""Binder: build a fresh environment from ``binder/`` exactly as repo2docker would, run a notebook.

repo2docker cannot run here (no Docker), so this test does what its Python build pack does with
our files, in a fresh virtual environment:

1. a Python of the version ``binder/runtime.txt`` asks for;
2. ``pip install -r binder/requirements.txt`` (from PyPI);
3. ``binder/postBuild``, run from the repository's root (repo2docker's working directory), with the
   environment's ``bin/`` first on ``PATH``;
4. the quickstart notebook executed in that environment's kernel, offline against the embedded
   emulator, from a copy of the repository's tracked files (what a Binder clone holds).

It needs PyPI (pip's cache makes reruns fast) and is marked ``slow``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
pytestmark = pytest.mark.slow


def test_binder_files_follow_repo2docker_conventions() -> None:
    assert (BINDER / "requirements.txt").is_file()
    post_build = BINDER / "postBuild"
    assert post_build.is_file()
    assert os.access(post_build, os.X_OK), "postBuild must be executable"
    assert post_build.read_text().startswith("#!/bin/bash")
    assert "set -e" in post_build.read_text()
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    requirements = (BINDER / "requirements.txt").read_text()
    for needed in ("jupyterlab", "voila", "ipywidgets"):
        assert re.search(rf"^{needed}\b", requirements, flags=re.M), needed


def runtime_python() -> str:
    """An interpreter of the version binder/runtime.txt names."""
    version = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys._base_executable  # type: ignore[attr-defined]
    found = shutil.which(f"python{version}")
    if found is None:
        pytest.skip(f"no python{version} on PATH (binder/runtime.txt asks for it)")
    return found


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


def test_binder_environment_runs_the_quickstart(tmp_path: Path) -> None:
    repo = copy_checkout(tmp_path / "repo")
    env_dir = tmp_path / "env"
    subprocess.run([runtime_python(), "-m", "venv", str(env_dir)], check=True, timeout=120)
    bindir = env_dir / "bin"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRUSTPILOT_", "TPNB_", "VIRTUAL_ENV", "PYTHON", "JUPYTER"))
    }
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(env_dir)
    # a fresh home (no user-level kernels or Jupyter config), but pip's real download cache
    env["PIP_CACHE_DIR"] = str(Path.home() / ".cache" / "pip")
    env["HOME"] = str(tmp_path / "home")
    env["TMPDIR"] = str(tmp_path)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_COMPILE"] = "1"  # no .pyc at install time: the image build does not need them

    def run(cmd: list[str], timeout: float, cwd: Path = repo) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        proc = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        print(f"{time.monotonic() - started:6.1f} s  {' '.join(cmd[-3:])}")
        assert proc.returncode == 0, (
            f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
        return proc

    run(
        [str(bindir / "python"), "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"], 600
    )
    run(["binder/postBuild"], 300)

    # tpnb comes from the environment (installed by postBuild), not from the checkout or .venv
    where = run([str(bindir / "python"), "-c", "import tpnb; print(tpnb.__file__)"], 60, tmp_path)
    assert str(env_dir) in where.stdout, where.stdout

    executed = tmp_path / "quickstart-executed.ipynb"
    # the installed package carries its notebooks: `tpnb report` works away from any checkout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    report = elsewhere / "report.html"
    # The notebook and the report at the same time: each is its own process and kernel on its
    # own demo emulator (memory cache, temporary tokens and store), so they share nothing.
    with ThreadPoolExecutor(max_workers=2) as pool:
        notebook_run = pool.submit(
            run,
            [
                str(bindir / "jupyter"),
                "execute",
                "--kernel_name=python3",
                f"--output={executed}",
                "notebooks/01-quickstart.ipynb",
            ],
            300,
        )
        report_run = pool.submit(
            run,
            [str(bindir / "tpnb"), "report", "--period", "2025-Q1", "--output", str(report)],
            300,
            elsewhere,
        )
        notebook_run.result()
        report_run.result()

    nb = json.loads(executed.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code)
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the first chart is missing"
    assert any("demo data" in "".join(o.get("text", "")) for o in outputs)

    html = report.read_text(encoding="utf-8")
    assert "demo data" in html.lower()
    assert "tpnb.connect" not in html, "the report shows code"
    shared = env_dir / "share" / "tpnb" / "notebooks"
    assert sorted(p.name for p in shared.glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb")
    )
