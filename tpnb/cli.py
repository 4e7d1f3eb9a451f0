"""The ``tpnb`` command line: one entry point, one subcommand per job.

Each subcommand lives beside the code it drives and exposes ``add_parser(subparsers)``; this
module only wires them together, importing each lazily so ``tpnb --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand name -> module providing add_parser(subparsers) (which sets ``func`` on its parser)
SUBCOMMANDS: dict[str, str] = {
    "demo": "tpnb.demo",
    "emulator": "tpnb.emulator.cli",
    "report": "tpnb.report",
    "webhooks": "tpnb.webhooks",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tpnb",
        description="Trustpilot API toolkit for Jupyter: emulator, demo, reports, webhooks.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMANDS.values():
        importlib.import_module(module).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
