"""Read side of :class:`~tpnb.emulator.dataset.Dataset`: business units, categories, reviews,
consumers. Every method holds ``self.lock`` while it reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator import catalog, units
from tpnb.emulator.filters import FilterMixin
from tpnb.emulator.ids import mix64
from tpnb.emulator.render import link
from tpnb.emulator.reviews import Filters
from tpnb.emulator.trustscore import computed_at, stars_for_score, trust_score

JSON = dict[str, Any]
Rows = npt.NDArray[np.int64]
EMPTY: Rows = np.zeros(0, dtype=np.int64)
EMPTY.flags.writeable = False
STAR_KEYS = ("oneStar", "twoStars", "threeStars", "fourStars", "fiveStars")
QUERY_CACHE_SIZE = 256


def to_epoch(moment: datetime | None) -> int | None:
    """Epoch seconds; a naive datetime is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


class QueriesMixin(FilterMixin):
    """Queries of the data set (mixed into Dataset)."""

    # --- business units --------------------------------------------------------------------------
    def business_unit_ids(self, country: Iterable[str] | None = None) -> list[str]:
        """Unit ids in a stable order, optionally only those in ``country`` (ISO alpha-2 codes)."""
        wanted = None if country is None else {c.strip().upper() for c in country}
        return [u.id for u in self.units if wanted is None or u.spec.country in wanted]

    def find_business_unit(self, name: str) -> str | None:
        """The id of the unit whose identifying or referring name is ``name`` (case-insensitive;
        a scheme and trailing slash are ignored)."""
        key = name.strip().lower()
        for prefix in ("https://", "http://"):
            key = key.removeprefix(prefix)
        return self._names.get(key.rstrip("/"))

    def search_business_units(self, query: str, country: str | None = None) -> list[str]:
        """Unit ids matching ``query`` by name or domain, best match first."""
        q = query.strip().lower()
        if not q:
            return []
        ranked: list[tuple[int, int, int, str]] = []
        for u in self.units:
            if country and u.spec.country != country.strip().upper():
                continue
            display = u.spec.display.lower()
            names = [n.lower() for n in u.names()]
            if q in names or q == display:
                rank = 0
            elif display.startswith(q) or any(n.startswith(q) for n in names):
                rank = 1
            elif any(word.startswith(q) for word in display.split()):
                rank = 2
            elif q in display or any(q in n for n in names):
                rank = 3
            else:
                continue
            ranked.append((rank, -u.spec.reviews, u.index, u.id))
        return [item[3] for item in sorted(ranked)]

    def _aggregate(self, u: int) -> tuple[JSON, JSON]:
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

    def business_unit_json(self, bu_id: str, base_url: str) -> JSON | None:
        """§3.1 business unit with aggregates computed from the current reviews."""
        with self.lock:
            u = self._unit(bu_id)
            if u is None:
                return None
            counts, score = self._aggregate(u)
            return catalog.business_unit_json(self.units[u], base_url, dict(counts), dict(score))

    def profile_info_json(self, bu_id: str, base_url: str) -> JSON | None:
        """§2.1 profileinfo."""
        u = self._unit(bu_id)
        return None if u is None else catalog.profile_info_json(self.units[u], base_url)

    def web_links_json(self, bu_id: str, locale: str | None, base_url: str) -> JSON | None:
        """§2.1 web-links (``locale`` defaults to en-US)."""
        u = self._unit(bu_id)
        loc = locale or "en-US"
        return None if u is None else catalog.web_links_json(self.units[u], loc, base_url)

    def images_json(self, bu_id: str, base_url: str) -> JSON | None:
        """§2.1 images."""
        u = self._unit(bu_id)
        return None if u is None else catalog.images_json(self.units[u], base_url)

    def location_ids(self, bu_id: str) -> list[str]:
        """The UUIDs of the unit's locations (empty for most units)."""
        u = self._unit(bu_id)
        return [] if u is None else [self.locations[i].id for i in self.units[u].locations]

    # --- categories ------------------------------------------------------------------------------
    def business_unit_categories_json(self, bu_id: str, country: str | None = None,
                                      locale: str | None = None) -> JSON | None:  # fmt: skip
        """The unit's categories with ranking in its country and category."""
        u = self._unit(bu_id)
        if u is None:
            return None
        unit = self.units[u]
        out = []
        for i, cat in enumerate(catalog.unit_categories(unit)):
            peers = self.category_business_unit_ids(cat, country or unit.spec.country) or [unit.id]
            position = peers.index(unit.id) + 1 if unit.id in peers else len(peers)
            out.append({**catalog.category_json(cat), "isPrimary": i == 0,
                        "predictedTopCategory": i == 0, "rankingCardinality": len(peers),
                        "rankingPosition": position, "relevance": 1.0 if i == 0 else 0.5,
                        "source": "business"})  # fmt: skip
        return {"categories": out}

    def categories_json(self, country: str | None = None, locale: str | None = None,
                        parent_id: str | None = None) -> JSON:  # fmt: skip
        """Top-level categories, or the children of ``parent_id``."""
        return {"categories": [catalog.category_json(c) for c, (parent, _n) in
                               units.CATEGORIES.items() if parent == parent_id]}  # fmt: skip

    def category_json(self, category_id: str, country: str | None = None,
                      locale: str | None = None) -> JSON | None:  # fmt: skip
        """One category with its parent and number of business units (in ``country``)."""
        if category_id not in units.CATEGORIES:
            return None
        ids = self.category_business_unit_ids(category_id, country) or []
        parent = units.CATEGORIES[category_id][0]
        return {
            "businessUnitCount": len(ids),
            "parentId": parent,
            **catalog.category_json(category_id),
        }

    def category_business_unit_ids(self, category_id: str,
                                   country: str | None = None) -> list[str] | None:  # fmt: skip
        """Units in the category or below it (best TrustScore first); None for unknown ids."""
        if category_id not in units.CATEGORIES:
            return None
        cats = catalog.descendants(category_id)
        with self.lock:
            found = [u for u in self.units if set(catalog.unit_categories(u)) & cats
                     and (country is None or u.spec.country == country.strip().upper())]  # fmt: skip
            found.sort(key=lambda u: (-self._aggregate(u.index)[1]["trustScore"], u.index))
        return [u.id for u in found]

    # --- reviews ---------------------------------------------------------------------------------
    def query_reviews(self, *, business_unit_id: str | None = None,
                      consumer_id: str | None = None, stars: set[int] | None = None,
                      languages: set[str] | None = None, location_id: str | None = None,
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
        ``reported`` is given. Unknown ids, languages or sources match nothing.

        Raises:
            ValueError: for an unknown order field/direction, stars outside 1..5, or a
                ``find_reviewer`` other than "contacted"/"notContacted".
        """
        order = tuple((f.lower(), d.lower()) for f, d in order_by)
        if stars is not None and not set(stars) <= {1, 2, 3, 4, 5}:
            raise ValueError(f"stars must be within 1..5, got {sorted(stars)}")
        if find_reviewer not in (None, "contacted", "notContacted"):
            raise ValueError(
                f"find_reviewer must be 'contacted' or 'notContacted', got {find_reviewer!r}"
            )
        key = (business_unit_id, consumer_id, frozenset(stars) if stars is not None else None,
               frozenset(languages) if languages is not None else None, location_id, responded,
               tag_group, tag_value, ignore_tag_value_case, include_reported, reported,
               to_epoch(start), to_epoch(end), reference_id, referral_email, source, username,
               find_reviewer, order)  # fmt: skip
        with self.lock:
            cached = self._query_cache.get(key)
            if cached is not None:
                return cached
            rows = self._query(key)
            rows.flags.writeable = False
            if len(self._query_cache) >= QUERY_CACHE_SIZE:
                self._query_cache.pop(next(iter(self._query_cache)))
            self._query_cache[key] = rows
            return rows

    def _query(self, key: tuple[Any, ...]) -> Rows:
        (bu_id, consumer_id, stars, languages, location_id, responded, tag_group, tag_value,
         ignore_case, include_reported, reported, start_s, end_s, reference_id, referral_email,
         source, username, find_reviewer, order) = key  # fmt: skip
        t = self.table
        consumer = None if consumer_id is None else self.consumer_index(consumer_id)
        if consumer_id is not None and consumer is None:
            return EMPTY.copy()
        if bu_id is not None:
            u = self._unit(bu_id)
            if u is None:
                return EMPTY.copy()
            base = t.unit_rows[u]
        elif consumer is not None:
            base = t.consumer_rows(consumer)
        else:
            base = t.all_rows()
        f: dict[str, Any] = {"include_reported": include_reported, "reported": reported,
                             "responded": responded, "start_s": start_s, "end_s": end_s}  # fmt: skip
        if stars is not None:
            f["stars"] = stars
        if languages is not None and "all" not in {lang.lower() for lang in languages}:
            f["languages"] = frozenset(units.LANGUAGES.index(lang.lower()) for lang in languages
                                       if lang.lower() in units.LANGUAGES)  # fmt: skip
        if location_id is not None:
            f["location"] = self.location_index.get(location_id, -9)
        if consumer is not None:
            f["consumers"] = frozenset({consumer})
        if source is not None:
            f["source"] = units.SOURCES.index(source) if source in units.SOURCES else -9
        if find_reviewer is not None:
            f["find_state"] = (1, 2) if find_reviewer == "contacted" else (0,)
        if tag_group is not None or tag_value is not None:
            f["tagsets"], f["custom_tag_rows"] = self._tag_match(tag_group, tag_value, ignore_case)
        if username is not None:
            named = frozenset(self._consumers_named(username))
            f["consumers"] = named & f["consumers"] if "consumers" in f else named
        masks = []
        if reference_id is not None:
            masks.append(self._reference_mask(reference_id))
        if referral_email is not None:
            masks.append(self._email_mask(referral_email))
        if masks:
            f["extra_mask"] = lambda rows: np.logical_and.reduce([m(rows) for m in masks])
        rows = t.filter(base, Filters(**f))
        return t.order(rows, order)

    def review_json(self, row: int, base_url: str, *, private: bool = False) -> JSON:
        """§3.2 public review (or §3.3 private review) of ``row``."""
        with self.lock:
            return self.renderer.review(int(row), base_url, private=private)

    def review_created_at(self, rows: Rows) -> Rows:
        """``createdAt`` of ``rows`` as epoch seconds (int64)."""
        with self.lock:
            return self.table["created"][np.asarray(rows, dtype=np.int64)].astype(np.int64)

    def latest_review_rows(self, languages: set[str] | None, count: int) -> Rows:
        """The newest ``count`` visible reviews in ``languages`` (all when empty/None)."""
        with self.lock:
            f = Filters()
            if languages and "all" not in languages:
                codes = frozenset(
                    units.LANGUAGES.index(x) for x in languages if x in units.LANGUAGES
                )
                f = Filters(languages=codes)
            return self.table.filter(self.table.all_rows()[::-1], f)[: max(count, 0)]

    def review_likes_json(self, review_id: str, base_url: str) -> JSON | None:
        """``{"likes": [{"consumer": {...}}]}`` with ``numberOfLikes`` entries."""
        row = self.review_row(review_id)
        if row is None:
            return None
        with self.lock:
            n = int(self.table["likes"][row])
            size = int(self.consumers["lang"].size)
            picks = [mix64(self.renderer.text_salt + row * 131 + j) % size for j in range(n)]
            return {
                "likes": [{"consumer": self.renderer.consumer_summary(c, base_url)} for c in picks]
            }

    def review_web_links_json(self, review_id: str, locale: str, base_url: str) -> JSON | None:
        """``{locale, reviewUrl, links}`` for a review [I]."""
        row = self.review_row(review_id)
        if row is None:
            return None
        return {"links": [link(f"{base_url}/reviews/{review_id}/web-links?locale={locale}", "self")],
                "locale": locale, "reviewUrl": f"{catalog.locale_host(locale)}/reviews/{review_id}"}  # fmt: skip

    # --- consumers -------------------------------------------------------------------------------
    def consumer_json(self, consumer_id: str, base_url: str) -> JSON | None:
        """``/consumers/{id}``: summary, country, image and links."""
        c = self.consumer_index(consumer_id)
        if c is None:
            return None
        with self.lock:
            out = self.renderer.consumer_summary(c, base_url)
            out["links"].append(link(f"{base_url}/consumers/{consumer_id}/reviews", "reviews"))
            profile = self.renderer.consumer_profile(c)
            out.update({k: profile[k] for k in ("country", "locale", "hasImage", "profileImage")})
            return out

    def consumer_profile_json(self, consumer_id: str) -> JSON | None:
        """§2.4 consumer profile."""
        c = self.consumer_index(consumer_id)
        return None if c is None else self.renderer.consumer_profile(c)

    def consumer_web_links_json(self, consumer_id: str, locale: str, base_url: str) -> JSON | None:
        """``{locale, profileUrl, links}`` (§2.4)."""
        if self.consumer_index(consumer_id) is None:
            return None
        return {"links": [link(f"{base_url}/consumers/{consumer_id}/web-links?locale={locale}", "self")],
                "locale": locale, "profileUrl": f"{catalog.locale_host(locale)}/users/{consumer_id}"}  # fmt: skip

    def consumers_bulk_json(self, ids: Iterable[str]) -> JSON:
        """``{"consumers": {id: profile}, "notFoundConsumerIds": [...]}``."""
        found: JSON = {}
        missing: list[str] = []
        for cid in ids:
            profile = self.consumer_profile_json(cid)
            if profile is None:
                missing.append(cid)
            else:
                found[cid] = profile
        return {"consumers": found, "notFoundConsumerIds": missing}
