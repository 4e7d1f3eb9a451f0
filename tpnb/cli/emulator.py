"""``tpnb emulator``: run the Trustpilot API emulator in the foreground.

::

    tpnb emulator [--host 127.0.0.1] [--port 8765] [--seed N] [--scale X]
                  [--token-lifetime S] [--rate-limit N/S ...] [--log-requests]

It prints the URLs and the demo credentials, then serves until Ctrl+C.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any


def _rate_limit(text: str) -> tuple[int, float]:
    count, sep, window = text.partition("/")
    try:
        if not sep:
            raise ValueError(text)
        return int(count), float(window)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"rate limit {text!r} must be CALLS/SECONDS, e.g. 833/300"
        ) from None


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be > 0")
    return value


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``emulator`` subcommand to the ``tpnb`` parser."""
    from tpnb.emulator.options import DEFAULT_SEED

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "emulator",
        help="run the local Trustpilot API emulator (demo data, no account needed)",
        description="Run the local Trustpilot API emulator in the foreground.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="TCP port; 0 = any free (default: 8765)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="data-set seed")
    parser.add_argument(
        "--scale", type=_positive, default=1.0, help="review-count multiplier (default: 1.0)"
    )
    parser.add_argument(
        "--token-lifetime", type=_positive, default=360_000.0, metavar="S",
        help="access-token lifetime in seconds (default: 360000 = 100 h)",
    )  # fmt: skip
    parser.add_argument(
        "--rate-limit", type=_rate_limit, action="append", metavar="N/S",
        help="per-api-key limit, repeatable (default: 833/300 and 10000/3600)",
    )  # fmt: skip
    parser.add_argument("--log-requests", action="store_true", help="print a redacted access log")
    parser.add_argument(
        "--missing-key-401", action="store_true",
        help="answer a missing apikey with the gateway's 401 JSON fault (default: the CDN's 403 "
        "HTML page, as the real edge sends it)",
    )  # fmt: skip
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Start the emulator, print how to use it, serve until interrupted."""
    from tpnb.emulator.options import DEFAULT_RATE_LIMITS
    from tpnb.emulator.server import serve

    started = time.perf_counter()
    server = serve(
        seed=args.seed,
        scale=args.scale,
        host=args.host,
        port=args.port,
        token_lifetime=args.token_lifetime,
        rate_limits=args.rate_limit or DEFAULT_RATE_LIMITS,
        log_requests=args.log_requests,
        cloudfront_mode=not args.missing_key_401,
        start=False,
    )
    server.start()
    elapsed = time.perf_counter() - started
    creds = server.credentials
    print(f"tpnb emulator running at {server.url} (started in {elapsed:.2f} s; Ctrl+C to stop)")
    print(f"  API base        {server.api_url}   (stands for https://api.trustpilot.com/v1)")
    print(f"  Invitations     {server.invitations_url}")
    print(f"  Token endpoint  {server.token_url}")
    print(f"  Authorize page  {server.authorize_url}")
    print(f"  Admin           {server.url}/_emulator/health")
    print("Demo credentials (fake, for this emulator only):")
    print(f"  api key     {creds['api_key']}")
    print(f"  api secret  {creds['api_secret']}")
    print(f"  username    {creds['username']}")
    print(f"  password    {creds['password']}")
    print("To point tpnb (or any client reading these variables) at this emulator:")
    exports = {
        "TRUSTPILOT_API_KEY": creds["api_key"],
        "TRUSTPILOT_API_SECRET": creds["api_secret"],
        "TRUSTPILOT_USERNAME": creds["username"],
        "TRUSTPILOT_PASSWORD": creds["password"],
        "TPNB_BASE_URL": server.api_url,
        "TPNB_INVITATIONS_URL": server.invitations_url,
        "TPNB_AUTHORIZE_URL": server.authorize_url,
    }
    for name, value in exports.items():
        print(f"  export {name}={value}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped")
    return 0
