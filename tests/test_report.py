"""``tpnb report``: period parsing, argument checks, and a real run exported as HTML without code.

The end-to-end tests run the command as a user would (``python -m tpnb.cli report ...``) in a
subprocess with no credentials, so the notebook's kernel uses its own embedded emulator; the
expected figures are computed here from an emulator built the same way.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import tpnb
from tpnb.frames import review_frame
from tpnb.report import (
    export_html,
    last_full_period,
    parse_period,
    period_label,
    talked_about_html,
)

ROOT = Path(__file__).resolve().parents[1]
REPORT_UNIT = "fjordhus-mobler.example"  # the notebook's demo default
CREDENTIAL_PREFIXES = ("TRUSTPILOT_", "TPNB_")


# ----------------------------------------------------------------------------- pure helpers
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10", pd.Period("2026-10", freq="M")),
        ("2026-1", pd.Period("2026-01", freq="M")),
        (" 2026-03 ", pd.Period("2026-03", freq="M")),
        ("2026-Q3", pd.Period("2026Q3", freq="Q")),
        ("2026q1", pd.Period("2026Q1", freq="Q")),
        ("2025", pd.Period("2025", freq="Y")),
    ],
)
def test_parse_period(text: str, expected: pd.Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-00", "Oct 2026", "2026-Q5", "26-10", "2026/10"]
)
def test_parse_period_rejects_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period(text)


def test_parse_period_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="string"):
        parse_period(202610)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("newest", "freq", "expected"),
    [
        ("2026-11-20T10:00:00Z", "M", "2026-10"),
        ("2026-11-01T00:00:00Z", "M", "2026-10"),
        ("2026-01-05T12:00:00+00:00", "M", "2025-12"),
        ("2026-11-20T10:00:00Z", "Q", "2026Q3"),
        ("2026-11-20", "Y", "2025"),
    ],
)
def test_last_full_period(newest: str, freq: str, expected: str) -> None:
    assert last_full_period(newest, freq) == pd.Period(expected, freq=freq)


def test_period_label() -> None:
    assert period_label(parse_period("2026-10")) == "October 2026"
    assert period_label(parse_period("2026-Q3")) == "Q3 2026"
    assert period_label(parse_period("2026")) == "2026"


def talk_frame(rows: list[tuple[int, str, str, str]]) -> pd.DataFrame:
    """A review frame of (stars, title, text, language) rows."""
    return review_frame(
        [
            {"id": f"{i:024x}", "stars": stars, "title": title, "text": body,
             "language": language, "createdAt": "2026-10-01T12:00:00Z"}
            for i, (stars, title, body, language) in enumerate(rows)
        ]
    )  # fmt: skip


def section_rows(page: str, heading: str) -> list[list[str]]:
    """The cell texts of the table under ``heading`` (unescaped)."""
    part = page.split(f"<h3>{heading}</h3>", 1)[1].split("<h3>", 1)[0]
    return [
        [html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr><td>.*?</tr>", part)
    ]


def test_talked_about_lists_what_rose_and_what_the_low_ratings_say() -> None:
    before = talk_frame([(5, "Lovely", "Lovely staff and quick parcel.", "en")] * 30)
    now = talk_frame(
        [(1, "Broken", "The lamp arrived broken.", "en")] * 12
        + [(5, "Lovely", "Lovely staff and quick parcel.", "en")] * 18
        + [(1, "Kaputt", "Die Lampe kam kaputt an.", "de")] * 3
    )
    page = talked_about_html(now, before)
    assert "<code>en</code>" in page
    rose = section_rows(page, "Phrases that rose")
    assert rose
    assert rose[0][1:] == ["12", f"{12 / 30:.0%}", "0%"]  # 12 of the 30 reviews in English
    assert {"lamp arrived broken", "broken"} & {row[0] for row in rose}
    assert not {"lovely staff", "quick parcel"} & {row[0] for row in rose}  # as common as before
    low = section_rows(page, "Phrases of the low ratings")
    assert low
    assert all(row[1] == "12" and row[2] == "100%" and row[3] == "0%" for row in low)
    assert not any("kaputt" in row[0] for row in low + rose)  # German is not the main language


def test_talked_about_says_why_a_list_is_empty() -> None:
    same = talk_frame([(5, "Lovely", "Lovely staff and quick parcel.", "en")] * 20)
    page = talked_about_html(same, same)
    assert "None stand out: no phrase is clearly more common than before." in page
    assert "None stand out: no phrase is clearly more common in 1-2 star reviews." in page
    assert "No reviews in this language in the previous period" in talked_about_html(
        same, same.iloc[:0]
    )
    assert talked_about_html(same.iloc[:0], same) == "<p>No reviews in this period.</p>"


def test_talked_about_escapes_hostile_review_text() -> None:
    hostile = '<script>alert(1)</script> <img src=x onerror=alert(2)> &amp; "quoted"'
    before = talk_frame([(5, "Fine", "All fine here.", "<b>xx</b>")] * 10)
    now = talk_frame(
        [(1, hostile, hostile + " script alert", "<b>xx</b>")] * 10
        + [(5, "Fine", "All fine here.", "<b>xx</b>")] * 10
    )
    page = talked_about_html(now, before)
    assert "<code>&lt;b&gt;xx&lt;/b&gt;</code>" in page
    for markup in ("<script", "<img", "<b>", "onerror=alert(2)>"):
        assert markup not in page
    low = [row[0] for row in section_rows(page, "Phrases of the low ratings")]
    assert any("script" in phrase or "onerror" in phrase for phrase in low), low  # listed, as text
    assert (
        re.sub(
            r"</?(p|h3|code|table|thead|tbody|tr|th|td)( class=\"tpnb-phrases\")?>", "", page
        ).count("<")
        == 0
    )


def test_export_html_drops_code_and_removed_cells(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Notes for readers", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_markdown_cell("## Key figures"),
        nbformat.v4.new_code_cell(
            "secret_code_marker = 1\nprint('visible output')",
            outputs=[nbformat.v4.new_output("stream", name="stdout", text="visible output\n")],
            execution_count=1,
        ),
    ]
    out = export_html(nb, tmp_path / "out.html", title="My report")
    page = out.read_text(encoding="utf-8")
    assert "visible output" in page
    assert "Key figures" in page
    assert "secret_code_marker" not in page
    assert "Notes for readers" not in page
    assert "<title>My report</title>" in page


# ----------------------------------------------------------------------------- the command
def run_report(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CREDENTIAL_PREFIXES)}
    env["TMPDIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "tpnb.cli", "report", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "October"], "YYYY-MM"),
        (["--period", "2026-10", "--output", "report.pdf"], ".html"),
        (["--business-unit", "  ", "--output", "r.html"], "--business-unit"),
        (["--notebook", "no-such.ipynb"], "does not exist"),
    ],
)
def test_bad_arguments_fail_before_running(tmp_path: Path, args: list[str], message: str) -> None:
    proc = run_report(tmp_path, *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not list(tmp_path.glob("*.html"))


@pytest.fixture(scope="module")
def demo_reviews() -> Iterator[tuple[pd.Series, pd.DataFrame]]:
    """The report unit's row and reviews, from an emulator like the one the notebook starts."""
    with tpnb.connect(demo=True) as tp:
        unit = tp.find_business_unit(REPORT_UNIT).iloc[0]
        yield unit, tp.reviews(REPORT_UNIT, progress=False)


