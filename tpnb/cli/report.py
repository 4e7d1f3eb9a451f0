"""``tpnb report``: the command line of :func:`tpnb.report.build_report`."""

from __future__ import annotations

import argparse
import sys

from tpnb.report import (
    CLI_NAMES,
    NO_REVIEWS_MARKER,
    REPORT_NOTEBOOK,
    check_arguments,
    check_business_unit,
    execute_report,
)

CLI_EXAMPLES = """examples:
  tpnb report --business-unit example.com --period 2026-10 --output report.html
  tpnb report --business-unit example.com --period 2026-Q3 -o q3.html
  tpnb report --business-unit example.com --archive ~/trustpilot/reviews.sqlite -o report.html

every month at 06:30 on the 2nd (one crontab line; cron needs % escaped as \\%):
  30 6 2 * * . $HOME/.trustpilot.env && $HOME/tpnb/.venv/bin/tpnb report --business-unit example.com --archive $HOME/trustpilot/reviews.sqlite --output $HOME/reports/trustpilot-$(date -d 'last month' +\\%Y-\\%m).html
"""


def run(args: argparse.Namespace) -> int:
    """``tpnb report`` entry point.

    Every argument is checked before the kernel starts (the business unit with one API call);
    a bad one exits 2 with one line naming the option.
    """
    from tpnb.errors import TpnbError

    try:
        arguments = check_arguments(
            args.output,
            business_unit=args.business_unit,
            period=args.period,
            archive=args.archive,
            notebook=args.notebook,
            keep_notebook=args.keep_notebook,
            kernel_name=args.kernel,
            names=CLI_NAMES,
        )
        demo = check_business_unit(arguments.business_unit, name=CLI_NAMES["business_unit"])
    except (ValueError, FileNotFoundError) as exc:
        print(f"tpnb report: {exc}", file=sys.stderr)
        return 2
    except TpnbError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"tpnb report: cannot check the business unit: {first_line}", file=sys.stderr)
        return 1
    try:
        path = execute_report(arguments, progress=args.progress)
    except Exception as exc:
        from papermill.exceptions import PapermillExecutionError

        if not isinstance(exc, PapermillExecutionError):
            raise
        where = f"cell {exc.exec_count}" if exc.exec_count else "a cell"
        kept = "" if args.keep_notebook else " (keep it with --keep-notebook FILE to see the cell)"
        print(
            f"tpnb report: the report notebook failed at {where}: {exc.ename}: {exc.evalue}{kept}",
            file=sys.stderr,
        )
        return 1
    if NO_REVIEWS_MARKER in path.read_text(encoding="utf-8"):
        print(
            f"tpnb report: warning: no reviews in the period {arguments.period or '(default)'}; "
            "the report says so and shows no figures",
            file=sys.stderr,
        )
    print(
        f"tpnb report: wrote {path}" + (" (demo data: no Trustpilot credentials)" if demo else "")
    )
    return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``tpnb report``."""
    parser = subparsers.add_parser(
        "report",
        help="run the reporting notebook headless and write an HTML report without code",
        description=(
            f"Run the reporting notebook ({REPORT_NOTEBOOK}) headless with papermill and write "
            "an HTML report without code. With no Trustpilot credentials it reports on the "
            "emulator's demo data, and says so."
        ),
        epilog=CLI_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--business-unit",
        default="",
        help="domain or business-unit id (default: the demo unit when no credentials are set)",
    )
    parser.add_argument(
        "--period", default="", help="YYYY-MM, YYYY-Qn or YYYY (default: the last full month)"
    )
    parser.add_argument(
        "--output",
        "-o",
        default="report.html",
        help="HTML file to write, readable by you only (its folder must exist)",
    )
    parser.add_argument(
        "--archive", help="sync this tpnb archive (SQLite) first and report from it"
    )
    parser.add_argument("--notebook", help=f"reporting notebook (default: {REPORT_NOTEBOOK})")
    parser.add_argument("--keep-notebook", help="also save the executed notebook here")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel (default python3)")
    parser.add_argument("--progress", action="store_true", help="show cell progress")
    parser.set_defaults(func=run)
