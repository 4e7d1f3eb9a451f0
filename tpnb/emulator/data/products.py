"""Products and product reviews (trustpilot-api.md §2.7, shapes [I]).

:class:`ProductReviews` is the one place a product-review id becomes a row
(:class:`~.errors.UnknownProductReview`); a unit's catalogue and reviews are looked up through
:meth:`~.business_units.BusinessUnits.index` (:class:`~.errors.UnknownBusinessUnit`).

Units with ``products`` in their spec have product reviews: about 5% of their service reviews'
consumers also reviewed a product (same consumer and language, a little later, similar stars).

Product attributes ([S]: ``attributeRatings: [{attributeId, attributeName, rating}]`` in product
reviews; which attributes a shop has, and their names, are [I]): every unit with products has two
or three attributes chosen by its category (:data:`ATTRIBUTE_NAMES`, English in every locale).
A review rates each attribute with probability 0.7, at its own stars, one star below (10%) or one
above (10%), clipped to 1..5. All of it is a pure function of the seed and the review's row, so
it adds no draw to the data set's generators.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator.data import specs
from tpnb.emulator.data.errors import UnknownProductReview
from tpnb.emulator.data.formats import STAR_KEYS, iso, link
from tpnb.emulator.data.ids import KIND_PRODUCT_REVIEW, index_from_id, mix64, object_id, salt_for
from tpnb.emulator.data.phrases import BANKS
from tpnb.emulator.data.reviews import Reviews
from tpnb.emulator.data.texts import sentiment

JSON = dict[str, Any]
Rows = npt.NDArray[np.int64]
#: product attributes by unit category (others: the default)
ATTRIBUTE_NAMES: dict[str, tuple[str, ...]] = {
    "outdoor_sports_store": ("Quality", "Durability", "Value for money"),
    "furniture_store": ("Quality", "Comfort", "Value for money"),
    "clothing_store": ("Quality", "Fit", "Value for money"),
    "electronics_store": ("Quality", "Ease of use", "Value for money"),
    "lighting_store": ("Quality", "Design", "Value for money"),
}
DEFAULT_ATTRIBUTES = ("Quality", "Value for money")
#: added to an attribute's index before it becomes an id, so that no attribute id can equal a
#: product id (both are made at the same time from salts a few units apart)
ATTRIBUTE_INDEX_BASE = 1 << 40
#: per mille of reviews rating a given attribute
ATTRIBUTE_RATED_PER_MILLE = 700


class ProductReviews:
    """The product catalogue of every unit and the product reviews (not locked: see ``Dataset``).

    Attributes:
        table: The product-review columns ``bu``, ``review`` (the service review it goes with),
            ``created``, ``stars`` and ``sku`` (index into the unit's products).
    """

    def __init__(self, table: dict[str, npt.NDArray[Any]], reviews: Reviews, *, seed: int) -> None:
        self.table = table
        self.reviews = reviews
        self.units = reviews.units
        self.salt = salt_for(seed, KIND_PRODUCT_REVIEW)

    def products(self, bu_id: str) -> list[JSON]:
        """The unit's products (``[]`` for a unit without products)."""
        u = self.units.index(bu_id)
        unit = self.units[u]
        out = []
        for i, (sku, name) in enumerate(unit.spec.products):
            slug = sku.lower()
            out.append({
                "id": object_id(self.reviews.now_s - 86400 * 400, u * 100 + i, self.salt ^ 1),
                "sku": sku, "name": name, "mpn": f"MPN-{sku}", "gtin": f"{(mix64(u * 100 + i) % 10**13):013d}",
                "brand": unit.spec.display, "productUrl": f"https://www.{unit.spec.domain}/products/{slug}",
                "imageUrl": f"https://www.{unit.spec.domain}/images/{slug}.jpg",
            })  # fmt: skip
        return out

    def attributes(self, bu_id: str) -> list[JSON]:
        """The unit's product attributes ``[{"id", "name"}]`` (``[]`` without products)."""
        u = self.units.index(bu_id)
        spec = self.units[u].spec
        if not spec.products:
            return []
        names = ATTRIBUTE_NAMES.get(spec.category, DEFAULT_ATTRIBUTES)
        salt = self.salt ^ 2
        created = self.reviews.now_s - 86400 * 400
        return [
            {"id": object_id(created, ATTRIBUTE_INDEX_BASE + u * 16 + k, salt), "name": n}
            for k, n in enumerate(names)
        ]

    def attribute_ratings(self, row: int) -> list[JSON]:
        """The ``attributeRatings`` of product review ``row`` (see the module docstring)."""
        p = self.table
        stars = int(p["stars"][row])
        out = []
        for k, attribute in enumerate(self.attributes(self.units[int(p["bu"][row])].id)):
            h = mix64((self.salt ^ 3) + row * 16 + k)
            if h % 1000 >= ATTRIBUTE_RATED_PER_MILLE:
                continue
            shift = (h >> 16) % 10  # 0: one star below, 1: one above, else the review's stars
            rating = min(5, max(1, stars - (shift == 0) + (shift == 1)))
            out.append(
                {
                    "attributeId": attribute["id"],
                    "attributeName": attribute["name"],
                    "rating": rating,
                }
            )
        return out

    def attribute_summaries(self, bu_id: str, skus: Iterable[str]) -> list[JSON]:
        """Per attribute over the reviews of ``skus``: ``{attributeId, attributeName,
        numberOfRatings, averageRating}`` (averageRating ``None`` without ratings)."""
        attributes = self.attributes(bu_id)
        totals = {a["id"]: [0, 0] for a in attributes}
        for row in self.rows(bu_id, skus=skus):
            for rating in self.attribute_ratings(int(row)):
                entry = totals[rating["attributeId"]]
                entry[0] += 1
                entry[1] += rating["rating"]
        return [
            {
                "attributeId": a["id"],
                "attributeName": a["name"],
                "numberOfRatings": totals[a["id"]][0],
                "averageRating": round(totals[a["id"]][1] / totals[a["id"]][0], 1)
                if totals[a["id"]][0]
                else None,
            }
            for a in attributes
        ]

    def add(self, review_row: int, sku: str, stars: int, created_s: int) -> int:
        """Append a product review of the unit of service review ``review_row``; its row.

        Raises:
            ValueError: ``sku`` is not a product of the unit, or ``stars`` is not 1..5.
        """
        u = int(self.reviews.table["bu"][review_row])
        skus = [code for code, _name in self.units[u].spec.products]
        if sku not in skus:
            raise ValueError(f"sku {sku!r} is not a product of this business unit; one of {skus}")
        if stars not in (1, 2, 3, 4, 5):
            raise ValueError(f"stars must be 1..5, got {stars!r}")
        values = {"bu": u, "review": review_row, "created": created_s, "stars": stars,
                  "sku": skus.index(sku)}  # fmt: skip
        for name, column in list(self.table.items()):
            self.table[name] = np.append(column, np.array([values[name]], dtype=column.dtype))
        return int(self.table["bu"].size) - 1

    def review_id(self, row: int) -> str:
        """The id of product review ``row``."""
        return object_id(int(self.table["created"][row]), row, self.salt)

    def find_row(self, review_id: str) -> int | None:
        """The row of a product review id, or None."""
        row = index_from_id(review_id, self.salt, int(self.table["bu"].size))
        return row if row is not None and self.review_id(row) == review_id else None

    def row(self, review_id: str) -> int:
        """The row of product review ``review_id`` (:class:`~.errors.UnknownProductReview`)."""
        row = self.find_row(review_id)
        if row is None:
            raise UnknownProductReview(review_id)
        return row

    def business_unit_id(self, row: int) -> str:
        """The id of the business unit product review ``row`` belongs to."""
        return self.units[int(self.table["bu"][row])].id

    def rows(self, bu_id: str, *, skus: Iterable[str] | None = None,
             languages: set[str] | None = None, stars: set[int] | None = None,
             attribute_ids: Iterable[str] | None = None) -> Rows:  # fmt: skip
        """Product-review rows of a unit, newest first; with ``attribute_ids``, only reviews
        rating at least one of them ([I])."""
        u = self.units.index(bu_id)
        p = self.table
        mask = p["bu"] == u
        if skus is not None:
            codes = [
                i for i, (sku, _n) in enumerate(self.units[u].spec.products) if sku in set(skus)
            ]
            mask &= np.isin(p["sku"], codes)
        if languages:
            lang = self.reviews.table["lang"][p["review"]]
            mask &= np.isin(
                lang, [specs.LANGUAGES.index(x) for x in languages if x in specs.LANGUAGES]
            )
        if stars:
            mask &= np.isin(p["stars"], list(stars))
        rows = np.flatnonzero(mask).astype(np.int64)
        rows = rows[np.lexsort((-rows, -p["created"][rows]))]
        if attribute_ids is not None:
            wanted = set(attribute_ids)
            keep = [
                any(r["attributeId"] in wanted for r in self.attribute_ratings(int(row)))
                for row in rows
            ]
            rows = rows[np.array(keep, dtype=bool)] if rows.size else rows
        return rows

    def json(self, row: int, base_url: str, *, private: bool = False) -> JSON:
        """A product review: ``{id, createdAt, stars, content, consumer{id, displayName},
        language, attributeRatings, product{...}, links}``; private, ``consumer`` is ``{id, name,
        email}`` and ``locale``, ``state``, ``referenceId``, ``conversationId``, ``attachments``
        are added."""
        p = self.table
        u = int(p["bu"][row])
        review = int(p["review"][row])
        lang = specs.LANGUAGES[int(self.reviews.table["lang"][review])]
        stars = int(p["stars"][row])
        bank = BANKS[lang]
        s = sentiment(stars)
        h = mix64(self.salt + row)
        content = f"{bank['quality'][s]} {bank[f'c{s}'][h % len(bank[f'c{s}'])]}"
        product = self.products(self.units[u].id)[int(p["sku"][row])]
        c = int(self.reviews.table["consumer"][review])
        consumers = self.reviews.consumers
        rid = self.review_id(row)
        out: JSON = {
            "links": [link(f"{base_url}/product-reviews/{rid}", "product-reviews")],
            "id": rid,
            "createdAt": iso(int(p["created"][row])),
            "updatedAt": None,  # product reviews are never edited in this data set
            "stars": stars,
            "content": content,
            "consumer": {"id": consumers.id(c), "displayName": consumers.name(c)},
            "language": lang,
            "attributeRatings": self.attribute_ratings(row),
            "product": {k: product[k] for k in ("sku", "name", "productUrl", "imageUrl")},
            "businessUnitId": self.units[u].id,
        }
        if private:
            email = self.reviews.referral_email(review) or consumers.email(c)
            out["consumer"] = {"id": consumers.id(c), "name": consumers.name(c), "email": email}
            out["locale"] = consumers.locale(c)
            out["state"] = "published"
            out["referenceId"] = self.reviews.reference_id(review)
            out["conversationId"] = None
            out["attachments"] = self.attachments(row, base_url)
        return out

    def attachments(self, row: int, base_url: str) -> list[JSON]:
        """The photos of product review ``row``: one review in eight has one (seeded).

        ``[{id, state: "Published", processedFiles: [{dimension, mimeType, url}]}]`` [C shape].
        """
        if mix64(self.salt + 7919 * row + 1) % 8 != 0:
            return []
        attachment_id = f"{mix64(self.salt + row):024x}"[-24:]
        files = [
            {
                "dimension": dimension,
                "mimeType": "image/jpeg",
                "url": f"{base_url}/attachments/{attachment_id}/{dimension}.jpg",
            }
            for dimension in ("1x", "2x", "3x")
        ]
        return [{"id": attachment_id, "state": "Published", "processedFiles": files}]

    def summary_json(self, bu_id: str, skus: Iterable[str] | None = None) -> JSON:
        """``{businessUnitId, numberOfReviews{total, oneStar..fiveStars}, starsAverage}``."""
        rows = self.rows(bu_id, skus=skus)
        stars = self.table["stars"][rows]
        counts = np.bincount(stars, minlength=6)[1:6]
        number: JSON = {"total": int(rows.size)}
        number.update({k: int(v) for k, v in zip(STAR_KEYS, counts, strict=True)})
        average = round(float(stars.mean()), 1) if rows.size else None
        return {"businessUnitId": bu_id, "numberOfReviews": number, "starsAverage": average}
