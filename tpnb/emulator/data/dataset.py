"""The emulator's deterministic synthetic data set: its parts, and the operations the API calls.

``build_dataset(seed)`` returns a :class:`Dataset`: ~25 fictional business units (see
:mod:`~.specs` for the units and their stories), about 250,000 reviews at scale 1.0 held as
numpy columns (:mod:`~.table`), their consumers and product reviews. JSON is rendered only for
the rows a response returns. The same seed gives the same bytes (:meth:`Dataset.canonical_bytes`).

Parts (composition: each knows only the parts it is given, none knows the dataset):

* :attr:`Dataset.units` (:class:`~.business_units.BusinessUnits`), :attr:`Dataset.accounts`
  (:class:`~.accounts.Accounts`), :attr:`Dataset.consumers` (:class:`~.consumers.Consumers`);
* :attr:`Dataset.table` (the review columns), :attr:`Dataset.reviews` (:class:`~.reviews.Reviews`:
  lookups, derived fields, queries, aggregates, edits), :attr:`Dataset.renderer` (reviews as
  JSON);
* :attr:`Dataset.product_reviews` (:class:`~.products.ProductReviews`).

The methods of :class:`Dataset` are the operations (what the API and the tests ask for), each
taking the lock and combining parts where an answer needs several (a business unit with its
review counts, a category ranking by TrustScore). An unknown id raises the typed error of
:mod:`~.errors` from the part that looks it up.

Thread safety: ``Dataset.lock`` (an RLock) is held by every edit and, briefly, by every query,
so a query never sees a half-applied edit; ``version`` bumps on every edit.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator.data import business_units as bu_json
from tpnb.emulator.data import categories
from tpnb.emulator.data.accounts import Accounts, BusinessUser
from tpnb.emulator.data.business_units import BusinessUnits
from tpnb.emulator.data.consumers import Consumers
from tpnb.emulator.data.deletions import DeletionLog
from tpnb.emulator.data.generate import REVIEW_COLUMNS, epoch, generate
from tpnb.emulator.data.ids import KIND_REVIEW, salt_for
from tpnb.emulator.data.products import ProductReviews
from tpnb.emulator.data.review_json import ReviewRenderer
from tpnb.emulator.data.reviews import ReviewQuery, Reviews, TagLike
from tpnb.emulator.data.table import ReviewTable
from tpnb.emulator.options import DATASET_NOW, DEFAULT_SEED, check_dataset_settings

JSON = dict[str, Any]
Rows = npt.NDArray[np.int64]


def to_epoch(moment: datetime | None) -> int | None:
    """Epoch seconds; a naive datetime is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


