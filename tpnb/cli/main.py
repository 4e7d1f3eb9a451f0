"""The ``tpnb`` entry point: one argparse tree, one subcommand per job.

Each subcommand's module exposes ``add_parser(subparsers)``, which sets ``func`` on its parser;
the modules are imported when the tree is built, and none imports pandas, Flask or Jupyter at
module level, so ``tpnb --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tpnb import __version__

# subcommand name -> module providing add_parser(subparsers)
SUBCOMMANDS: dict[str, str] = {
    "demo": "tpnb.cli.demo",
    "emulator": "tpnb.cli.emulator",
    "report": "tpnb.cli.report",
    "sync": "tpnb.cli.sync",
    "webhooks": "tpnb.cli.webhooks",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tpnb",
        description="Trustpilot API toolkit for Jupyter: demo, reports, sync, webhooks, emulator.",
    )
    parser.add_argument("--version", action="version", version=f"tpnb {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMANDS.values():
        importlib.import_module(module).add_parser(sub)
    return parser


def subcommand_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of subcommand ``name`` in the tree ``parser`` built."""
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise KeyError(f"no subcommand {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # argparse reports an option it does not know with the top-level usage, which does not
        # list the subcommand's options; the subcommand's own parser says it with its usage
        subcommand_parser(parser, args.command).error(
            f"unrecognized arguments: {' '.join(unknown)}"
        )
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
