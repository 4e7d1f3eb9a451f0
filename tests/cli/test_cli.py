"""The ``tpnb`` command line, as a new user runs it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tpnb
import tpnb.cli.main
from tpnb.cli.main import SUBCOMMANDS, build_parser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_every_subcommand_is_registered_with_help() -> None:
    parser = build_parser()
    help_text = parser.format_help()
    for name in SUBCOMMANDS:
        assert name in help_text


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        tpnb.cli.main.main(["no-such-command"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_emulator_command_prints_a_working_environment(tmp_path: Path) -> None:
    """Start ``tpnb emulator`` as a user would, then connect with the variables it printed."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tpnb.cli", "emulator", "--port", str(port), "--scale", "0.02"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.strip().startswith("export TPNB_AUTHORIZE_URL="):
                break
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}" in output
        exports = dict(re.findall(r"export (\w+)=(\S+)", output))
        assert set(exports) >= {"TRUSTPILOT_API_KEY", "TPNB_BASE_URL", "TRUSTPILOT_PASSWORD"}

        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTPILOT_", "TPNB_"))}
        env |= exports | {"TPNB_CACHE_BACKEND": "memory", "TPNB_TOKEN_DIR": str(tmp_path)}
        code = (
            "import tpnb\n"
            "tp = tpnb.connect(demo=False)\n"
            "unit = tp.find_business_unit('northwind-outdoor.example')\n"
            "print(unit.loc[0, 'identifying_name'], len(tp.private_reviews(unit.loc[0, 'id'], limit=5)))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["northwind-outdoor.example", "5"]
        assert "demo mode" not in result.stderr  # real credentials: not the embedded demo
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stdout is not None:
            proc.stdout.close()


def test_demo_help_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 18: `tpnb demo --help` printed the module docstring's reST markup."""
    with pytest.raises(SystemExit) as info:
        tpnb.cli.main.main(["demo", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: tpnb demo")
    assert "Open the example notebooks in JupyterLab" in out
    for markup in ("``", ":func:", ":mod:", "::"):
        assert markup not in out


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["demo", "--prot", "9000"], "usage: tpnb demo"),
        (["demo", "--no-browser", "--voilaa"], "usage: tpnb demo"),
        (["emulator", "--portt", "1"], "usage: tpnb emulator"),
    ],
)
def test_a_misspelled_option_shows_the_subcommands_usage(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        tpnb.cli.main.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert (
        f"error: unrecognized arguments: {' '.join(argv[-2:] if argv[-1].isdigit() else argv[-1:])}"
        in err
    )
    assert "--port" in err or "--voila" in err  # the subcommand's options are listed
