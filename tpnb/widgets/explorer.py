"""ReviewExplorer: load a business unit's reviews once, then filter, page, read and export them."""

from __future__ import annotations

import base64
import contextlib
import html
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import ipywidgets as w
import pandas as pd
import traitlets

from tpnb.errors import AuthError, ConfigError, ForbiddenError, NotFoundError
from tpnb.frames import review_frame
from tpnb.text import PhraseFinder, phrase_pattern
from tpnb.widgets._base import (
    FrameTrait,
    MessageArea,
    guarded,
    has_customer_api,
    is_demo,
    log,
    style_widget,
)
from tpnb.widgets.controls import FilterBar
from tpnb.widgets.detail import ReviewDetail
from tpnb.widgets.filtering import ReviewFilter, ReviewIndex, language_counts
from tpnb.widgets.progress import LoadProgress
from tpnb.widgets.render import demo_badge_html, plural
from tpnb.widgets.table import ReviewTable

__all__ = ["ReviewExplorer"]

ExportFormat = Literal["csv", "parquet"]
#: largest export offered as an in-page download link (bigger files are only saved to disk)
MAX_DOWNLOAD_BYTES = 15_000_000
_MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
#: first characters that make a spreadsheet read a CSV cell as a formula (OWASP, CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for CSV: text cells a spreadsheet would run as formulas are defused.

    A cell of a text column starting with ``= + - @``, a tab or a carriage return gets a leading
    ``'`` (OWASP's advice for CSV injection), so ``=HYPERLINK(...)`` in a consumer's title is
    shown as text, not run. Numbers are left alone (``-1`` in a number column is a number).
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype("object")
        elif not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        out[column] = series.map(
            lambda cell: (
                "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
            ),
            na_action="ignore",
        )
    return out


def _write_private(path: Path, selection: pd.DataFrame, fmt: ExportFormat) -> None:
    """Write ``selection`` to ``path`` readable by its owner only (``0600``), all or nothing.

    The file is written under a temporary name in the same folder (created ``0600`` by
    :func:`tempfile.mkstemp`) and renamed over ``path`` once complete.
    """
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        if fmt == "csv":
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                csv_safe(selection).to_csv(handle, index=False)
        else:
            with os.fdopen(descriptor, "wb") as handle:
                selection.to_parquet(handle, index=False)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _empty_reviews() -> pd.DataFrame:
    return review_frame([])


