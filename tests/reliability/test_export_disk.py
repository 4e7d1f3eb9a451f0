"""``export_parquet`` when the disk fills up mid-export, and what it leaves (issue 14: 3, 7, 23).

Every run starts from a complete earlier export of two units, then exports again with more
data under one fault: a real full file system (a small tmpfs, as root) or an injected ENOSPC at
each point where the export writes or renames. A run is *clear* when it raises
:class:`~tpnb.store.ExportError` and ``pandas.read_parquet`` still reads the earlier export,
whole and unchanged, with no staging folder left; *complete* when it succeeds and reads back
the new data; anything else is *wrong*. The runs go into the reliability report as the row
"full disk during export".
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from kit.ledger import LEDGER
from kit.truth import CLEAR, COMPLETE, WRONG

from tpnb.errors import ConfigError
from tpnb.store import Archive, ExportError, export_parquet
from tpnb.store import export as export_module

FAULT = "full disk during export"
UNITS = {"5f0c0c0c0c0c0c0c0c0c0c01": "alpha.example", "5f0c0c0c0c0c0c0c0c0c0c02": "beta.example"}


def add_reviews(archive: Archive, unit_id: str, first: int, count: int, *, text_bytes: int) -> None:
    """``count`` reviews over several months, with incompressible text of ``text_bytes``."""
    with archive.transaction() as conn:
        archive.put_business_unit(
            conn,
            {
                "id": unit_id,
                "displayName": UNITS[unit_id],
                "name": {"identifying": UNITS[unit_id], "referring": [UNITS[unit_id]]},
            },
        )
        reviews = [
            {
                "id": f"{unit_id[-2:]}{i:022x}",
                "businessUnit": {"id": unit_id},
                "stars": 1 + i % 5,
                "title": f"title {i}",
                "text": secrets.token_hex(text_bytes // 2),
                "language": "en",
                "createdAt": f"2024-{1 + i % 6:02d}-{1 + i % 27:02d}T10:00:00Z",
                "consumer": {"id": f"{i + 5000:024x}", "displayName": f"Person {i}"},
                "referralEmail": f"p{i}@mail.example",
            }
            for i in range(first, first + count)
        ]
        archive.upsert_reviews(conn, reviews, unit_id=unit_id, private=True)


def read_back(root: Path) -> pd.DataFrame:
    frame = pd.read_parquet(root)
    return frame.sort_values("id", ignore_index=True)


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".tpnb-export-"))


def unit_rows(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    rows = frame[frame["business_unit_id"] == unit].reset_index(drop=True)
    return rows.astype({"business_unit_id": "string", "month": "string"})


def judge_failed_export(
    call: Callable[[], Any], root: Path, before: pd.DataFrame, new: pd.DataFrame | None = None
) -> str:
    """Run one export expected to fail; record and return its outcome.

    After a failure each unit must read back whole: as in ``before`` or, for a unit whose new
    export was swapped in before the failure, as in ``new``.
    """
    try:
        call()
    except ExportError as exc:
        problems = []
        try:
            after = read_back(root)
        except Exception as read_error:  # the tree must stay readable
            problems.append(f"read_parquet fails: {read_error!r}")
        else:
            for unit in UNITS:
                got = unit_rows(after, unit)
                if not got.equals(unit_rows(before, unit)) and (
                    new is None or not got.equals(unit_rows(new, unit))
                ):
                    problems.append(f"unit {unit} is neither its previous nor its new export")
        if leftovers(root):
            problems.append(f"staging folders left: {leftovers(root)}")
        if "previous export there is unchanged" not in str(exc):
            problems.append(f"unclear message: {exc}")
        outcome, note = (WRONG, "; ".join(problems)) if problems else (CLEAR, str(exc))
    except Exception as exc:
        outcome, note = WRONG, f"untyped {type(exc).__name__}: {exc}"
    else:
        outcome, note = COMPLETE, "exported"
    LEDGER.record(FAULT, outcome, note)
    assert outcome != WRONG, note
    return outcome


# --------------------------------------------------------------------------- a real full disk
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root only: CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("a real full file system needs root to mount a small tmpfs")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(f"root, but mount -t tmpfs is not allowed here: {proc.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_real_full_disk_leaves_the_previous_export_whole(
    tmp_path: Path, small_disk: Path
) -> None:
    archive = Archive(tmp_path / "reviews.sqlite")
    alpha, beta = UNITS
    add_reviews(archive, alpha, 0, 30, text_bytes=4000)
    add_reviews(archive, beta, 0, 30, text_bytes=4000)
    root = small_disk / "export"
    export_parquet(archive, root)
    before = read_back(root)
    assert len(before) == 60
    add_reviews(archive, beta, 30, 150, text_bytes=4000)  # ~1.8 MB more: cannot fit
    judge_failed_export(lambda: export_parquet(archive, root), root, before)
    # the space the failed attempt used is given back: a smaller export fits again
    with archive.transaction() as conn:
        archive.delete_reviews(
            conn, [f"{beta[-2:]}{i:022x}" for i in range(30, 180)], origin="sync"
        )
    add_reviews(archive, beta, 30, 5, text_bytes=4000)
    export_parquet(archive, root, business_units=UNITS[beta])
    assert len(read_back(root)) == 65
    LEDGER.record(FAULT, COMPLETE, "export after space was freed")
    archive.close()


# --------------------------------------------------------------------------- injected ENOSPC
def enospc(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Archive, Path, pd.DataFrame]:
    archive = Archive(tmp_path / "reviews.sqlite")
    for unit in UNITS:
        add_reviews(archive, unit, 0, 12, text_bytes=200)
    root = tmp_path / "export"
    export_parquet(archive, root)
    before = read_back(root)
    for unit in UNITS:
        add_reviews(archive, unit, 12, 12, text_bytes=200)
    return archive, root, before


@pytest.mark.parametrize("files_before_failure", [0, 1, 5, 8, 11])
def test_enospc_while_writing_files(
    exported: tuple[Archive, Path, pd.DataFrame],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    files_before_failure: int,
) -> None:
    """The disk fills after N Parquet files (six per unit; a partial last file is left)."""
    archive, root, before = exported
    export_parquet(archive, tmp_path / "expected")
    new = read_back(tmp_path / "expected")
    real_write = pq.write_to_dataset
    count = 0

    def visitor(written: Any) -> None:
        nonlocal count
        count += 1
        if count > files_before_failure:
            Path(written.path).write_bytes(b"PAR1 half a file")
            enospc()

    def write_to_dataset(*args: Any, **kwargs: Any) -> None:
        real_write(*args, file_visitor=visitor, **kwargs)

    monkeypatch.setattr(pq, "write_to_dataset", write_to_dataset)
    judge_failed_export(lambda: export_parquet(archive, root), root, before, new)


@pytest.mark.parametrize("failing_call", [1, 2, 3, 4])
def test_enospc_during_the_swap(
    exported: tuple[Archive, Path, pd.DataFrame],
    monkeypatch: pytest.MonkeyPatch,
    failing_call: int,
) -> None:
    """A rename fails: moving a unit's old tree aside (1, 3) or moving its new one in (2, 4)."""
    archive, root, before = exported
    export_parquet(archive, root.parent / "expected")
    new = read_back(root.parent / "expected")
    real_rename = os.rename
    calls = 0

    def rename(source: Any, target: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == failing_call:
            enospc()
        real_rename(source, target)

    monkeypatch.setattr(export_module.os, "rename", rename)
    judge_failed_export(lambda: export_parquet(archive, root), root, before, new)


def test_an_export_killed_between_the_renames_is_put_back(
    exported: tuple[Archive, Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process killed after moving the old tree aside: the next export restores it first."""
    archive, root, before = exported
    real_rename = os.rename
    calls = 0

    class Killed(BaseException):
        pass

    def rename(source: Any, target: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Killed
        real_rename(source, target)

    monkeypatch.setattr(export_module.os, "rename", rename)
    monkeypatch.setattr(export_module.shutil, "rmtree", lambda *a, **k: None)  # killed: no cleanup
    with pytest.raises(Killed):
        export_parquet(archive, root)
    monkeypatch.undo()
    alpha, beta = UNITS
    assert not (root / f"business_unit_id={alpha}").exists()  # moved aside when killed
    export_parquet(archive, root, business_units=UNITS[beta])  # the next export, of beta only
    back = read_back(root)
    old_alpha = before[before["business_unit_id"] == alpha].reset_index(drop=True)
    assert back[back["business_unit_id"] == alpha].reset_index(drop=True).equals(old_alpha)
    assert len(back[back["business_unit_id"] == beta]) == 24
    assert leftovers(root) == []


# --------------------------------------------------------------------------- modes and arguments
def test_exported_files_and_folders_are_private(
    exported: tuple[Archive, Path, pd.DataFrame],
) -> None:
    archive, root, _ = exported
    old = os.umask(0o022)
    try:
        files = export_parquet(archive, root / "new" / "tree")
    finally:
        os.umask(old)
    assert files
    tree = root / "new" / "tree"
    modes = {
        str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
        for p in [root / "new", tree, *tree.rglob("*")]
    }
    assert modes == {name: 0o600 if (root / name).is_file() else 0o700 for name in modes}, (
        "every file 0600, every folder 0700"
    )


def test_one_unit_given_as_a_string(exported: tuple[Archive, Path, pd.DataFrame]) -> None:
    archive, root, _ = exported
    alpha = next(iter(UNITS))
    files = export_parquet(archive, root / "one", business_units=UNITS[alpha])
    assert files
    assert {f.parent.parent.name for f in files} == {f"business_unit_id={alpha}"}


@pytest.mark.parametrize("units", [42, [None], ["alpha.example", 7], b"alpha.example", {"a": 1}])
def test_business_units_of_the_wrong_kind_are_refused(
    exported: tuple[Archive, Path, pd.DataFrame], units: Any
) -> None:
    archive, root, _ = exported
    with pytest.raises(ConfigError, match="business_units must be one business unit"):
        export_parquet(archive, root / "never", business_units=units)
    assert not (root / "never").exists()


def test_a_unit_emptied_since_the_last_export_is_removed(
    exported: tuple[Archive, Path, pd.DataFrame],
) -> None:
    archive, root, _ = exported
    alpha, beta = UNITS
    with archive.transaction() as conn:
        ids = archive.review_ids(alpha)
        archive.delete_reviews(conn, sorted(ids), origin="sync")
    export_parquet(archive, root)
    back = read_back(root)
    assert set(back["business_unit_id"]) == {beta}
    assert not (root / f"business_unit_id={alpha}").exists()
