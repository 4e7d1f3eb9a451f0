"""``tpnb sync``: bring a local archive of one business unit's reviews up to date.

::

    tpnb sync --business-unit example.com --archive ~/trustpilot/reviews.sqlite [--full]

The credentials come from the environment (``TRUSTPILOT_API_KEY``, ...; see the README); with
none set it syncs from the embedded emulator's demo data, and says so. Prints the sync report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    """``tpnb sync`` entry point: argument errors exit 2 before any request is sent."""
    from tpnb import connect
    from tpnb.errors import TpnbError

    archive = Path(args.archive).expanduser()
    if archive.is_dir():
        print(f"tpnb sync: --archive {archive} is a folder; name the archive file", file=sys.stderr)
        return 2
    if not archive.parent.is_dir():
        print(f"tpnb sync: --archive: folder {archive.parent} does not exist", file=sys.stderr)
        return 2
    try:
        with connect() as tp:
            report = tp.sync(
                args.business_unit, str(archive), full=args.full, progress=args.progress
            )
    except TpnbError as exc:
        print(f"tpnb sync: {exc}", file=sys.stderr)
        return 1
    print(f"tpnb sync: {report}")
    return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``tpnb sync``."""
    parser = subparsers.add_parser(
        "sync",
        help="bring a local archive (SQLite) of one business unit's reviews up to date",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--business-unit", required=True, help="domain or 24-hex business-unit id")
    parser.add_argument("--archive", required=True, help="archive file (created if missing)")
    parser.add_argument("--full", action="store_true", help="re-walk the whole history")
    parser.add_argument("--progress", action="store_true", help="show a progress bar")
    parser.set_defaults(func=run)
