"""``tpnb demo``: open the example notebooks in JupyterLab (or the dashboard in Voila).

The notebooks call :func:`tpnb.connect`, which, with no credentials in the environment, starts the
embedded emulator in the notebook's kernel: demo data, no account, no network. With
``TRUSTPILOT_API_KEY`` (and friends) set, the same notebooks run against the real API.
"""

from __future__ import annotations

import argparse
import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

DEFAULT_PORT = 8888
DASHBOARD = "dashboard.ipynb"


def installed_notebooks() -> list[Path]:
    """Where an installed tpnb keeps its notebooks: ``<prefix>/share/tpnb/notebooks`` (the
    wheel's data files; see ``pyproject.toml``), for the environment and for a ``--user``
    install."""
    prefixes = [Path(sysconfig.get_path("data")), Path(site.getuserbase())]
    return [prefix / "share" / "tpnb" / "notebooks" for prefix in prefixes]


def find_notebooks(explicit: str | None = None) -> Path:
    """Return the folder holding tpnb's notebooks.

    Looks only at ``explicit`` when given; otherwise at ``./notebooks``, then at the
    ``notebooks/`` folder of the source checkout tpnb was installed from (``pip install -e .``),
    then where ``pip install tpnb`` put them (:func:`installed_notebooks`).

    Raises:
        SystemExit: when no such folder exists, saying where it looked.
    """
    if explicit:  # a folder the user named is the only one looked at
        candidates = [Path(explicit)]
    else:
        checkout = Path(__file__).resolve().parents[1] / "notebooks"
        candidates = [Path.cwd() / "notebooks", checkout, *installed_notebooks()]
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.ipynb")):
            return candidate.resolve()
    looked = ", ".join(str(c) for c in candidates)
    raise SystemExit(f"tpnb demo: no notebooks found (looked in {looked}); pass --notebooks DIR")


def build_command(args: argparse.Namespace, notebooks: Path) -> list[str]:
    """The Jupyter command line the demo runs (JupyterLab by default, Voila with ``--voila``)."""
    if args.voila:
        cmd = [sys.executable, "-m", "voila", str(notebooks / DASHBOARD), f"--port={args.port}"]
        cmd += [f"--Voila.ip={args.host}"]
        if args.no_browser:
            cmd.append("--no-browser")
        return cmd
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={notebooks}"]
    cmd += [f"--port={args.port}", f"--ServerApp.ip={args.host}"]
    if args.no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def run(args: argparse.Namespace) -> int:
    notebooks = find_notebooks(args.notebooks)
    cmd = build_command(args, notebooks)
    what = "the Voila dashboard" if args.voila else "JupyterLab on the example notebooks"
    print(
        f"tpnb demo: starting {what} at http://{args.host}:{args.port}/\n"
        "tpnb demo: no credentials needed: each notebook's tpnb.connect() starts the embedded\n"
        "           Trustpilot emulator (DEMO DATA, synthetic). Set TRUSTPILOT_API_KEY for real data.\n"
        f"tpnb demo: the dashboard alone: tpnb demo --voila   (Ctrl-C stops)",
        flush=True,
    )
    try:
        return subprocess.call(cmd, cwd=notebooks)
    except KeyboardInterrupt:
        return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="open the example notebooks in JupyterLab against the embedded emulator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--voila", action="store_true", help=f"serve {DASHBOARD} with Voila")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default %(default)s)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--notebooks", help="folder of notebooks (default: ./notebooks)")
    parser.set_defaults(func=run)
