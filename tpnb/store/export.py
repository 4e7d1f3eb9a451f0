"""Export an archive to Parquet, partitioned by business unit and month (hive layout).

The result is a directory tree ``business_unit_id=<id>/month=<YYYY-MM>/<file>.parquet`` that
DuckDB (``read_parquet('dir/**/*.parquet', hive_partitioning=true)``), Spark, Dask, pyarrow or
``pandas.read_parquet(dir)`` read directly, also across many archives exported into one tree.
Columns are those of :meth:`tpnb.store.Archive.private_reviews` (or the public ones), plus the
``month`` partition key; each unit's partitions are replaced on re-export, other units' are left.

Order of operations, per unit: write the unit's new tree into a hidden folder beside the target
(``.tpnb-export-*``, which readers skip: pyarrow ignores names starting with ``.``), then swap it
in with two renames (the old tree moves into the hidden folder, the new one takes its place) and
delete the hidden folder. A failure while writing (a full disk) leaves the previous export of
every unit whole and readable, and raises :class:`ExportError`. Exports into one directory take
turns (a lock file), and one that was killed between the two renames is put back by the next.

The files hold consumers' names and, in the private columns, e-mails and order ids: every folder
tpnb creates is ``0700`` and every file ``0600`` from the moment it exists (they are written
inside the hidden ``0700`` folder and tightened before the swap).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from filelock import FileLock

from tpnb.errors import ConfigError, TpnbError
from tpnb.store.archive import Archive

__all__ = ["ExportError", "export_parquet"]

#: Prefix of the hidden folders an export writes into before the swap.
STAGING_PREFIX = ".tpnb-export-"
#: The lock file that makes exports into one directory take turns.
LOCK_NAME = ".tpnb-export.lock"


class ExportError(TpnbError):
    """An export could not be written (e.g. a full disk); the previous export is unchanged."""


def export_parquet(
    archive: Archive,
    directory: str | os.PathLike[str],
    *,
    business_units: str | Iterable[str] | None = None,
    private: bool = True,
) -> list[Path]:
    """Write the archive's reviews as Parquet files partitioned by unit and month.

    Args:
        archive: The archive to export.
        directory: Target directory (created, private, if missing).
        business_units: One unit (id or domain) or several; when ``None``, every unit the
            archive holds reviews for, synced or known only from webhook events.
        private: Export the private columns (``False``: only what the public API shows,
            reported reviews included).

    Returns:
        The Parquet files of the exported units, sorted.

    Raises:
        ExportError: Writing failed (full disk, permissions); every unit's previous export is
            as it was, except units whose new export had already been swapped in.
        tpnb.store.UnknownUnitError: A unit the archive holds nothing for (nothing is written).
        tpnb.errors.ConfigError: ``business_units`` is not a string or a list of strings.
    """
    import pyarrow as pa  # a dependency of tpnb; imported here to keep `import tpnb` light
    import pyarrow.parquet as pq

    if business_units is None:
        units = archive.unit_ids()  # also units known only from webhook events
    else:
        units = [archive.resolve_unit(u) for u in _unit_list(business_units)]
    root = Path(directory).expanduser()
    try:
        _private_folders(root)
        lock = FileLock(str(root / LOCK_NAME), mode=0o600)
    except OSError as exc:
        raise ExportError(f"cannot create the export directory {root}: {exc}") from exc
    written: list[Path] = []
    with lock:
        _recover(root)
        for unit_id in dict.fromkeys(units):
            if private:
                frame = archive.private_reviews(unit_id)
            else:
                frame = archive.reviews(unit_id, include_reported=True)
            target = root / f"business_unit_id={unit_id}"
            try:
                staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{unit_id}-", dir=root))
            except OSError as exc:
                raise _failed(unit_id, root, exc) from exc
            try:
                if not frame.empty:
                    frame = frame.copy()
                    frame["business_unit_id"] = unit_id
                    frame["month"] = frame["created_at"].dt.strftime("%Y-%m").astype("string")
                    # the pandas metadata is kept: pandas.read_parquet(dir) restores Int8/string
                    table = pa.Table.from_pandas(frame, preserve_index=False)
                    pq.write_to_dataset(
                        table,
                        root_path=str(staging),
                        partition_cols=["business_unit_id", "month"],
                        basename_template=f"{unit_id}-{{i}}.parquet",
                    )
                    _tighten(staging)
                _swap(staging / target.name, target, staging / "previous")
            except OSError as exc:
                raise _failed(unit_id, root, exc) from exc
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            written.extend(target.rglob("*.parquet"))
    return sorted(set(written))


def _unit_list(business_units: object) -> list[str]:
    """``business_units`` as a list: one string is one unit (not its characters)."""
    if isinstance(business_units, str):
        return [business_units]
    if isinstance(business_units, Iterable) and not isinstance(business_units, (bytes, dict)):
        units = list(business_units)
        if all(isinstance(u, str) for u in units):
            return units
    raise ConfigError(
        "business_units must be one business unit (id or domain, e.g. 'example.com') or a "
        f"list of them, got {type(business_units).__name__} {business_units!r:.80}"
    )


def _private_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parents, each ``0700`` (an existing one is left)."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a directory")


def _tighten(folder: Path) -> None:
    """Make everything under ``folder`` private: folders ``0700``, files ``0600``."""
    for current, folders, files in os.walk(folder):
        os.chmod(current, 0o700)
        for name in folders:
            os.chmod(os.path.join(current, name), 0o700)
        for name in files:
            os.chmod(os.path.join(current, name), 0o600)


def _swap(new: Path, target: Path, previous: Path) -> None:
    """Put ``new`` (may be missing: the unit has no reviews) in the place of ``target``.

    The old tree is renamed to ``previous`` first (the caller deletes it); if the second rename
    fails, the old tree is put back.
    """
    if target.exists():
        previous.mkdir(mode=0o700)
        os.rename(target, previous / target.name)
        if new.exists():
            try:
                os.rename(new, target)
            except OSError:
                os.rename(previous / target.name, target)
                raise
    elif new.exists():
        os.rename(new, target)


def _recover(root: Path) -> None:
    """Put back a unit's tree that a killed export had moved aside, and drop staging folders."""
    for staging in root.glob(f"{STAGING_PREFIX}*"):
        for old in (staging / "previous").glob("business_unit_id=*"):
            if not (root / old.name).exists():
                os.rename(old, root / old.name)
        shutil.rmtree(staging, ignore_errors=True)


def _failed(unit_id: str, root: Path, exc: OSError) -> ExportError:
    return ExportError(
        f"the export of business unit {unit_id} to {root} failed ({exc.strerror or exc}); its "
        "previous export there is unchanged (free some space, or check the permissions, and "
        "export again)"
    )
