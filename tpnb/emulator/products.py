"""Products and product reviews of :class:`~tpnb.emulator.dataset.Dataset` (§2.7, shapes [I]).

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

from tpnb.emulator import units
from tpnb.emulator.core import DatasetCore
from tpnb.emulator.ids import KIND_PRODUCT_REVIEW, index_from_id, mix64, object_id, salt_for
from tpnb.emulator.phrases import BANKS
from tpnb.emulator.render import iso, link, sentiment

JSON = dict[str, Any]
Rows = npt.NDArray[np.int64]
STAR_KEYS = ("oneStar", "twoStars", "threeStars", "fourStars", "fiveStars")
#: product attributes by unit category (others: the default)
ATTRIBUTE_NAMES: dict[str, tuple[str, ...]] = {
    "outdoor_sports_store": ("Quality", "Durability", "Value for money"),
    "furniture_store": ("Quality", "Comfort", "Value for money"),
    "clothing_store": ("Quality", "Fit", "Value for money"),
    "electronics_store": ("Quality", "Ease of use", "Value for money"),
    "lighting_store": ("Quality", "Design", "Value for money"),
}
DEFAULT_ATTRIBUTES = ("Quality", "Value for money")
#: per mille of reviews rating a given attribute
ATTRIBUTE_RATED_PER_MILLE = 700


class ProductsMixin(DatasetCore):
    """Product catalogue and product reviews (mixed into Dataset)."""

    def _product_salt(self) -> int:
        return salt_for(self.seed, KIND_PRODUCT_REVIEW)

    def products(self, bu_id: str) -> list[JSON] | None:
        """The unit's products (``[]`` for a unit without products, None for an unknown id)."""
        u = self._unit(bu_id)
        if u is None:
            return None
        unit = self.units[u]
        out = []
        for i, (sku, name) in enumerate(unit.spec.products):
            slug = sku.lower()
            out.append({
                "id": object_id(self.now_s - 86400 * 400, u * 100 + i, self._product_salt() ^ 1),
                "sku": sku, "name": name, "mpn": f"MPN-{sku}", "gtin": f"{(mix64(u * 100 + i) % 10**13):013d}",
                "brand": unit.spec.display, "productUrl": f"https://www.{unit.spec.domain}/products/{slug}",
                "imageUrl": f"https://www.{unit.spec.domain}/images/{slug}.jpg",
            })  # fmt: skip
        return out

    def product_attributes(self, bu_id: str) -> list[JSON] | None:
        """The unit's product attributes ``[{"id", "name"}]`` (``[]`` without products, None
        for an unknown id)."""
        u = self._unit(bu_id)
        if u is None:
            return None
        spec = self.units[u].spec
        if not spec.products:
            return []
        names = ATTRIBUTE_NAMES.get(spec.category, DEFAULT_ATTRIBUTES)
        salt = self._product_salt() ^ 2
        created = self.now_s - 86400 * 400
        return [
            {"id": object_id(created, u * 16 + k, salt), "name": n} for k, n in enumerate(names)
        ]

    def attribute_ratings(self, row: int) -> list[JSON]:
        """The ``attributeRatings`` of product review ``row`` (see the module docstring)."""
        p = self.product_table
        stars = int(p["stars"][row])
        out = []
        for k, attribute in enumerate(
            self.product_attributes(self.units[int(p["bu"][row])].id) or []
        ):
            h = mix64((self._product_salt() ^ 3) + row * 16 + k)
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

    def attribute_summaries(self, bu_id: str, skus: Iterable[str]) -> list[JSON] | None:
        """Per attribute over the reviews of ``skus``: ``{attributeId, attributeName,
        numberOfRatings, averageRating}`` (averageRating ``None`` without ratings; None for an
        unknown unit)."""
        attributes = self.product_attributes(bu_id)
        if attributes is None:
            return None
        totals = {a["id"]: [0, 0] for a in attributes}
        for row in self.product_reviews_rows(bu_id, skus=skus):
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

    def product_review_id(self, row: int) -> str:
        """The id of product review ``row``."""
        return object_id(int(self.product_table["created"][row]), row, self._product_salt())

    def product_review_row(self, review_id: str) -> int | None:
        """The row of a product review id, or None."""
        row = index_from_id(review_id, self._product_salt(), int(self.product_table["bu"].size))
        return row if row is not None and self.product_review_id(row) == review_id else None

    def product_reviews_rows(self, bu_id: str, *, skus: Iterable[str] | None = None,
                             languages: set[str] | None = None,
                             stars: set[int] | None = None,
                             attribute_ids: Iterable[str] | None = None) -> Rows:  # fmt: skip
        """Product-review rows of a unit, newest first (unknown unit: empty); with
        ``attribute_ids``, only reviews rating at least one of them ([I])."""
        u = self._unit(bu_id)
        p = self.product_table
        if u is None:
            return np.zeros(0, dtype=np.int64)
        mask = p["bu"] == u
        if skus is not None:
            codes = [
                i for i, (sku, _n) in enumerate(self.units[u].spec.products) if sku in set(skus)
            ]
            mask &= np.isin(p["sku"], codes)
        if languages:
            lang = self.table["lang"][p["review"]]
            mask &= np.isin(
                lang, [units.LANGUAGES.index(x) for x in languages if x in units.LANGUAGES]
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

    def product_review_json(self, row: int, base_url: str, *, private: bool = False) -> JSON:
        """A product review: ``{id, createdAt, stars, content, consumer{id, displayName},
        language, attributeRatings, product{...}, links}`` (+ private fields)."""
        p = self.product_table
        u = int(p["bu"][row])
        review = int(p["review"][row])
        lang = units.LANGUAGES[int(self.table["lang"][review])]
        stars = int(p["stars"][row])
        bank = BANKS[lang]
        s = sentiment(stars)
        h = mix64(self._product_salt() + row)
        content = f"{bank['quality'][s]} {bank[f'c{s}'][h % len(bank[f'c{s}'])]}"
        product = (self.products(self.units[u].id) or [])[int(p["sku"][row])]
        c = int(self.table["consumer"][review])
        rid = self.product_review_id(row)
        out: JSON = {
            "links": [link(f"{base_url}/product-reviews/{rid}", "product-reviews")],
            "id": rid,
            "createdAt": iso(int(p["created"][row])),
            "updatedAt": None,  # product reviews are never edited in this data set
            "stars": stars,
            "content": content,
            "consumer": {"id": self.consumer_id(c), "displayName": self.renderer.consumer_name(c)},
            "language": lang,
            "attributeRatings": self.attribute_ratings(row),
            "product": {k: product[k] for k in ("sku", "name", "productUrl", "imageUrl")},
            "businessUnitId": self.units[u].id,
        }
        if private:
            out["referenceId"] = self.renderer.reference_id(review)
            out["referralEmail"] = self.renderer.referral_email(review)
            out["state"] = "published"
            out["conversationId"] = None
        return out

    def product_review_summary_json(
        self, bu_id: str, skus: Iterable[str] | None = None
    ) -> JSON | None:
        """``{businessUnitId, numberOfReviews{total, oneStar..fiveStars}, starsAverage}``."""
        u = self._unit(bu_id)
        if u is None:
            return None
        rows = self.product_reviews_rows(bu_id, skus=skus)
        stars = self.product_table["stars"][rows]
        counts = np.bincount(stars, minlength=6)[1:6]
        number: JSON = {"total": int(rows.size)}
        number.update({k: int(v) for k, v in zip(STAR_KEYS, counts, strict=True)})
        average = round(float(stars.mean()), 1) if rows.size else None
        return {"businessUnitId": bu_id, "numberOfReviews": number, "starsAverage": average}
