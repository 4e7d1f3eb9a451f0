"""Pure HTML rendering for the widgets: stars, review rows, review details, business-unit cards.

Every function takes plain values or one row (a ``pd.Series`` with the ``tpnb.frames`` column
names) and returns an HTML string; all user text is escaped. The styles live in :data:`STYLE`,
scoped by the ``tpnb-`` class prefix, and are injected once by each top-level widget.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from typing import Any, Literal

import pandas as pd

__all__ = [
    "STAR_COLOURS",
    "STYLE",
    "business_unit_card_html",
    "demo_badge_html",
    "format_time",
    "highlight_html",
    "human_label",
    "message_html",
    "plural",
    "review_detail_html",
    "review_header_html",
    "review_row_html",
    "stars_html",
]

#: Trustpilot's star colours, by star rating (0 = no rating / empty star)
STAR_COLOURS: dict[int, str] = {
    0: "#dcdce6",
    1: "#ff3722",
    2: "#ff8622",
    3: "#ffce00",
    4: "#73cf11",
    5: "#00b67a",
}

_ROW_GRID = "grid-template-columns: 150px minmax(0, 1fr) 170px;"

STYLE = f"""
<style>
.tpnb-root {{ font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #191919; }}
.tpnb-root .widget-html-content {{ line-height: 1.4; }}
.tpnb-stars {{ display: inline-flex; gap: 2px; vertical-align: middle; }}
.tpnb-star {{ display: inline-flex; align-items: center; justify-content: center; color: #fff;
  border-radius: 2px; font-weight: bold; }}
.tpnb-grid {{ display: grid; {_ROW_GRID} gap: 10px; align-items: start; font-size: 13px;
  width: 100%; }}
.tpnb-grid-head {{ font-weight: 600; color: #6b6b83; text-transform: uppercase; font-size: 11px;
  letter-spacing: .04em; border-bottom: 2px solid #e5e5dd; padding: 4px 0; }}
.tpnb-lang {{ display: inline-block; font-size: 11px; color: #4b4b63; background: #f1f1ec;
  border-radius: 3px; padding: 0 5px; margin-top: 3px; }}
.tpnb-cell-date {{ margin-top: 4px; }}
.tpnb-cell-title {{ font-weight: 600; }}
.tpnb-cell-text {{ color: #3b3b4f; white-space: pre-wrap; overflow-wrap: anywhere; }}
.tpnb-cell-text details summary {{ cursor: pointer; list-style: none; }}
.tpnb-cell-text details summary::after {{ content: ' more'; color: #1c5fd6; font-weight: 600; }}
.tpnb-cell-text details[open] summary {{ display: none; }}
.tpnb-muted {{ color: #6b6b83; font-size: 12px; }}
.tpnb-badge {{ display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 11px;
  font-weight: 600; margin: 0 4px 2px 0; white-space: nowrap; }}
.tpnb-badge-verified {{ background: #e6f7f1; color: #00795a; }}
.tpnb-badge-replied {{ background: #e8eefc; color: #1c4db0; }}
.tpnb-badge-demo {{ background: #fff4cc; color: #7a5a00; border: 1px solid #ffce00;
  font-size: 12px; padding: 2px 10px; }}
.tpnb-message {{ padding: 8px 12px; border-radius: 6px; font-size: 13px; margin: 2px 0; }}
.tpnb-message-info {{ background: #f0f4ff; color: #1c3d8f; }}
.tpnb-message-success {{ background: #e6f7f1; color: #00614a; }}
.tpnb-message-warning {{ background: #fff7e0; color: #7a5a00; }}
.tpnb-message-error {{ background: #fdecea; color: #a4161a; }}
.tpnb-card-body {{ font-size: 13px; }}
.tpnb-card-name {{ font-size: 15px; font-weight: 600; }}
.tpnb-detail {{ font-size: 14px; }}
.tpnb-detail h3 {{ margin: 6px 0; font-size: 17px; }}
.tpnb-detail .tpnb-detail-text {{ white-space: pre-wrap; margin: 8px 0 12px; }}
.tpnb-reply {{ border-left: 4px solid #00b67a; background: #f7f9f7; padding: 8px 12px;
  border-radius: 0 6px 6px 0; margin-top: 8px; }}
.tpnb-reply-head {{ font-weight: 600; font-size: 13px; margin-bottom: 4px; }}
.tpnb-panel {{ border: 1px solid #e5e5dd; border-radius: 8px; padding: 10px 14px !important;
  background: #fff; }}
.tpnb-row {{ border-bottom: 1px solid #f0f0ea; padding: 6px 0; }}
.tpnb-row:hover {{ background: #fafaf7; }}
.tpnb-filter-star.mod-active {{ color: #fff; font-weight: 600; box-shadow: none; }}
.tpnb-filter-star-1.mod-active {{ background: {STAR_COLOURS[1]}; }}
.tpnb-filter-star-2.mod-active {{ background: {STAR_COLOURS[2]}; }}
.tpnb-filter-star-3.mod-active {{ background: {STAR_COLOURS[3]}; color: #191919; }}
.tpnb-filter-star-4.mod-active {{ background: {STAR_COLOURS[4]}; }}
.tpnb-filter-star-5.mod-active {{ background: {STAR_COLOURS[5]}; }}
.tpnb-loading-bar {{ height: 4px; background: #dde6fb; border-radius: 2px; overflow: hidden;
  margin-top: 6px; position: relative; }}
.tpnb-loading-bar div {{ position: absolute; height: 100%; width: 30%; background: #1c5fd6;
  border-radius: 2px; animation: tpnb-slide 1.2s ease-in-out infinite; }}
@keyframes tpnb-slide {{ 0% {{ left: -30%; }} 100% {{ left: 100%; }} }}
.tpnb-gap {{ gap: 6px 10px; }}
.tpnb-gap-small {{ gap: 2px; }}
.tpnb-title {{ font-size: 22px; font-weight: 700; }}
.tpnb-summary {{ font-size: 14px; }}
.tpnb-mark {{ background: #fff1a8; color: inherit; padding: 0 1px; border-radius: 2px; }}
.tpnb-finder-suggestions-title {{ font-weight: 600; font-size: 14px; }}
.tpnb-finder-suggestion {{ gap: 4px; }}
.tpnb-finder-suggestion-open {{ font-weight: 600; text-align: left; }}
</style>
"""


def _text(value: Any) -> str:
    """A cell value as escaped text ("" for NA)."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def stars_html(stars: Any, *, size: int = 16) -> str:
    """Five Trustpilot-style star boxes, the first ``stars`` of them coloured for that rating.

    Args:
        stars: the rating (1..5; a half star such as 4.5 colours half of the last box). NA or 0
            draws five empty boxes.
        size: box size in pixels.
    """
    value = 0.0 if stars is None or pd.isna(stars) else min(5.0, max(0.0, float(stars)))
    colour = STAR_COLOURS[math.ceil(value)]  # a half star takes the colour of the rating above
    boxes = []
    for i in range(1, 6):
        if value >= i:
            background = colour
        elif value > i - 1:
            background = f"linear-gradient(90deg, {colour} 50%, {STAR_COLOURS[0]} 50%)"
        else:
            background = STAR_COLOURS[0]
        boxes.append(
            f'<span class="tpnb-star" style="background:{background};width:{size}px;'
            f'height:{size}px;font-size:{int(size * 0.78)}px">&#9733;</span>'
        )
    label = "no rating" if value == 0 else f"{value:g} star{'s' if value != 1 else ''}"
    return f'<span class="tpnb-stars" title="{label}" aria-label="{label}">{"".join(boxes)}</span>'


def format_time(value: Any, tz: str, *, with_time: bool = True) -> str:
    """A UTC timestamp as ISO 8601 text in timezone ``tz`` (``"2024-03-12 14:05"``); "" for NA.

    ISO, like the date boxes (a browser's date picker would follow its own locale instead).
    """
    if value is None or pd.isna(value):
        return ""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    local = stamp.tz_convert(tz)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _truncated(text: str, limit: int, escape: Callable[[str], str] = html.escape) -> str:
    """Escaped text; beyond ``limit`` characters, a ``<details>`` that expands to the full text.

    ``escape`` turns each piece of plain text into HTML (default: :func:`html.escape`; the list
    passes :func:`highlight_html`'s escaping with the search term marked).
    """
    if len(text) <= limit:
        return escape(text)
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return f"<details><summary>{escape(cut)}&hellip;</summary>{escape(text)}</details>"


def highlight_html(text: str, term: str | re.Pattern[str]) -> str:
    """``text`` escaped, with each case-insensitive occurrence of ``term`` in ``<mark>``.

    ``term`` is a search term (marked wherever it occurs) or a compiled pattern (marked where it
    matches: :func:`tpnb.text.phrase_pattern` marks a key phrase as whole words). The
    occurrences are found in the plain text and every piece is escaped on its own, so a mark
    never cuts an HTML entity and the text can never inject markup.
    """
    if isinstance(term, re.Pattern):
        matches = term.finditer(text)
    else:
        term = term.strip()
        if not term:
            return html.escape(text)
        matches = re.finditer(re.escape(term), text, flags=re.IGNORECASE)
    pieces = []
    position = 0
    for match in matches:
        if match.end() == match.start():
            continue
        pieces.append(html.escape(text[position : match.start()]))
        pieces.append(f'<mark class="tpnb-mark">{html.escape(match.group())}</mark>')
        position = match.end()
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


#: the API's verification levels, as people read them
VERIFICATION_LABELS: dict[str, str] = {
    "invited": "Invited",
    "verified": "Verified",
    "notVerified": "Not verified",
    "verifiedByBusiness": "Verified by the business",
    "redirected": "Redirected",
}


def human_label(value: Any, labels: dict[str, str] | None = None) -> str:
    """An API code as words: from ``labels`` when listed, else camelCase split ("notVerified"
    becomes "Not verified"); "" for NA."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    code = str(value)
    if labels and code in labels:
        return labels[code]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", code).replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:]


def _badges(row: pd.Series) -> str:
    badges = []
    if row.get("is_verified") is True or (
        row.get("is_verified") is not None
        and not pd.isna(row.get("is_verified"))
        and bool(row.get("is_verified"))
    ):
        badges.append('<span class="tpnb-badge tpnb-badge-verified">Verified</span>')
    reply = row.get("reply_text")
    if reply is not None and not pd.isna(reply) and str(reply):
        badges.append('<span class="tpnb-badge tpnb-badge-replied">Replied</span>')
    return "".join(badges)


def review_header_html() -> str:
    """The column headings that line up with :func:`review_row_html`."""
    cells = ["Rating \u00b7 date", "Review", "Reviewer"]
    return (
        '<div class="tpnb-grid tpnb-grid-head">'
        + "".join(f"<div>{c}</div>" for c in cells)
        + "</div>"
    )


def review_row_html(
    row: pd.Series, tz: str, *, truncate: int = 280, highlight: str | re.Pattern[str] = ""
) -> str:
    """One review as a table row (a CSS grid matching :func:`review_header_html`).

    Args:
        row: one review (``tpnb.frames.review_frame`` columns).
        tz: the timezone dates are shown in.
        truncate: characters of text shown before the rest folds into a ``<details>``.
        highlight: a search term (or a compiled pattern, see :func:`highlight_html`) to mark
            in the title, the text and the reviewer's name.
    """
    text = "" if pd.isna(row.get("text", pd.NA)) else str(row.get("text"))

    def marked(value: Any) -> str:
        plain = "" if value is None or pd.isna(value) else str(value)
        return highlight_html(plain, highlight)

    reviewer = marked(row.get("consumer_name"))
    location = _text(row.get("consumer_location"))
    return (
        '<div class="tpnb-grid">'
        f"<div>{stars_html(row.get('stars'))}"
        f'<div class="tpnb-muted tpnb-cell-date">{format_time(row.get("created_at"), tz)}</div>'
        f'<span class="tpnb-lang tpnb-cell-lang" title="language">{_text(row.get("language"))}</span>'
        "</div>"
        f'<div><div class="tpnb-cell-title">{marked(row.get("title"))}</div>'
        f'<div class="tpnb-cell-text">{_truncated(text, truncate, marked)}</div></div>'
        f'<div><div class="tpnb-cell-reviewer">{reviewer}</div>'
        f'<div class="tpnb-muted">{location}</div><div>{_badges(row)}</div></div>'
        "</div>"
    )


def review_detail_html(row: pd.Series, tz: str) -> str:
    """The full review with its metadata and the company's reply, for the detail panel."""
    facts = [
        (
            "Reviewer",
            " · ".join(
                x
                for x in (_text(row.get("consumer_name")), _text(row.get("consumer_location")))
                if x
            ),
        ),
        ("Posted", format_time(row.get("created_at"), tz)),
        ("Experienced", format_time(row.get("experienced_at"), tz, with_time=False)),
        ("Language", _text(row.get("language"))),
        ("Verification", _text(human_label(row.get("verification_level"), VERIFICATION_LABELS))),
        ("Likes", _text(row.get("number_of_likes"))),
        ("Location", _text(row.get("location_name"))),
        ("Review id", _text(row.get("id"))),
    ]
    facts_html = " &nbsp;·&nbsp; ".join(
        f'<span class="tpnb-muted">{k}:</span> {v}' for k, v in facts if v
    )
    reply = row.get("reply_text")
    if reply is not None and not pd.isna(reply) and str(reply):
        when = format_time(row.get("reply_created_at"), tz)
        reply_html = (
            '<div class="tpnb-reply"><div class="tpnb-reply-head">Reply from the company'
            f' <span class="tpnb-muted">{when}</span></div>'
            f'<div class="tpnb-detail-text">{_text(reply)}</div></div>'
        )
    else:
        reply_html = '<div class="tpnb-muted">No reply yet.</div>'
    return (
        '<div class="tpnb-detail">'
        f"{stars_html(row.get('stars'), size=20)} {_badges(row)}"
        f"<h3>{_text(row.get('title'))}</h3>"
        f'<div class="tpnb-detail-text">{_text(row.get("text"))}</div>'
        f'<div class="tpnb-muted">{facts_html}</div>'
        f"{reply_html}</div>"
    )


def _number(value: Any, fmt: str = "{:,}") -> str:
    if value is None or pd.isna(value):
        return "\u2013"
    return fmt.format(value)


def business_unit_card_html(row: pd.Series, *, compact: bool = False) -> str:
    """A business unit as a card body: name, domain, country, TrustScore, stars, review count.

    Args:
        row: one row of a ``business_unit_frame``.
        compact: a smaller card (domain and figures on two short lines), for a grid of cards.
    """
    name = (
        _text(row.get("display_name")) or _text(row.get("identifying_name")) or _text(row.get("id"))
    )
    domain = _text(row.get("identifying_name"))
    country = _text(row.get("country"))
    score = row.get("trust_score")
    stars = row.get("stars")
    reviews = row.get("number_of_reviews")
    if compact:
        return (
            '<div class="tpnb-card-body tpnb-card-compact">'
            f'<div class="tpnb-muted">{domain}{" · " + country if country else ""}</div>'
            f"<div>{stars_html(stars, size=14)} <b>{_number(score, '{:.1f}')}</b>"
            f' <span class="tpnb-muted">· {_number(reviews)} reviews</span></div>'
            "</div>"
        )
    return (
        '<div class="tpnb-card-body">'
        f'<div class="tpnb-card-name">{name}</div>'
        f'<div class="tpnb-muted">{domain}{" · " + country if country else ""}</div>'
        f"<div>{stars_html(stars, size=18)} &nbsp;<b>TrustScore {_number(score, '{:.1f}')}</b>"
        f' &nbsp;<span class="tpnb-muted">{_number(reviews)} reviews</span></div>'
        "</div>"
    )


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``count`` and ``noun``, the noun in the plural unless the count is one: "1 match", "2 matches".

    Args:
        count: how many.
        noun: the singular noun.
        plural_noun: its plural, when not ``noun`` + "s" (or + "es" after s, sh, ch, x).
    """
    if count == 1:
        return f"1 {noun}"
    if plural_noun is None:
        plural_noun = noun + ("es" if noun.endswith(("s", "sh", "ch", "x")) else "s")
    return f"{count:,} {plural_noun}"


def message_html(text: str, kind: Literal["info", "success", "warning", "error"] = "info") -> str:
    """A coloured one-line message (``text`` is escaped); "" for an empty text."""
    if not text:
        return ""
    return f'<div class="tpnb-message tpnb-message-{kind}">{html.escape(text)}</div>'


def demo_badge_html() -> str:
    """The "Demo data" badge shown when the client talks to the embedded emulator."""
    return (
        '<span class="tpnb-badge tpnb-badge-demo" title="No Trustpilot credentials: '
        'synthetic data from the local emulator">Demo data</span>'
    )
