"""The ``tpnb`` command line: one argparse tree (demo, report, sync, webhooks, emulator, --version).

:mod:`tpnb.cli.main` builds the tree; each subcommand's module holds its parser and its ``run``.
May import everything below it (client, store, report, emulator); nothing imports it.
"""
