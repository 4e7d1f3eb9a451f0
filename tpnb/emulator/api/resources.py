"""Resources routes (static assets and metadata; the apikey is optional here, [I]).

* ``GET /resources/images`` (links), ``/resources/images/stars/{stars}`` (stars in 0, 1, 1.5,
  ..., 5; ``{stars, star128x24, star256x48, star512x96, starSvg}``), ``/resources/strings/stars/
  {stars}?locale=`` (``{"string", "locale", "stars"}`` [I], English labels for every locale
  [I]), ``/resources/images/logos``, ``/resources/images/icons``, ``/resources/metadata/locales``
  and ``/resources/metadata/countries``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from tpnb.emulator.api import params
from tpnb.emulator.api.responses import bad_param, json_response
from tpnb.emulator.data.formats import link

blueprint = Blueprint("resources", __name__, url_prefix="/v1/resources")
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


def _image(path: str, width: int, height: int) -> dict[str, Any]:
    return {"url": f"{CDN}/{path}", "width": width, "height": height}


def _stars_value(stars: str) -> str:
    value = stars[:-2] if stars.endswith(".0") else stars
    if value not in STAR_VALUES:
        raise bad_param("stars", stars, ", ".join(STAR_VALUES))
    return value


@blueprint.get("/images")
def images() -> Response:
    """``GET /resources/images``."""
    base = params.api_base()
    links = [
        link(f"{base}/resources/images/stars/{{stars}}", "stars"),
        link(f"{base}/resources/images/logos", "logos"),
        link(f"{base}/resources/images/icons", "icons"),
    ]
    return json_response({"links": links}, cache="resources")


@blueprint.get("/images/stars/<stars>")
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
    return json_response(payload, cache="resources")


@blueprint.get("/strings/stars/<stars>")
def star_strings(stars: str) -> Response:
    """``GET /resources/strings/stars/{stars}?locale=``."""
    value = _stars_value(stars)
    payload = {
        "string": STAR_LABELS[value],
        "locale": params.get_locale() or "en-US",
        "stars": float(value) if "." in value else int(value),
    }
    return json_response(payload, cache="resources")


@blueprint.get("/images/logos")
def logos() -> Response:
    """``GET /resources/images/logos``."""
    payload = {
        "darkBackground": {"image242x54": _image("logo-white.svg", 242, 54)},
        "lightBackground": {"image242x54": _image("logo-black.svg", 242, 54)},
    }
    return json_response(payload, cache="resources")


@blueprint.get("/images/icons")
def icons() -> Response:
    """``GET /resources/images/icons``."""
    return json_response({"image230x230": _image("icon-230x230.png", 230, 230)}, cache="resources")


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


@blueprint.get("/metadata/locales")
def locales() -> Response:
    """``GET /resources/metadata/locales``."""
    items = [_locale_json(locale) for locale in LOCALES]
    return json_response(
        {"locales": items, "defaultLocale": _locale_json("en-US")}, cache="resources"
    )


@blueprint.get("/metadata/countries")
def countries() -> Response:
    """``GET /resources/metadata/countries?locale=``."""
    locale = params.get_locale() or "en-US"
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
    countries = sorted(unique.values(), key=lambda i: i["countryId"])
    return json_response({"countries": countries}, cache="resources")
