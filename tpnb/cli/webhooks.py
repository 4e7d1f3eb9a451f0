"""``tpnb webhooks``: run the webhook receiver (:mod:`tpnb.store.webhooks`) in the foreground."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from tpnb.store.webhooks import DEFAULT_MAX_BODY, WebhookReceiver, make_server


def add_parser(subparsers: Any) -> None:
    """Register ``tpnb webhooks`` on the CLI's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "webhooks",
        help="receive Trustpilot webhook events into a local archive",
        description="Run the webhook receiver in the foreground (Ctrl-C stops it).",
    )
    parser.add_argument("--archive", required=True, help="archive file (created if missing)")
    parser.add_argument("--port", type=int, required=True, help="port to listen on")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--username", required=True, help="Basic user of the subscription URL")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-file",
        help="file whose first line is the Basic password of the subscription URL "
        "(default: ask for it; a password on the command line would show in `ps`)",
    )
    secret.add_argument("--password", help=argparse.SUPPRESS)  # kept for scripts; visible in ps
    parser.add_argument("--business-unit", default=None, help="24-hex id the subscription is for")
    parser.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, help="bytes")
    parser.set_defaults(func=_run)


def _password(args: argparse.Namespace) -> str:
    """The receiver's password: from --password-file, --password, or asked on the terminal."""
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SystemExit(f"tpnb webhooks: cannot read --password-file: {exc}") from None
        return lines[0] if lines else ""
    if args.password is not None:
        return str(args.password)
    import getpass

    return getpass.getpass("Basic password of the subscription URL: ")


def _run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    receiver = WebhookReceiver(
        args.archive,
        username=args.username,
        password=_password(args),
        business_unit=args.business_unit,
        max_body=args.max_body,
    )
    server = make_server(args.host, args.port, receiver)
    print(
        f"tpnb webhooks: receiving on http://{args.host}:{server.port}/ into {args.archive}",
        flush=True,  # shown at once also when the output is a pipe or a log file
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        receiver.close()
    return 0
