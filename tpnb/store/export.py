"""Export an archive to Parquet, partitioned by business unit and month (hive layout).

The result is a directory tree ``business_unit_id=<id>/month=<YYYY-MM>/<file>.parquet`` that
DuckDB (``read_parquet('dir/**/*.parquet', hive_partitioning=true)``), Spark, Dask, pyarrow or
``pandas.read_parquet(dir)`` read directly, also across many archives exported into one tree.
Columns are those of :meth:`tpnb.store.Archive.private_reviews` (or the public ones), plus the
``month`` partition key; each unit's partitions are replaced on re-export, other units' are left.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from tpnb.store.archive import Archive


def export_parquet(
    archive: Archive,
    directory: str | os.PathLike[str],
    *,
    business_units: Iterable[str] | None = None,
    private: bool = True,
) -> list[Path]:
    """Write the archive's reviews as Parquet files partitioned by unit and month.

    Args:
        archive: The archive to export.
        directory: Target directory (created if missing).
        business_units: Units to export (ids or domains); when ``None``, every unit the
            archive holds reviews for, synced or known only from webhook events.
        private: Export the private columns (``False``: only what the public API shows,
            reported reviews included).

    Returns:
        The Parquet files written, sorted.

    Raises:
        ImportError: When pyarrow is not installed (``pip install tpnb[parquet]``).
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is in the test environment
        raise ImportError("export_parquet needs pyarrow: pip install 'tpnb[parquet]'") from exc
    root = Path(directory).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    if business_units is None:
        units = archive.unit_ids()  # also units known only from webhook events
    else:
        units = [archive.resolve_unit(u) for u in business_units]
    written: list[Path] = []
    for unit_id in units:
        if private:
            frame = archive.private_reviews(unit_id)
        else:
            frame = archive.reviews(unit_id, include_reported=True)
        if frame.empty:
            continue
        frame = frame.copy()
        frame["business_unit_id"] = unit_id
        frame["month"] = frame["created_at"].dt.strftime("%Y-%m").astype("string")
        # the pandas metadata is kept: pandas.read_parquet(dir) restores Int8/boolean/string
        table = pa.Table.from_pandas(frame, preserve_index=False)
        unit_dir = root / f"business_unit_id={unit_id}"
        if unit_dir.exists():  # a month emptied by deletions must not linger
            shutil.rmtree(unit_dir)
        pq.write_to_dataset(
            table,
            root_path=str(root),
            partition_cols=["business_unit_id", "month"],
            basename_template=f"{unit_id}-{{i}}.parquet",
        )
        written.extend(unit_dir.rglob("*.parquet"))
    return sorted(set(written))
