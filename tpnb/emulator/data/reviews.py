"""The service reviews: lookups, derived fields, queries, per-unit aggregates and every edit.

What a review says beyond its columns is derived on demand from the seed and its row: title and
text (:mod:`~.texts`), the company reply, reference id and referral e-mail, the Find Reviewer
requests; generated events stay before the data set's "now" (:meth:`Reviews.after`).
:class:`Reviews` is the one place a review id becomes a row (:meth:`Reviews.row` raises
:class:`~.errors.UnknownReview`), and it keeps the one query cache: the rows of the last
:data:`QUERY_CACHE_SIZE` distinct :class:`ReviewQuery` values (read-only arrays), emptied by
every edit. It does no locking: :class:`~tpnb.emulator.data.dataset.Dataset` holds its lock
around every call.

Edits bump :attr:`Reviews.version` and invalidate the unit's aggregates and the query cache.
Unknown ids raise the typed errors of :mod:`~.errors` (all :class:`LookupError`); bad values
raise ValueError. A live edit is stamped with the wall-clock time, but never before the data
set's "now" (so it sorts after every generated review).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator.data import specs
from tpnb.emulator.data.accounts import Accounts
from tpnb.emulator.data.business_units import BusinessUnits
from tpnb.emulator.data.consumers import Consumers
from tpnb.emulator.data.errors import UnknownReview
from tpnb.emulator.data.formats import STAR_KEYS
from tpnb.emulator.data.ids import KIND_TEXT, mix64, salt_for
from tpnb.emulator.data.table import Filters, ReviewTable
from tpnb.emulator.data.texts import compose_reply, compose_review, plan_topics
from tpnb.emulator.data.trustscore import computed_at, stars_for_score, trust_score

JSON = dict[str, Any]
Rows = npt.NDArray[np.int64]
RowMask = Callable[[Rows], npt.NDArray[np.bool_]]
EMPTY: Rows = np.zeros(0, dtype=np.int64)
EMPTY.flags.writeable = False
QUERY_CACHE_SIZE = 256
TagLike = Mapping[str, str] | tuple[str, str]
EDITABLE = ("stars", "title", "text", "language", "reference_id", "referral_email", "tags",
            "location_id", "is_verified")  # fmt: skip
FIND_REVIEWER = ("contacted", "notContacted")


@dataclass(frozen=True)
class ReviewQuery:
    """One review query, normalised (it is the query cache's key).

    Unknown ids, languages or sources match nothing; ``start_s``/``end_s`` are epoch seconds
    (start inclusive, end exclusive); ``order`` holds lower-case ``(field, direction)`` pairs.
    """

    business_unit_id: str | None = None
    consumer_id: str | None = None
    stars: frozenset[int] | None = None
    languages: frozenset[str] | None = None
    location_id: str | None = None
    responded: bool | None = None
    tag_group: str | None = None
    tag_value: str | None = None
    ignore_tag_value_case: bool = False
    include_reported: bool = False
    reported: bool | None = None
    start_s: int | None = None
    end_s: int | None = None
    reference_id: str | None = None
    referral_email: str | None = None
    source: str | None = None
    username: str | None = None
    find_reviewer: str | None = None
    order: tuple[tuple[str, str], ...] = (("createdat", "desc"),)

    def __post_init__(self) -> None:
        if self.stars is not None and not self.stars <= {1, 2, 3, 4, 5}:
            raise ValueError(f"stars must be within 1..5, got {sorted(self.stars)}")
        if self.find_reviewer not in (None, *FIND_REVIEWER):
            raise ValueError(
                f"find_reviewer must be 'contacted' or 'notContacted', got {self.find_reviewer!r}"
            )


def _tags(tags: Iterable[TagLike]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for tag in tags:
        group, value = (tag.get("group"), tag.get("value")) if isinstance(tag, Mapping) else tag
        if not isinstance(group, str) or not isinstance(value, str) or not group or not value:
            raise ValueError(f"a tag needs a non-empty string group and value, got {tag!r}")
        if (group, value) not in out:
            out.append((group, value))
    return tuple(out)


def _stars(stars: Any) -> int:
    if isinstance(stars, bool) or not isinstance(stars, (int, np.integer)) or not 1 <= stars <= 5:
        raise ValueError(f"stars must be an int within 1..5, got {stars!r}")
    return int(stars)


def _language_code(language: str) -> int:
    if language not in specs.LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(specs.LANGUAGES)}; got {language!r}")
    return specs.LANGUAGES.index(language)


class Reviews:
    """The service reviews of a data set (see the module docstring).

    Attributes:
        version: Bumped by every edit.
    """

    def __init__(
        self,
        table: ReviewTable,
        units: BusinessUnits,
        consumers: Consumers,
        accounts: Accounts,
        *,
        seed: int,
        now_s: int,
    ) -> None:
        self.table = table
        self.units = units
        self.consumers = consumers
        self.accounts = accounts
        self.now_s = now_s
        self.text_salt = salt_for(seed, KIND_TEXT)
        self.version = 0
        self._aggregates: dict[int, tuple[JSON, JSON]] = {}
        self._query_cache: dict[ReviewQuery, Rows] = {}

    # --- lookups -------------------------------------------------------------------------------
    def row(self, review_id: str) -> int:
        """The row of live review ``review_id`` (:class:`~.errors.UnknownReview` if none)."""
        row = self.table.find_row(review_id)
        if row is None:
            raise UnknownReview(review_id)
        return row

    def business_unit_id(self, row: int) -> str:
        """The id of the business unit review ``row`` is about."""
        return self.units[int(self.table["bu"][row])].id

    # --- derived fields ------------------------------------------------------------------------
    def title_text(self, row: int) -> tuple[str, str]:
        """The (title, text) of ``row``: as written, or composed from the phrase banks."""
        custom = self.table.texts.get(row)
        if custom is not None:
            return custom
        lang = specs.LANGUAGES[int(self.table["lang"][row])]
        stars = int(self.table["stars"][row])
        return compose_review(lang, stars, self._planned_topics(row), mix64(self.text_salt + row))

    def topics_of(self, row: int) -> tuple[str, ...] | None:
        """The topics the generator had review ``row`` name (the ground truth of what its
        generated text is about; see :func:`~.texts.plan_topics`), or None once its text was
        written or edited (it is then what the writer says)."""
        if row in self.table.texts:
            return None
        return self._planned_topics(row)

    def _planned_topics(self, row: int) -> tuple[str, ...]:
        t = self.table
        unit = self.units[int(t["bu"][row])]
        return plan_topics(unit.topics, int(t["stars"][row]), int(t["created"][row]),
                           unit.spec.domain, mix64(self.text_salt + row))  # fmt: skip

    def reply_text(self, row: int) -> str:
        """The company reply's text: as written, or composed in the review's language."""
        custom = self.table.reply_texts.get(row)
        if custom is not None:
            return custom
        t = self.table
        unit = self.units[int(t["bu"][row])]
        name = self.consumers.name(int(t["consumer"][row])).split(" ")[0]
        return compose_reply(specs.LANGUAGES[int(t["lang"][row])], int(t["stars"][row]),
                             mix64(self.text_salt + row), name, unit.spec.display,
                             unit.spec.domain)  # fmt: skip

    def after(self, start: int, delay: int) -> int:
        """``start + delay`` for generated events, kept before the data set's "now" (an event of
        a review created after "now", i.e. added live, keeps its full delay)."""
        if start >= self.now_s:
            return start + delay
        return start + min(delay, max(1, (self.now_s - start) // 2))

    def referral_email(self, row: int) -> str | None:
        """The referral e-mail: as written, the consumer's for an invited review, else None."""
        t = self.table
        if row in t.emails:
            return t.emails[row]
        if int(t["source"][row]) == 0:
            return None
        return self.consumers.email(int(t["consumer"][row]))

    def reference_id(self, row: int) -> str | None:
        """The reference id: as written, ``<unit prefix>-<order number>`` if invited, else None."""
        t = self.table
        if row in t.references:
            return t.references[row]
        num = int(t["ref_num"][row])
        if num < 0:
            return None
        return f"{self.units[int(t['bu'][row])].prefix}-{num}"

    def find_request_id(self, row: int, i: int) -> str:
        """The id of the ``i``-th Find Reviewer request of ``row``: a (seeded) version-4 UUID, as
        in the docs' example ``8e3a531e-f8e8-4d63-8d4c-187dc1408ed9`` ([C])."""
        created = int(self.table["created"][row])
        high = mix64(self.text_salt + row * 7 + i)
        low = mix64(self.text_salt ^ (created + 86400 + i))
        return str(uuid.UUID(int=(high << 64) | low, version=4))

    def find_request_time(self, row: int) -> int:
        """When the generated Find Reviewer request of ``row`` was sent."""
        h = mix64(self.text_salt + row + 2)
        return self.after(int(self.table["created"][row]), 86400 + int(h % (10 * 86400)))

    # --- queries -------------------------------------------------------------------------------
    def query(self, query: ReviewQuery) -> Rows:
        """Rows (read-only int64 array) of live reviews that pass every filter, in order.

        Ties are broken by review id (in the createdat direction, desc by default), so the order
        is total and stable. Reported reviews are left out unless ``include_reported`` or
        ``reported`` is given.

        Raises:
            ValueError: for an unknown order field or direction.
        """
        cached = self._query_cache.get(query)
        if cached is not None:
            return cached
        rows = self._select(query)
        rows.flags.writeable = False
        if len(self._query_cache) >= QUERY_CACHE_SIZE:
            self._query_cache.pop(next(iter(self._query_cache)))
        self._query_cache[query] = rows
        return rows

    def _select(self, q: ReviewQuery) -> Rows:
        t = self.table
        consumer = None if q.consumer_id is None else self.consumers.find_index(q.consumer_id)
        if q.consumer_id is not None and consumer is None:
            return EMPTY.copy()
        if q.business_unit_id is not None:
            if q.business_unit_id not in self.units:
                return EMPTY.copy()
            base = t.unit_rows[self.units.index(q.business_unit_id)]
        elif consumer is not None:
            base = t.consumer_rows(consumer)
        else:
            base = t.all_rows()
        f: dict[str, Any] = {"include_reported": q.include_reported, "reported": q.reported,
                             "responded": q.responded, "start_s": q.start_s, "end_s": q.end_s}  # fmt: skip
        if q.stars is not None:
            f["stars"] = q.stars
        if q.languages is not None and "all" not in {lang.lower() for lang in q.languages}:
            f["languages"] = frozenset(specs.LANGUAGES.index(lang.lower()) for lang in q.languages
                                       if lang.lower() in specs.LANGUAGES)  # fmt: skip
        if q.location_id is not None:
            location = self.units.location_code(q.location_id)
            f["location"] = -9 if location is None else location
        if consumer is not None:
            f["consumers"] = frozenset({consumer})
        if q.source is not None:
            f["source"] = specs.SOURCES.index(q.source) if q.source in specs.SOURCES else -9
        if q.find_reviewer is not None:
            f["find_state"] = (1, 2) if q.find_reviewer == "contacted" else (0,)
        if q.tag_group is not None or q.tag_value is not None:
            f["tagsets"], f["custom_tag_rows"] = self._tag_match(
                q.tag_group, q.tag_value, q.ignore_tag_value_case
            )
        if q.username is not None:
            named = frozenset(self.consumers.named(q.username))
            f["consumers"] = named & f["consumers"] if "consumers" in f else named
        masks = []
        if q.reference_id is not None:
            masks.append(self._reference_mask(q.reference_id))
        if q.referral_email is not None:
            masks.append(self._email_mask(q.referral_email))
        if masks:
            f["extra_mask"] = lambda rows: np.logical_and.reduce([m(rows) for m in masks])
        rows = t.filter(base, Filters(**f))
        return t.order(rows, q.order)

    def _tag_match(self, group: str | None, value: str | None,
                   ignore_case: bool) -> tuple[frozenset[int], frozenset[int]]:  # fmt: skip
        """The generated tag sets and the custom-tagged rows that have a matching tag."""

        def hit(tags: Iterable[tuple[str, str]]) -> bool:
            for g, v in tags:
                same = (
                    v.lower() == value.lower() if ignore_case and value is not None else v == value
                )
                if (group is None or g == group) and (value is None or same):
                    return True
            return False

        sets = frozenset(i for i, tags in enumerate(specs.TAG_SETS) if hit(tags))
        custom = frozenset(row for row, tags in self.table.tags.items() if hit(tags))
        return sets, custom

    def _reference_mask(self, reference_id: str) -> RowMask:
        """Rows whose reference id (generated or written) is ``reference_id``."""
        t = self.table
        prefix, _, number = reference_id.rpartition("-")
        unit_codes = [u.index for u in self.units if u.prefix == prefix]
        num = int(number) if number.isdigit() else -9
        special = np.array(sorted(t.references), dtype=np.int64)
        hits = np.array([r for r, v in t.references.items() if v == reference_id], dtype=np.int64)

        def mask(rows: Rows) -> npt.NDArray[np.bool_]:
            m = (t["ref_num"][rows] == num) & np.isin(t["bu"][rows], unit_codes)
            out: npt.NDArray[np.bool_] = (m & ~np.isin(rows, special)) | np.isin(rows, hits)
            return out

        return mask

    def _email_mask(self, email: str) -> RowMask:
        """Rows whose referral e-mail (generated or written) is ``email``."""
        t = self.table
        wanted = email.strip().lower()
        cands = self.consumers.with_email(wanted)
        special = np.array(sorted(t.emails), dtype=np.int64)
        hits = np.array(
            [r for r, v in t.emails.items() if (v or "").lower() == wanted], dtype=np.int64
        )

        def mask(rows: Rows) -> npt.NDArray[np.bool_]:
            m = np.isin(t["consumer"][rows], cands) & (t["source"][rows] != 0)
            out: npt.NDArray[np.bool_] = (m & ~np.isin(rows, special)) | np.isin(rows, hits)
            return out

        return mask

    def latest(self, languages: Iterable[str] | None, count: int) -> Rows:
        """The newest ``count`` visible reviews in ``languages`` (all when empty/None)."""
        wanted = set(languages or ())
        f = Filters()
        if wanted and "all" not in wanted:
            codes = frozenset(specs.LANGUAGES.index(x) for x in wanted if x in specs.LANGUAGES)
            f = Filters(languages=codes)
        return self.table.filter(self.table.all_rows()[::-1], f)[: max(count, 0)]

    def aggregate(self, u: int) -> tuple[JSON, JSON]:
        """``(numberOfReviews, score)`` of unit ``u`` from its current reviews (memoised)."""
        cached = self._aggregates.get(u)
        if cached is None:
            rows = self.table.unit_rows[u]
            stars = self.table["stars"][rows]
            counting = self.table["reported"][rows] < 0
            per_star = np.bincount(stars, minlength=6)[1:6]
            counts: JSON = {
                "total": int(rows.size),
                "usedForTrustScoreCalculation": int(counting.sum()),
            }
            counts.update({key: int(v) for key, v in zip(STAR_KEYS, per_star, strict=True)})
            created = self.table["created"][rows][counting]
            moment = computed_at(created, int(rows.size), self.now_s)
            score_value = trust_score(stars[counting], created, moment)
            cached = (counts, {"trustScore": score_value, "stars": stars_for_score(score_value)})
            self._aggregates[u] = cached
        return cached

    # --- edits ---------------------------------------------------------------------------------
    def _wall_now(self) -> int:
        """Timestamp for a live change: wall-clock time, but never before the data set's now."""
        return max(int(time.time()), self.now_s)

    def _touch(self, unit: int) -> None:
        """Record an edit of ``unit``."""
        self.version += 1
        self._aggregates.pop(unit, None)
        self._query_cache.clear()

    def add(self, business_unit_id: str, *, stars: int, title: str, text: str,
            language: str = "en", consumer_id: str | None = None, created_s: int | None = None,
            reference_id: str | None = None, referral_email: str | None = None,
            tags: Iterable[TagLike] = (), location_id: str | None = None,
            is_verified: bool = False, source: str | None = None) -> str:  # fmt: skip
        """Add a review and return its id (see ``Dataset.add_review``)."""
        u = self.units.index(business_unit_id)
        value = _stars(stars)
        if not isinstance(title, str) or not isinstance(text, str) or not text.strip():
            raise ValueError("title must be a string and text a non-empty string")
        lang = _language_code(language)
        created = created_s if created_s is not None else self._wall_now()
        if source is None:
            source = "InvitationApi" if reference_id or referral_email else "Organic"
        if source not in specs.SOURCES:
            raise ValueError(f"source must be one of {', '.join(specs.SOURCES)}; got {source!r}")
        code = specs.SOURCES.index(source)
        loc = -1 if location_id is None else self.units.location_of(u, location_id)
        tag_tuple = _tags(tags)
        for key, given in (("reference_id", reference_id), ("referral_email", referral_email)):
            if given is not None and not isinstance(given, str):
                raise ValueError(f"{key} must be a string or None, got {given!r}")
        if consumer_id is not None:
            c = self.consumers.index(consumer_id)
        else:  # everything is valid: only now create the consumer
            c = self.consumers.add(lang, created - 86400)
        row = self.table.append({
            "bu": u, "consumer": c, "created": created, "experienced": created - created % 86400,
            "stars": value, "lang": lang, "source": code,
            "level": 2 if code else (1 if is_verified else 0), "location": loc,
            "tagset": -2 if tag_tuple else -1,
        })  # fmt: skip
        self.table.texts[row] = (title, text)
        if reference_id is not None or code:
            self.table.references[row] = reference_id
        if referral_email is not None or code:
            self.table.emails[row] = referral_email
        if tag_tuple:
            self.table.tags[row] = tag_tuple
        self.consumers.review_counts[c] += 1
        self._touch(u)
        return self.table.review_id(row)

    def update(self, review_id: str, **fields: Any) -> None:
        """Edit a review (fields: :data:`EDITABLE`); sets ``updatedAt``."""
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}; editable: {', '.join(EDITABLE)}")
        row = self.row(review_id)
        t = self.table
        u = int(t["bu"][row])
        stars = _stars(fields["stars"]) if "stars" in fields else None
        lang = _language_code(fields["language"]) if "language" in fields else None
        tags = _tags(fields["tags"]) if "tags" in fields else None
        loc = None
        if "location_id" in fields:
            location_id = fields["location_id"]
            loc = -1 if location_id is None else self.units.location_of(u, location_id)
        for key in ("title", "text"):
            if key in fields and not isinstance(fields[key], str):
                raise ValueError(f"{key} must be a string, got {fields[key]!r}")
        title, text = self.title_text(row)  # as shown before this edit
        if stars is not None:
            t.set("stars", row, stars)
        if lang is not None:
            t.set("lang", row, lang)
        if {"title", "text", "stars", "language"} & set(fields):
            t.texts[row] = (str(fields.get("title", title)), str(fields.get("text", text)))
        if "reference_id" in fields:
            t.references[row] = fields["reference_id"]
        if "referral_email" in fields:
            t.emails[row] = fields["referral_email"]
        if tags is not None:
            t.set_tags(row, tags)
        if loc is not None:
            t.set("location", row, loc)
        if "is_verified" in fields and int(t["level"][row]) < 2:
            t.set("level", row, 1 if fields["is_verified"] else 0)
        t.set("updated", row, max(self._wall_now(), int(t["created"][row]) + 1))
        self._touch(u)

    def delete(self, review_id: str) -> None:
        """Delete a review (it is never returned again)."""
        row = self.row(review_id)
        self.table.delete(row)
        self.consumers.review_counts[int(self.table["consumer"][row])] -= 1
        self._touch(int(self.table["bu"][row]))

    def set_reply(self, review_id: str, message: str,
                  author_business_user_id: str | None = None) -> None:  # fmt: skip
        """Create or replace the company reply (author defaults to the unit's owner user)."""
        if not isinstance(message, str) or not message.strip():
            raise ValueError("the reply message must be a non-empty string")
        row = self.row(review_id)
        t = self.table
        u = int(t["bu"][row])
        if author_business_user_id is None:
            author = self.accounts.owner_index(u)
        else:
            author = self.accounts.user_index(author_business_user_id)
        now = max(self._wall_now(), int(t["created"][row]) + 1)
        if int(t["reply_at"][row]) < 0:
            t.set("reply_at", row, now)
            t.set("reply_upd", row, -1)
        else:
            t.set("reply_upd", row, now)
        t.set("reply_author", row, author)
        t.reply_texts[row] = message
        self._touch(u)

    def delete_reply(self, review_id: str) -> None:
        """Remove the company reply (no-op when there is none)."""
        row = self.row(review_id)
        for name in ("reply_at", "reply_upd", "reply_author"):
            self.table.set(name, row, -1)
        self.table.reply_texts.pop(row, None)
        self._touch(int(self.table["bu"][row]))

    def tags(self, review_id: str) -> list[dict[str, str]]:
        """``[{"group", "value"}]`` of a review."""
        return [{"group": g, "value": v} for g, v in self.table.tags_of(self.row(review_id))]

    def set_tags(self, review_id: str, tags: Iterable[TagLike]) -> None:
        """Replace a review's tags."""
        row = self.row(review_id)
        self.table.set_tags(row, _tags(tags))
        self._touch(int(self.table["bu"][row]))

    def add_tags(self, review_id: str, tags: Iterable[TagLike]) -> None:
        """Add tags to a review (duplicates ignored)."""
        row = self.row(review_id)
        self.table.set_tags(row, _tags([*self.table.tags_of(row), *_tags(tags)]))
        self._touch(int(self.table["bu"][row]))

    def remove_tag(self, review_id: str, group: str, value: str) -> None:
        """Remove one tag (no-op when absent)."""
        row = self.row(review_id)
        kept = tuple(tag for tag in self.table.tags_of(row) if tag != (group, value))
        self.table.set_tags(row, kept)
        self._touch(int(self.table["bu"][row]))

    def request_find_reviewer(self, review_id: str, message: str | None = None) -> str:
        """Record a Find Reviewer request (the review then counts as "contacted"); returns the
        request's id (as listed in the private review's ``findReviewer.requests``)."""
        row = self.row(review_id)
        t = self.table
        state = int(t["find_state"][row])
        generated: list[tuple[str | None, int]] = []
        if state > 0:
            generated.append((None, self.find_request_time(row)))
        messages = t.find_messages.setdefault(row, generated)
        messages.append((message, max(self._wall_now(), int(t["created"][row]) + 1)))
        if state == 0:
            t.set("find_state", row, 1)
        self._touch(int(t["bu"][row]))
        return self.find_request_id(row, len(messages) - 1)
