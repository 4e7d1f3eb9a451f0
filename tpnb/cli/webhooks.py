"""``tpnb webhooks``: run the webhook receiver (:mod:`tpnb.store.webhooks`) in the foreground.

::

    tpnb webhooks --archive reviews.sqlite --port 8787 --username hook --password-file secret.txt

Order of operations: every argument is checked (a bad one is a one-line error, exit 2), the
password is read (from ``--password-file``, else asked on the terminal; with neither it is an
error), the port is bound (a port in use is an error), and only then is the archive opened or
created; then it serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from tpnb.store.webhooks import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_BODY

PROG = "tpnb webhooks"


class UsageError(Exception):
    """A bad argument: printed as one line, exit status 2."""


def add_parser(subparsers: Any) -> None:
    """Register ``tpnb webhooks`` on the CLI's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "webhooks",
        help="receive Trustpilot webhook events into a local archive",
        description="Run the webhook receiver in the foreground (Ctrl-C stops it).",
    )
    parser.add_argument("--archive", required=True, help="archive file (created if missing)")
    parser.add_argument("--port", required=True, help="port to listen on, 1..65535 (0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--username", required=True, help="Basic user of the subscription URL")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-file",
        help="file whose first line is the Basic password of the subscription URL "
        "(default: ask for it on the terminal; a password on the command line would show in `ps`)",
    )
    secret.add_argument("--password", help=argparse.SUPPRESS)  # kept for scripts; visible in ps
    parser.add_argument("--business-unit", default=None, help="24-hex id the subscription is for")
    parser.add_argument(
        "--max-body", default=str(DEFAULT_MAX_BODY), help=f"bytes (default {DEFAULT_MAX_BODY})"
    )
    parser.add_argument(
        "--idle-timeout",
        default=str(DEFAULT_IDLE_TIMEOUT),
        help=f"seconds before a silent connection is closed (default {DEFAULT_IDLE_TIMEOUT})",
    )
    parser.add_argument(
        "--max-connections",
        default=None,
        help="connections served at once (default 500, below the open-file limit)",
    )
    parser.set_defaults(func=_run)


def _whole(value: str | None, option: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{option} must be a whole number, got {value!r}") from None


def _archive(value: str) -> Path:
    path = Path(value).expanduser()
    if path.is_dir():
        raise UsageError(f"--archive {value} is a folder; name the archive file")
    if not path.parent.is_dir():
        raise UsageError(f"--archive: folder {path.parent} does not exist")
    return path


def _password(args: argparse.Namespace) -> str:
    """The receiver's password: from --password-file, --password, or asked on the terminal."""
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise UsageError(
                f"--password-file {args.password_file}: cannot read it ({reason})"
            ) from None
        if not lines or not lines[0]:
            raise UsageError(f"--password-file {args.password_file}: its first line is empty")
        return lines[0]
    if args.password is not None:
        if not args.password:
            raise UsageError("--password must not be empty")
        return str(args.password)
    if not sys.stdin.isatty():
        raise UsageError(
            "no --password-file given and no terminal to ask for the password on: "
            "pass --password-file FILE"
        )
    import getpass

    try:
        password = getpass.getpass("Basic password of the subscription URL: ")
    except EOFError:
        raise UsageError("no password given (end of input)") from None
    if not password:
        raise UsageError("the password must not be empty")
    return password


def _check(args: argparse.Namespace) -> dict[str, Any]:
    """Every argument, checked without side effects (``UsageError`` naming the option)."""
    from tpnb.errors import ConfigError
    from tpnb.store import webhooks

    archive = _archive(args.archive)
    port = _whole(args.port, "--port")
    max_body = _whole(args.max_body, "--max-body")
    idle_timeout = _whole(args.idle_timeout, "--idle-timeout")
    max_connections = _whole(args.max_connections, "--max-connections")
    try:  # the library's checks, whose messages name the setting (``max_body must be ...``)
        unit = webhooks.check_receiver(args.username, args.business_unit, max_body)
        limit = webhooks.check_server(args.host, port, idle_timeout, max_connections)
    except ConfigError as exc:
        raise UsageError(_option_message(exc)) from None
    return {
        "archive": archive,
        "port": port,
        "business_unit": unit,
        "max_body": max_body,
        "idle_timeout": idle_timeout,
        "max_connections": limit,
    }


def _option_message(exc: Exception) -> str:
    """A settings error in the words of the command line (``max_body`` -> ``--max-body``)."""
    name, _, rest = str(exc).partition(" ")
    return f"--{name.replace('_', '-')} {rest}" if rest else str(exc)


def _run(args: argparse.Namespace) -> int:
    try:
        return _serve(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace) -> int:
    from tpnb.errors import TpnbError
    from tpnb.store.webhooks import HttpServer, WebhookReceiver, bind

    checked = _check(args)
    password = _password(args)
    try:
        sock = bind(args.host, checked["port"])
    except OSError as exc:
        raise UsageError(f"--host/--port: {exc}") from None
    try:
        receiver = WebhookReceiver(
            checked["archive"],
            username=args.username,
            password=password,
            business_unit=checked["business_unit"],
            max_body=checked["max_body"],
        )
    except TpnbError as exc:
        sock.close()
        raise UsageError(f"--archive: {exc}") from None
    try:
        server = HttpServer(
            receiver,
            sock,
            max_body=checked["max_body"],
            idle_timeout=checked["idle_timeout"],
            max_connections=checked["max_connections"],
        )
    except BaseException:
        sock.close()
        receiver.close()
        raise
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"{PROG}: receiving on http://{host}:{server.port}/ into {checked['archive']}",
        flush=True,  # shown at once also when the output is a pipe or a log file
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        receiver.close()
    return 0