class ReviewExplorer(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Explore one business unit's reviews: filter in the kernel, read, reply, export.

    The reviews are fetched once through the client (public reviews, or private ones when the
    Customer API is connected) with a progress bar; every filter change after that is answered
    from memory by a :class:`~tpnb.widgets.filtering.ReviewIndex`, with no further requests.

    Attributes:
        value: the current selection: every review passing the filters, sorted (a DataFrame).
        filtered: the selection before a picked phrase narrows it (what the "What people say"
            view, :class:`~tpnb.widgets.phrases.PhraseView`, summarises).
        phrase: a key phrase ("" for none) that narrows :attr:`value` to the reviews using it
            (:func:`tpnb.text.uses_phrase`, in ``phrase_language``), marked in the list.
        phrase_language: the language of :attr:`phrase` ("" for any).
        reviews: all loaded reviews. Assign a review frame to explore it without a client.
        business_unit: the business unit id; assigning one (e.g. linked to a
            :class:`BusinessUnitFinder`'s ``value``) loads its reviews.
        label: the name shown above the reviews (default: the business unit id).
        loading: True while the reviews are being fetched (the table says "Loading").
        expected_reviews: how many reviews the unit has (its summary's count), for the
            progress display; 0 when unknown (an indeterminate bar).

    Args:
        client: a :class:`tpnb.Client` (``None`` to explore a given ``reviews`` frame only).
        business_unit: a business unit id or domain to load at once.
        reviews: a review frame to explore instead of loading one.
        timezone: the timezone dates are shown in (IANA name).
        page_size: rows per page.
        export_dir: folder exports are written to (default: the working directory).
        progress: show a progress display while loading (``False`` in scripts and tests);
            the client's own tqdm bar is never shown (one display, not two).
        badge: show the "Demo data" badge when the client is in demo mode.
    """

    value = FrameTrait()
    filtered = FrameTrait()
    reviews = FrameTrait()
    phrase = traitlets.Unicode("")
    phrase_language = traitlets.Unicode("")
    business_unit = traitlets.Unicode("")
    label = traitlets.Unicode("")
    loading = traitlets.Bool(False)
    expected_reviews = traitlets.Int(0)

    def __init__(
        self,
        client: Any = None,
        *,
        business_unit: str = "",
        reviews: pd.DataFrame | None = None,
        timezone: str = "UTC",
        page_size: int = 10,
        export_dir: str | Path | None = None,
        progress: bool = True,
        badge: bool = True,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.badge = badge
        self.progress = progress
        self.export_dir = Path(export_dir) if export_dir is not None else None
        self.index = ReviewIndex(_empty_reviews())
        # the phrase finder of an index's rows (newest first), made on the first picked phrase
        self._phrase_finder: tuple[ReviewIndex, PhraseFinder] | None = None
        self.requests_made = 0  # client calls made by this widget (loads and replies)
        self.private = False  # the loaded reviews came from the Customer API
        self.summary = w.HTML()
        self.summary.add_class("tpnb-explorer-summary")
        self.messages = MessageArea()
        self.progress_display = LoadProgress()
        self.progress_display.add_class("tpnb-explorer-progress")
        self.filters = FilterBar(timezone=timezone)
        self.extra = w.VBox()  # room under the filters, e.g. for linked charts (the dashboard's)
        self.extra.add_class("tpnb-explorer-extra")
        self.count = w.HTML()
        self.count.add_class("tpnb-explorer-count")
        self.table = ReviewTable(page_size=page_size)
        self.detail = ReviewDetail(can_reply=False, post_reply=self._post_reply)
        self.detail.layout.display = "none"
        self.export_format = w.Dropdown(
            options=[("CSV", "csv"), ("Parquet", "parquet")],
            value="csv",
            layout=w.Layout(width="110px"),
        )
        self.export_format.add_class("tpnb-export-format")
        self.export_button = w.Button(description="Export selection", icon="download")
        self.export_button.add_class("tpnb-export")
        self.export_link = w.HTML()
        self.export_link.add_class("tpnb-export-link")
        export_bar = w.HBox(
            [self.export_format, self.export_button, self.export_link],
            layout=w.Layout(align_items="center"),
        )
        export_bar.add_class("tpnb-gap")
        head = w.HBox(
            [self.summary, export_bar],
            layout=w.Layout(
                justify_content="space-between", align_items="center", flex_flow="row wrap"
            ),
        )
        super().__init__(
            [
                style_widget(),
                head,
                self.messages,
                self.progress_display,
                self.filters,
                self.extra,
                self.count,
                self.table,
                self.detail,
            ],
            **kwargs,
        )
        self.add_class("tpnb-root")
        self.add_class("tpnb-explorer")
        self.filters.on_change(self._on_filters)
        self.table.on_open(self.open_review)
        self.detail.on_close(self.close_review)
        self.export_button.on_click(lambda _b: self.export(self.export_format.value))
        self.observe(self._on_reviews, names="reviews")
        self.observe(self._on_business_unit, names="business_unit")
        self.observe(lambda _change: self.refresh(page=1), names=["phrase", "phrase_language"])
        self.reviews = reviews if reviews is not None else _empty_reviews()
        if business_unit:
            self.business_unit = business_unit

    def __repr__(self) -> str:
        # the text/plain a saved notebook keeps beside the widget (what shows before it runs)
        name = self.label or self.business_unit or "reviews"
        reviews = self._trait_values.get("reviews")  # unset while __init__ runs
        selected = self._trait_values.get("value")
        return (
            f"tpnb review explorer: {name}, "
            f"{plural(0 if reviews is None else len(reviews), 'review')}, "
            f"{0 if selected is None else len(selected):,} selected; run the notebook to use it"
        )

    # --- loading ---------------------------------------------------------------------------------
    def _on_business_unit(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.load(change["new"])

    @guarded
    def load(self, business_unit: str) -> pd.DataFrame:
        """Fetch every review of ``business_unit`` (id or domain) through the client, once.

        Returns:
            The loaded reviews (also in :attr:`reviews`).
        """
        if self.client is None:
            raise RuntimeError(
                "this explorer has no client: assign a review frame to .reviews instead"
            )
        name = self.label or business_unit
        self._show_loading(name)
        self.private = False
        try:
            frame = None
            with self.progress_display.following(self.client):
                if has_customer_api(self.client):
                    # the Customer API has the private fields and allows replies, for the units
                    # the business user owns; for any other unit, fall back to the public reviews
                    try:
                        frame = self._fetch(self.client.private_reviews, business_unit)
                        self.private = True
                    except (ForbiddenError, NotFoundError, AuthError) as exc:
                        log.info(
                            "private reviews of %s unavailable (%s): public ones instead",
                            business_unit,
                            exc,
                        )
                if frame is None:
                    frame = self._fetch(self.client.reviews, business_unit)
        except BaseException:
            self.progress_display.finish()
            self.loading = False
            raise
        self.progress_display.finish()
        self.detail.reply_box.layout.display = "flex" if self.private else "none"
        self.messages.clear()
        self.reviews = frame
        # only now: linked charts redraw once, from the new selection (not from the empty one)
        self.loading = False
        self._show_summary()
        return frame

    def _show_loading(self, name: str) -> None:
        """While loading: one progress display; the table and count say "Loading", not "none"."""
        self.loading = True
        self.close_review()
        self.messages.clear()
        total = self.expected_reviews or None
        self.progress_display.start(name, total if self.progress else None, self.client)
        if not self.progress:
            self.progress_display.finish()
        empty = self.index.ordered.iloc[:0]
        self.table.show(empty, page=1, empty_text=f"Loading the reviews of {name}\u2026")
        self.count.value = ""
        self._show_summary()
        self.value = empty  # nothing of an earlier unit stays on screen while this one loads

    def _fetch(self, method: Any, business_unit: str) -> pd.DataFrame:
        """Call a client list method (without its tqdm bar: the widget shows its own)."""
        self.requests_made += 1
        frame: pd.DataFrame = method(business_unit, progress=False)
        return frame

    def _on_reviews(self, change: dict[str, Any]) -> None:
        frame: pd.DataFrame = change["new"]
        self.index = ReviewIndex(frame)
        if self.phrase:
            with self.hold_trait_notifications():  # a phrase of the earlier reviews goes too
                self.phrase = self.phrase_language = ""
        self.filters.set_languages(language_counts(frame))  # refresh() narrows them
        self.close_review()
        self.refresh(page=1)

    def _on_filters(self) -> None:
        self.refresh(page=1)  # a new selection starts at its first page

    # --- filtering -------------------------------------------------------------------------------
    @property
    def filter(self) -> ReviewFilter:
        """The filter the controls describe now."""
        return self.filters.filter

    @guarded
    def refresh(self, page: int | None = None) -> pd.DataFrame:
        """Apply the controls to the loaded reviews: update :attr:`value`, the count and the table.

        When the controls describe no valid filter (a date range whose start is after its end),
        the selection is empty and a warning says what to change: the table never goes on
        showing an earlier selection (perhaps of another business unit) under this one's name.
        """
        self.messages.clear()
        self._show_summary()
        try:
            flt = self.filters.filter
        except ConfigError as exc:
            selection = self.index.ordered.iloc[:0]
            self.messages.show(self._invalid_filter_text(exc), "warning")
            self.table.show(
                selection, page=1, empty_text="No reviews: the filters exclude them all."
            )
            self.count.value = ""
            self.filtered = selection
            self.value = selection
            return selection
        selection = self.index.frame(flt)
        self.filtered = selection
        highlight: str | re.Pattern[str] = flt.text
        using = ""
        if self.phrase:
            if self._phrase_finder is None or self._phrase_finder[0] is not self.index:
                self._phrase_finder = (self.index, PhraseFinder(self.index.ordered))
            finder = self._phrase_finder[1]
            uses = finder.uses(self.phrase, language=self.phrase_language or None).to_numpy()
            selection = selection[uses[self.index.select(flt)]]
            highlight = phrase_pattern(self.phrase, ignore_case=True)
            using = f" using “{html.escape(self.phrase)}”"
        shown = self.table.show(selection, tz=flt.tz, page=page, highlight=highlight)
        # the language choices count what the other filters leave
        self.filters.set_languages(self.index.language_counts(flt))
        total = len(self.reviews)
        of = f" of {total:,} loaded" if len(selection) != total else ""
        self.count.value = (
            f'<span class="tpnb-muted">Showing <b>{shown.first:,}\u2013{shown.last:,}</b> of '
            f"<b>{len(selection):,}</b> {'review' if len(selection) == 1 else 'reviews'}{using}"
            f"{of}</span>"
        )
        self.value = selection  # last: linked charts redraw after the table is shown
        return selection

    def _invalid_filter_text(self, error: ConfigError) -> str:
        try:
            since, until = self.filters.dates()
        except ConfigError as bad_date:
            return f"{bad_date}."
        if since is not None and until is not None and since > until:
            return (
                f"The date range is empty: From ({since.isoformat()}) is after To "
                f"({until.isoformat()}). Change a date, or press Reset."
            )
        return f"{error} Change the filters, or press Reset."

    def _show_summary(self) -> None:
        demo = (
            " " + demo_badge_html()
            if self.badge and self.client is not None and is_demo(self.client)
            else ""
        )
        name = html.escape(self.label or self.business_unit or "Reviews")
        n = len(self.reviews)
        expected = self.expected_reviews
        if self.loading:
            text = f"<b>{name}</b> &middot; loading\u2026"
        elif n == 0 and not self.business_unit:
            text = "No reviews loaded yet."
        elif expected > n and not self.private:
            # the summary counts every review; the public lists leave some out
            text = (
                f"<b>{name}</b> &middot; {plural(n, 'review')} listed publicly "
                f'<span class="tpnb-muted tpnb-explorer-hidden" title="Trustpilot counts '
                "every review in the unit's summary; reviews hidden from public lists (for "
                f'example reported ones under investigation) are not listed">'
                f"&middot; {expected:,} on Trustpilot ({expected - n:,} hidden from public "
                "lists)</span>"
            )
        else:
            text = f"<b>{name}</b> &middot; {plural(n, 'review')} loaded"
        self.summary.value = f'<span class="tpnb-summary">{text}</span>{demo}'

    # --- detail and reply ------------------------------------------------------------------------
    def _row(self, review_id: str) -> pd.Series:
        matches = self.reviews.index[self.reviews["id"] == review_id]
        if len(matches) == 0:
            raise KeyError(f"review {review_id!r} is not among the loaded reviews")
        row: pd.Series = self.reviews.loc[matches[0]]
        return row

    @guarded
    def open_review(self, review_id: str) -> None:
        """Show one review (by id) in the detail view instead of the table."""
        self.detail.show(self._row(review_id), self.filters.timezone.value)
        self.table.layout.display = "none"
        self.detail.layout.display = "flex"

    def close_review(self) -> None:
        """Go back from the detail view to the table."""
        self.detail.layout.display = "none"
        self.table.layout.display = "flex"

    def _post_reply(self, review_id: str, message: str) -> None:
        """Send a reply through the client, then show it without reloading the reviews."""
        self.requests_made += 1
        updated = self.client.reply_to_review(review_id, message)
        label = self.reviews.index[self.reviews["id"] == review_id]
        frame = self.reviews.copy()
        fresh = updated.iloc[0] if isinstance(updated, pd.DataFrame) and len(updated) else None
        frame.loc[label, "reply_text"] = message if fresh is None else fresh.get("reply_text")
        for column in ("reply_created_at", "reply_updated_at"):
            if column in frame:
                value = None if fresh is None else fresh.get(column)
                frame.loc[label, column] = pd.Timestamp.now(tz="UTC") if value is None else value
        self._replace_reviews(frame)
        self.detail.show(self._row(review_id), self.filters.timezone.value)

    def _replace_reviews(self, frame: pd.DataFrame) -> None:
        """Swap in an updated frame of the same reviews, keeping filters, page and detail view."""
        with self.hold_trait_notifications():
            self.unobserve(self._on_reviews, names="reviews")
            try:
                self.reviews = frame
            finally:
                self.observe(self._on_reviews, names="reviews")
        self.index = ReviewIndex(frame)
        self.refresh()

    # --- export ----------------------------------------------------------------------------------
    @guarded
    def export(self, fmt: ExportFormat = "csv", path: str | Path | None = None) -> Path:
        """Write the current selection to a CSV or Parquet file and offer it for download.

        The file is private (``0600``; a folder created for it ``0700``): reviews name their
        authors. In CSV, text that a spreadsheet would run as a formula (``=...``, ``+``, ``-``,
        ``@``) starts with a ``'`` (see :func:`csv_safe`); Parquet keeps the text as it is.

        Args:
            fmt: ``"csv"`` or ``"parquet"``.
            path: the file to write; by default ``reviews-<unit>-<UTC time>.<fmt>`` in
                ``export_dir`` (or the working directory).

        Returns:
            The written file's path.
        """
        if fmt not in _MIME:
            raise ValueError(f"unknown export format {fmt!r}; allowed: csv, parquet")
        if path is None:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
            unit = (
                "".join(c if c.isalnum() or c in "-." else "-" for c in self.business_unit)
                or "selection"
            )
            path = (self.export_dir or Path.cwd()) / f"reviews-{unit}-{stamp}.{fmt}"
        path = Path(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        selection = self.value
        _write_private(path, selection, fmt)
        size = path.stat().st_size
        link = ""
        if size <= MAX_DOWNLOAD_BYTES:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            link = (
                f'<a class="tpnb-download" download="{html.escape(path.name)}" '
                f'href="data:{_MIME[fmt]};base64,{data}">Download {html.escape(path.name)}</a> '
            )
        self.export_link.value = f'{link}<span class="tpnb-muted">{len(selection):,} reviews saved to {html.escape(str(path))}</span>'
        return path
