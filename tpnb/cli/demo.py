"""``tpnb demo``: open the example notebooks in JupyterLab (or the dashboard in Voila).

The notebooks call :func:`tpnb.connect`, which, with no credentials in the environment, starts the
embedded emulator in the notebook's kernel: demo data, no account, no network. With
``TRUSTPILOT_API_KEY`` (and friends) set, the same notebooks run against the real API.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from tpnb.report import find_notebooks

DEFAULT_PORT = 8888
DASHBOARD = "dashboard.ipynb"

#: what `tpnb demo --help` says (plain text: argparse prints it as it is)
DESCRIPTION = """\
Open the example notebooks in JupyterLab, or the dashboard alone in Voila (--voila).

No account is needed: with no Trustpilot credentials in the environment, each notebook's
tpnb.connect() starts the embedded Trustpilot emulator (demo data, synthetic, no network).
With TRUSTPILOT_API_KEY (and friends) set, the same notebooks use the real API.

Ctrl-C (or SIGTERM) stops the server, and its kernels with it."""


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
    return run_forwarding_signals(cmd, cwd=notebooks)


def run_forwarding_signals(cmd: list[str], *, cwd: Path) -> int:
    """Run ``cmd`` and wait for it, passing SIGINT and SIGTERM on to it.

    Jupyter shuts down cleanly (its kernels too) on either signal; ``tpnb demo`` waits until
    it has, so stopping ``tpnb demo`` never leaves a server behind. Ctrl-C in a terminal
    reaches both processes (one process group); Jupyter asks to confirm a single Ctrl-C, so
    the signal is sent on as SIGTERM, which it obeys at once.

    Returns:
        The server's exit status (0 after a stop asked for by a signal).
    """
    child = subprocess.Popen(cmd, cwd=cwd)
    stopping = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while True:
            try:
                status = child.wait()
                break
            except KeyboardInterrupt:  # raised if a handler was replaced under us
                forward(signal.SIGINT, None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:  # pragma: no cover - only if waiting itself failed
            child.kill()
            child.wait()
    return 0 if stopping else status


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="open the example notebooks in JupyterLab against the embedded emulator",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--voila", action="store_true", help=f"serve {DASHBOARD} with Voila")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default %(default)s)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--notebooks", help="folder of notebooks (default: ./notebooks)")
    parser.set_defaults(func=run)
