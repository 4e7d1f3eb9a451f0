"""Categories and resources routes.

* ``GET /categories?country=&locale=&parentId=``, ``/categories/{id}?country=&locale=``,
  ``/categories/{id}/business-units?country=&page=&perPage=`` (-> ``{"businessUnits": [...],
  "links": [...]}`` [I]);
* ``GET /resources/images`` (links), ``/resources/images/stars/{stars}`` (stars in 0, 1, 1.5,
  ..., 5; ``{stars, star128x24, star256x48, star512x96, starSvg}``), ``/resources/strings/stars/
  {stars}?locale=`` (``{"string", "locale", "stars"}`` [I], English labels for every locale
  [I]), ``/resources/images/logos``, ``/resources/images/icons``, ``/resources/metadata/locales``
  and ``/resources/metadata/countries``. The apikey is optional on ``/resources`` ([I]).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from tpnb.emulator import listing, params
from tpnb.emulator.app import state
from tpnb.emulator.httputil import bad_param, json_response

blueprint = Blueprint("misc", __name__, url_prefix="/v1")
CDN = "https://cdn.trustpilot.net/brand-assets/4.1.0"
STAR_VALUES = ("0", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5")
STAR_LABELS = {
    "0": "Not rated", "1": "Bad", "1.5": "Bad", "2": "Poor", "2.5": "Poor", "3": "Average",
    "3.5": "Average", "4": "Great", "4.5": "Excellent", "5": "Excellent",
}  # fmt: skip
# locale -> (English language name, native name, country id, English country name, tld)
LOCALES: dict[str, tuple[str, str, str, str, str]] = {
    "en-US": ("English", "English (United States)", "US", "United States", "com"),
    "en-GB": ("English", "English (United Kingdom)", "GB", "United Kingdom", "co.uk"),
    "da-DK": ("Danish", "Dansk", "DK", "Denmark", "dk"),
    "de-DE": ("German", "Deutsch", "DE", "Germany", "de"),
    "fr-FR": ("French", "Français", "FR", "France", "fr"),
    "es-ES": ("Spanish", "Español", "ES", "Spain", "es"),
    "it-IT": ("Italian", "Italiano", "IT", "Italy", "it"),
    "nl-NL": ("Dutch", "Nederlands", "NL", "Netherlands", "nl"),
    "sv-SE": ("Swedish", "Svenska", "SE", "Sweden", "se"),
    "pl-PL": ("Polish", "Polski", "PL", "Poland", "pl"),
}


def _respond(payload: object, cache: str) -> Response:
    return json_response(payload, cache=cache, max_age=state().max_age)


def _country() -> str | None:
    country = params.get_str("country")
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise bad_param("country", country, "an ISO 3166-1 alpha-2 code such as 'DK'")
    return country.upper() if country else None


def _locale() -> str | None:
    locale = params.get_str("locale")
    if locale is not None and not params.LOCALE_RE.match(locale):
        raise bad_param("locale", locale, "a locale such as en-US or da-DK")
    return locale


@blueprint.get("/categories")
def categories() -> Response:
    """``GET /categories``."""
    data = state().dataset.categories_json(_country(), _locale(), params.get_str("parentId"))
    return _respond(data, "categories")


@blueprint.get("/categories/<category_id>")
def category(category_id: str) -> Response:
    """``GET /categories/{id}``."""
    data = state().dataset.category_json(category_id, _country(), _locale())
    return _respond(data, "categories")


@blueprint.get("/categories/<category_id>/business-units")
def category_units(category_id: str) -> Response:
    """``GET /categories/{id}/business-units``."""
    ds = state().dataset
    ids = ds.category_business_unit_ids(category_id, _country())
    page, per_page = listing.page_and_size()
    start, stop, has_next = listing.slice_page(len(ids), page, per_page, cap=None)
    base = params.api_base()
    units = [ds.business_unit_json(bu_id, base) for bu_id in ids[start:stop]]
    return _respond(
        {"businessUnits": units, "links": params.page_links(page, has_next)}, "business-unit"
    )


def _image(path: str, width: int, height: int) -> dict[str, Any]:
    return {"url": f"{CDN}/{path}", "width": width, "height": height}


def _stars_value(stars: str) -> str:
    value = stars[:-2] if stars.endswith(".0") else stars
    if value not in STAR_VALUES:
        raise bad_param("stars", stars, ", ".join(STAR_VALUES))
    return value


@blueprint.get("/resources/images")
def images() -> Response:
    """``GET /resources/images``."""
    base = params.api_base()
    links = [
        {"href": f"{base}/resources/images/stars/{{stars}}", "method": "GET", "rel": "stars"},
        {"href": f"{base}/resources/images/logos", "method": "GET", "rel": "logos"},
        {"href": f"{base}/resources/images/icons", "method": "GET", "rel": "icons"},
    ]
    return _respond({"links": links}, "resources")


@blueprint.get("/resources/images/stars/<stars>")
def star_images(stars: str) -> Response:
    """``GET /resources/images/stars/{stars}``."""
    value = _stars_value(stars)
    payload = {
        "stars": float(value) if "." in value else int(value),
        "star128x24": _image(f"stars/stars-{value}.png?size=128x24", 128, 24),
        "star256x48": _image(f"stars/stars-{value}.png?size=256x48", 256, 48),
        "star512x96": _image(f"stars/stars-{value}.png?size=512x96", 512, 96),
        "starSvg": _image(f"stars/stars-{value}.svg", 128, 24),
    }
    return _respond(payload, "resources")


@blueprint.get("/resources/strings/stars/<stars>")
def star_strings(stars: str) -> Response:
    """``GET /resources/strings/stars/{stars}?locale=``."""
    value = _stars_value(stars)
    payload = {
        "string": STAR_LABELS[value],
        "locale": _locale() or "en-US",
        "stars": float(value) if "." in value else int(value),
    }
    return _respond(payload, "resources")


@blueprint.get("/resources/images/logos")
def logos() -> Response:
    """``GET /resources/images/logos``."""
    payload = {
        "darkBackground": {"image242x54": _image("logo-white.svg", 242, 54)},
        "lightBackground": {"image242x54": _image("logo-black.svg", 242, 54)},
    }
    return _respond(payload, "resources")


@blueprint.get("/resources/images/icons")
def icons() -> Response:
    """``GET /resources/images/icons``."""
    return _respond({"image230x230": _image("icon-230x230.png", 230, 230)}, "resources")


def _locale_json(locale: str) -> dict[str, Any]:
    language, native, country, _, tld = LOCALES[locale]
    site = f"https://www.trustpilot.{tld}"
    return {
        "locale": locale,
        "language": locale.split("-")[0],
        "region": country,
        "countryId": country,
        "nativeName": native,
        "translatedName": f"{language} ({LOCALES[locale][3]})",
        "tld": tld,
        "consumerWebApp": site,
        "businessWebApp": f"https://business.trustpilot.{tld}",
        "legalUrl": f"{site}/legal",
        "commercialUrl": None,
        "aboutTrustpilotUrl": f"{site}/about",
        "supportUrl": "https://support.trustpilot.com",
        "helpCenterUrl": "https://support.trustpilot.com",
        "blog": None,
        "businessSignupUrl": f"https://business.trustpilot.{tld}/signup",
        "pressUrl": None,
        "investorsUrl": None,
        "jobsUrl": None,
        "statusPageUrl": None,
        "isDefaultForLanguage": locale not in ("en-US",),
        "isSupportedInBusinessWebApp": True,
    }


@blueprint.get("/resources/metadata/locales")
def locales() -> Response:
    """``GET /resources/metadata/locales``."""
    items = [_locale_json(locale) for locale in LOCALES]
    return _respond({"locales": items, "defaultLocale": _locale_json("en-US")}, "resources")


@blueprint.get("/resources/metadata/countries")
def countries() -> Response:
    """``GET /resources/metadata/countries?locale=``."""
    locale = _locale() or "en-US"
    items = [
        {
            "countryId": country,
            "country": name,
            "englishName": name,
            "locale": locale,
            "translatedName": name,
        }
        for _, _, country, name, _ in LOCALES.values()
    ]
    unique = {item["countryId"]: item for item in items}
    return _respond(
        {"countries": sorted(unique.values(), key=lambda i: i["countryId"])}, "resources"
    )
