"""ReviewExplorer: load a business unit's reviews once, then filter, page, read and export them."""

from __future__ import annotations

import html
import re
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import ipywidgets as w
import pandas as pd
import traitlets

from tpnb.errors import AuthError, ConfigError, ForbiddenError, NotFoundError
from tpnb.files import write_private
from tpnb.frames import review_frame
from tpnb.text import PhraseFinder, phrase_pattern
from tpnb.widgets._base import (
    FrameTrait,
    MessageArea,
    background,
    guarded,
    has_customer_api,
    in_kernel,
    is_demo,
    log,
    style_widget,
)
from tpnb.widgets.controls import FilterBar
from tpnb.widgets.detail import ReviewDetail
from tpnb.widgets.download import BrowserDownload
from tpnb.widgets.filtering import ReviewFilter, ReviewIndex, language_counts
from tpnb.widgets.progress import LoadProgress
from tpnb.widgets.render import demo_badge_html, plural
from tpnb.widgets.streaming import LoadCancelled, StreamingLoad, append_reviews
from tpnb.widgets.table import ReviewTable

__all__ = ["ReviewExplorer"]

ExportFormat = Literal["csv", "parquet"]
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
        if isinstance(series.dtype, pd.CategoricalDtype):  # a frame of the caller's own
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


def _export_bytes(selection: pd.DataFrame, fmt: ExportFormat) -> bytes:
    """``selection`` as the bytes of a CSV (formulas defused, UTF-8) or Parquet file."""
    if fmt == "csv":
        return csv_safe(selection).to_csv(index=False).encode("utf-8")
    data: bytes = selection.to_parquet(index=False)
    return data


def _size_text(size: int) -> str:
    """``size`` bytes for people: ``812 bytes``, ``14 KB``, ``3.2 MB``."""
    if size < 1_000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1_000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def _empty_reviews() -> pd.DataFrame:
    return review_frame([])


