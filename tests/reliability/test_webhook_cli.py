"""``tpnb webhooks`` given bad arguments, no password, or a port in use.

Each is a one-line error with exit status 2, found before anything is created: the archive file
is created only after the port is bound. Each run is counted in the reliability report.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from kit.webhooks import CLEAR, PASSWORD, USER, record

import tpnb.cli.main


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "hook-password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def cli_args(tmp_path: Path, password_file: Path, **changes: str | None) -> list[str]:
    options: dict[str, str | None] = {
        "--archive": str(tmp_path / "cli.sqlite"),
        "--port": "0",
        "--username": USER,
        "--password-file": str(password_file),
    }
    options.update(changes)
    args = ["webhooks"]
    for key, value in options.items():
        if value is not None:
            args += [key, value]
    return args


BAD_ARGUMENTS = [
    ({"--port": "99999"}, "--port"),
    ({"--port": "-1"}, "--port"),
    ({"--port": "http"}, "--port"),
    ({"--max-body": "0"}, "--max-body"),
    ({"--max-body": "1mb"}, "--max-body"),
    ({"--business-unit": "shop.example"}, "--business-unit"),
    ({"--username": "a:b"}, "--username"),
    ({"--username": ""}, "--username"),
    ({"--idle-timeout": "0"}, "--idle-timeout"),
    ({"--max-connections": "none"}, "--max-connections"),
    ({"--host": ""}, "--host"),
    ({"--host": "no-such-host.invalid"}, "--host"),
    ({"--archive": "/no/such/folder/cli.sqlite"}, "--archive"),
    ({"--archive": "."}, "--archive"),
    ({"--password-file": "/no/such/password-file"}, "--password-file"),
]


@pytest.mark.parametrize(("changes", "named"), BAD_ARGUMENTS)
def test_cli_bad_arguments_get_one_clear_line_and_create_nothing(
    tmp_path: Path,
    password_file: Path,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, str],
    named: str,
) -> None:
    if changes.get("--archive") == ".":
        changes = {"--archive": str(tmp_path)}
    try:
        code = tpnb.cli.main.main(cli_args(tmp_path, password_file, **changes))
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code  # type: ignore[assignment]
    err = capsys.readouterr().err.strip()
    created = sorted(p.name for p in tmp_path.iterdir() if p != password_file)
    ok = code == 2 and len(err.splitlines()) == 1 and named in err and created == []
    record(
        "webhooks CLI: a bad argument",
        ok,
        f"{changes}: exit {code}, {err[:100]!r}, created {created}",
        outcome_if_ok=CLEAR,
    )
    assert ok, (code, err, created)


def test_cli_empty_password_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    code = tpnb.cli.main.main(cli_args(tmp_path, empty))
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert "--password-file" in err
    assert not (tmp_path / "cli.sqlite").exists()


def run_cli(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tpnb.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,  # type: ignore[arg-type]
    )


def test_cli_without_password_file_or_terminal_says_so(tmp_path: Path) -> None:
    args = cli_args(tmp_path, tmp_path, **{"--password-file": None})
    result = run_cli(args, stdin=subprocess.DEVNULL)
    ok = (
        result.returncode == 2
        and "Traceback" not in result.stderr
        and "--password-file" in result.stderr
        and len(result.stderr.strip().splitlines()) == 1
        and not (tmp_path / "cli.sqlite").exists()
    )
    record(
        "webhooks CLI: a bad argument",
        ok,
        f"no terminal: exit {result.returncode} {result.stderr[-100:]!r}",
        outcome_if_ok=CLEAR,
    )
    assert ok, result.stderr


def test_cli_binds_before_it_creates_the_archive(tmp_path: Path, password_file: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run_cli(cli_args(tmp_path, password_file, **{"--port": port}))
    ok = (
        result.returncode == 2
        and "Traceback" not in result.stderr
        and port in result.stderr
        and not (tmp_path / "cli.sqlite").exists()
    )
    record(
        "webhooks CLI: a bad argument",
        ok,
        f"port in use: exit {result.returncode} {result.stderr[-100:]!r}",
        outcome_if_ok=CLEAR,
    )
    assert ok, result.stderr
