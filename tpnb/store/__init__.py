"""The own copy: a local review archive (one SQLite file), synced incrementally, fed by webhooks.

::

    from tpnb.store import Archive, export_parquet
    from tpnb.store.sync import sync

    archive = Archive("reviews.sqlite")
    report = sync(tp, "northwind-outdoor.example", archive)   # first run: everything
    report = sync(tp, "northwind-outdoor.example", archive)   # later: only what changed
    df = archive.private_reviews("northwind-outdoor.example", stars=[1, 2])
    export_parquet(archive, "reviews-parquet/")

Modules: :mod:`~tpnb.store.archive` (the file, reads and writes), :mod:`~tpnb.store.schema`
(tables, JSON -> rows), :mod:`~tpnb.store.queries` (the client's filters as SQL),
:mod:`~tpnb.store.events` and :mod:`~tpnb.store.intake` (webhook events),
:mod:`~tpnb.store.export` (Parquet), :mod:`~tpnb.store.remote` (the API's windows and counts),
:mod:`~tpnb.store.sync` (:func:`~tpnb.store.sync.sync` and its report),
:mod:`~tpnb.store.public` (a sync with an API key only), :mod:`~tpnb.store.reviewstore` (the
review store behind ``Client.reviews()``: cheap re-runs),
:mod:`~tpnb.store.webhooks` (the webhook receiver). May import endpoints, paging, frames, params,
config and errors; never the client.
"""

from __future__ import annotations

from tpnb.store.archive import (
    Archive,
    ArchiveBusyError,
    ArchiveError,
    SyncState,
    UnknownUnitError,
)
from tpnb.store.events import EventError, parse_events
from tpnb.store.export import ExportError, export_parquet
from tpnb.store.intake import EventOutcome, apply_events

__all__ = [
    "Archive",
    "ArchiveBusyError",
    "ArchiveError",
    "EventError",
    "EventOutcome",
    "ExportError",
    "SyncState",
    "UnknownUnitError",
    "apply_events",
    "export_parquet",
    "parse_events",
]
