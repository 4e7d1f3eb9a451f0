"""The example notebooks are tests: each one runs top to bottom under nbval, outputs checked.

Each notebook is validated by ``pytest --nbval`` (strict mode) in a subprocess, one test per
notebook, so a failure names the notebook and this suite's own settings (``filterwarnings =
error``, markers) do not leak into the kernel's world. Strict mode compares every cell's stored
output with a fresh run against the seeded emulator, after the substitutions in
``notebooks/nbval_sanitize.cfg`` (ports, addresses, temp dirs, seconds); cells whose output
legitimately varies (progress bars, widgets, timings) carry the ``nbval-ignore-output`` tag.

The kernel runs in demo mode: credentials are removed from its environment, so every notebook
talks to its own embedded emulator over loopback and needs no network.

To run the same check by hand::

    .venv/bin/python -m pytest --nbval --nbval-current-env \
        --nbval-sanitize-with notebooks/nbval_sanitize.cfg notebooks/

When the emulator's data set or a notebook changes, re-execute the notebooks (in demo mode,
without widget state or timings, with chart PNGs quantised to keep the files small) with::

    .venv/bin/python tests/test_notebooks.py regenerate [NAME ...]
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = NOTEBOOKS / "nbval_sanitize.cfg"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
BINDER_LAB = "https://mybinder.org/v2/gh/tpnb/tpnb/HEAD?urlpath=lab/tree/notebooks/"
BINDER_VOILA = "https://mybinder.org/v2/gh/tpnb/tpnb/HEAD?urlpath=voila/render/notebooks/"
# tpnb settings that would take a notebook off the embedded emulator
CREDENTIAL_PREFIXES = ("TRUSTPILOT_", "TPNB_")


def demo_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a notebook run: no credentials, temp files under ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(CREDENTIAL_PREFIXES)}
    env["TMPDIR"] = str(tmp_path)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    return env


def load(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_every_notebook_is_here() -> None:
    names = {p.stem for p in ALL}
    expected = {
        "01-quickstart",
        "02-finding-business-units",
        "03-exploring-reviews",
        "04-ratings-and-trustscore",
        "05-report",
        "06-customer-api",
        "07-archive",
        "dashboard",
    }
    assert expected <= names


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_notebook_is_committed_clean(path: Path) -> None:
    """Badge first, python3 kernel, executed outputs, no widget state, no huge images."""
    nb = load(path)
    cells = nb["cells"]
    assert isinstance(cells, list)
    first = "".join(cells[0]["source"])
    binder = BINDER_VOILA if path.stem == "dashboard" else BINDER_LAB
    assert f"{binder}{path.name})" in first, "the first cell must open with the Binder badge"
    meta = nb["metadata"]
    assert isinstance(meta, dict)
    assert meta["kernelspec"]["name"] == "python3"
    assert "widgets" not in meta, "strip metadata.widgets before committing"
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "commit the notebook executed"
    assert path.stat().st_size < 600_000
    for cell in code:
        for out in cell["outputs"]:
            assert out.get("output_type") != "error", f"an error output in {path.name}"
            png = out.get("data", {}).get("image/png", "")
            assert len(png) < 200_000, f"an image over 150 kB in {path.name}"


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_no_secret_in_outputs(path: Path) -> None:
    from tpnb.emulator import DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSWORD

    text = path.read_text(encoding="utf-8")
    for secret in (DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSWORD):
        assert secret not in text
    assert "access_token" not in text


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_notebook_runs_and_matches_outputs(path: Path, tmp_path: Path) -> None:
    """nbval, strict: every cell runs and reproduces its committed output (sanitised)."""
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        "--nbval-cell-timeout=240",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-q",
        str(path),
    ]
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        env=demo_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    # the first failure in full (later cells often fail only because an earlier one did)
    first = proc.stdout.find("___ notebooks/")
    detail = proc.stdout[first : first + 6000] if first >= 0 else proc.stdout[-6000:]
    summary = proc.stdout[-1500:]
    assert proc.returncode == 0, f"nbval failed for {path.name}:\n{detail}\n...\n{summary}"


# ------------------------------------------------------------------ regenerating the outputs


def shrink_png(data: str, *, above: int = 40_000) -> str:
    """A chart PNG (base64) re-encoded with a 256-colour palette, when that makes it smaller."""
    from PIL import Image

    raw = base64.b64decode(data)
    if len(raw) < above:
        return data
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    packed = buffer.getvalue()
    return base64.b64encode(packed).decode() if len(packed) < len(raw) else data


def tidy(nb: Any) -> None:
    """Drop what must not be committed: widget state, timings, papermill metadata; shrink PNGs."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out["data"]["image/png"] = shrink_png(out["data"]["image/png"])


def regenerate(names: list[str]) -> None:
    """Execute notebooks in place against the embedded emulator and tidy them for committing."""
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    paths = [NOTEBOOKS / f"{name.removesuffix('.ipynb')}.ipynb" for name in names] or ALL
    with tempfile.TemporaryDirectory(prefix="tpnb-regenerate-") as tmp:
        env = demo_env(Path(tmp))  # from the current environment (PATH, PYTHONPATH kept)
        os.environ.clear()
        os.environ.update(env)
        for path in paths:
            started = time.perf_counter()
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb,
                timeout=300,
                kernel_name="python3",
                resources={"metadata": {"path": str(NOTEBOOKS)}},
                record_timing=False,
            )
            client.execute()
            tidy(nb)
            nbformat.validate(nb)
            nbformat.write(nb, path)
            took = time.perf_counter() - started
            print(f"{path.name}: {took:.1f} s, {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    if sys.argv[1:2] != ["regenerate"]:
        sys.exit("usage: python tests/test_notebooks.py regenerate [NAME ...]")
    regenerate(sys.argv[2:])
