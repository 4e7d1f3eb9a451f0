"""Business units, locations and categories as API JSON (trustpilot-api.md §2.1, §2.5, §3.1).

Design choices [I] (documented here since the real shapes are partly unknown): business-unit
``links`` are ``self`` and ``reviews``; category display names are English in every locale;
profile and image URLs point at reserved ``.example`` hosts; web-links use the locale's
Trustpilot-like host (``dk.trustpilot.example`` for da-DK, ``www`` for en-US...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tpnb.emulator import units as U
from tpnb.emulator.render import link

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
    topics: tuple[str, ...]
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
    topics = U.TOPICS_BY_CATEGORY.get(spec.category, U.RETAIL_TOPICS)
    return Unit(index, uid, spec, prefix, referring, locations, topics, created, former)


def history_json(unit: Unit, created_s: int, change_iso: str) -> list[JSON]:
    """``businessUnitHistory`` of a review of ``unit`` created at ``created_s``."""
    if unit.former is None or unit.spec.merged is None or created_s >= unit.former[1]:
        return []
    domain, display, _date = unit.spec.merged
    return [{"businessUnitId": unit.former[0], "identifyingName": domain, "displayName": display,
             "changeDate": change_iso}]  # fmt: skip


def locale_host(locale: str) -> str:
    """The Trustpilot-like web host of a locale (``da-DK`` -> ``dk.trustpilot.example``)."""
    region = locale.split("-")[-1].lower() if "-" in locale else "us"
    sub = {"us": "www", "gb": "uk"}.get(region, region)
    return f"https://{sub}.trustpilot.example"


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


def category_json(category_id: str) -> JSON:
    """A category entry of ``/categories``."""
    return {"categoryId": category_id, "displayName": U.CATEGORIES[category_id][1],
            "name": category_id}  # fmt: skip


def descendants(category_id: str) -> set[str]:
    """``category_id`` and every category below it."""
    out = {category_id}
    changed = True
    while changed:
        more = {c for c, (parent, _n) in U.CATEGORIES.items() if parent in out and c not in out}
        out |= more
        changed = bool(more)
    return out


def unit_categories(unit: Unit) -> list[str]:
    """The unit's category ids, primary first."""
    return [unit.spec.category, *unit.spec.secondary]


def slugify(text: str) -> str:
    """URL-friendly lower-case name (``Den Haag`` -> ``den-haag``)."""
    from tpnb.emulator.people import ascii_slug

    return "-".join(ascii_slug(word) for word in text.split()) or "location"
