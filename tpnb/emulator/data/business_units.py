"""Business units and their locations: lookups by id, name and country, and their API JSON.

:class:`BusinessUnits` builds every :class:`Unit` of :data:`~.specs.UNITS` (ids from the seed)
and is the one place that turns a business-unit id into a unit (:meth:`BusinessUnits.index`
raises :class:`~.errors.UnknownBusinessUnit`). Shapes: trustpilot-api.md §2.1 and §3.1.

Design choices [I] (documented here since the real shapes are partly unknown): business-unit
``links`` are ``self`` and ``reviews``; profile and image URLs point at reserved ``.example``
hosts; web-links use the locale's Trustpilot-like host (:func:`~.formats.locale_host`); a unit merged into another keeps the former unit in the
``businessUnitHistory`` of the reviews written before the merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tpnb.emulator.data import specs as U
from tpnb.emulator.data.errors import UnknownBusinessName, UnknownBusinessUnit, UnknownLocation
from tpnb.emulator.data.formats import iso, link, locale_host
from tpnb.emulator.data.generate import epoch
from tpnb.emulator.data.ids import KIND_BUSINESS_UNIT, KIND_MISC, object_id, salt_for, uuid_from
from tpnb.emulator.data.people import ascii_slug

JSON = dict[str, Any]
IMAGE_SIZES = ((57, 43), (118, 89), (198, 149))


@dataclass(frozen=True)
class Location:
    """A physical location (store) of a business unit."""

    index: int
    id: str  # UUID
    unit: int
    name: str
    url_name: str
    external_id: str

    def public_json(self) -> JSON:
        return {"id": self.id, "name": self.name, "urlFormattedName": self.url_name}


@dataclass(frozen=True)
class Unit:
    """A business unit: its spec plus the derived identity."""

    index: int
    id: str
    spec: U.UnitSpec
    prefix: str  # order-number prefix of its reference ids
    referring: tuple[str, ...]
    locations: tuple[int, ...]
    topics: U.Weights  # (topic, complaint weight, praise weight) of its sector
    created: str  # ISO timestamp of the profile's creation
    former: tuple[str, int] | None = None  # (id of the merged unit, merge time in epoch seconds)

    def names(self) -> tuple[str, ...]:
        return (self.spec.domain, *self.referring)


def make_unit(
    index: int,
    uid: str,
    spec: U.UnitSpec,
    locations: tuple[int, ...],
    created: str,
    former: tuple[str, int] | None = None,
) -> Unit:
    """Derive a :class:`Unit` from its spec."""
    words = [w for w in spec.display.replace("&", " ").split() if w[0].isalpha()]
    prefix = "".join(w[0] for w in words[:2]).upper() or "ORD"
    referring = (spec.domain, f"www.{spec.domain}", *spec.aliases)
    topics = U.SECTOR_TOPICS[U.SECTOR_BY_CATEGORY.get(spec.category, "shop")]
    return Unit(index, uid, spec, prefix, referring, locations, topics, created, former)


def history_json(unit: Unit, created_s: int, change_iso: str) -> list[JSON]:
    """``businessUnitHistory`` of a review of ``unit`` created at ``created_s``."""
    if unit.former is None or unit.spec.merged is None or created_s >= unit.former[1]:
        return []
    domain, display, _date = unit.spec.merged
    return [{"businessUnitId": unit.former[0], "identifyingName": domain, "displayName": display,
             "changeDate": change_iso}]  # fmt: skip


def business_unit_json(unit: Unit, base_url: str, counts: JSON, score: JSON) -> JSON:
    """§3.1 business unit."""
    href = f"{base_url}/business-units/{unit.id}"
    return {
        "links": [link(href, "self"), link(f"{href}/reviews", "reviews")],
        "id": unit.id,
        "displayName": unit.spec.display,
        "name": {"identifying": unit.spec.domain, "referring": list(unit.referring)},
        "websiteUrl": f"https://www.{unit.spec.domain}",
        "country": unit.spec.country,
        "numberOfReviews": counts,
        "status": "active",
        "score": score,
        "badFit": False,
    }


def profile_info_json(unit: Unit, base_url: str) -> JSON:
    """§2.1 profileinfo."""
    s = unit.spec
    handle = s.domain.split(".")[0]
    return {
        "links": [link(f"{base_url}/business-units/{unit.id}/profileinfo", "self")],
        "isSubscriber": s.reviews >= 2000,
        "email": f"hello@{s.domain}",
        "phone": s.phone or None,
        "companyName": s.display,
        "address": {
            "street": s.street or None,
            "city": s.city or None,
            "postcode": s.postcode or None,
            "country": s.country,
            "countryCode": s.country,
        },
        "description": {
            "header": s.tagline or None,
            "text": f"{s.display}: {s.tagline}." if s.tagline else None,
        },
        "socialmedia": {
            "facebook": f"https://facebook.example/{handle}",
            "linkedin": f"https://linkedin.example/company/{handle}",
            "twitter": f"https://twitter.example/{handle}" if s.reviews >= 1000 else None,
            "googleplus": None,
            "youtube": f"https://youtube.example/@{handle}" if s.products else None,
            "instagram": f"https://instagram.example/{handle}" if s.products else None,
        },
        "facebookPageId": None,
        "facebookPageUrl": f"https://facebook.example/{handle}",
        "isFacebookActivated": False,
        "isCommentsEnabled": True,
        "isIncentivisingUsers": False,
        "isClaimed": s.reviews > 0,
    }


def web_links_json(unit: Unit, locale: str, base_url: str) -> JSON:
    """§2.1 web-links [I field names]."""
    host = locale_host(locale)
    return {
        "links": [link(f"{base_url}/business-units/{unit.id}/web-links?locale={locale}", "self")],
        "locale": locale,
        "profileUrl": f"{host}/review/{unit.spec.domain}",
        "evaluateUrl": f"{host}/evaluate/{unit.spec.domain}",
        "evaluateEmbedUrl": f"{host}/evaluate/embed/{unit.spec.domain}",
    }


def images_json(unit: Unit, base_url: str) -> JSON:
    """§2.1 images [I shape]."""
    root = f"https://images.trustpilot.example/business-units/{unit.id}"

    def image(kind: str, w: int, h: int) -> JSON:
        return {"url": f"{root}/{kind}-{w}x{h}.png", "width": w, "height": h}

    return {
        "links": [link(f"{base_url}/business-units/{unit.id}/images", "self")],
        "profileImage": {f"image{w}x{h}": image("profile", w, h) for w, h in IMAGE_SIZES},
        "logoImage": image("logo", 198, 149),
        "headerImage": image("header", 1200, 300) if unit.spec.reviews >= 2000 else None,
        "promotionBoxImage": None,
    }


def slugify(text: str) -> str:
    """URL-friendly lower-case name (``Den Haag`` -> ``den-haag``)."""
    return "-".join(ascii_slug(word) for word in text.split()) or "location"


class BusinessUnits:
    """Every business unit of the data set (in :data:`~.specs.UNITS` order) and its locations.

    Attributes:
        locations: Every location, indexed by :attr:`Location.index`.
    """

    def __init__(self, seed: int) -> None:
        salt = salt_for(seed, KIND_BUSINESS_UNIT)
        self._units: list[Unit] = []
        self.locations: list[Location] = []
        for u, spec in enumerate(U.UNITS):
            created = epoch(datetime(*spec.since, 1, tzinfo=timezone.utc)) - 86400 * (30 + u)
            locs = []
            for city in spec.locations:
                li = len(self.locations)
                self.locations.append(Location(li, uuid_from(seed, KIND_MISC, li), u,
                                               f"{spec.display} {city}", slugify(city), f"store-{li + 1:03d}"))  # fmt: skip
                locs.append(li)
            uid = object_id(created, u, salt)
            former = None
            if spec.merged is not None:
                merged_at = epoch(datetime(*spec.merged[2], tzinfo=timezone.utc))
                former = (object_id(created - 86400 * 365, 1000 + u, salt), merged_at)
            self._units.append(make_unit(u, uid, spec, tuple(locs), iso(created) or "", former))
        self._index = {unit.id: unit.index for unit in self._units}
        self._location_index = {loc.id: loc.index for loc in self.locations}
        self._names = {name.lower(): unit.id for unit in self._units for name in unit.names()}

    def __len__(self) -> int:
        return len(self._units)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units)

    def __getitem__(self, index: int) -> Unit:
        return self._units[index]

    def __contains__(self, bu_id: object) -> bool:
        return bu_id in self._index

    def replace(self, unit: Unit) -> None:
        """Put ``unit`` in place of the unit with its id and index (a test renames a unit)."""
        old = self.get(unit.id)
        self._units[old.index] = unit
        for name in old.names():
            self._names.pop(name.lower(), None)
        self._names.update({name.lower(): unit.id for name in unit.names()})

    # --- lookups -------------------------------------------------------------------------------
    def index(self, bu_id: str) -> int:
        """The index of unit ``bu_id`` (:class:`~.errors.UnknownBusinessUnit` if none)."""
        u = self._index.get(bu_id)
        if u is None:
            raise UnknownBusinessUnit(bu_id)
        return u

    def get(self, bu_id: str) -> Unit:
        """The unit with id ``bu_id`` (raises :class:`~.errors.UnknownBusinessUnit`)."""
        return self._units[self.index(bu_id)]

    def ids(self, country: Iterable[str] | None = None) -> list[str]:
        """Unit ids in a stable order, optionally only those in ``country`` (ISO alpha-2 codes)."""
        wanted = None if country is None else {c.strip().upper() for c in country}
        return [u.id for u in self._units if wanted is None or u.spec.country in wanted]

    def find(self, name: str) -> str | None:
        """The id of the unit whose identifying or referring name is ``name`` (case-insensitive;
        a scheme and trailing slash are ignored), or None."""
        key = name.strip().lower()
        for prefix in ("https://", "http://"):
            key = key.removeprefix(prefix)
        return self._names.get(key.rstrip("/"))

    def named(self, name: str) -> str:
        """The id :meth:`find` gives (raises :class:`~.errors.UnknownBusinessName` for None)."""
        bu_id = self.find(name)
        if bu_id is None:
            raise UnknownBusinessName(name)
        return bu_id

    def search(self, query: str, country: str | None = None) -> list[str]:
        """Unit ids matching ``query`` by name or domain, best match first."""
        q = query.strip().lower()
        if not q:
            return []
        ranked: list[tuple[int, int, int, str]] = []
        for u in self._units:
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

    # --- locations -----------------------------------------------------------------------------
    def location_ids(self, bu_id: str) -> list[str]:
        """The UUIDs of the unit's locations (empty for most units)."""
        return [self.locations[i].id for i in self.get(bu_id).locations]

    def location_code(self, location_id: str) -> int | None:
        """The index of a location id, or None (queries: an unknown location matches nothing)."""
        return self._location_index.get(location_id)

    def location_of(self, u: int, location_id: str) -> int:
        """The index of location ``location_id`` of unit ``u`` (:class:`~.errors.UnknownLocation`
        when the unit has no such location)."""
        loc = self._location_index.get(location_id)
        if loc is None or self.locations[loc].unit != u:
            raise UnknownLocation(self._units[u].id, location_id)
        return loc
