"""The emulator's data set, tested directly in Python (no HTTP): shapes, sizes, aggregates, queries."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from kit.dataset_checks import (
    BUSINESS_UNIT_FIELDS,
    HEX24,
    NUMBER_OF_REVIEWS_FIELDS,
    PROFILE_FIELDS,
    PROFILE_INFO_FIELDS,
    UUID,
    check_links,
    check_review,
    check_timestamp,
)

from tpnb.emulator.data import specs
from tpnb.emulator.data.accounts import DEMO_PASSWORD, DEMO_USERNAME
from tpnb.emulator.data.dataset import Dataset, build_dataset
from tpnb.emulator.data.errors import UnknownBusinessUnit, UnknownCategory
from tpnb.emulator.data.phrases import BANKS
from tpnb.emulator.options import DATASET_NOW

BASE = "http://127.0.0.1:9/v1"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return build_dataset()


def unit_id(ds: Dataset, domain: str) -> str:
    found = ds.find_business_unit(domain)
    assert found is not None
    return found


def totals(ds: Dataset) -> dict[str, int]:
    out = {}
    for bu in ds.business_unit_ids():
        data = ds.business_unit_json(bu, BASE)
        assert data is not None
        out[data["name"]["identifying"]] = data["numberOfReviews"]["total"]
    return out


def test_same_seed_gives_same_bytes_and_another_seed_differs() -> None:
    first = build_dataset(7, scale=0.05).canonical_bytes()
    assert build_dataset(7, scale=0.05).canonical_bytes() == first
    assert build_dataset(8, scale=0.05).canonical_bytes() != first


def test_same_bytes_in_another_process_with_another_hash_seed() -> None:
    code = (
        "import hashlib; from tpnb.emulator.data.dataset import build_dataset; "
        "print(hashlib.sha256(build_dataset(7, scale=0.05).canonical_bytes()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    here = hashlib.sha256(build_dataset(7, scale=0.05).canonical_bytes()).hexdigest()
    assert out.stdout.strip() == here


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scale": 0}, "scale"),
        ({"scale": float("nan")}, "scale"),
        ({"seed": -1}, "seed"),
        ({"now": datetime(2026, 1, 1)}, "timezone"),
    ],
)
def test_bad_build_arguments_are_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_dataset(**kwargs)  # type: ignore[arg-type]


def test_sizes_span_empty_to_beyond_the_100k_cap(ds: Dataset) -> None:
    sizes = totals(ds)
    assert 24 <= len(sizes) <= 30
    assert min(sizes.values()) == 0
    assert max(sizes.values()) > 100_000
    assert sum(1 for n in sizes.values() if n > 100_000) == 1
    assert sum(1 for n in sizes.values() if 1000 <= n <= 30_000) >= 8
    assert all(domain.endswith(".example") for domain in sizes)


def test_countries_languages_and_history(ds: Dataset) -> None:
    countries = {ds.business_unit_json(bu, BASE)["country"] for bu in ds.business_unit_ids()}  # type: ignore[index]
    assert len(countries) >= 8
    seen_languages = set()
    for bu in ds.business_unit_ids():
        rows = ds.query_reviews(business_unit_id=bu, include_reported=True)
        if rows.size == 0:
            continue
        country = ds.business_unit_json(bu, BASE)["country"]  # type: ignore[index]
        sample = [ds.review_json(r, BASE)["language"] for r in rows[:: max(1, rows.size // 200)]]
        counts = Counter(sample)
        seen_languages |= set(counts)
        assert counts.most_common(1)[0][0] == specs.COUNTRY_LANGUAGE[country]
    assert len(seen_languages) >= 8
    created = ds.review_created_at(ds.query_reviews(include_reported=True))
    assert created.max() < int(DATASET_NOW.timestamp())
    assert created.min() <= int((DATASET_NOW - timedelta(days=5 * 365)).timestamp())


def test_business_unit_json_has_the_documented_fields(ds: Dataset) -> None:
    for bu in ds.business_unit_ids():
        data = ds.business_unit_json(bu, BASE)
        assert data is not None
        assert set(data) == BUSINESS_UNIT_FIELDS
        assert HEX24.match(data["id"])
        check_links(data["links"], BASE)
        assert set(data["name"]) == {"identifying", "referring"}
        assert data["name"]["identifying"] in data["name"]["referring"]
        assert set(data["numberOfReviews"]) == NUMBER_OF_REVIEWS_FIELDS
        assert all(isinstance(v, int) for v in data["numberOfReviews"].values())
        assert set(data["score"]) == {"trustScore", "stars"}
        assert all(isinstance(v, float) for v in data["score"].values())
        assert isinstance(data["badFit"], bool)
        assert data["status"] == "active"
        assert len(data["country"]) == 2


def test_aggregates_equal_counts_from_query_reviews(ds: Dataset) -> None:
    for bu in ds.business_unit_ids():
        counts = ds.business_unit_json(bu, BASE)["numberOfReviews"]  # type: ignore[index]
        assert counts["total"] == ds.query_reviews(business_unit_id=bu, include_reported=True).size
        visible = ds.query_reviews(business_unit_id=bu).size
        assert counts["usedForTrustScoreCalculation"] == visible
        for stars, key in enumerate(
            ("oneStar", "twoStars", "threeStars", "fourStars", "fiveStars"), 1
        ):
            found = ds.query_reviews(business_unit_id=bu, stars={stars}, include_reported=True)
            assert counts[key] == found.size


def _independent_trust_score(reviews: list[dict[str, object]]) -> tuple[float, float]:
    """Trustpilot's method, with the score recalculated at the newest counting review (as for
    units under 10,000 reviews, the only ones this test recomputes)."""
    weighted, weights = 7 * 3.5, 7.0
    counting = [
        datetime.strptime(str(r["createdAt"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        for r in reviews
        if r["countsTowardsTrustScore"]
    ]
    now = min(max(counting), DATASET_NOW) if counting else DATASET_NOW
    counted = 0
    for review in reviews:
        if not review["countsTowardsTrustScore"]:
            continue
        counted += 1
        created = datetime.strptime(str(review["createdAt"]), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=timezone.utc
        )
        age_days = max((now - created).total_seconds(), 0) / 86400
        weight = 0.5 ** (age_days / 182.5)
        weighted += weight * int(review["stars"])  # type: ignore[call-overload]
        weights += weight
    if counted == 0:
        return 0.0, 0.0
    score = weighted / weights
    shown = int(score * 10 + 0.5) / 10
    return shown, min(5.0, max(1.0, int(shown * 2 + 0.5) / 2))


def test_trust_score_equals_an_independent_recomputation(ds: Dataset) -> None:
    for bu in ds.business_unit_ids():
        data = ds.business_unit_json(bu, BASE)
        assert data is not None
        if data["numberOfReviews"]["total"] > 2500:
            continue
        rows = ds.query_reviews(business_unit_id=bu, include_reported=True)
        reviews = [ds.review_json(r, BASE) for r in rows]
        score, stars = _independent_trust_score(reviews)
        assert data["score"]["trustScore"] == pytest.approx(score, abs=1e-9), data["name"]
        assert data["score"]["stars"] == stars


def test_trust_score_of_the_largest_unit_from_its_rows(ds: Dataset) -> None:
    bu = unit_id(ds, "northwind-outdoor.example")
    rows = ds.query_reviews(business_unit_id=bu)  # the counting (not reported) reviews
    ages = (int(DATASET_NOW.timestamp()) - ds.review_created_at(rows)) / 86400.0
    weights = np.exp2(-ages / 182.5)
    stars = ds.table["stars"][rows].astype(float)
    score = (24.5 + float((weights * stars).sum())) / (7 + float(weights.sum()))
    data = ds.business_unit_json(bu, BASE)
    assert data is not None
    assert data["score"]["trustScore"] == int(score * 10 + 0.5) / 10


def test_star_distributions_differ_and_mostly_j_shaped(ds: Dataset) -> None:
    shapes = {}
    for bu in ds.business_unit_ids():
        counts = ds.business_unit_json(bu, BASE)["numberOfReviews"]  # type: ignore[index]
        if counts["total"] >= 300:
            shapes[bu] = [
                counts[k] for k in ("oneStar", "twoStars", "threeStars", "fourStars", "fiveStars")
            ]
    j_shaped = [s for s in shapes.values() if s[4] > s[3] > s[2] and s[0] > s[1]]
    bad = [s for s in shapes.values() if s[0] > s[4]]
    assert len(j_shaped) >= len(shapes) // 2
    assert len(bad) >= 2


def test_public_and_private_reviews_have_every_documented_field(ds: Dataset) -> None:
    rows = ds.query_reviews(
        business_unit_id=unit_id(ds, "northwind-outdoor.example"), include_reported=True
    )
    sample = list(rows[:: rows.size // 400])
    everyone = ds.query_reviews(include_reported=True)
    for row in everyone[:: everyone.size // 300]:  # every unit and language
        check_review(ds.review_json(row, BASE, private=True), BASE, private=True)
    for row in sample:
        check_review(ds.review_json(row, BASE), BASE, private=False)
        check_review(ds.review_json(row, BASE, private=True), BASE, private=True)
    reviews = [ds.review_json(r, BASE, private=True) for r in sample]
    assert any(r["companyReply"] for r in reviews)
    assert any(r["location"] for r in reviews)
    assert any(r["tags"] for r in reviews)
    assert any(r["referenceId"] for r in reviews)
    assert {r["source"] for r in reviews} >= {"Organic", "AFSv2"}
    assert set(specs.SOURCES) >= {r["source"] for r in reviews}


def test_review_ids_round_trip(ds: Dataset) -> None:
    rows = ds.query_reviews(include_reported=True)
    for row in rows[:: rows.size // 50]:
        rid = ds.review_json(row, BASE)["id"]
        assert ds.review_row(rid) == row
    assert ds.review_row("0" * 24) is None
    assert ds.review_row("not-an-id") is None
    assert ds.review_row(ds.review_json(rows[0], BASE)["id"].upper()) is None


def test_texts_match_sentiment_and_are_searchable(ds: Dataset) -> None:
    bu = unit_id(ds, "northwind-outdoor.example")
    negative = [
        ds.review_json(r, BASE)
        for r in ds.query_reviews(business_unit_id=bu, stars={1}, languages={"en"})[:300]
    ]
    positive = [
        ds.review_json(r, BASE)
        for r in ds.query_reviews(business_unit_id=bu, stars={5}, languages={"en"})[:300]
    ]
    assert sum("refund" in r["text"] for r in negative) > 10
    assert sum("delivery" in r["text"].lower() for r in positive) > 10
    negative_words = ("disappointed", "worst", "warn", "unfortunately", "avoid", "never", "poor",
                      "terrible", "stay away", "not worth", "let me down")  # fmt: skip
    assert all(any(w in (r["title"] + r["text"]).lower() for w in negative_words) for r in negative)
    assert all(r["title"] in BANKS["en"]["t0"] for r in negative)
    assert all(r["title"] in BANKS["en"]["t2"] for r in positive)
    assert len({r["text"] for r in positive}) > 100
    german = ds.query_reviews(
        business_unit_id=unit_id(ds, "alpenblick-reisen.example"), languages={"de"}
    )
    assert german.size > 0
    assert all(ds.review_json(r, BASE)["language"] == "de" for r in german[:20])


def test_filters(ds: Dataset) -> None:
    bu = unit_id(ds, "northwind-outdoor.example")
    everything = ds.query_reviews(business_unit_id=bu, include_reported=True)
    visible = ds.query_reviews(business_unit_id=bu)
    reported = ds.query_reviews(business_unit_id=bu, reported=True)
    assert reported.size > 0
    assert visible.size + reported.size == everything.size
    assert all(ds.review_json(r, BASE)["reportData"] is not None for r in reported[:20])
    responded = ds.query_reviews(business_unit_id=bu, responded=True)
    silent = ds.query_reviews(business_unit_id=bu, responded=False)
    assert responded.size + silent.size == visible.size
    assert all(ds.review_json(r, BASE)["companyReply"] for r in responded[:20])
    loc = ds.location_ids(bu)[0]
    at_loc = ds.query_reviews(business_unit_id=bu, location_id=loc)
    assert 0 < at_loc.size < visible.size
    assert all(ds.review_json(r, BASE)["location"]["id"] == loc for r in at_loc[:20])  # type: ignore[index]
    tagged = ds.query_reviews(business_unit_id=bu, tag_group="campaign", tag_value="Black-Friday")
    assert tagged.size > 0
    assert (
        ds.query_reviews(business_unit_id=bu, tag_group="campaign", tag_value="black-friday").size
        == 0
    )
    assert np.array_equal(
        ds.query_reviews(business_unit_id=bu, tag_value="black-friday", ignore_tag_value_case=True),
        tagged,
    )
    start, end = datetime(2024, 1, 1), datetime(2024, 2, 1, tzinfo=timezone.utc)
    window = ds.query_reviews(business_unit_id=bu, start=start, end=end)
    created = ds.review_created_at(window)
    assert window.size > 0
    assert created.min() >= int(start.replace(tzinfo=timezone.utc).timestamp())
    assert created.max() < int(end.timestamp())
    sample = ds.review_json(
        ds.query_reviews(business_unit_id=bu, source="AFSv2")[5], BASE, private=True
    )
    assert sample["source"] == "AFSv2"
    by_ref = ds.query_reviews(business_unit_id=bu, reference_id=sample["referenceId"])
    assert [ds.review_json(r, BASE)["id"] for r in by_ref] == [sample["id"]]
    by_email = ds.query_reviews(business_unit_id=bu, referral_email=sample["referralEmail"])
    assert sample["id"] in [ds.review_json(r, BASE)["id"] for r in by_email]
    name = sample["consumer"]["displayName"]
    by_name = ds.query_reviews(business_unit_id=bu, username=name)
    assert all(
        ds.review_json(r, BASE)["consumer"]["displayName"].lower() == name.lower() for r in by_name
    )
    contacted = ds.query_reviews(business_unit_id=bu, find_reviewer="contacted")
    assert contacted.size > 0
    assert all(
        ds.review_json(r, BASE, private=True)["findReviewer"]["requests"] for r in contacted[:20]
    )
    not_contacted = ds.query_reviews(business_unit_id=bu, find_reviewer="notContacted")
    assert contacted.size + not_contacted.size == visible.size
    assert ds.query_reviews(business_unit_id=bu, languages={"xx"}).size == 0
    assert ds.query_reviews(business_unit_id="0" * 24).size == 0


def test_orders_are_total_and_stable(ds: Dataset) -> None:
    bu = unit_id(ds, "pennant-bank.example")
    desc = ds.query_reviews(business_unit_id=bu)
    created = ds.review_created_at(desc)
    assert np.all(np.diff(created) <= 0)
    asc = ds.query_reviews(business_unit_id=bu, order_by=[("createdat", "asc")])
    assert np.array_equal(asc, desc[::-1])
    by_stars = ds.query_reviews(
        business_unit_id=bu, order_by=[("stars", "desc"), ("createdat", "asc")]
    )
    stars = np.array([ds.table["stars"][r] for r in by_stars])
    assert np.all(np.diff(stars) <= 0)
    for value in range(1, 6):
        group = ds.review_created_at(by_stars[stars == value])
        assert np.all(np.diff(group) >= 0)
    assert sorted(by_stars.tolist()) == sorted(desc.tolist())
    with pytest.raises(ValueError, match=r"createdat\.asc"):
        ds.query_reviews(business_unit_id=bu, order_by=[("updatedat", "asc")])
    with pytest.raises(ValueError, match=r"1\.\.5"):
        ds.query_reviews(business_unit_id=bu, stars={6})
    everyone = ds.query_reviews(include_reported=True)
    ids = [ds.review_json(r, BASE)["id"] for r in everyone[:2000]]
    assert len(set(ids)) == len(ids)


def test_consumers(ds: Dataset) -> None:
    rows = ds.query_reviews(include_reported=True)
    counts = ds.consumers.review_counts
    many = int(np.argmax(counts))
    cid = ds.consumer_id(many)
    theirs = ds.query_reviews(consumer_id=cid, include_reported=True)
    assert theirs.size == counts[many] >= 3
    units_reviewed = {ds.review_json(r, BASE)["businessUnit"]["id"] for r in theirs}
    assert len(units_reviewed) >= 2
    summary = ds.consumer_json(cid, BASE)
    assert summary is not None
    assert summary["numberOfReviews"] == theirs.size
    profile = ds.consumer_profile_json(cid)
    assert profile is not None
    assert set(profile) == PROFILE_FIELDS
    check_timestamp(profile["createdAt"])
    bulk = ds.consumers_bulk_json([cid, "f" * 24])
    assert list(bulk["consumers"]) == [cid]
    assert bulk["notFoundConsumerIds"] == ["f" * 24]
    first = ds.review_json(rows[0], BASE)["consumer"]
    assert ds.consumer_json(first["id"], BASE)["displayName"] == first["displayName"]  # type: ignore[index]


def test_business_unit_lookup_search_and_side_resources(ds: Dataset) -> None:
    bu = unit_id(ds, "northwind-outdoor.example")
    assert ds.find_business_unit("WWW.Northwind-Outdoor.example") == bu
    assert ds.find_business_unit("https://northwindoutdoor.example/") == bu
    assert ds.find_business_unit("nowhere.example") is None
    assert ds.search_business_units("northwind")[0] == bu
    assert ds.search_business_units("energie", country="DE") == [
        unit_id(ds, "stromkraft-energie.example")
    ]
    assert ds.business_unit_ids(["dk"]) == [
        unit_id(ds, "fjordhus-mobler.example"),
        unit_id(ds, "kobenhavn-cykler.example"),
    ]
    info = ds.profile_info_json(bu, BASE)
    assert info is not None
    assert set(info) == PROFILE_INFO_FIELDS
    links = ds.web_links_json(bu, "da-DK", BASE)
    assert links is not None
    assert links["locale"] == "da-DK"
    assert links["profileUrl"].endswith("northwind-outdoor.example")
    images = ds.images_json(bu, BASE)
    assert images is not None
    assert set(images["profileImage"]) == {"image57x43", "image118x89", "image198x149"}
    assert all(UUID.match(loc) for loc in ds.location_ids(bu))
    with pytest.raises(UnknownBusinessUnit) as raised:
        ds.business_unit_json("0" * 24, BASE)
    assert raised.value.business_unit_id == "0" * 24
    assert raised.value.message == f"Business unit not found: {'0' * 24}"


def test_categories(ds: Dataset) -> None:
    top = ds.categories_json()["categories"]
    assert top
    assert all(ds.category_json(c["categoryId"])["parentId"] is None for c in top)  # type: ignore[index]
    children = ds.categories_json(parent_id="utilities")["categories"]
    assert {c["categoryId"] for c in children} >= {"energy_supplier"}
    energy = ds.category_json("energy_supplier", country="GB")
    assert energy is not None
    assert energy["parentId"] == "utilities"
    assert energy["businessUnitCount"] == len(
        ds.category_business_unit_ids("energy_supplier", "GB") or []
    )
    assert len(ds.category_business_unit_ids("utilities") or []) >= 4
    with pytest.raises(UnknownCategory, match="no_such_category"):
        ds.category_json("no_such_category")
    cats = ds.business_unit_categories_json(unit_id(ds, "bayside-energy.example"))
    assert cats is not None
    assert cats["categories"][0]["isPrimary"] is True


def test_latest_reviews_and_likes(ds: Dataset) -> None:
    latest = ds.latest_review_rows({"fr"}, 30)
    assert latest.size == 30
    assert all(ds.review_json(r, BASE)["language"] == "fr" for r in latest)
    assert np.all(np.diff(ds.review_created_at(latest)) <= 0)
    rare = ds.latest_review_rows({"sv"}, 100)  # a language of few units still fills the count
    assert rare.size == 100
    assert all(ds.review_json(r, BASE)["language"] == "sv" for r in rare)
    liked = next(r for r in ds.query_reviews() if ds.review_json(r, BASE)["numberOfLikes"] > 1)
    review = ds.review_json(liked, BASE)
    likes = ds.review_likes_json(review["id"], BASE)
    assert likes is not None
    assert len(likes["likes"]) == review["numberOfLikes"]


def test_products_and_product_reviews(ds: Dataset) -> None:
    bu = unit_id(ds, "northwind-outdoor.example")
    products = ds.products(bu)
    assert products
    sku = products[0]["sku"]
    rows = ds.product_reviews_rows(bu, skus=[sku])
    assert rows.size > 0
    review = ds.product_review_json(int(rows[0]), BASE)
    assert review["product"]["sku"] == sku
    assert "updatedAt" in review  # empty values are null, never omitted
    private = ds.product_review_json(int(rows[0]), BASE, private=True)
    assert set(review) < set(private)
    assert ds.product_review_row(review["id"]) == rows[0]
    summary = ds.product_review_summary_json(bu, [sku])
    assert summary is not None
    assert summary["numberOfReviews"]["total"] == rows.size
    assert ds.products(unit_id(ds, "pennant-bank.example")) == []


def test_business_users_and_api_clients(ds: Dataset) -> None:
    demo = ds.user_by_username(DEMO_USERNAME.upper())
    assert demo is not None
    assert demo.password == DEMO_PASSWORD
    assert unit_id(ds, "northwind-outdoor.example") in demo.business_unit_ids
    assert len(ds.accounts.clients) == 2
    others = [u for u in ds.accounts.users if u.id != demo.id and u.username.startswith("other")]
    assert others
    assert not others[0].business_unit_ids & demo.business_unit_ids
    assert DEMO_PASSWORD not in repr(demo)
    assert all(client.api_secret not in repr(client) for client in ds.accounts.clients.values())


def test_public_reviews_carry_source_and_consumer_image_links(ds: Dataset) -> None:
    """[S] a real public-reviews answer's type: ``source`` and ``rel: "profile-image"``."""
    bu = unit_id(ds, "northwind-outdoor.example")
    rows = ds.query_reviews(business_unit_id=bu)[:200]
    reviews = [ds.review_json(int(r), BASE) for r in rows]
    assert all(isinstance(r["source"], str) for r in reviews)
    with_image = without_image = 0
    for review in reviews:
        rels = [item["rel"] for item in review["consumer"]["links"]]
        assert rels[0] == "consumers"
        if "profile-image" in rels:
            with_image += 1
            assert rels == ["consumers", "profile-image"]
        else:
            without_image += 1
    # seeded: some consumers have an image, some not
    assert with_image > 0
    assert without_image > 0


def test_find_reviewer_requests_are_pending_uuids(ds: Dataset) -> None:
    bu = unit_id(ds, "northwind-outdoor.example")
    rows = ds.query_reviews(business_unit_id=bu, find_reviewer="contacted")
    assert len(rows) > 0
    requests = [
        request
        for row in rows[:50]
        for request in ds.review_json(int(row), BASE, private=True)["findReviewer"]["requests"]
    ]
    for request in requests:
        assert str(uuid.UUID(request["id"])) == request["id"]
    statuses = {request["status"] for request in requests}
    assert "Pending" in statuses
    assert statuses <= {"Pending", "ConsumerResponded"}


def test_product_and_attribute_ids_never_collide(ds: Dataset) -> None:
    products, attributes = set(), set()
    for bu in ds.business_unit_ids():
        products |= {p["id"] for p in ds.products(bu)}
        attributes |= {a["id"] for a in ds.product_reviews.attributes(bu)}
    assert products
    assert attributes
    assert not products & attributes  # the old indexing gave 2 shared ids with this seed
