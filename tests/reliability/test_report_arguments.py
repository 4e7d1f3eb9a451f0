"""``tpnb report``: every bad argument is found before the kernel starts (issue 14, item 22).

Each case runs the command as a user would, with no credentials (demo mode), and expects exit
status 2 with one line on stderr that names the option in the command line's words, no
traceback, no notebook cell, and nothing written or created.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CREDENTIAL_PREFIXES = ("TRUSTPILOT_", "TPNB_")


def run_report(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CREDENTIAL_PREFIXES)}
    env["TMPDIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "tpnb.cli", "report", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_refused(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.startswith("tpnb report: ")
    assert proc.stderr.count("\n") == 1, f"more than one line: {proc.stderr!r}"
    for word in words:
        assert word in proc.stderr
    for python_speak in ("Traceback", "cell", "papermill", "search_business_units()"):
        assert python_speak not in proc.stderr


def test_an_unknown_business_unit(tmp_path: Path) -> None:
    proc = run_report(tmp_path, "--business-unit", "no-such-shop.example", "-o", "r.html")
    assert_refused(proc, "--business-unit", "'no-such-shop.example'", "demo data")
    assert list(tmp_path.glob("*.html")) == []


def test_an_unknown_business_unit_id(tmp_path: Path) -> None:
    proc = run_report(tmp_path, "--business-unit", "0" * 24, "-o", "r.html")
    assert_refused(proc, "--business-unit", "0" * 24)


def test_a_business_unit_that_is_not_a_domain(tmp_path: Path) -> None:
    proc = run_report(tmp_path, "--business-unit", "not a domain", "-o", "r.html")
    assert_refused(proc, "--business-unit", "example.com")


@pytest.mark.parametrize(
    ("period", "says"),
    [("0000", "from 1970 to 2261"), ("0000-05", "from 1970 to 2261"), ("9999-Q1", "1970")],
)
def test_a_period_out_of_range(tmp_path: Path, period: str, says: str) -> None:
    proc = run_report(tmp_path, "--period", period, "-o", "r.html")
    assert_refused(proc, "--period", says)


def test_an_archive_in_a_missing_folder(tmp_path: Path) -> None:
    archive = tmp_path / "no-such-folder" / "reviews.sqlite"
    proc = run_report(tmp_path, "--archive", str(archive), "-o", "r.html")
    assert_refused(proc, "--archive", "does not exist")
    assert not archive.parent.exists()


def test_an_archive_that_is_another_apps_database(tmp_path: Path) -> None:
    other = tmp_path / "contacts.sqlite"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE contacts (email TEXT)")
        conn.commit()
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    proc = run_report(tmp_path, "--archive", str(other), "-o", "r.html")
    assert_refused(proc, "--archive", "not a tpnb archive", "contacts")
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before


def test_output_under_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    proc = run_report(tmp_path, "-o", str(tmp_path / "notes.txt" / "report.html"))
    assert_refused(proc, "--output", "is a file, not a folder")


def test_output_into_a_missing_folder_is_not_created(tmp_path: Path) -> None:
    proc = run_report(tmp_path, "-o", str(tmp_path / "reports" / "2026" / "report.html"))
    assert_refused(proc, "--output", "does not exist")
    assert not (tmp_path / "reports").exists()


def test_output_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "out.html").mkdir()
    proc = run_report(tmp_path, "-o", str(tmp_path / "out.html"))
    assert_refused(proc, "--output", "is a folder")


def test_a_kept_notebook_of_the_wrong_kind(tmp_path: Path) -> None:
    proc = run_report(tmp_path, "--keep-notebook", "run.txt", "-o", "r.html")
    assert_refused(proc, "--keep-notebook", ".ipynb")


def test_an_unknown_kernel(tmp_path: Path) -> None:
    proc = run_report(tmp_path, "--kernel", "no-such-kernel", "-o", "r.html")
    assert_refused(proc, "--kernel", "no-such-kernel", "python3")


def test_the_python_function_speaks_python(tmp_path: Path) -> None:
    """``build_report`` names its keyword arguments, not the command's options."""
    from tpnb.report import build_report

    with pytest.raises(ValueError, match=r"^period: ") as caught:
        build_report(tmp_path / "r.html", period="0000")
    assert "--" not in str(caught.value)
    with pytest.raises(ValueError, match=r"^output "):
        build_report(tmp_path / "missing" / "r.html")
