"""``tpnb report``: run the reporting notebook headless and export it as HTML without code.

::

    tpnb report --business-unit example.com --period 2026-10 --output report.html

Order of operations: check every argument before the kernel starts (:func:`check_arguments`:
the period, the output and notebook paths, the archive file, the kernel; then
:func:`check_business_unit`: one API call, through the embedded emulator in demo mode), execute
``notebooks/05-report.ipynb`` with papermill (its ``parameters`` cell receives
``business_unit``, ``period`` and ``archive``), then export the executed notebook with nbconvert's
HTML exporter with every code cell's input and prompt removed (what
``jupyter nbconvert --no-input`` does) and the cells tagged ``remove-cell`` (the notebook's own
explanations) dropped. The executed notebook can be kept with ``--keep-notebook``.

The pure helpers :func:`parse_period` and :func:`last_full_period` are used by the notebook too,
so the command and the notebook read a period the same way. Every value the notebook shows from
the API is escaped (a unit's name is text, never markup). The report and a kept notebook are
written readable by their owner only (``0600``): they quote consumers' reviews.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import site
import sysconfig
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpnb.files import write_private

if TYPE_CHECKING:  # pandas is imported when used: `tpnb --help` builds every subcommand's parser
    import pandas as pd

__all__ = [
    "CLI_NAMES",
    "NO_REVIEWS_MARKER",
    "REPORT_NOTEBOOK",
    "ReportArguments",
    "build_report",
    "check_arguments",
    "check_business_unit",
    "execute_report",
    "export_html",
    "find_notebooks",
    "find_report_notebook",
    "installed_notebooks",
    "last_full_period",
    "parse_period",
    "period_label",
    "talked_about_html",
]

REPORT_NOTEBOOK = "05-report.ipynb"
#: cells with this tag are explanations for notebook readers, left out of the exported report
REMOVE_TAG = "remove-cell"
#: the CSS class of the notebook's "No reviews in this period" paragraph (the command warns)
NO_REVIEWS_MARKER = 'class="tpnb-no-reviews"'


_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?Q([1-4])")
_YEAR = re.compile(r"\d{4}")
#: the years a report period may fall in (pandas timestamps end in 2262)
FIRST_YEAR, LAST_YEAR = 1970, 2261


def parse_period(text: str) -> pd.Period:
    """Read a report period: ``"2026-10"`` (a month), ``"2026-Q3"`` (a quarter) or ``"2026"``.

    Raises:
        ValueError: any other form, saying which forms are allowed.
    """
    import pandas as pd

    if not isinstance(text, str):
        raise ValueError(f"period must be a string like '2026-10', got {text!r}")
    value = text.strip().upper()
    year_text = value[:4]
    if year_text.isdigit() and not FIRST_YEAR <= int(year_text) <= LAST_YEAR:
        raise ValueError(
            f"period {text!r} is out of range: the year must be from {FIRST_YEAR} to {LAST_YEAR}"
        )
    if match := _MONTH.fullmatch(value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return pd.Period(year=year, month=month, freq="M")
    elif match := _QUARTER.fullmatch(value):
        return pd.Period(year=int(match[1]), quarter=int(match[2]), freq="Q")
    elif _YEAR.fullmatch(value):
        return pd.Period(year=int(value), freq="Y")
    raise ValueError(
        f"unknown period {text!r}: use YYYY-MM for a month (2026-10), YYYY-Qn for a quarter "
        "(2026-Q3) or YYYY for a year (2026)"
    )


def last_full_period(newest: pd.Timestamp | str, freq: str = "M") -> pd.Period:
    """The last whole month (or quarter ``"Q"``, year ``"Y"``) before the one ``newest`` falls in.

    The report's default period: the last full month before the newest review, which is last month
    for a business unit with recent reviews.
    """
    import pandas as pd

    stamp = pd.Timestamp(newest)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return pd.Period(stamp, freq=freq) - 1


def period_label(period: pd.Period) -> str:
    """A period for people: ``October 2026``, ``Q3 2026``, ``2026``."""
    code = period.freqstr[0]
    if code == "M":
        return period.strftime("%B %Y")
    if code == "Q":
        return f"Q{period.quarter} {period.year}"
    return str(period.year)


#: phrases listed per table of "What reviewers talked about"
TALKED_ABOUT_PHRASES = 8


def _main_language(frame: pd.DataFrame) -> str | None:
    languages = frame["language"].astype("string").dropna()
    return str(languages.value_counts().index[0]) if len(languages) else None


def _phrase_table(rows: pd.DataFrame, columns: dict[str, Any]) -> str:
    """An HTML table of phrase rows: every cell escaped (a phrase is review text)."""
    import html

    head = "".join(f"<th>{html.escape(label)}</th>" for label in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(cell(row)))}</td>" for cell in columns.values())
        + "</tr>"
        for _, row in rows.iterrows()
    )
    return (
        f'<table class="tpnb-phrases"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def talked_about_html(
    in_period: pd.DataFrame, in_before: pd.DataFrame, *, n: int = TALKED_ABOUT_PHRASES
) -> str:
    """The report's "What reviewers talked about": phrases that rose against the previous period,
    and phrases of the period's low ratings (:mod:`tpnb.text`), as escaped HTML.

    Both lists are of the period's main language (the language most of its reviews are in).
    "Rose" is this period's reviews against the previous period's
    (``key_phrases(by=period)``'s smoothed log odds, ``|z| >= 2``); "low ratings" are the
    phrases leaning most to the period's 1-2 star reviews against its 4-5 star ones.

    Args:
        in_period: the period's reviews (a review frame).
        in_before: the previous period's reviews.
        n: at most this many phrases per list.

    Returns:
        HTML: two headed tables, or a sentence saying why a list is empty. Every phrase and
        language code is escaped.
    """
    import html

    import pandas as pd

    from tpnb import text

    language = _main_language(in_period)
    if language is None:
        return "<p>No reviews in this period.</p>"
    parts = [
        f"<p>Phrases of the period's reviews in <code>{html.escape(language)}</code> "
        "(its main language).</p>"
    ]
    parts.append("<h3>Phrases that rose</h3>")
    before = in_before[(in_before["language"].astype("string") == language).fillna(False)]
    if before.empty:
        parts.append("<p>No reviews in this language in the previous period to compare with.</p>")
    else:
        # the two periods as two consecutive quarters: key_phrases compares each with the one before
        earlier, later = pd.Timestamp("2000-01-01", tz="UTC"), pd.Timestamp("2000-04-01", tz="UTC")
        both = pd.concat(
            [before.assign(created_at=earlier), in_period.assign(created_at=later)],
            ignore_index=True,
        )
        rises = text.key_phrases(both, by="quarter", languages=language)
        rose = text.top_phrases(rises, side="high", n=n, language=language, period=later)
        if rose.empty:
            parts.append("<p>None stand out: no phrase is clearly more common than before.</p>")
        else:
            parts.append(
                _phrase_table(
                    rose,
                    {
                        "Phrase": lambda r: r["phrase"],
                        "Reviews now": lambda r: f"{int(r['count']):,}",
                        "Share now": lambda r: f"{r['share']:.0%}",
                        "Share before": lambda r: f"{r['before_share']:.0%}",
                    },
                )
            )
    parts.append("<h3>Phrases of the low ratings</h3>")
    phrases = text.key_phrases(in_period, languages=language)
    low = text.top_phrases(phrases, side="low", n=n, language=language)
    if low.empty:
        parts.append("<p>None stand out: no phrase is clearly more common in 1-2 star reviews.</p>")
    else:
        parts.append(
            _phrase_table(
                low,
                {
                    "Phrase": lambda r: r["phrase"],
                    "1-2 star reviews": lambda r: f"{int(r['low_count']):,}",
                    "Share of 1-2 stars": lambda r: f"{r['low_share']:.0%}",
                    "Share of 4-5 stars": lambda r: f"{r['high_share']:.0%}",
                },
            )
        )
    return "\n".join(parts)


def find_report_notebook(explicit: str | Path | None = None) -> Path:
    """The reporting notebook: ``explicit``, else ``05-report.ipynb`` in tpnb's notebooks folder.

    Raises:
        FileNotFoundError: when it does not exist, saying where it looked.
    """
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise FileNotFoundError(f"report notebook {path} does not exist")
        return path
    try:
        folder = find_notebooks()
    except SystemExit as exc:
        raise FileNotFoundError(f"{REPORT_NOTEBOOK} not found: {exc}; pass --notebook") from None
    return folder / REPORT_NOTEBOOK


def export_html(notebook: Any, output: str | Path, *, title: str | None = None) -> Path:
    """Write an executed notebook as HTML without code (inputs and prompts removed).

    Args:
        notebook: an executed ``nbformat`` notebook node.
        output: the HTML file to write.
        title: the HTML page title (default: the notebook's).

    Returns:
        The path written.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {REMOVE_TAG}
    # HTMLExporter's default preprocessors include TagRemovePreprocessor: the config enables it
    exporter = HTMLExporter(config=config)  # type: ignore[no-untyped-call]
    resources: dict[str, Any] = {"metadata": {"name": title or "Trustpilot report"}}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    path = Path(output)
    write_private(path, body.encode("utf-8"))
    return path


#: How the command line names :func:`check_arguments`'s arguments in its messages.
CLI_NAMES: Mapping[str, str] = {
    "output": "--output",
    "business_unit": "--business-unit",
    "period": "--period",
    "archive": "--archive",
    "notebook": "--notebook",
    "keep_notebook": "--keep-notebook",
    "kernel_name": "--kernel",
}


@dataclass(frozen=True)
class ReportArguments:
    """The checked arguments of one report run (see :func:`check_arguments`)."""

    output: Path
    business_unit: str
    period: str
    archive: Path | None
    notebook: Path
    keep_notebook: Path | None
    kernel_name: str


def check_arguments(
    output: str | Path,
    *,
    business_unit: str = "",
    period: str = "",
    archive: str | Path | None = None,
    notebook: str | Path | None = None,
    keep_notebook: str | Path | None = None,
    kernel_name: str = "python3",
    names: Mapping[str, str] | None = None,
) -> ReportArguments:
    """Check every argument of a report run without starting anything (no kernel, no request).

    Args:
        names: how messages name each argument (default: the Python keyword; the command line
            passes :data:`CLI_NAMES`).

    Raises:
        ValueError: the first bad argument, named, with what is allowed (one line).
        FileNotFoundError: the reporting notebook does not exist.
    """
    from tpnb import params

    def name(key: str) -> str:
        return (names or {}).get(key, key)

    if not isinstance(period, str):
        raise ValueError(f"{name('period')} must be a string like '2026-10', got {period!r}")
    if period.strip():
        try:
            parse_period(period)
        except ValueError as exc:
            raise ValueError(f"{name('period')}: {exc}") from None
    if not isinstance(business_unit, str):
        raise ValueError(f"{name('business_unit')} must be a domain or id, got {business_unit!r}")
    if business_unit and not business_unit.strip():
        raise ValueError(f"{name('business_unit')} must be a domain or id, got {business_unit!r}")
    if business_unit.strip():
        try:
            params.business_unit(business_unit)
        except ValueError:
            raise ValueError(
                f"{name('business_unit')} must be a domain such as example.com or a 24-hex "
                f"business unit id, got {business_unit!r}"
            ) from None
    out = _file_to_write(output, name("output"), (".html", ".htm"))
    kept = None
    if keep_notebook:
        kept = _file_to_write(keep_notebook, name("keep_notebook"), (".ipynb",))
    source = find_report_notebook(notebook)
    archive_path = None
    if archive:
        archive_path = Path(archive).expanduser()
        _check_archive(archive_path, name("archive"))
    _check_kernel(kernel_name, name("kernel_name"))
    return ReportArguments(
        out, business_unit.strip(), period.strip(), archive_path, source, kept, kernel_name
    )


def _file_to_write(path: str | Path, label: str, suffixes: tuple[str, ...]) -> Path:
    """A file path the run will write: the right suffix, in an existing, writable folder."""
    out = Path(path).expanduser()
    if out.suffix.lower() not in suffixes:
        raise ValueError(f"{label} must be a {' or '.join(suffixes)} file, got {str(out)!r}")
    folder = out.parent
    blocker = next((p for p in [folder, *folder.parents] if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise ValueError(f"{label} {str(out)!r}: {blocker} is a file, not a folder")
    if not folder.is_dir():
        raise ValueError(f"{label} {str(out)!r}: the folder {folder} does not exist (create it)")
    if out.is_dir():
        raise ValueError(f"{label} {str(out)!r} is a folder; name the file to write")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{label} {str(out)!r}: the folder {folder} is not writable")
    return out


def _check_archive(path: Path, label: str) -> None:
    """An archive the notebook can sync: a tpnb archive, or a new file in a writable folder."""
    from tpnb.store import Archive, ArchiveError

    if path.is_dir():
        raise ValueError(f"{label} {str(path)!r} is a folder; name the archive file")
    if not path.parent.is_dir():
        raise ValueError(f"{label} {str(path)!r}: the folder {path.parent} does not exist")
    if not path.exists():
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise ValueError(f"{label} {str(path)!r}: the folder {path.parent} is not writable")
        return  # the notebook's sync creates it
    try:
        with Archive(path, read_only=True):
            pass
    except ArchiveError as exc:
        raise ValueError(f"{label}: {exc}") from None
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        raise ValueError(f"{label} {str(path)!r} cannot be written, and the report syncs it first")


def _check_kernel(kernel_name: str, label: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    if not isinstance(kernel_name, str) or not kernel_name.strip():
        raise ValueError(f"{label} must name a Jupyter kernel, got {kernel_name!r}")
    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        known = sorted(KernelSpecManager().find_kernel_specs())
        raise ValueError(
            f"{label}: no Jupyter kernel named {kernel_name!r} (installed: {', '.join(known)})"
        ) from None


def check_business_unit(business_unit: str, *, name: str = "business_unit") -> bool:
    """Look the unit up with one API call (the embedded emulator in demo mode).

    Returns:
        Whether tpnb runs in demo mode (no credentials).

    Raises:
        ValueError: the API does not know the unit, or no unit was given with credentials set.
        tpnb.errors.TpnbError: the API could not be asked (credentials refused, unreachable).
    """
    import tpnb
    from tpnb.errors import NotFoundError

    with contextlib.redirect_stderr(io.StringIO()), tpnb.connect() as client:
        demo = bool(client.demo)
        if not business_unit:
            if not demo:
                raise ValueError(
                    f"{name} is required when Trustpilot credentials are set (a domain or a "
                    "business unit id)"
                )
            return demo  # the notebook reports on its demo unit
        try:
            client.business_unit(business_unit)
        except NotFoundError:
            where = "the demo data" if demo else "the Trustpilot API"
            raise ValueError(
                f"{name}: {where} has no business unit {business_unit!r} (check the spelling)"
            ) from None
    return demo


def build_report(
    output: str | Path,
    *,
    business_unit: str = "",
    period: str = "",
    archive: str | Path | None = None,
    notebook: str | Path | None = None,
    keep_notebook: str | Path | None = None,
    kernel_name: str = "python3",
    progress: bool = False,
) -> Path:
    """Execute the reporting notebook with these parameters and export it as clean HTML.

    Args:
        output: the HTML file to write (its folder must exist).
        business_unit: a domain or business-unit id ("" = the notebook's default: the demo unit
            in demo mode).
        period: ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` ("" = the last full month).
        archive: a tpnb archive file to sync and report from (Customer API credentials needed).
        notebook: the reporting notebook (default: tpnb's ``05-report.ipynb``).
        keep_notebook: also save the executed notebook here.
        kernel_name: the Jupyter kernel to run it in.
        progress: show papermill's cell progress bar.

    Returns:
        The HTML file written.

    Raises:
        ValueError: a bad period, business unit, archive or output path (before anything runs).
        papermill.PapermillExecutionError: a cell of the notebook failed.
    """
    arguments = check_arguments(
        output,
        business_unit=business_unit,
        period=period,
        archive=archive,
        notebook=notebook,
        keep_notebook=keep_notebook,
        kernel_name=kernel_name,
    )
    check_business_unit(arguments.business_unit)
    return execute_report(arguments, progress=progress)


def execute_report(arguments: ReportArguments, *, progress: bool = False) -> Path:
    """Run the notebook with checked arguments and write the HTML (and the kept notebook).

    Raises:
        papermill.PapermillExecutionError: a cell of the notebook failed.
    """
    import nbformat
    import papermill

    parameters: Mapping[str, str] = {
        "business_unit": arguments.business_unit,
        "period": arguments.period,
        "archive": "" if arguments.archive is None else str(arguments.archive.resolve()),
    }
    with (
        tempfile.TemporaryDirectory(prefix="tpnb-report-") as tmp,
        _quiet_demo_notice(),  # the report's "Demo data" badge is the notice
    ):
        executed = Path(tmp) / "report.ipynb"
        try:
            papermill.execute_notebook(
                str(arguments.notebook),
                str(executed),
                parameters=dict(parameters),
                kernel_name=arguments.kernel_name,
                cwd=str(arguments.notebook.parent),
                progress_bar=progress,
                log_output=False,
            )
        finally:  # kept also when a cell failed: that is when it is needed
            if arguments.keep_notebook is not None and executed.exists():
                write_private(arguments.keep_notebook, executed.read_bytes())
        node = nbformat.read(executed, as_version=4)  # type: ignore[no-untyped-call]
    title = " ".join(["Trustpilot reviews report", arguments.business_unit, arguments.period])
    return export_html(node, arguments.output, title=title.strip())


@contextlib.contextmanager
def _quiet_demo_notice() -> Iterator[None]:
    """Set :data:`tpnb.client.QUIET_NOTICE_VARIABLE` while the report's kernel starts and runs.

    The kernel inherits this process's environment, so its ``tpnb.connect()`` does not print the
    demo notice into the report (the report shows its own "Demo data" badge). The previous value
    is restored afterwards.
    """
    from tpnb.client import QUIET_NOTICE_VARIABLE

    previous = os.environ.get(QUIET_NOTICE_VARIABLE)
    os.environ[QUIET_NOTICE_VARIABLE] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(QUIET_NOTICE_VARIABLE, None)
        else:
            os.environ[QUIET_NOTICE_VARIABLE] = previous


def installed_notebooks() -> list[Path]:
    """Where an installed tpnb keeps its notebooks: ``<prefix>/share/tpnb/notebooks`` (the
    wheel's data files; see ``pyproject.toml``), for the environment and for a ``--user``
    install."""
    prefixes = [Path(sysconfig.get_path("data")), Path(site.getuserbase())]
    return [prefix / "share" / "tpnb" / "notebooks" for prefix in prefixes]


def find_notebooks(explicit: str | None = None) -> Path:
    """Return the folder holding tpnb's notebooks.

    Looks only at ``explicit`` when given; otherwise at ``./notebooks``, then at the
    ``notebooks/`` folder of the source checkout tpnb was installed from (``pip install -e .``),
    then where ``pip install tpnb`` put them (:func:`installed_notebooks`).

    Raises:
        SystemExit: when no such folder exists, saying where it looked.
    """
    if explicit:  # a folder the user named is the only one looked at
        candidates = [Path(explicit)]
    else:
        checkout = Path(__file__).resolve().parents[1] / "notebooks"
        candidates = [Path.cwd() / "notebooks", checkout, *installed_notebooks()]
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.ipynb")):
            return candidate.resolve()
    looked = ", ".join(str(c) for c in candidates)
    raise SystemExit(f"tpnb demo: no notebooks found (looked in {looked}); pass --notebooks DIR")