class ReviewExplorer(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Explore one business unit's reviews: filter in the kernel, read, reply, export.

    The reviews are fetched once through the client (public reviews, or private ones when the
    Customer API is connected) with a progress bar; every filter change after that is answered
    from memory by a :class:`~tpnb.widgets.filtering.ReviewIndex`, with no further requests.

    Public reviews stream in: the newest page shows at once (table, count, linked charts) and
    the rest follows newest first, behind one progress display that knows the unit's review
    count and says when the client waits for the API's rate limit. Filters work meanwhile on
    what is loaded, and the count says so ("of 12,400 of 124,000 loaded so far"). In a
    notebook or Voila, assigning :attr:`business_unit` loads in a background thread (the
    widget stays usable; choosing another unit cancels the load); :meth:`wait` waits for it.
    With the client's review store on, public reviews load through it
    (:meth:`tpnb.Client.streamed_reviews`): a unit loaded before (here or by ``tp.reviews()``)
    shows at once after a refresh of a handful of requests, and a first load fills the store.

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
        loading: True until the first reviews of a load are shown (the table says "Loading").
        complete: False while a load is under way (reviews are still arriving).
        expected_reviews: how many reviews the unit has (its summary's count), for the
            progress display; 0 when unknown (an indeterminate bar).

    Args:
        client: a :class:`tpnb.Client` (``None`` to explore a given ``reviews`` frame only).
        business_unit: a business unit id or domain to load at once.
        reviews: a review frame to explore instead of loading one.
        timezone: the timezone dates are shown in (IANA name).
        page_size: rows per page.
        export_dir: a folder where the *Export selection* button also saves a copy of each
            export (default: none; the button's export is a browser download only).
        progress: show a progress display while loading (``False`` in scripts and tests);
            the client's own tqdm bar is never shown (one display, not two).
        badge: show the "Demo data" badge when the client is in demo mode.
        background: load in a background thread when :attr:`business_unit` is assigned
            (``None``: in a Jupyter kernel, where the widget is on screen while it loads; not in
            scripts and tests, where the assignment returns once every review is in).
        update_every: while streaming, refresh the table and charts at most this often
            (seconds; 0: every page); the progress display follows every page.
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
    complete = traitlets.Bool(True)

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
        background: bool | None = None,
        update_every: float = 1.0,
        **kwargs: Any,
    ) -> None:
        if background is not None and not isinstance(background, bool):
            raise ValueError(f"background must be True, False or None, got {background!r}")
        if isinstance(update_every, bool) or not isinstance(update_every, (int, float)):
            raise ValueError(f"update_every must be a number of seconds >= 0, got {update_every!r}")
        if not update_every >= 0:
            raise ValueError(f"update_every must be a number of seconds >= 0, got {update_every!r}")
        self.client = client
        self.background = background
        self.update_every = float(update_every)
        self._lock = threading.RLock()  # display updates from the load thread and the kernel's
        self._replacing: int | None = None  # the thread swapping in updated reviews, if any
        self._current: StreamingLoad | None = None
        self._unit_name = ""  # the loaded unit's display name (when no label is given)
        self._looked_up_total: int | None = None  # the count the last lookup set
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
        self.download = BrowserDownload()
        export_bar = w.HBox(
            [self.export_format, self.export_button, self.export_link, self.download],
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
        self.observe(lambda _change: self._on_filters(), names=["phrase", "phrase_language"])
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
        if not change["new"]:
            return
        background = self.background if self.background is not None else in_kernel()
        if background and self.client is not None:
            self.start_load(change["new"])
        else:
            self.load(change["new"])

    def start_load(self, business_unit: str) -> None:
        """Load ``business_unit``'s reviews in a background thread; return at once.

        The newest reviews show as soon as the first page is in; the rest stream in behind the
        progress display. A load started before is cancelled (nothing of it is shown after
        this call). :meth:`wait` waits for the end.
        """
        load = self._begin(business_unit)
        thread = background(
            threading.Thread(
                target=self._run_in_background,
                args=(load,),
                name="tpnb-explorer-load",
                daemon=True,
            )
        )
        load.thread = thread
        thread.start()

    @guarded
    def load(self, business_unit: str) -> pd.DataFrame:
        """Fetch every review of ``business_unit`` (id or domain) through the client, once.

        Runs in the caller's thread, showing the reviews as they arrive (see :meth:`start_load`
        for the background load that assigning :attr:`business_unit` starts in a notebook).

        Returns:
            The loaded reviews (also in :attr:`reviews`).
        """
        load = self._begin(business_unit)
        self._run(load)
        frame: pd.DataFrame = self.reviews
        return frame

    def wait(self, timeout: float | None = None) -> pd.DataFrame:
        """Block until the current load has ended (at most ``timeout`` seconds); return
        :attr:`reviews` (every review once the load is complete, see :attr:`complete`)."""
        with self._lock:
            load = self._current
        if load is not None and load.thread is not None:
            load.thread.join(timeout)
        frame: pd.DataFrame = self.reviews
        return frame

    def _begin(self, business_unit: str) -> StreamingLoad:
        """Cancel the load under way (if any) and show the loading state of a new one."""
        if self.client is None:
            raise RuntimeError(
                "this explorer has no client: assign a review frame to .reviews instead"
            )
        load = StreamingLoad(business_unit, total=self.expected_reviews)
        if len(business_unit) == 24 and all(c in "0123456789abcdef" for c in business_unit):
            load.unit_id = business_unit
        with self._lock:
            if self._current is not None:
                self._current.cancel()
            self._current = load
            self.private = False
            self._unit_name = ""
            self.complete = False
            self._show_loading(self.label or business_unit, load.total)
        self.requests_made += 1
        return load

    def _is_current(self, load: StreamingLoad) -> bool:
        return self._current is load and not load.cancelled.is_set()

    def _run_in_background(self, load: StreamingLoad) -> None:
        try:
            self._run(load)
        except Exception as exc:  # shown in the widget, as guarded callbacks do
            log.warning("loading the reviews of %s failed", load.business_unit, exc_info=True)
            with self._lock:
                if self._is_current(load):
                    self.messages.show(f"{type(exc).__name__}: {exc}", "error")

    def _run(self, load: StreamingLoad) -> None:
        """Load ``load``'s reviews: private ones when the Customer API allows, else public ones
        page by page; the display follows while ``load`` is the current one."""
        try:
            # a caller that names the unit by id and gives its count and label (the dashboard,
            # from the unit's card) spares the lookup before the first page
            told = (
                bool(load.unit_id and self.label)
                and self.expected_reviews > 0
                and self.expected_reviews != self._looked_up_total
            )
            if not told:
                self._look_up(load)
            frame = None
            private = False
            if has_customer_api(self.client):
                # the Customer API has the private fields and allows replies, for the units
                # the business user owns; for any other unit, fall back to the public reviews
                try:
                    if hasattr(self.client, "private_review_pages"):
                        frame = self._stream(load, private=True)
                    else:
                        frame = self.client.private_reviews(load.business_unit, progress=False)
                    private = True
                except (ForbiddenError, NotFoundError, AuthError) as exc:
                    log.info(
                        "private reviews of %s unavailable (%s): public ones instead",
                        load.business_unit,
                        exc,
                    )
            if private:
                with self._lock:
                    if self._is_current(load):
                        self.private = True
            elif hasattr(self.client, "review_pages"):
                frame = self._stream(load, private=False)
            else:
                frame = self.client.reviews(load.business_unit, progress=False)
            if frame is not None:
                self._show_all(load, frame)
        except BaseException:
            with self._lock:
                if self._is_current(load):
                    self.progress_display.finish()
                    self.loading = False
                    self.complete = True
                    self._show_summary()
            raise
        finally:
            load.unwatch()

    def _look_up(self, load: StreamingLoad) -> None:
        """The unit's name and review count (one request, for the summary and the progress)."""
        lookup = getattr(self.client, "business_unit", None)
        if lookup is None:
            return
        unit = lookup(load.business_unit)
        row = unit.iloc[0] if isinstance(unit, pd.DataFrame) and len(unit) else None
        if row is None:
            return
        name, count = row.get("display_name"), row.get("number_of_reviews")
        unit_id = row.get("id")
        if isinstance(unit_id, str) and unit_id:
            load.unit_id = unit_id
        with self._lock:
            if not self._is_current(load):
                return
            if name is not None and not pd.isna(name):
                load.name = self._unit_name = str(name)
            if count is not None and not pd.isna(count):
                load.total = int(count)
                self.expected_reviews = self._looked_up_total = load.total
                if self.progress:
                    self.progress_display.set_total(load.total)
            self._show_summary()

    def _stream(self, load: StreamingLoad, *, private: bool) -> pd.DataFrame | None:
        """The reviews (private ones, or public ones) page by page, newest first, shown as
        they arrive.

        Public reviews come through :meth:`tpnb.Client.streamed_reviews`: with a review store,
        a unit stored before is refreshed (a handful of requests) and shown at once, and a new
        one streams in while the store keeps it; without one, the pages stream in and their
        frame is kept in the client's frame cache (a frame kept there is shown at once). The
        final frame is what ``client.reviews()`` gives. Private reviews stream in from
        ``private_review_pages`` and their final frame is built once from every page.

        The first page is shown at once; after that the display is refreshed at most every
        :attr:`update_every` seconds (each refresh re-indexes what is loaded).

        Returns:
            Every review, or ``None`` when the load was cancelled.
        """
        watch = getattr(self.client, "watch_pacing", None)
        if watch is not None and self.progress and load.stop_watching is None:
            load.stop_watching = watch(lambda seconds: self._on_pace_wait(load, seconds))
        unit_id = load.unit_id or None
        items: list[dict[str, Any]] = []
        pending: list[dict[str, Any]] = []
        shown_at: float | None = None

        def take(page: list[dict[str, Any]]) -> None:
            """Show one page (or just count it, between display refreshes)."""
            nonlocal pending, shown_at
            if load.cancelled.is_set():
                raise LoadCancelled(load.business_unit)
            items.extend(page)
            pending.extend(page)
            load.loaded = len(items)
            now = time.monotonic()
            if shown_at is None or now - shown_at >= self.update_every:
                part = review_frame(pending, private=private, business_unit_id=unit_id)
                if private:
                    with self._lock:
                        if self._is_current(load):
                            self.private = True  # replies allowed from the first page
                self._show_part(load, part)
                pending = []
                shown_at = time.monotonic()
            elif self.progress:
                with self._lock:
                    if self._is_current(load):
                        self.progress_display.show_loaded(load.loaded)

        try:
            streamed = getattr(self.client, "streamed_reviews", None)
            if not private and streamed is not None:
                frame: pd.DataFrame = streamed(load.business_unit, take)
                return None if load.cancelled.is_set() else frame
            if private:
                pages = self.client.private_review_pages(load.business_unit)
            else:
                pages = self.client.review_pages(load.business_unit)
            try:
                for page in pages:
                    take(page)
            finally:
                pages.close()
        except LoadCancelled:
            return None
        if load.cancelled.is_set():
            return None
        return review_frame(items, private=private, business_unit_id=unit_id)

    def _on_pace_wait(self, load: StreamingLoad, seconds: float) -> None:
        with self._lock:
            if self._is_current(load):
                self.progress_display.show_waiting(seconds)

    def _show_part(self, load: StreamingLoad, part: pd.DataFrame) -> None:
        """Show the reviews loaded so far: ``part`` after the ones shown before."""
        with self._lock:
            if not self._is_current(load):
                return
            if self.progress:
                self.progress_display.show_loaded(load.loaded)
            if self.loading:  # the first page: the table, the count and the charts appear
                self.messages.clear()
                self.reviews = part
                self.loading = False
                self._show_summary()
            else:
                self._replace_reviews(append_reviews(self.reviews, part))

    def _show_all(self, load: StreamingLoad, frame: pd.DataFrame) -> None:
        """The load is complete: every review, the filters, page and open review kept."""
        with self._lock:
            if not self._is_current(load):
                return
            self.progress_display.finish()
            self.detail.reply_box.layout.display = "flex" if self.private else "none"
            self.complete = True
            if self.loading:
                self.messages.clear()
                self.reviews = frame
                # only now: linked charts redraw once, from the new selection
                self.loading = False
            else:
                self._replace_reviews(frame)
            self._show_summary()

    def _show_loading(self, name: str, total: int) -> None:
        """While loading: one progress display; the table and count say "Loading", not "none"."""
        self.loading = True
        self.close_review()
        self.messages.clear()
        if self.progress:
            self.progress_display.start(name, total or None)
        else:
            self.progress_display.finish()
        empty = self.index.ordered.iloc[:0]
        self.table.show(empty, page=1, empty_text=f"Loading the reviews of {name}\u2026")
        self.count.value = ""
        self._show_summary()
        self.value = empty  # nothing of an earlier unit stays on screen while this one loads

    def _on_reviews(self, change: dict[str, Any]) -> None:
        if self._replacing == threading.get_ident():
            return  # the same reviews, updated: see _replace_reviews
        frame: pd.DataFrame = change["new"]
        self.index = ReviewIndex(frame)
        if self.phrase:
            with self.hold_trait_notifications():  # a phrase of the earlier reviews goes too
                self.phrase = self.phrase_language = ""
        self.filters.set_languages(language_counts(frame))  # refresh() narrows them
        self.close_review()
        self.refresh(page=1)

    def _on_filters(self) -> None:
        with self._lock:  # a streaming load may be showing its next pages meanwhile
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
        if not self.complete:
            expected = f" of {self.expected_reviews:,}" if self.expected_reviews else ""
            source = "filtered from the " if len(selection) != total else ""
            of = f" ({source}{total:,}{expected} loaded so far)"
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
        name = html.escape(self.label or self._unit_name or self.business_unit or "Reviews")
        n = len(self.reviews)
        expected = self.expected_reviews
        if self.loading:
            text = f"<b>{name}</b> &middot; loading\u2026"
        elif not self.complete:
            of = f" of {expected:,}" if expected else ""
            text = f"<b>{name}</b> &middot; {n:,}{of} reviews loaded so far\u2026"
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
        """Swap in an updated frame of the same reviews, keeping filters, page and detail view.

        The other observers of :attr:`reviews` (the charts) see the new frame; :meth:`_on_reviews`,
        which starts a new unit's reviews afresh, is skipped. (Not with ``unobserve`` inside
        ``hold_trait_notifications``: the held change is delivered after the observer is back.)
        """
        self._replacing = threading.get_ident()
        try:
            self.reviews = frame
        finally:
            self._replacing = None
        self.index = ReviewIndex(frame)
        self.refresh()

    # --- export ----------------------------------------------------------------------------------
    @guarded
    def export(self, fmt: ExportFormat = "csv", path: str | Path | None = None) -> Path | None:
        """Export the current selection as CSV or Parquet: a browser download, or a named file.

        Without ``path`` (what the *Export selection* button does) the file is made in memory
        and sent to the browser, which saves it among its downloads as
        ``reviews-<unit>-<UTC time>.<fmt>``; nothing is written on the kernel's disk (unless the
        explorer was given an ``export_dir``: then a copy is saved there too) and nothing is kept
        in the notebook (see :class:`~tpnb.widgets.download.BrowserDownload`). With ``path`` the
        file is written there and not downloaded.

        A written file is private (``0600``; a folder created for it ``0700``): reviews name their
        authors. In CSV, text that a spreadsheet would run as a formula (``=...``, ``+``, ``-``,
        ``@``) starts with a ``'`` (see :func:`csv_safe`); Parquet keeps the text as it is.

        Args:
            fmt: ``"csv"`` or ``"parquet"``.
            path: the file to write, or ``None`` for a browser download.

        Returns:
            The written file's path, or ``None`` when the export was only a browser download.
        """
        if fmt not in _MIME:
            raise ValueError(f"unknown export format {fmt!r}; allowed: csv, parquet")
        selection = self.value
        reviews = plural(len(selection), "review")
        if path is not None:
            written = self._write(Path(path), selection, fmt)
            self.export_link.value = (
                f'<span class="tpnb-muted">{reviews} saved to {html.escape(str(written))}</span>'
            )
            return written
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        unit = (
            "".join(c if c.isalnum() or c in "-." else "-" for c in self.business_unit)
            or "selection"
        )
        name = f"reviews-{unit}-{stamp}.{fmt}"
        data = _export_bytes(selection, fmt)
        self.download.offer(name, data, _MIME[fmt])
        note = f"{reviews} sent to your browser as {html.escape(name)} ({_size_text(len(data))})"
        saved: Path | None = None
        if self.export_dir is not None:
            saved = self._write(self.export_dir / name, selection, fmt)
            note += f"; a copy is saved to {html.escape(str(saved))}"
        self.export_link.value = f'<span class="tpnb-download tpnb-muted">{note}</span>'
        return saved

    @staticmethod
    def _write(path: Path, selection: pd.DataFrame, fmt: ExportFormat) -> Path:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private(path, _export_bytes(selection, fmt))
        return path