def visible_text(page: str) -> str:
    """The page's text as a reader sees it (tags, styles and scripts removed)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def key_figures(page: str) -> dict[str, list[str]]:
    """The key-figures table of a report page: row label -> cell texts."""
    match = re.search(r"<table[^>]*tpnb-key-figures.*?</table>", page, flags=re.S)
    assert match, "no key-figures table in the report"
    rows = re.findall(r"<tr>\s*<th>(.*?)</th>(.*?)</tr>", match[0], flags=re.S)
    return {html.unescape(label): re.findall(r"<td>(.*?)</td>", cells) for label, cells in rows}


@pytest.mark.slow
def test_report_month(tmp_path: Path, demo_reviews: tuple[pd.Series, pd.DataFrame]) -> None:
    unit, reviews = demo_reviews
    period = parse_period("2026-10")
    start = period.start_time.tz_localize("UTC")
    end = (period + 1).start_time.tz_localize("UTC")
    in_period = reviews[(reviews.created_at >= start) & (reviews.created_at < end)]
    previous = (period - 1).start_time.tz_localize("UTC")
    in_before = reviews[(reviews.created_at >= previous) & (reviews.created_at < start)]
    waiting = in_period[(in_period.stars <= 2) & in_period.reply_text.isna()]

    out = tmp_path / "reports" / "october.html"
    out.parent.mkdir()  # tpnb report writes into an existing folder, never creates one
    kept = tmp_path / "executed.ipynb"
    proc = run_report(
        tmp_path,
        "--business-unit",
        REPORT_UNIT,
        "--period",
        "2026-10",
        "--output",
        str(out),
        "--keep-notebook",
        str(kept),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"wrote {out}" in proc.stdout
    page = out.read_text(encoding="utf-8")
    text = visible_text(page)

    # a clean report: no code, no prompts, no errors, no reader notes, no secrets
    assert "import tpnb" not in page
    assert "tpnb.connect" not in page
    assert "hl-ipython3" not in page  # highlighted code input
    assert not re.search(r'class="jp-InputPrompt[^"]*">\s*In', page)
    assert "Traceback" not in text
    assert "Error" not in text
    assert "papermill" not in text
    assert "Binder" not in text  # the notebook's intro is tagged remove-cell
    assert "demo mode" not in text  # the "Demo data" badge is the notice, not tpnb.connect's line
    assert "no Trustpilot credentials found" not in text
    from tpnb.emulator import DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSWORD

    for secret in (DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSWORD):
        assert secret not in page

    # what it says, checked against the data
    assert f"{unit.display_name}: Trustpilot reviews, October 2026" in text
    assert "Demo data" in text
    assert page.count('src="data:image/png;base64,') >= 4
    figures = key_figures(page)  # row -> (this period, the one before)
    assert int(figures["Reviews"][0].replace(",", "")) == len(in_period)
    assert float(figures["Mean stars"][0]) == pytest.approx(round(float(in_period.stars.mean()), 2))
    assert f"{len(waiting):,} low ratings of the period have no reply yet." in text
    assert "No reviews in this period" not in text
    assert "warning" not in proc.stderr
    assert "What reviewers talked about" in text
    talked = talked_about_html(in_period, in_before)
    assert "<table" in talked  # the demo month has phrases to list
    assert talked in page
    for title in waiting.sort_values("created_at", ascending=False).title.head(3):
        assert html.escape(str(title)) in page or str(title) in text

    # the executed notebook received the parameters
    executed = kept.read_text(encoding="utf-8")
    assert "injected-parameters" in executed
    assert '"2026-10"' in executed


@pytest.mark.slow
def test_report_for_a_period_without_reviews_says_so(tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    proc = run_report(tmp_path, "--period", "2030-01", "--output", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "warning: no reviews in the period 2030-01" in proc.stderr
    page = out.read_text(encoding="utf-8")
    text = visible_text(page)
    assert "No reviews in this period." in text
    assert "<NA>" not in text
    assert "nan" not in text.split()
    assert "every low rating" not in text
    assert "Key figures" not in text
    assert "tpnb-key-figures" not in page
    assert 'src="data:image/png' not in page  # no empty charts


@pytest.mark.slow
def test_report_default_period_is_last_full_month(
    tmp_path: Path, demo_reviews: tuple[pd.Series, pd.DataFrame]
) -> None:
    unit, reviews = demo_reviews
    expected = period_label(last_full_period(reviews.created_at.max()))
    out = tmp_path / "report.html"
    proc = run_report(tmp_path, "--output", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = visible_text(out.read_text(encoding="utf-8"))
    assert f"{unit.display_name}: Trustpilot reviews, {expected}" in text


def test_the_report_kernel_runs_with_the_quiet_notice_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel inherits TPNB_QUIET_NOTICE; the variable is gone again once the run ends."""
    import nbformat

    from tpnb.client import QUIET_NOTICE_VARIABLE
    from tpnb.report import check_arguments, execute_report

    monkeypatch.delenv(QUIET_NOTICE_VARIABLE, raising=False)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('business_unit = ""\nperiod = ""\narchive = ""')
    params.metadata["tags"] = ["parameters"]
    probe = f"import os\nprint('quiet=' + os.environ.get({QUIET_NOTICE_VARIABLE!r}, 'unset'))"
    nb.cells = [params, nbformat.v4.new_code_cell(probe)]
    source = tmp_path / "probe.ipynb"
    nbformat.write(nb, source)
    arguments = check_arguments(tmp_path / "probe.html", notebook=source)
    page = execute_report(arguments).read_text(encoding="utf-8")
    assert "quiet=1" in visible_text(page)
    assert QUIET_NOTICE_VARIABLE not in os.environ


