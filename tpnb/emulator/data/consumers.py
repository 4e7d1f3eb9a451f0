"""The consumers (the people who write reviews): numpy columns, ids, names, e-mails and JSON.

Columns (one row per consumer, from :func:`~.generate.generate`): ``lang``, ``country`` (index
into ``specs.CONSUMER_COUNTRIES``), ``first``/``last`` (name indexes, :mod:`~.people`),
``style`` (how the name shows), ``city``, ``image``, ``created``. :meth:`Consumers.index` is the
one place a consumer id becomes a row (:class:`~.errors.UnknownConsumer`). Shapes:
trustpilot-api.md §2.4; e-mail addresses ([I]) are ``first.last<n>@example.com``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator.data import people, specs
from tpnb.emulator.data.errors import UnknownConsumer
from tpnb.emulator.data.formats import iso, link, locale_host
from tpnb.emulator.data.ids import KIND_CONSUMER, index_from_id, object_id, salt_for

JSON = dict[str, Any]
#: first-name indexes per language: below 12 male, from 12 female (:func:`.people.first_name`)
FIRST_NAMES = 24


class Consumers:
    """Every consumer of the data set.

    Attributes:
        columns: The numpy columns (see the module docstring).
        review_counts: Live reviews per consumer (kept up to date by the review edits).
    """

    def __init__(
        self, columns: dict[str, npt.NDArray[Any]], review_counts: npt.NDArray[np.int64], seed: int
    ) -> None:
        self.columns = columns
        self.review_counts = review_counts
        self.salt = salt_for(seed, KIND_CONSUMER)
        #: indexes of deleted consumer profiles (their ids are then unknown)
        self.deleted: set[int] = set()

    def __len__(self) -> int:
        return int(self.columns["lang"].size)

    # --- ids -----------------------------------------------------------------------------------
    def id(self, c: int) -> str:
        """The 24-hex id of consumer ``c``."""
        return object_id(int(self.columns["created"][c]), c, self.salt)

    def find_index(self, consumer_id: str) -> int | None:
        """The index of a consumer id, or None."""
        c = index_from_id(consumer_id, self.salt, len(self))
        if c is None or c in self.deleted or self.id(c) != consumer_id:
            return None
        return c

    def index(self, consumer_id: str) -> int:
        """The index of consumer ``consumer_id`` (:class:`~.errors.UnknownConsumer` if none)."""
        c = self.find_index(consumer_id)
        if c is None:
            raise UnknownConsumer(consumer_id)
        return c

    def delete(self, c: int) -> None:
        """Delete consumer ``c``'s profile (its id is unknown from now on)."""
        self.deleted.add(c)

    def add(self, lang: int, created: int) -> int:
        """Append a consumer writing in language code ``lang``; returns its index."""
        c = len(self)
        values = {"lang": lang, "country": lang, "first": c % 24, "last": c % 16, "style": 1,
                  "city": c % 10, "image": False, "created": created}  # fmt: skip
        for name, value in values.items():
            column = self.columns[name]
            self.columns[name] = np.append(column, np.array([value], dtype=column.dtype))
        self.review_counts = np.append(self.review_counts, 0)
        return c

    # --- derived fields ------------------------------------------------------------------------
    def language(self, c: int) -> str:
        """The language code consumer ``c`` writes in."""
        return specs.LANGUAGES[int(self.columns["lang"][c])]

    def name(self, c: int) -> str:
        """The display name ("Anna Nowak", "Anna N." or "Anna")."""
        cols = self.columns
        return people.display_name(self.language(c), int(cols["first"][c]), int(cols["last"][c]),
                                   int(cols["style"][c]))  # fmt: skip

    def email(self, c: int) -> str:
        """The e-mail address (see the module docstring)."""
        lang = self.language(c)
        first = people.ascii_slug(people.first_name(lang, int(self.columns["first"][c])))
        last = people.ascii_slug(people.last_name(lang, int(self.columns["last"][c])))
        return f"{first}.{last}{c % 997}@example.com"

    def country(self, c: int) -> str:
        """The ISO country code."""
        return specs.CONSUMER_COUNTRIES[int(self.columns["country"][c])]

    def city(self, c: int) -> str | None:
        """The city, or None."""
        city = int(self.columns["city"][c])
        if city < 0:
            return None
        country = self.country(c)
        bank = people.CITIES["US"] if country == "US" else people.CITIES[self.language(c)]
        return bank[city % len(bank)]

    def locale(self, c: int) -> str:
        """``<language>-<country>``."""
        return f"{self.language(c)}-{self.country(c)}"

    def location(self, c: int) -> str | None:
        """``"<city>, <country>"``, or None without a city."""
        city = self.city(c)
        return None if city is None else f"{city}, {self.country(c)}"

    def profile_image(self, c: int) -> JSON | None:
        """The profile image in four sizes, or None."""
        if not bool(self.columns["image"][c]):
            return None
        cid = self.id(c)
        return {f"image{s}x{s}": {"url": f"https://user-images.trustpilot.example/{cid}/{s}x{s}.png",
                                  "width": s, "height": s} for s in (24, 35, 64, 73)}  # fmt: skip

    # --- JSON ----------------------------------------------------------------------------------
    def summary_json(self, c: int, base_url: str) -> JSON:
        """The consumer as a review shows it: its links are ``rel: "consumers"`` and, when it has
        an image, ``rel: "profile-image"`` ([S] a TypeScript type of a real public-reviews
        answer, TSREAL; the href, the 73x73 image, is [I])."""
        cid = self.id(c)
        links = [link(f"{base_url}/consumers/{cid}", "consumers")]
        image = self.profile_image(c)
        if image is not None:
            links.append(link(image["image73x73"]["url"], "profile-image"))
        return {
            "links": links,
            "id": cid,
            "displayName": self.name(c),
            "displayLocation": self.location(c),
            "numberOfReviews": int(self.review_counts[c]),
        }

    def profile_json(self, c: int) -> JSON:
        """§2.4 consumer profile."""
        first = int(self.columns["first"][c])
        return {
            "id": self.id(c),
            "displayName": self.name(c),
            "city": self.city(c),
            "country": self.country(c),
            "locale": self.locale(c),
            "about": None,
            "gender": "male" if first < 12 else "female",
            "createdAt": iso(int(self.columns["created"][c])),
            "birthYear": None,
            "hasImage": bool(self.columns["image"][c]),
            "profileImage": self.profile_image(c),
        }

    def json(self, c: int, base_url: str) -> JSON:
        """``/consumers/{id}``: summary, country, image and links."""
        out = self.summary_json(c, base_url)
        out["links"].append(link(f"{base_url}/consumers/{self.id(c)}/reviews", "reviews"))
        profile = self.profile_json(c)
        out.update({k: profile[k] for k in ("country", "locale", "hasImage", "profileImage")})
        return out

    def web_links_json(self, c: int, locale: str, base_url: str) -> JSON:
        """``{locale, profileUrl, links}`` (§2.4)."""
        cid = self.id(c)
        return {"links": [link(f"{base_url}/consumers/{cid}/web-links?locale={locale}", "self")],
                "locale": locale, "profileUrl": f"{locale_host(locale)}/users/{cid}"}  # fmt: skip

    def bulk_json(self, ids: Iterable[str]) -> JSON:
        """``{"consumers": {id: profile}, "notFoundConsumerIds": [...]}``."""
        found: JSON = {}
        missing: list[str] = []
        for cid in ids:
            c = self.find_index(cid)
            if c is None:
                missing.append(cid)
            else:
                found[cid] = self.profile_json(c)
        return {"consumers": found, "notFoundConsumerIds": missing}

    # --- search (review filters) ---------------------------------------------------------------
    def named(self, username: str) -> list[int]:
        """Consumers whose display name or first name equals ``username`` (case-insensitive)."""
        q = username.strip().lower()
        first = q.split(" ")[0]
        combos = [(code, i) for code, lang in enumerate(specs.LANGUAGES) for i in range(FIRST_NAMES)
                  if people.first_name(lang, i).lower() == first]  # fmt: skip
        if not combos:
            return []
        key = self.columns["lang"].astype(np.int64) * FIRST_NAMES + self.columns["first"].astype(
            np.int64
        )
        cands = np.flatnonzero(np.isin(key, [c * FIRST_NAMES + i for c, i in combos]))
        if q == first:
            return [int(c) for c in cands]
        return [int(c) for c in cands if self.name(int(c)).lower() == q]

    def with_email(self, email: str) -> list[int]:
        """Consumers whose generated e-mail address is ``email`` (lower-case)."""
        local, _, domain = email.partition("@")
        digits = "".join(ch for ch in local if ch.isdigit())
        if domain != "example.com" or not digits or not local.endswith(digits):
            return []
        idx = np.flatnonzero(np.arange(len(self)) % 997 == int(digits))
        return [int(c) for c in idx if self.email(int(c)) == email]
