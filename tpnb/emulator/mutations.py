"""Write side of :class:`~tpnb.emulator.dataset.Dataset`: add/edit/delete reviews, replies, tags.

Every mutation holds ``self.lock``, bumps ``self.version`` and invalidates the unit's cached
aggregates and the query cache. Unknown ids raise :class:`LookupError`; bad values ValueError.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np

from tpnb.emulator import units
from tpnb.emulator.core import DatasetCore
from tpnb.emulator.queries import to_epoch

TagLike = Mapping[str, str] | tuple[str, str]
EDITABLE = ("stars", "title", "text", "language", "reference_id", "referral_email", "tags",
            "location_id", "is_verified")  # fmt: skip


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


class MutationsMixin(DatasetCore):
    """Mutations of the data set (mixed into Dataset)."""

    def _wall_now(self) -> int:
        """Timestamp for a live change: wall-clock time, but never before the data set's now."""
        return max(int(time.time()), self.now_s)

    def _row(self, review_id: str) -> int:
        row = self.review_row(review_id)
        if row is None:
            raise LookupError(f"unknown review id {review_id!r}")
        return row

    def _language_code(self, language: str) -> int:
        if language not in units.LANGUAGES:
            raise ValueError(
                f"language must be one of {', '.join(units.LANGUAGES)}; got {language!r}"
            )
        return units.LANGUAGES.index(language)

    def _location_code(self, u: int, location_id: str | None) -> int:
        """The location index of ``location_id`` in unit ``u`` (-1 for None)."""
        if location_id is None:
            return -1
        loc = self.location_index.get(location_id, -1)
        if loc < 0 or self.locations[loc].unit != u:
            raise LookupError(f"unknown location id {location_id!r} for this business unit")
        return loc

    def _new_consumer(self, lang: int, created: int) -> int:
        c = int(self.consumers["lang"].size)
        values = {"lang": lang, "country": lang, "first": c % 24, "last": c % 16, "style": 1,
                  "city": c % 10, "image": False, "created": created}  # fmt: skip
        for name, value in values.items():
            column = self.consumers[name]
            self.consumers[name] = np.append(column, np.array([value], dtype=column.dtype))
        self.consumer_review_counts = np.append(self.consumer_review_counts, 0)
        return c

    def add_review(self, business_unit_id: str, *, stars: int, title: str, text: str,
                   language: str = "en", consumer_id: str | None = None,
                   created_at: datetime | None = None, reference_id: str | None = None,
                   referral_email: str | None = None, tags: Iterable[TagLike] = (),
                   location_id: str | None = None, is_verified: bool = False,
                   source: str | None = None) -> str:  # fmt: skip
        """Add a review and return its id. ``source`` defaults to "InvitationApi" when a
        reference id or referral e-mail is given, else "Organic" (verified if ``is_verified``)."""
        with self.lock:
            u = self._unit(business_unit_id)
            if u is None:
                raise LookupError(f"unknown business unit id {business_unit_id!r}")
            value = _stars(stars)
            if not isinstance(title, str) or not isinstance(text, str) or not text.strip():
                raise ValueError("title must be a string and text a non-empty string")
            lang = self._language_code(language)
            created = to_epoch(created_at) if created_at is not None else self._wall_now()
            assert created is not None
            if source is None:
                source = "InvitationApi" if reference_id or referral_email else "Organic"
            if source not in units.SOURCES:
                raise ValueError(
                    f"source must be one of {', '.join(units.SOURCES)}; got {source!r}"
                )
            code = units.SOURCES.index(source)
            loc = self._location_code(u, location_id)
            tag_tuple = _tags(tags)
            for key, given in (("reference_id", reference_id), ("referral_email", referral_email)):
                if given is not None and not isinstance(given, str):
                    raise ValueError(f"{key} must be a string or None, got {given!r}")
            if consumer_id is not None:
                c = self.consumer_index(consumer_id)
                if c is None:
                    raise LookupError(f"unknown consumer id {consumer_id!r}")
            else:  # everything is valid: only now create the consumer
                c = self._new_consumer(lang, created - 86400)
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
            self.consumer_review_counts[c] += 1
            self._touch(u)
            return self.review_id(row)

    def update_review(self, review_id: str, **fields: Any) -> None:
        """Edit a review (fields: ``stars, title, text, language, reference_id, referral_email,
        tags, location_id, is_verified``); sets ``updatedAt``."""
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}; editable: {', '.join(EDITABLE)}")
        with self.lock:
            row = self._row(review_id)
            t = self.table
            u = int(t["bu"][row])
            stars = _stars(fields["stars"]) if "stars" in fields else None
            lang = self._language_code(fields["language"]) if "language" in fields else None
            tags = _tags(fields["tags"]) if "tags" in fields else None
            loc = self._location_code(u, fields["location_id"]) if "location_id" in fields else None
            for key in ("title", "text"):
                if key in fields and not isinstance(fields[key], str):
                    raise ValueError(f"{key} must be a string, got {fields[key]!r}")
            title, text = self.renderer.title_text(row)  # as shown before this edit
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
                self._set_tags(row, tags)
            if loc is not None:
                t.set("location", row, loc)
            if "is_verified" in fields and int(t["level"][row]) < 2:
                t.set("level", row, 1 if fields["is_verified"] else 0)
            t.set("updated", row, max(self._wall_now(), int(t["created"][row]) + 1))
            self._touch(u)

    def delete_review(self, review_id: str) -> None:
        """Delete a review (it is never returned again)."""
        with self.lock:
            row = self._row(review_id)
            self.table.delete(row)
            self.consumer_review_counts[int(self.table["consumer"][row])] -= 1
            self._touch(int(self.table["bu"][row]))

    def set_reply(self, review_id: str, message: str,
                  author_business_user_id: str | None = None) -> None:  # fmt: skip
        """Create or replace the company reply (author defaults to the unit's owner user)."""
        if not isinstance(message, str) or not message.strip():
            raise ValueError("the reply message must be a non-empty string")
        with self.lock:
            row = self._row(review_id)
            t = self.table
            u = int(t["bu"][row])
            if author_business_user_id is None:
                author = 2 + u
            elif author_business_user_id in self._user_index:
                author = self._user_index[author_business_user_id]
            else:
                raise LookupError(f"unknown business user id {author_business_user_id!r}")
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
        with self.lock:
            row = self._row(review_id)
            for name in ("reply_at", "reply_upd", "reply_author"):
                self.table.set(name, row, -1)
            self.table.reply_texts.pop(row, None)
            self._touch(int(self.table["bu"][row]))

    def tags_of(self, row: int) -> tuple[tuple[str, str], ...]:
        """The tags of ``row`` as (group, value) pairs."""
        tagset = int(self.table["tagset"][row])
        if tagset == -2:
            return self.table.tags.get(row, ())
        return units.TAG_SETS[tagset] if tagset >= 0 else ()

    def _set_tags(self, row: int, tags: tuple[tuple[str, str], ...]) -> None:
        self.table.set("tagset", row, -2 if tags else -1)
        if tags:
            self.table.tags[row] = tags
        else:
            self.table.tags.pop(row, None)

    def review_tags(self, review_id: str) -> list[dict[str, str]]:
        """``[{"group", "value"}]`` of a review."""
        with self.lock:
            return [{"group": g, "value": v} for g, v in self.tags_of(self._row(review_id))]

    def set_review_tags(self, review_id: str, tags: Iterable[TagLike]) -> None:
        """Replace a review's tags."""
        with self.lock:
            row = self._row(review_id)
            self._set_tags(row, _tags(tags))
            self._touch(int(self.table["bu"][row]))

    def add_review_tags(self, review_id: str, tags: Iterable[TagLike]) -> None:
        """Add tags to a review (duplicates ignored)."""
        with self.lock:
            row = self._row(review_id)
            self._set_tags(row, _tags([*self.tags_of(row), *_tags(tags)]))
            self._touch(int(self.table["bu"][row]))

    def remove_review_tag(self, review_id: str, group: str, value: str) -> None:
        """Remove one tag (no-op when absent)."""
        with self.lock:
            row = self._row(review_id)
            self._set_tags(row, tuple(t for t in self.tags_of(row) if t != (group, value)))
            self._touch(int(self.table["bu"][row]))

    def request_find_reviewer(self, review_id: str, message: str | None = None) -> str:
        """Record a Find Reviewer request (the review then counts as "contacted"); returns the
        request's id (as listed in the private review's ``findReviewer.requests``)."""
        with self.lock:
            row = self._row(review_id)
            t = self.table
            state = int(t["find_state"][row])
            generated: list[tuple[str | None, int]] = []
            if state > 0:
                generated.append((None, self.renderer.find_request_time(row)))
            messages = t.find_messages.setdefault(row, generated)
            messages.append((message, max(self._wall_now(), int(t["created"][row]) + 1)))
            if state == 0:
                t.set("find_state", row, 1)
            self._touch(int(t["bu"][row]))
            return self.renderer.find_request_id(row, len(messages) - 1)