class Dataset:
    """The whole data set; see the module docstring. Build it with :func:`build_dataset`."""

    def __init__(self, seed: int, now: datetime, scale: float) -> None:
        self.seed = seed
        self.now = now
        self.now_s = epoch(now)
        self.scale = scale
        self.lock = threading.RLock()
        self.units = BusinessUnits(seed)
        self.accounts = Accounts(seed, self.units)
        reply_authors = [self.accounts.reply_authors(unit) for unit in self.units]
        gen = generate(seed, self.now_s, scale, reply_authors)
        self.table = ReviewTable(gen.reviews, gen.offsets, len(self.units),
                                 salt_for(seed, KIND_REVIEW))  # fmt: skip
        review_counts = np.bincount(
            gen.reviews["consumer"], minlength=gen.consumers["lang"].size
        ).astype(np.int64)
        self.consumers = Consumers(gen.consumers, review_counts, seed)
        self.reviews = Reviews(
            self.table, self.units, self.consumers, self.accounts, seed=seed, now_s=self.now_s
        )
        self.renderer = ReviewRenderer(self.reviews)
        self.product_reviews = ProductReviews(gen.product_reviews, self.reviews, seed=seed)
        self.deletions = DeletionLog(seed, self.now_s, self.units.ids())

    @property
    def version(self) -> int:
        """Bumped by every edit (``Reviews.version``)."""
        return self.reviews.version

    # --- business units ------------------------------------------------------------------------
    def business_unit_ids(self, country: Iterable[str] | None = None) -> list[str]:
        """Unit ids in a stable order, optionally only those in ``country`` (ISO alpha-2 codes)."""
        return self.units.ids(country)

    def find_business_unit(self, name: str) -> str | None:
        """The id of the unit whose identifying or referring name is ``name`` (case-insensitive;
        a scheme and trailing slash are ignored), or None."""
        return self.units.find(name)

    def search_business_units(self, query: str, country: str | None = None) -> list[str]:
        """Unit ids matching ``query`` by name or domain, best match first."""
        return self.units.search(query, country)

    def business_unit_json(self, bu_id: str, base_url: str) -> JSON:
        """§3.1 business unit with review counts and score computed from the current reviews."""
        with self.lock:
            u = self.units.index(bu_id)
            counts, score = self.reviews.aggregate(u)
            return bu_json.business_unit_json(self.units[u], base_url, dict(counts), dict(score))

    def profile_info_json(self, bu_id: str, base_url: str) -> JSON:
        """§2.1 profileinfo."""
        return bu_json.profile_info_json(self.units.get(bu_id), base_url)

    def web_links_json(self, bu_id: str, locale: str | None, base_url: str) -> JSON:
        """§2.1 web-links (``locale`` defaults to en-US)."""
        return bu_json.web_links_json(self.units.get(bu_id), locale or "en-US", base_url)

    def images_json(self, bu_id: str, base_url: str) -> JSON:
        """§2.1 images."""
        return bu_json.images_json(self.units.get(bu_id), base_url)

    def location_ids(self, bu_id: str) -> list[str]:
        """The UUIDs of the unit's locations (empty for most units)."""
        return self.units.location_ids(bu_id)

    # --- categories ----------------------------------------------------------------------------
    def business_unit_categories_json(self, bu_id: str, country: str | None = None,
                                      locale: str | None = None) -> JSON:  # fmt: skip
        """The unit's categories with its ranking in each (in ``country``, default its own)."""
        unit = self.units.get(bu_id)
        out = []
        for i, cat in enumerate(categories.of_unit(unit)):
            peers = self.category_business_unit_ids(cat, country or unit.spec.country) or [unit.id]
            position = peers.index(unit.id) + 1 if unit.id in peers else len(peers)
            out.append({**categories.category_json(cat), "isPrimary": i == 0,
                        "predictedTopCategory": i == 0, "rankingCardinality": len(peers),
                        "rankingPosition": position, "relevance": 1.0 if i == 0 else 0.5,
                        "source": "business"})  # fmt: skip
        return {"categories": out}

    def categories_json(self, country: str | None = None, locale: str | None = None,
                        parent_id: str | None = None) -> JSON:  # fmt: skip
        """Top-level categories, or the children of ``parent_id``."""
        return categories.children_json(parent_id)

    def category_json(self, category_id: str, country: str | None = None,
                      locale: str | None = None) -> JSON:  # fmt: skip
        """One category with its parent and number of business units (in ``country``)."""
        ids = self.category_business_unit_ids(category_id, country)
        return {
            "businessUnitCount": len(ids),
            "parentId": categories.parent(category_id),
            **categories.category_json(category_id),
        }

    def category_business_unit_ids(self, category_id: str,
                                   country: str | None = None) -> list[str]:  # fmt: skip
        """Units in the category or below it, best TrustScore first."""
        wanted = categories.descendants(category_id)
        with self.lock:
            found = [u for u in self.units if set(categories.of_unit(u)) & wanted
                     and (country is None or u.spec.country == country.strip().upper())]  # fmt: skip
            found.sort(key=lambda u: (-self.reviews.aggregate(u.index)[1]["trustScore"], u.index))
        return [u.id for u in found]

    # --- service reviews -----------------------------------------------------------------------
    def query_reviews(self, *, business_unit_id: str | None = None,
                      consumer_id: str | None = None, stars: Iterable[int] | None = None,
                      languages: Iterable[str] | None = None, location_id: str | None = None,
                      responded: bool | None = None, tag_group: str | None = None,
                      tag_value: str | None = None, ignore_tag_value_case: bool = False,
                      include_reported: bool = False, reported: bool | None = None,
                      start: datetime | None = None, end: datetime | None = None,
                      reference_id: str | None = None, referral_email: str | None = None,
                      source: str | None = None, username: str | None = None,
                      find_reviewer: str | None = None,
                      order_by: Sequence[tuple[str, str]] = (("createdat", "desc"),),
                      ) -> Rows:  # fmt: skip
        """Rows (read-only int64 array) of live reviews that pass every filter, in order.

        Ties are broken by review id (in the createdat direction, desc by default), so the order
        is total and stable. Reported reviews are left out unless ``include_reported`` or
        ``reported`` is given. Unknown ids, languages or sources match nothing. ``start`` is
        inclusive, ``end`` exclusive; a naive datetime is UTC.

        Raises:
            ValueError: for an unknown order field/direction, stars outside 1..5, or a
                ``find_reviewer`` other than "contacted"/"notContacted".
        """
        query = ReviewQuery(
            business_unit_id=business_unit_id, consumer_id=consumer_id,
            stars=None if stars is None else frozenset(stars),
            languages=None if languages is None else frozenset(languages),
            location_id=location_id, responded=responded, tag_group=tag_group,
            tag_value=tag_value, ignore_tag_value_case=ignore_tag_value_case,
            include_reported=include_reported, reported=reported, start_s=to_epoch(start),
            end_s=to_epoch(end), reference_id=reference_id, referral_email=referral_email,
            source=source, username=username, find_reviewer=find_reviewer,
            order=tuple((field.lower(), direction.lower()) for field, direction in order_by),
        )  # fmt: skip
        with self.lock:
            return self.reviews.query(query)

    def latest_review_rows(self, languages: Iterable[str] | None, count: int) -> Rows:
        """The newest ``count`` visible reviews in ``languages`` (all when empty/None)."""
        with self.lock:
            return self.reviews.latest(languages, count)

    def review_created_at(self, rows: Rows) -> Rows:
        """``createdAt`` of ``rows`` as epoch seconds (int64)."""
        with self.lock:
            return self.table["created"][np.asarray(rows, dtype=np.int64)].astype(np.int64)

    def review_id(self, row: int) -> str:
        """The 24-hex id of review ``row``."""
        return self.table.review_id(row)

    def review_row(self, review_id: str) -> int | None:
        """The row of a live review id, or None."""
        with self.lock:
            return self.table.find_row(review_id)

    def review_topics(self, row: int) -> tuple[str, ...] | None:
        """The topics the generator had review ``row`` name (test ground truth, never served by
        the API; None once its text was written or edited): see :func:`~.texts.plan_topics`."""
        with self.lock:
            return self.reviews.topics_of(int(row))

    def review_json(self, row: int, base_url: str, *, private: bool = False) -> JSON:
        """§3.2 public review (or §3.3 private review) of ``row``."""
        with self.lock:
            return self.renderer.review(int(row), base_url, private=private)

    def review_json_by_id(self, review_id: str, base_url: str, *, private: bool = False) -> JSON:
        """The review with id ``review_id`` (raises :class:`~.errors.UnknownReview`)."""
        with self.lock:
            return self.renderer.review(self.reviews.row(review_id), base_url, private=private)

    def review_business_unit_id(self, review_id: str) -> str:
        """The business unit of review ``review_id`` (raises :class:`~.errors.UnknownReview`)."""
        with self.lock:
            return self.reviews.business_unit_id(self.reviews.row(review_id))

    def review_likes_json(self, review_id: str, base_url: str) -> JSON:
        """``{"likes": [{"consumer": {...}}]}`` with ``numberOfLikes`` entries."""
        with self.lock:
            return self.renderer.likes_json(self.reviews.row(review_id), base_url)

    def review_web_links_json(self, review_id: str, locale: str, base_url: str) -> JSON:
        """``{locale, reviewUrl, links}`` for a review [I]."""
        with self.lock:
            return self.renderer.web_links_json(self.reviews.row(review_id), locale, base_url)

    def review_tags(self, review_id: str) -> list[dict[str, str]]:
        """``[{"group", "value"}]`` of a review."""
        with self.lock:
            return self.reviews.tags(review_id)

    # --- service-review edits ------------------------------------------------------------------
    def add_review(self, business_unit_id: str, *, stars: int, title: str, text: str,
                   language: str = "en", consumer_id: str | None = None,
                   created_at: datetime | None = None, reference_id: str | None = None,
                   referral_email: str | None = None, tags: Iterable[TagLike] = (),
                   location_id: str | None = None, is_verified: bool = False,
                   source: str | None = None) -> str:  # fmt: skip
        """Add a review and return its id. ``source`` defaults to "InvitationApi" when a
        reference id or referral e-mail is given, else "Organic" (verified if ``is_verified``);
        ``created_at`` to the wall-clock time (never before the data set's now)."""
        with self.lock:
            return self.reviews.add(
                business_unit_id, stars=stars, title=title, text=text, language=language,
                consumer_id=consumer_id, created_s=to_epoch(created_at),
                reference_id=reference_id, referral_email=referral_email, tags=tags,
                location_id=location_id, is_verified=is_verified, source=source,
            )  # fmt: skip

    def update_review(self, review_id: str, **fields: Any) -> None:
        """Edit a review (fields: ``stars, title, text, language, reference_id, referral_email,
        tags, location_id, is_verified``); sets ``updatedAt``."""
        with self.lock:
            self.reviews.update(review_id, **fields)

    def delete_review(self, review_id: str) -> None:
        """Delete a review (it is never returned again; the Deletions API lists it)."""
        with self.lock:
            unit = self.reviews.business_unit_id(self.reviews.row(review_id))
            self.reviews.delete(review_id)
            self.deletions.record_review(review_id, unit, self._deletion_ms())

    def delete_consumer(self, consumer_id: str) -> list[str]:
        """Delete a consumer profile and its reviews (the Deletions API lists them all).

        Returns:
            The ids of the reviews deleted with the profile.

        Raises:
            UnknownConsumer: no live consumer has this id.
        """
        with self.lock:
            c = self.consumers.index(consumer_id)
            rows = self.table.consumer_rows(c)
            review_ids = [self.table.review_id(int(row)) for row in rows]
            for review_id in review_ids:
                self.delete_review(review_id)
            self.consumers.delete(c)
            self.deletions.record_consumer(consumer_id, self._deletion_ms())
            return review_ids

    def _deletion_ms(self) -> int:
        """Wall-clock epoch milliseconds, never before the data set's now."""
        return max(int(time.time() * 1000), self.now_s * 1000)

    def set_reply(self, review_id: str, message: str,
                  author_business_user_id: str | None = None) -> None:  # fmt: skip
        """Create or replace the company reply (author defaults to the unit's owner user)."""
        with self.lock:
            self.reviews.set_reply(review_id, message, author_business_user_id)

    def delete_reply(self, review_id: str) -> None:
        """Remove the company reply (no-op when there is none)."""
        with self.lock:
            self.reviews.delete_reply(review_id)

    def set_review_tags(self, review_id: str, tags: Iterable[TagLike]) -> None:
        """Replace a review's tags."""
        with self.lock:
            self.reviews.set_tags(review_id, tags)

    def add_review_tags(self, review_id: str, tags: Iterable[TagLike]) -> None:
        """Add tags to a review (duplicates ignored)."""
        with self.lock:
            self.reviews.add_tags(review_id, tags)

    def remove_review_tag(self, review_id: str, group: str, value: str) -> None:
        """Remove one tag (no-op when absent)."""
        with self.lock:
            self.reviews.remove_tag(review_id, group, value)

    def request_find_reviewer(self, review_id: str, message: str | None = None) -> str:
        """Record a Find Reviewer request (the review then counts as "contacted"); returns the
        request's id (as listed in the private review's ``findReviewer.requests``)."""
        with self.lock:
            return self.reviews.request_find_reviewer(review_id, message)

    # --- consumers and business users ----------------------------------------------------------
    def consumer_id(self, c: int) -> str:
        """The 24-hex id of consumer ``c``."""
        return self.consumers.id(c)

    def consumer_json(self, consumer_id: str, base_url: str) -> JSON:
        """``/consumers/{id}``: summary, country, image and links."""
        with self.lock:
            return self.consumers.json(self.consumers.index(consumer_id), base_url)

    def consumer_profile_json(self, consumer_id: str) -> JSON:
        """§2.4 consumer profile."""
        with self.lock:
            return self.consumers.profile_json(self.consumers.index(consumer_id))

    def consumer_web_links_json(self, consumer_id: str, locale: str, base_url: str) -> JSON:
        """``{locale, profileUrl, links}`` (§2.4)."""
        c = self.consumers.index(consumer_id)
        return self.consumers.web_links_json(c, locale, base_url)

    def consumers_bulk_json(self, ids: Iterable[str]) -> JSON:
        """``{"consumers": {id: profile}, "notFoundConsumerIds": [...]}``."""
        with self.lock:
            return self.consumers.bulk_json(ids)

    def user_by_username(self, username: str) -> BusinessUser | None:
        """The business user whose login (e-mail, case-insensitive) is ``username``."""
        return self.accounts.user_by_username(username)

    # --- products ------------------------------------------------------------------------------
    def products(self, bu_id: str) -> list[JSON]:
        """The unit's products (``[]`` for a unit without products)."""
        return self.product_reviews.products(bu_id)

    def attribute_summaries(self, bu_id: str, skus: Iterable[str]) -> list[JSON]:
        """Per attribute over the product reviews of ``skus``: ``{attributeId, attributeName,
        numberOfRatings, averageRating}``."""
        with self.lock:
            return self.product_reviews.attribute_summaries(bu_id, skus)

    def add_product_review(self, review_id: str, *, sku: str, stars: int) -> str:
        """Add a product review going with service review ``review_id`` (its consumer, language
        and unit), dated now; returns its id (``ValueError`` for an unknown sku or bad stars)."""
        with self.lock:
            review_row = self.reviews.row(review_id)
            created = max(self.reviews._wall_now(), int(self.reviews.table["created"][review_row]))
            row = self.product_reviews.add(review_row, sku, stars, created)
            return self.product_reviews.review_id(row)

    def product_review_id(self, row: int) -> str:
        """The id of product review ``row``."""
        return self.product_reviews.review_id(row)

    def product_review_row(self, review_id: str) -> int | None:
        """The row of a product review id, or None."""
        return self.product_reviews.find_row(review_id)

    def product_reviews_rows(self, bu_id: str, *, skus: Iterable[str] | None = None,
                             languages: set[str] | None = None,
                             stars: set[int] | None = None,
                             attribute_ids: Iterable[str] | None = None) -> Rows:  # fmt: skip
        """Product-review rows of a unit, newest first; with ``attribute_ids``, only reviews
        rating at least one of them ([I])."""
        with self.lock:
            return self.product_reviews.rows(
                bu_id, skus=skus, languages=languages, stars=stars, attribute_ids=attribute_ids
            )

    def product_review_json(self, row: int, base_url: str, *, private: bool = False) -> JSON:
        """A product review (private: with reference id, referral e-mail and state)."""
        with self.lock:
            return self.product_reviews.json(int(row), base_url, private=private)

    def product_review_summary_json(self, bu_id: str, skus: Iterable[str] | None = None) -> JSON:
        """``{businessUnitId, numberOfReviews{total, oneStar..fiveStars}, starsAverage}``."""
        with self.lock:
            return self.product_reviews.summary_json(bu_id, skus)

    # --- determinism ---------------------------------------------------------------------------
    def canonical_bytes(self) -> bytes:
        """A canonical dump of every column, override and unit (equal across equal builds)."""
        with self.lock:
            table = self.table
            parts: list[bytes] = [f"{self.seed}|{self.now_s}|{self.scale}|{self.version}".encode()]
            parts += [table[name].tobytes() for name in sorted(REVIEW_COLUMNS)]
            parts += [self.consumers.columns[name].tobytes()
                      for name in sorted(self.consumers.columns)]  # fmt: skip
            products = self.product_reviews.table
            parts += [products[name].tobytes() for name in sorted(products)]
            overrides = (table.texts, table.reply_texts, table.tags, table.references,
                         table.emails, table.find_messages)  # fmt: skip
            parts.append(repr([sorted(d.items()) for d in overrides]).encode())
            bus = [self.business_unit_json(u.id, "http://canonical/v1") for u in self.units]
            parts.append(json.dumps(bus, sort_keys=True, ensure_ascii=False).encode())
            parts.append(repr([(u.id, u.username) for u in self.accounts.users]).encode())
            parts.append(repr([loc.id for loc in self.units.locations]).encode())
            return b"\n".join(parts)


def build_dataset(seed: int = DEFAULT_SEED, *, now: datetime = DATASET_NOW,
                  scale: float = 1.0) -> Dataset:  # fmt: skip
    """Build the deterministic data set.

    Args:
        seed: the random seed; the same seed (and ``now``, ``scale``) gives the same bytes.
        now: the data set's "present" (timezone-aware); every generated review is before it.
        scale: multiplies every unit's review count (the empty unit stays empty; every other unit
            keeps at least one review). At 1.0 the largest unit has more than 100,000 reviews.

    Raises:
        ValueError: for a non-positive or non-finite scale, a naive ``now`` or one before
            ``EARLIEST_NOW`` (:mod:`tpnb.emulator.options`), or a seed that is not a
            non-negative int.
    """
    check_dataset_settings(seed, now, scale)
    return Dataset(seed, now, float(scale))
