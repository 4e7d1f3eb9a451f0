"""tpnb.files.write_private: owner-only files, written all or nothing."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from tpnb import files
from tpnb.files import write_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_owner_only_and_complete(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_private(path, b"<html>ok</html>")
    assert path.read_bytes() == b"<html>ok</html>"
    assert _mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_an_existing_readable_file_is_replaced_by_an_owner_only_one(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"old")
    os.chmod(path, 0o644)
    write_private(path, b"new")
    assert path.read_bytes() == b"new"
    assert _mode(path) == 0o600


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "token.json"
    path.write_bytes(b"the old token")

    def full_disk(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_private(path, b"x" * 100_000)
    assert path.read_bytes() == b"the old token"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["token.json"]


def test_a_missing_folder_is_an_os_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "report.html"
    with pytest.raises(FileNotFoundError, match="missing"):
        write_private(path, b"data")
    assert not (tmp_path / "missing").exists()
