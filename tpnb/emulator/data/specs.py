"""The fictional business units of the emulator's data set, their categories and their stories.

Everything here is static description; :mod:`~tpnb.emulator.data.generate` turns it into reviews.
All domains use the reserved ``.example`` top-level domain (RFC 2606).

Stories a chart should show (the constants are public so tests can check them):

* growth: every unit's review volume grows by ``growth`` per year (Northwind Outdoor the most);
* Q4 seasonality: retail units get a November (Black Friday) and December peak;
* an incident: Bayside Energy's billing migration (``INCIDENT_START`` .. ``INCIDENT_END``) brings a
  surge of 1-star reviews, then recovery;
* Pennant Bank starts replying to reviews on ``REPLY_START`` (no reply is older than that).

What reviewers write about follows their sector (``SECTOR_TOPICS``: delivery, sizing and returns
for a fashion shop; billing, outages and support for energy; the app, fees and login for a bank
...), weighted differently in complaints and in praise; the incident's complaints are mostly
billing errors and outages (``INCIDENT_TOPICS``), and before Pennant Bank replied, its complaints
were more often that customer service never answers (``UNANSWERED_TOPIC``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

UTC = timezone.utc

INCIDENT_UNIT = "bayside-energy.example"
INCIDENT_START = datetime(2025, 1, 13, tzinfo=UTC)
INCIDENT_END = datetime(2025, 3, 10, tzinfo=UTC)
REPLY_START_UNIT = "pennant-bank.example"
REPLY_START = datetime(2024, 3, 1, tzinfo=UTC)

# star probabilities (1..5) per profile
PROFILES: dict[str, tuple[float, float, float, float, float]] = {
    "great": (0.04, 0.02, 0.03, 0.13, 0.78),
    "good": (0.09, 0.03, 0.05, 0.19, 0.64),
    "ok": (0.16, 0.06, 0.08, 0.22, 0.48),
    "mixed": (0.28, 0.09, 0.10, 0.18, 0.35),
    "bad": (0.60, 0.12, 0.07, 0.07, 0.14),
    "incident": (0.80, 0.09, 0.05, 0.03, 0.03),
}

COUNTRY_LANGUAGE = {
    "GB": "en", "US": "en", "DK": "da", "DE": "de", "FR": "fr",
    "ES": "es", "IT": "it", "NL": "nl", "SE": "sv", "PL": "pl",
}  # fmt: skip
LANGUAGE_COUNTRY = {"en": "GB", "da": "DK", "de": "DE", "fr": "FR", "es": "ES", "it": "IT",
                    "nl": "NL", "sv": "SE", "pl": "PL"}  # fmt: skip
LANGUAGES = ("en", "da", "de", "fr", "es", "it", "nl", "sv", "pl")
# consumers' countries: the country of each language, in LANGUAGES order, then the US
CONSUMER_COUNTRIES = (*(LANGUAGE_COUNTRY[lang] for lang in LANGUAGES), "US")

# category id -> (parent id or None, English display name)
CATEGORIES: dict[str, tuple[str | None, str]] = {
    "shopping_fashion": (None, "Shopping & Fashion"),
    "clothing_store": ("shopping_fashion", "Clothing Store"),
    "outdoor_sports_store": ("shopping_fashion", "Outdoor Sports Store"),
    "home_garden": (None, "Home & Garden"),
    "furniture_store": ("home_garden", "Furniture Store"),
    "lighting_store": ("home_garden", "Lighting Store"),
    "money_insurance": (None, "Money & Insurance"),
    "bank": ("money_insurance", "Bank"),
    "insurance_agency": ("money_insurance", "Insurance Agency"),
    "utilities": (None, "Utilities"),
    "energy_supplier": ("utilities", "Energy Supplier"),
    "internet_service_provider": ("utilities", "Internet Service Provider"),
    "electronics_technology": (None, "Electronics & Technology"),
    "electronics_store": ("electronics_technology", "Electronics Store"),
    "mobile_phone_store": ("electronics_technology", "Mobile Phone Store"),
    "travel_vacation": (None, "Travel & Vacation"),
    "travel_agency": ("travel_vacation", "Travel Agency"),
    "ferry_service": ("travel_vacation", "Ferry Service"),
    "vehicles_transportation": (None, "Vehicles & Transportation"),
    "bicycle_store": ("vehicles_transportation", "Bicycle Store"),
    "courier_service": ("vehicles_transportation", "Courier Service"),
    "food_beverages_tobacco": (None, "Food, Beverages & Tobacco"),
    "bakery": ("food_beverages_tobacco", "Bakery"),
    "grocery_store": ("food_beverages_tobacco", "Grocery Store"),
    "health_medical": (None, "Health & Medical"),
    "pharmacy": ("health_medical", "Pharmacy"),
    "optician": ("health_medical", "Optician"),
    "animals_pets": (None, "Animals & Pets"),
    "pet_store": ("animals_pets", "Pet Store"),
    "media_publishing": (None, "Media & Publishing"),
    "book_store": ("media_publishing", "Book Store"),
    "education_training": (None, "Education & Training"),
    "design_studio": ("education_training", "Design Studio"),
}

# What a sector's reviewers write about: topic -> (weight among complaints, weight among praise);
# a 3-star review weighs each topic by the mean of the two. Topic names index the phrase banks
# (``refund`` is the returns-and-refunds topic of a shop).
Weights = tuple[tuple[str, float, float], ...]
SECTOR_TOPICS: dict[str, Weights] = {
    "fashion": (("delivery", 3, 3), ("sizing", 3, 2), ("refund", 3, 1), ("quality", 2, 2),
                ("price", 1, 2), ("service", 2, 2), ("website", 1, 1)),
    "shop": (("delivery", 4, 3), ("quality", 3, 3), ("refund", 2, 1), ("price", 1, 2),
             ("service", 2, 2), ("website", 1, 1)),
    "energy": (("billing", 4, 1), ("outage", 2, 1), ("service", 3, 3), ("price", 2, 3),
               ("website", 1, 1)),
    "bank": (("app", 3, 4), ("fees", 3, 2), ("login", 3, 1), ("service", 3, 3)),
    "telecom": (("outage", 4, 1), ("billing", 3, 1), ("service", 3, 2), ("price", 1, 3),
                ("app", 1, 1)),
    "insurance": (("service", 4, 3), ("billing", 2, 1), ("price", 3, 3), ("refund", 3, 1),
                  ("website", 1, 1)),
    "travel": (("booking", 3, 3), ("service", 2, 3), ("price", 1, 2), ("refund", 3, 1)),
    "local": (("service", 2, 4), ("quality", 2, 3), ("price", 2, 1)),
    "courier": (("delivery", 5, 4), ("service", 2, 2), ("refund", 2, 1), ("website", 1, 1)),
}  # fmt: skip
SECTOR_BY_CATEGORY = {
    "clothing_store": "fashion", "outdoor_sports_store": "fashion", "bank": "bank",
    "insurance_agency": "insurance", "energy_supplier": "energy",
    "internet_service_provider": "telecom", "mobile_phone_store": "telecom",
    "travel_agency": "travel", "ferry_service": "travel", "bakery": "local", "optician": "local",
    "pharmacy": "local", "design_studio": "local", "courier_service": "courier",
}  # fmt: skip
"""Sector of a category; any other category is a ``"shop"``."""

# the stories' topics: during the incident, Bayside Energy's complaints are mostly about billing
# errors and outages (INCIDENT_TOPICS: (topic, share of the incident window's complaints));
# before Pennant Bank replied to reviews, its complaints said more often that nobody answers
INCIDENT_TOPICS = (("billing", 0.55), ("outage", 0.25))
UNANSWERED_TOPIC = "service"
UNANSWERED_BOOST = 3.0


@dataclass(frozen=True)
class UnitSpec:
    """One fictional business unit: identity, profile and the knobs of its review history."""

    domain: str
    display: str
    country: str
    category: str
    reviews: int  # at scale 1.0
    since: tuple[int, int]  # (year, month) of the first review
    profile: str = "good"
    invited: float = 0.5  # share of invited reviews
    reply_rate: float = 0.0
    reply_hours: float = 20.0  # median reply delay
    growth: float = 1.25  # volume factor per year
    seasonal: float = 0.0  # Q4 amplitude (0 = none)
    products: tuple[tuple[str, str], ...] = ()  # (sku, name)
    locations: tuple[str, ...] = ()  # city names of physical locations
    tags: bool = False
    aliases: tuple[str, ...] = ()  # extra referring names (old or alternate domains)
    secondary: tuple[str, ...] = ()  # extra category ids
    tagline: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    phone: str = ""
    extra_langs: tuple[tuple[str, float], ...] = field(default=())
    # a business unit merged into this one: (old domain, old display name, (y, m, d) of the merge);
    # reviews written before the merge carry it in ``businessUnitHistory``
    merged: tuple[str, str, tuple[int, int, int]] | None = None


# fmt: off
UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("northwind-outdoor.example", "Northwind Outdoor", "GB", "outdoor_sports_store", 124_000,
             (2016, 3), "good", 0.62, 0.35, 14.0, 1.42, 0.9,
             products=(("NW-TENT-2P", "Ridgeline 2P Tent"), ("NW-PACK-45", "Trailblazer 45L Backpack"),
                       ("NW-JKT-DWN", "Fjell Down Jacket"), ("NW-BOOT-GTX", "Summit GTX Boots"),
                       ("NW-BAG-MUMMY", "Polar Mummy Sleeping Bag"), ("NW-STOVE-1", "Ember Camp Stove")),
             locations=("London", "Manchester", "Leeds", "Bristol", "Edinburgh", "Keswick"), tags=True,
             aliases=("northwind-outdoor.co.uk.example", "northwindoutdoor.example"),
             tagline="Gear for every trail, since 2009", street="12 Fell Road", city="Kendal",
             postcode="LA9 4QP", phone="+44 20 7946 0123"),
    UnitSpec("fjordhus-mobler.example", "Fjordhus Møbler", "DK", "furniture_store", 8_500, (2018, 5),
             "good", 0.55, 0.6, 30.0, 1.2, 0.5,
             products=(("FH-SOFA-3", "Nyhavn 3-personers sofa"), ("FH-TABLE-OAK", "Eg spisebord"),
                       ("FH-CHAIR-01", "Skagen stol"), ("FH-LAMP-05", "Lys pendel")),
             tagline="Nordisk design til dit hjem", street="Havnegade 4", city="Aarhus",
             postcode="8000", phone="+45 70 12 34 56"),
    UnitSpec("kobenhavn-cykler.example", "København Cykler", "DK", "bicycle_store", 3_200, (2019, 4),
             "great", 0.3, 0.4, 10.0, 1.15, 0.1, locations=("København", "Frederiksberg", "Roskilde"),
             tagline="Cykler og service siden 1987", street="Nørrebrogade 88", city="København",
             postcode="2200", phone="+45 33 12 12 12"),
    UnitSpec("bayside-energy.example", "Bayside Energy", "GB", "energy_supplier", 14_000, (2019, 1),
             "ok", 0.7, 0.55, 30.0, 1.2, 0.3, tags=True, aliases=("bayside.energy.example",),
             tagline="Simple, fair energy", street="1 Quay Street", city="Bristol", postcode="BS1 4DJ",
             phone="+44 117 496 0456"),
    UnitSpec("pennant-bank.example", "Pennant Bank", "US", "bank", 22_000, (2017, 9), "ok", 0.45,
             0.85, 26.0, 1.3, 0.0, aliases=("pennantbank.example", "online.pennant-bank.example"),
             tagline="Banking without the fine print", street="400 Market Street", city="Philadelphia",
             postcode="19106", phone="+1 215 555 0142",
             merged=("pennantbank.example", "Pennant Savings Bank", (2019, 6, 3))),
    UnitSpec("liberty-parcel.example", "Liberty Parcel Co.", "US", "courier_service", 9_000,
             (2018, 2), "bad", 0.15, 0.05, 72.0, 1.3, 0.8, tagline="Parcels, nationwide",
             street="77 Depot Ave", city="Columbus", postcode="43215", phone="+1 614 555 0199"),
    UnitSpec("cedar-and-pine.example", "Cedar & Pine Home", "US", "furniture_store", 2_400, (2020, 6),
             "good", 0.5, 0.3, 40.0, 1.1, 0.6, tagline="Solid wood furniture", street="9 Mill Lane",
             city="Portland", postcode="97205", phone="+1 503 555 0117"),
    UnitSpec("brightwave-mobile.example", "Brightwave Mobile", "US", "mobile_phone_store", 11_000,
             (2018, 8), "mixed", 0.4, 0.5, 18.0, 1.25, 0.4, tags=True,
             tagline="Unlimited plans, no contracts", street="2200 Fifth Ave", city="Seattle",
             postcode="98121", phone="+1 206 555 0175"),
    UnitSpec("alpenblick-reisen.example", "Alpenblick Reisen", "DE", "travel_agency", 6_500,
             (2018, 3), "good", 0.6, 0.45, 24.0, 1.2, 0.2, tagline="Urlaub in den Bergen",
             street="Bergstraße 12", city="München", postcode="80331", phone="+49 89 1234 5678"),
    UnitSpec("stromkraft-energie.example", "Stromkraft Energie", "DE", "energy_supplier", 4_800,
             (2019, 10), "ok", 0.5, 0.3, 48.0, 1.2, 0.2, tagline="Grüner Strom für alle",
             street="Kraftweg 3", city="Hamburg", postcode="20095", phone="+49 40 555 1234"),
    UnitSpec("muenchner-optik.example", "Münchner Optik", "DE", "optician", 1_100, (2020, 1),
             "great", 0.4, 0.2, 30.0, 1.1, 0.0, locations=("München", "Augsburg"),
             tagline="Brillen mit Beratung", street="Sendlinger Str. 5", city="München",
             postcode="80331", phone="+49 89 555 0101"),
    UnitSpec("maison-lumiere.example", "Maison Lumière", "FR", "lighting_store", 3_900, (2019, 2),
             "good", 0.55, 0.5, 20.0, 1.2, 0.7,
             products=(("ML-LAMP-ARC", "Lampadaire Arc"), ("ML-APPL-01", "Applique Laiton"),
                       ("ML-SUSP-G", "Suspension Verre")), tagline="La lumière, en beauté",
             street="8 rue des Arts", city="Lyon", postcode="69002", phone="+33 4 72 00 00 00"),
    UnitSpec("boulangerie-dupont.example", "Boulangerie Dupont", "FR", "bakery", 320, (2021, 5),
             "great", 0.1, 0.6, 8.0, 1.1, 0.0, locations=("Paris", "Versailles"),
             tagline="Pain au levain depuis 1962", street="14 rue du Four", city="Paris",
             postcode="75006", phone="+33 1 43 00 00 00"),
    UnitSpec("assurances-horizon.example", "Assurances Horizon", "FR", "insurance_agency", 5_200,
             (2018, 11), "mixed", 0.55, 0.4, 48.0, 1.15, 0.0, tagline="Assurer l'essentiel",
             street="22 avenue Foch", city="Nantes", postcode="44000", phone="+33 2 40 00 00 00"),
    UnitSpec("sol-y-mar-viajes.example", "Sol y Mar Viajes", "ES", "travel_agency", 4_100, (2019, 3),
             "good", 0.5, 0.35, 30.0, 1.25, 0.2, tagline="Viajes al sol", street="Calle Mayor 10",
             city="Valencia", postcode="46001", phone="+34 963 00 00 00"),
    UnitSpec("farmacia-verde.example", "Farmacia Verde", "ES", "pharmacy", 1_800, (2020, 4), "great",
             0.35, 0.2, 24.0, 1.2, 0.1, locations=("Madrid", "Toledo", "Segovia"),
             tagline="Tu farmacia de confianza", street="Gran Vía 40", city="Madrid", postcode="28013",
             phone="+34 910 00 00 00"),
    UnitSpec("casa-gusto.example", "Casa Gusto", "IT", "grocery_store", 2_900, (2019, 9), "good",
             0.45, 0.3, 36.0, 1.3, 0.6, tagline="Sapori italiani a domicilio", street="Via Roma 21",
             city="Bologna", postcode="40121", phone="+39 051 000 0000"),
    UnitSpec("moda-milano.example", "Moda Milano", "IT", "clothing_store", 6_000, (2018, 4), "good",
             0.6, 0.25, 40.0, 1.25, 0.8,
             products=(("MM-ABITO-01", "Abito Lino"), ("MM-CAMICIA-02", "Camicia Oxford"),
                       ("MM-BORSA-03", "Borsa Pelle")), tags=True, tagline="Stile italiano online",
             street="Corso Como 9", city="Milano", postcode="20154", phone="+39 02 0000 0000"),
    UnitSpec("polder-fietsen.example", "Polder Fietsen", "NL", "bicycle_store", 2_100, (2019, 6),
             "great", 0.45, 0.5, 12.0, 1.2, 0.2, locations=("Amsterdam", "Utrecht", "Leiden"),
             tagline="Fietsen voor elke dag", street="Prinsengracht 200", city="Amsterdam",
             postcode="1016 HE", phone="+31 20 000 0000"),
    UnitSpec("tulp-telecom.example", "Tulp Telecom", "NL", "internet_service_provider", 7_300,
             (2018, 1), "bad", 0.3, 0.3, 60.0, 1.2, 0.0, tagline="Snel internet, eerlijke prijs",
             street="Stationsplein 1", city="Utrecht", postcode="3511 ED", phone="+31 30 000 0000"),
    UnitSpec("nordljus-el.example", "Nordljus El", "SE", "energy_supplier", 2_600, (2019, 11), "ok",
             0.5, 0.4, 30.0, 1.15, 0.2, tagline="Elavtal utan krångel", street="Storgatan 5",
             city="Göteborg", postcode="411 38", phone="+46 31 000 00 00"),
    UnitSpec("skargard-resor.example", "Skärgård Resor", "SE", "ferry_service", 900, (2020, 5),
             "good", 0.4, 0.3, 20.0, 1.1, 0.0, tagline="Båtresor i skärgården",
             street="Strandvägen 7", city="Stockholm", postcode="114 56", phone="+46 8 000 00 00"),
    UnitSpec("wisla-elektronika.example", "Wisła Elektronika", "PL", "electronics_store", 5_400,
             (2018, 10), "good", 0.6, 0.45, 22.0, 1.3, 0.9,
             products=(("WE-TV-55", "Telewizor 55 cali"), ("WE-LAPTOP-14", "Laptop 14 Pro"),
                       ("WE-SLUCH-BT", "Słuchawki Bluetooth")), tagline="Elektronika w dobrej cenie",
             street="ul. Marszałkowska 100", city="Warszawa", postcode="00-026",
             phone="+48 22 000 00 00"),
    UnitSpec("zoo-planeta.example", "Zoo Planeta", "PL", "pet_store", 1_300, (2020, 2), "great", 0.5,
             0.3, 30.0, 1.2, 0.4, tagline="Wszystko dla zwierząt", street="ul. Długa 5",
             city="Kraków", postcode="31-147", phone="+48 12 000 00 00"),
    UnitSpec("harbour-lane-books.example", "Harbour Lane Books", "GB", "book_store", 12, (2024, 2),
             "great", 0.0, 0.0, 24.0, 1.0, 0.0, tagline="An independent bookshop",
             street="3 Harbour Lane", city="Whitby", postcode="YO21 3PU", phone="+44 1947 000000"),
    UnitSpec("quietpine-studio.example", "Quiet Pine Studio", "GB", "design_studio", 0, (2026, 1),
             tagline="Brand design for small teams", street="5 Kiln Yard", city="Leeds",
             postcode="LS1 4AP", phone="+44 113 000 0000"),
)

# fmt: on

# tag combinations a tagging unit's generated reviews carry (None = no tags)
TAG_SETS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("generic", "web"),),
    (("generic", "store"),),
    (("generic", "app"),),
    (("generic", "web"), ("campaign", "Black-Friday")),
    (("generic", "web"), ("campaign", "Newsletter")),
    (("support", "escalated"),),
)

# (key, name, access to these domains); username is the e-mail
DEMO_USER_UNITS = ("northwind-outdoor.example", "bayside-energy.example", "pennant-bank.example",
                   "fjordhus-mobler.example", "maison-lumiere.example", "quietpine-studio.example")  # fmt: skip
OTHER_USER_UNITS = ("liberty-parcel.example", "alpenblick-reisen.example", "moda-milano.example",
                    "wisla-elektronika.example")  # fmt: skip

SOURCES = ("Organic", "AFSv2", "InvitationApi", "InvitationLinkApi", "BasicLink")
"""Private ``source`` values: Organic (written unprompted), AFSv2 (automatic feedback service
invitation), InvitationApi (e-mail invitation sent via the API), InvitationLinkApi (generated
invitation link), BasicLink (basic invitation link). Index 0 is organic; the rest are invited."""

REPORT_REASONS = (
    ("consumer_is_competitor", ("consumerIsCompetitor",)),
    ("sensitive_information", ("sensitiveInformation",)),
    ("harmful_or_illegal", ("harmfulOrIllegal",)),
    ("not_based_on_genuine_experience", ("notBasedOnGenuineExperience",)),
)
