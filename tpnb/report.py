"""``tpnb report``: run the reporting notebook headless and export it as HTML without code.

::

    tpnb report --business-unit example.com --period 2026-10 --output report.html

Order of operations: validate the arguments (before anything starts), execute
``notebooks/05-report.ipynb`` with papermill (its ``parameters`` cell receives
``business_unit``, ``period`` and ``archive``), then export the executed notebook with nbconvert's
HTML exporter with every code cell's input and prompt removed (what
``jupyter nbconvert --no-input`` does) and the cells tagged ``remove-cell`` (the notebook's own
explanations) dropped. The executed notebook can be kept with ``--keep-notebook``.

The pure helpers :func:`parse_period` and :func:`last_full_period` are used by the notebook too,
so the command and the notebook read a period the same way.
"""

from __future__ import annotations

import re
import site
import sysconfig
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported when used: `tpnb --help` builds every subcommand's parser
    import pandas as pd

__all__ = [
    "REPORT_NOTEBOOK",
    "build_report",
    "export_html",
    "find_notebooks",
    "find_report_notebook",
    "installed_notebooks",
    "last_full_period",
    "parse_period",
    "period_label",
]

REPORT_NOTEBOOK = "05-report.ipynb"
#: cells with this tag are explanations for notebook readers, left out of the exported report
REMOVE_TAG = "remove-cell"


_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?Q([1-4])")
_YEAR = re.compile(r"\d{4}")


def parse_period(text: str) -> pd.Period:
    """Read a report period: ``"2026-10"`` (a month), ``"2026-Q3"`` (a quarter) or ``"2026"``.

    Raises:
        ValueError: any other form, saying which forms are allowed.
    """
    import pandas as pd

    if not isinstance(text, str):
        raise ValueError(f"period must be a string like '2026-10', got {text!r}")
    value = text.strip().upper()
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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


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
        output: the HTML file to write.
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
        ValueError: a bad period, business unit or output path (before anything runs).
        papermill.PapermillExecutionError: a cell of the notebook failed.
    """
    if period:
        parse_period(period)
    if not isinstance(business_unit, str) or (business_unit and not business_unit.strip()):
        raise ValueError(f"business_unit must be a domain or id, got {business_unit!r}")
    out = Path(output)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"output must be an .html file, got {str(out)!r}")
    source = find_report_notebook(notebook)

    import nbformat
    import papermill

    parameters: Mapping[str, str] = {
        "business_unit": business_unit.strip(),
        "period": period.strip(),
        "archive": "" if archive is None else str(Path(archive).resolve()),
    }
    with tempfile.TemporaryDirectory(prefix="tpnb-report-") as tmp:
        executed = Path(keep_notebook) if keep_notebook else Path(tmp) / "report.ipynb"
        executed.parent.mkdir(parents=True, exist_ok=True)
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=dict(parameters),
            kernel_name=kernel_name,
            cwd=str(source.parent),
            progress_bar=progress,
            log_output=False,
        )
        node = nbformat.read(executed, as_version=4)  # type: ignore[no-untyped-call]
    title = " ".join(["Trustpilot reviews report", business_unit.strip(), period.strip()])
    return export_html(node, out, title=title.strip())


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