def test_a_failing_notebook_is_reported_in_one_line(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('business_unit = ""\nperiod = ""\narchive = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("raise LookupError(f'no unit {business_unit}')")]
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    out = tmp_path / "r.html"
    proc = run_report(
        tmp_path, "--notebook", str(broken), "--business-unit", REPORT_UNIT, "--output", str(out)
    )
    assert proc.returncode == 1
    assert f"LookupError: no unit {REPORT_UNIT}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.slow
def test_report_from_an_archive(
    tmp_path: Path, demo_reviews: tuple[pd.Series, pd.DataFrame]
) -> None:
    """``--archive``: the notebook syncs the archive first and reports the same figures from it."""
    unit, reviews = demo_reviews
    period = parse_period("2026-09")
    start = period.start_time.tz_localize("UTC")
    end = (period + 1).start_time.tz_localize("UTC")
    in_period = reviews[(reviews.created_at >= start) & (reviews.created_at < end)]
    archive = tmp_path / "reviews.sqlite"
    out = tmp_path / "report.html"
    proc = run_report(
        tmp_path, "--period", "2026-09", "--archive", str(archive), "--output", str(out)
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert archive.stat().st_size > 0
    from tpnb.store import Archive

    with Archive(archive) as store:
        assert len(store.reviews(REPORT_UNIT)) == len(reviews)
    page = out.read_text(encoding="utf-8")
    assert f"{unit.display_name}: Trustpilot reviews, September 2026" in visible_text(page)
    figures = key_figures(page)
    assert int(figures["Reviews"][0].replace(",", "")) == len(in_period)
