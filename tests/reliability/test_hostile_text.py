"""Hostile text from the API or from consumers, through every renderer (issue 14: 24 and 25).

Names, titles, texts, replies and locations are set to payloads that would become live markup
if pasted into HTML unescaped (a script, an event handler, a javascript: link, a comment, a
style, a Markdown link), or a live formula in a spreadsheet. Each payload carries a marker
(``tpnbxss<n>``). The HTML is parsed: a run is *complete* when no element, attribute, comment,
script or style holds a marker (no markup came from the data) and every payload is still shown
as text; *wrong* otherwise. CSV exports must start no cell with ``= + - @``, tab or CR, while
Parquet keeps the raw text. Each run is recorded in the reliability report as "hostile text".
"""

from __future__ import annotations

import csv
import dataclasses
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.ledger import LEDGER
from kit.truth import COMPLETE, WRONG

from tpnb.frames import review_frame

FAULT = "hostile text"
MARK = "tpnbxss"
PAYLOADS = [
    f'<img src=x onerror=alert("{MARK}1")>',
    f'"><script>alert("{MARK}2")</script>',
    f"' onmouseover='alert(\"{MARK}3\")' x='",
    f"</div><iframe src=\"javascript:alert('{MARK}4')\"></iframe>",
    f'[click me](javascript:alert("{MARK}5"))',
    f'<a href="https://evil.example/{MARK}6">prize</a>',
    f"<!-- {MARK}7 --><style>/*{MARK}7*/body{{display:none}}</style>",
    f'=HYPERLINK("https://evil.example/{MARK}8","details")',
    f"@SUM(1+1)*cmd|' /C calc'!A0 {MARK}9",
    f"+{MARK}10 -2 &amp; &lt;b&gt; already-escaped",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Markup(HTMLParser):
    """Everything in a page that is markup, and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.leaks: list[str] = []
        self.text: list[str] = []
        self._raw: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))
        for name, value in attrs:
            if MARK in name or MARK in (value or ""):
                self.leaks.append(f"<{tag} {name}={value!r}>")
            if name.startswith("on"):
                self.leaks.append(f"<{tag} {name}=...> (an event handler)")
        if MARK in tag:
            self.leaks.append(f"<{tag}>")
        self._raw.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._raw and self._raw[-1] == tag:
            self._raw.pop()

    def handle_comment(self, data: str) -> None:
        if MARK in data:
            self.leaks.append(f"<!--{data}-->")

    def handle_data(self, data: str) -> None:
        if self._raw and self._raw[-1] in ("script", "style") and MARK in data:
            self.leaks.append(f"<{self._raw[-1]}>{data[:80]}")
        self.text.append(data)


def parse(page: str) -> Markup:
    parser = Markup()
    parser.feed(page)
    parser.close()
    return parser


def judge(surface: str, page: str, shown: list[str], benign: str | None = None) -> None:
    """Record and assert one rendered surface: no markup from the data, every payload shown."""
    parsed = parse(page)
    problems = list(parsed.leaks)
    visible = "".join(parsed.text)
    problems += [f"not shown as text: {text!r}" for text in shown if text not in visible]
    if benign is not None and parse(benign).tags != parsed.tags:
        problems.append("the elements differ from the same view of plain text")
    LEDGER.record(FAULT, WRONG if problems else COMPLETE, f"{surface}: {'; '.join(problems)}")
    assert not problems, f"{surface}: {problems}"


def plain(value: str) -> str:
    return "x" * len(value)


# --------------------------------------------------------------------------- the renderers
def hostile_row(text_of: Any = lambda i: PAYLOADS[i % len(PAYLOADS)]) -> pd.Series:
    fields = [
        "title",
        "text",
        "consumer_name",
        "consumer_location",
        "language",
        "verification_level",
        "location_name",
        "id",
        "reply_text",
    ]
    row: dict[str, Any] = {name: text_of(i) for i, name in enumerate(fields)}
    row |= {
        "stars": 1,
        "is_verified": True,
        "number_of_likes": 3,
        "created_at": pd.Timestamp("2026-09-30T10:00:00Z"),
        "experienced_at": pd.Timestamp("2026-09-29T00:00:00Z"),
        "reply_created_at": pd.Timestamp("2026-10-01T10:00:00Z"),
    }
    return pd.Series(row)


def shown_of(row: pd.Series, names: list[str]) -> list[str]:
    return [str(row[name]) for name in names]


def test_review_rows_and_details() -> None:
    from tpnb.widgets.render import review_detail_html, review_row_html

    row = hostile_row()
    benign = hostile_row(lambda i: plain(PAYLOADS[i % len(PAYLOADS)]))
    judge(
        "review_row_html",
        review_row_html(row, "UTC"),
        shown_of(row, ["title", "text", "consumer_name", "consumer_location", "language"]),
        review_row_html(benign, "UTC"),
    )
    judge(
        "review_detail_html",
        review_detail_html(row, "Europe/Copenhagen"),
        shown_of(row, ["title", "text", "consumer_name", "reply_text", "location_name", "id"]),
        review_detail_html(benign, "Europe/Copenhagen"),
    )
    long = hostile_row(lambda i: " ".join(PAYLOADS))  # folded into <details> past 280 characters
    judge("review_row_html (long text)", review_row_html(long, "UTC"), [" ".join(PAYLOADS)])


def test_business_unit_cards_and_messages() -> None:
    from tpnb.widgets.render import business_unit_card_html, message_html

    for i, payload in enumerate(PAYLOADS):
        unit = pd.Series(
            {
                "display_name": payload,
                "identifying_name": PAYLOADS[(i + 1) % len(PAYLOADS)],
                "country": PAYLOADS[(i + 2) % len(PAYLOADS)],
                "trust_score": 4.2,
                "stars": 4.5,
                "number_of_reviews": 1200,
            }
        )
        benign = unit.copy()
        for name in ("display_name", "identifying_name", "country"):
            benign[name] = plain(str(unit[name]))
        judge(
            f"business_unit_card_html #{i}",
            business_unit_card_html(unit),
            shown_of(unit, ["display_name", "identifying_name", "country"]),
            business_unit_card_html(benign),
        )
        judge(f"message_html #{i}", message_html(payload, "error"), [payload])


# --------------------------------------------------------------------------- the explorer
def hostile_reviews() -> pd.DataFrame:
    records = []
    for i, payload in enumerate(PAYLOADS):
        other = PAYLOADS[(i + 3) % len(PAYLOADS)]
        records.append(
            {
                "id": f"{i + 1:024x}",
                "businessUnit": {"id": "5f0c0c0c0c0c0c0c0c0c0c01", "displayName": payload},
                "stars": 1 + i % 5,
                "title": payload,
                "text": other,
                "language": "en",
                "createdAt": f"2026-09-{10 + i:02d}T10:00:00Z",
                "consumer": {"id": f"{i + 100:024x}", "displayName": other},
                "companyReply": {"text": payload, "createdAt": f"2026-09-{11 + i:02d}T10:00:00Z"},
                "location": {"id": None, "name": other},
            }
        )
    frame: pd.DataFrame = review_frame(records, private=False)
    return frame


@pytest.fixture
def explorer(tmp_path: Path) -> Any:
    from tpnb.widgets import ReviewExplorer

    return ReviewExplorer(
        reviews=hostile_reviews(),
        label=PAYLOADS[0],
        progress=False,
        export_dir=tmp_path / "exports",
        page_size=len(PAYLOADS),
    )


def test_the_explorer_shows_hostile_reviews_as_text(explorer: Any) -> None:
    judge("explorer summary", explorer.summary.value, [PAYLOADS[0]])
    page = "".join(cell.value for cell in explorer.table._row_html)
    judge("explorer table", page, list(explorer.value["title"]))
    for review_id in explorer.value["id"]:
        explorer.open_review(review_id)
        row = explorer.value.set_index("id").loc[review_id]
        judge(
            f"explorer detail {review_id[-2:]}",
            explorer.detail.body.value,
            [str(row["title"]), str(row["text"]), str(row["reply_text"])],
        )


def test_csv_exports_defuse_formulas_and_parquet_keeps_the_text(explorer: Any) -> None:
    path = explorer.export("csv")
    assert path is not None
    judge("explorer export link", explorer.export_link.value, [])
    with path.open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    live = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    defused = [cell for cell in cells if cell.startswith("'") and cell[1:] in PAYLOADS]
    ok = not live and len(defused) >= 3
    LEDGER.record(FAULT, COMPLETE if ok else WRONG, f"CSV export: live formulas {live[:3]}")
    assert not live, f"cells a spreadsheet would run: {live[:5]}"
    assert {"'" + p for p in PAYLOADS if p.startswith(FORMULA_STARTS)} <= set(cells)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    parquet = explorer.export("parquet")
    assert parquet is not None
    assert stat.S_IMODE(parquet.stat().st_mode) == 0o600
    back = pd.read_parquet(parquet)
    assert sorted(back["title"]) == sorted(PAYLOADS)  # raw text, no quote added


def test_csv_safe_leaves_numbers_and_missing_values() -> None:
    from tpnb.widgets.explorer import csv_safe

    frame = pd.DataFrame(
        {
            "n": [-1, 2],
            "x": [-0.5, None],
            "s": pd.array(["-1", None], dtype="string"),
            "c": pd.Categorical(["@a", "b"]),
            "t": ["\tx", "fine"],
        }
    )
    out = csv_safe(frame)
    assert out["n"].tolist() == [-1, 2]
    assert out["x"].iloc[0] == -0.5
    assert out["s"].iloc[0] == "'-1"
    assert pd.isna(out["s"].iloc[1])
    assert out["c"].tolist() == ["'@a", "b"]
    assert out["t"].tolist() == ["'\tx", "fine"]
    assert frame["s"].iloc[0] == "-1"  # the frame itself is left alone


# --------------------------------------------------------------------------- tpnb report
@pytest.fixture(scope="module")
def hostile_server() -> Iterator[Any]:
    """An emulator whose first unit has a hostile name and hostile low-star reviews."""
    from tpnb.emulator import serve

    with serve(scale=0.02) as server:
        dataset = server.dataset
        unit = dataset.units[0]
        name = " ".join(PAYLOADS[:7])
        dataset.units.replace(
            dataclasses.replace(unit, spec=dataclasses.replace(unit.spec, display=name))
        )
        server.admin.add_reviews(
            [
                {
                    "business_unit_id": unit.id,
                    "stars": 1,
                    "title": payload,
                    "text": PAYLOADS[(i + 5) % len(PAYLOADS)],
                    "created_at": pd.Timestamp(f"2026-09-28T{10 + i:02d}:00:00Z").to_pydatetime(),
                }
                for i, payload in enumerate(PAYLOADS[:9])
            ]
        )
        yield server


@pytest.mark.slow
def test_tpnb_report_end_to_end(hostile_server: Any, tmp_path: Path) -> None:
    server = hostile_server
    settings = server.client_settings
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTPILOT_", "TPNB_"))}
    env |= {
        "TRUSTPILOT_API_KEY": settings["api_key"],
        "TRUSTPILOT_API_SECRET": settings["api_secret"],
        "TRUSTPILOT_USERNAME": settings["username"],
        "TRUSTPILOT_PASSWORD": settings["password"],
        "TPNB_BASE_URL": settings["base_url"],
        "TPNB_INVITATIONS_URL": settings["invitations_url"],
        "TPNB_AUTHORIZE_URL": settings["authorize_url"],
        "TPNB_CACHE_BACKEND": "memory",
        "TPNB_TOKEN_DIR": str(tmp_path / "tokens"),
        "TMPDIR": str(tmp_path),
    }
    unit = server.dataset.units[0]
    out = tmp_path / "report.html"
    command = ["report", "--business-unit", unit.spec.domain, "--period", "2026-09", "-o", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "tpnb.cli", *command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = out.read_text(encoding="utf-8")
    judge("tpnb report (report.html)", page, [unit.spec.display, *PAYLOADS[:9]])
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
