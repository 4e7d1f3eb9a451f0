"""Product-review methods (public, private, summaries) against the emulator.

Expectations come from the emulator's data set (``Dataset.product_reviews_rows`` and friends).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest
from kit.clients import client_for
from kit.server import api_requests
from kit.truth import same_schema

from tpnb import endpoints, frames
from tpnb.client import Client
from tpnb.emulator.data.accounts import OTHER_USERNAME
from tpnb.errors import BadRequestError, ConfigError, ForbiddenError, NotFoundError


@pytest.fixture(scope="module")
def shop(emulator: Any) -> tuple[str, list[dict[str, Any]]]:
    """The demo user's unit with the most product reviews, and its products."""
    ds = emulator.dataset
    user = ds.user_by_username(emulator.credentials["username"])
    best = max(sorted(user.business_unit_ids), key=lambda b: len(ds.product_reviews_rows(b)))
    assert len(ds.product_reviews_rows(best)), "the seeded data gives the demo user product reviews"
    return best, ds.products(best)


def _ids(server: Any, bu_id: str, **kwargs: Any) -> list[str]:
    ds = server.dataset
    return [ds.product_review_id(int(r)) for r in ds.product_reviews_rows(bu_id, **kwargs)]


def _busiest_sku(server: Any, bu_id: str, products: list[dict[str, Any]]) -> str:
    return max((p["sku"] for p in products), key=lambda s: len(_ids(server, bu_id, skus=[s])))


def test_product_reviews_of_one_sku(tp: Client, emulator: Any, shop: Any) -> None:
    bu_id, products = shop
    sku = _busiest_sku(emulator, bu_id, products)
    df = tp.product_reviews(bu_id, sku, progress=False)
    assert df["id"].tolist() == _ids(emulator, bu_id, skus=[sku])  # newest first
    assert set(df["sku"]) == {sku}
    assert set(df["business_unit_id"]) == {bu_id}
    same_schema(df, frames.product_review_frame([]))
    by_url = tp.product_reviews(bu_id, product_url=products[0]["productUrl"], progress=False)
    assert by_url["id"].tolist() == _ids(emulator, bu_id, skus=[products[0]["sku"]])


def test_product_reviews_every_page(tp: Client, emulator: Any, shop: Any) -> None:
    bu_id, products = shop
    skus = [p["sku"] for p in products]
    expected = _ids(emulator, bu_id, skus=skus)
    before = api_requests(emulator)
    df = tp.product_reviews(bu_id, skus, progress=False)
    assert df["id"].tolist() == expected
    pages = -(-len(expected) // 100)
    assert api_requests(emulator) - before in (pages, pages + 1)  # + the empty page, if any
    assert df["id"].is_unique


def test_product_review_filters_and_limit(tp: Client, emulator: Any, shop: Any) -> None:
    bu_id, products = shop
    skus = [p["sku"] for p in products]
    ds = emulator.dataset
    rows = ds.product_reviews_rows(bu_id, skus=skus)
    languages = ds.table["lang"][ds.product_reviews.table["review"][rows]]
    top_lang = _language_of(emulator, int(np.bincount(languages).argmax()))
    df = tp.product_reviews(bu_id, skus, language=top_lang, stars=[4, 5], progress=False)
    expected = _ids(emulator, bu_id, skus=skus, languages={top_lang}, stars={4, 5})
    assert df["id"].tolist() == expected
    assert set(df["language"].astype(str)) <= {top_lang}
    assert set(df["stars"]) <= {4, 5}
    first = tp.product_reviews(bu_id, skus, limit=3, progress=False)
    assert first["id"].tolist() == _ids(emulator, bu_id, skus=skus)[:3]
    raw = tp.product_reviews(bu_id, skus[0], raw=True, progress=False)
    assert [r["id"] for r in raw] == _ids(emulator, bu_id, skus=[skus[0]])
    assert {"content", "consumer", "product"} <= set(raw[0])


def _language_of(server: Any, code: int) -> str:
    from tpnb.emulator.data import specs

    return str(specs.LANGUAGES[code])


def test_product_review_summary(tp: Client, emulator: Any, shop: Any) -> None:
    bu_id, products = shop
    ds = emulator.dataset
    for skus in ([products[0]["sku"]], [p["sku"] for p in products]):
        df = tp.product_review_summary(bu_id, skus)
        stars = ds.product_reviews.table["stars"][ds.product_reviews_rows(bu_id, skus=skus)]
        assert len(df) == 1
        row = df.iloc[0]
        assert row["number_of_reviews"] == len(stars)
        counts = [
            row[c] for c in ("one_star", "two_stars", "three_stars", "four_stars", "five_stars")
        ]
        assert counts == np.bincount(stars, minlength=6)[1:].tolist()
        assert row["stars_average"] == pytest.approx(round(float(stars.mean()), 1))
        assert row["business_unit_id"] == bu_id
    same_schema(df, frames.product_review_summary_frame([]))
    with pytest.raises(ConfigError, match="skus"):
        tp.product_review_summary(bu_id, [])


def test_private_product_reviews(tp: Client, emulator: Any, shop: Any) -> None:
    bu_id, products = shop
    df = tp.private_product_reviews(bu_id, progress=False)
    assert df["id"].tolist() == _ids(emulator, bu_id)
    same_schema(df, frames.product_review_frame([], private=True))
    ds = emulator.dataset
    first = ds.product_review_json(
        int(ds.product_reviews_rows(bu_id)[0]), emulator.api_url, private=True
    )
    assert df.iloc[0]["consumer_email"] == first["consumer"]["email"]
    assert df.iloc[0]["consumer_name"] == first["consumer"]["name"]
    assert df.iloc[0]["reference_id"] == first["referenceId"]
    assert set(df["state"].astype(str)) == {"published"}
    sku = products[-1]["sku"]
    one = tp.private_product_reviews(bu_id, sku, state="Published", progress=False)
    assert one["id"].tolist() == _ids(emulator, bu_id, skus=[sku])
    with pytest.raises(BadRequestError, match="state"):
        tp.private_product_reviews(bu_id, state="Deleted", progress=False)


def test_product_errors(tp: Client, emulator: Any, shop: Any) -> None:
    bu_id, _ = shop
    with pytest.raises(ConfigError, match="skus"):
        tp.product_reviews(bu_id)
    with pytest.raises(ConfigError):
        tp.product_reviews(bu_id, "A", stars=6)
    with pytest.raises(NotFoundError):
        tp.product_reviews("0" * 24, "A", progress=False)
    other = emulator.dataset.user_by_username(OTHER_USERNAME)
    foreign = sorted(other.business_unit_ids)[0]
    with pytest.raises(ForbiddenError):
        tp.private_product_reviews(foreign, progress=False)


def test_summary_sends_skus_as_a_comma_list_on_the_wire(
    make_emulator: Any, tmp_path: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    server = make_emulator(scale=0.01, log_requests=True)
    ds = server.dataset
    bu_id = max(ds.business_unit_ids(), key=lambda b: len(ds.product_reviews_rows(b)))
    skus = [p["sku"] for p in ds.products(bu_id)[:2]]
    client = client_for(server, tmp_path)
    try:
        df = client.product_review_summary(bu_id, skus)
    finally:
        client.close()
    assert df.iloc[0]["number_of_reviews"] == len(ds.product_reviews_rows(bu_id, skus=skus))
    sent = quote(",".join(skus), safe="")
    log = capfd.readouterr().err
    assert f"sku={sent}" in log  # the comma list the API's array parameters take
    assert quote("[", safe="") not in log  # never the JSON array form


def test_product_attribute_summaries(tp: Client, emulator: Any, shop: Any) -> None:
    """One row per attribute; counts and means recomputed from the reviews' attribute_ratings."""
    bu_id, products = shop
    skus = [p["sku"] for p in products]
    df = tp.product_attribute_summaries(bu_id, skus, locale="en-GB")
    same_schema(df, frames.attribute_summary_frame([]))
    reviews = tp.product_reviews(bu_id, skus, progress=False)
    ratings = reviews["attribute_ratings"].explode().dropna()
    assert len(ratings) > 0
    flat = pd.DataFrame(ratings.tolist())
    expected = flat.groupby(["attributeId", "attributeName"])["rating"].agg(["count", "mean"])
    assert len(df) == len(expected) >= 2
    for row in df.itertuples():
        count, mean = expected.loc[(row.attribute_id, row.attribute_name)]
        assert row.number_of_ratings == count
        assert row.average_rating == pytest.approx(round(mean, 1))
        assert row.business_unit_id == bu_id
    # every rating is within a star of the review's own
    for stars, rated in zip(reviews["stars"], reviews["attribute_ratings"], strict=True):
        assert all(abs(r["rating"] - stars) <= 1 for r in rated)
    assert tp.product_attribute_summaries(bu_id, skus[0], raw=True)["attributes"]
    with pytest.raises(ConfigError, match="skus"):
        tp.product_attribute_summaries(bu_id, [])


def test_product_reviews_by_attribute(tp: Client, emulator: Any, shop: Any) -> None:
    bu_id, products = shop
    skus = [p["sku"] for p in products]
    summaries = tp.product_attribute_summaries(bu_id, skus)
    every = tp.product_reviews(bu_id, skus, progress=False)
    for attribute, count in zip(
        summaries["attribute_id"], summaries["number_of_ratings"], strict=True
    ):
        df = tp.product_reviews(bu_id, skus, attribute_ids=attribute, progress=False)
        rated = every[
            every["attribute_ratings"].map(
                lambda rs, a=attribute: any(r["attributeId"] == a for r in rs)
            )
        ]
        assert len(df) == count == len(rated)
        assert set(df["id"]) == set(rated["id"])
    both = tp.product_reviews(bu_id, skus, attribute_ids=list(summaries["attribute_id"][:2]),
                              progress=False)  # fmt: skip
    assert len(both) >= summaries["number_of_ratings"][:2].max()
    before = api_requests(emulator)
    for bad in ([], [""], 5):
        with pytest.raises(ConfigError, match="attribute_ids"):
            tp.product_reviews(bu_id, skus, attribute_ids=bad, progress=False)
    assert api_requests(emulator) == before


def test_product_summary_sends_skus_as_a_comma_list(
    emulator: Any, shop: Any, tmp_path: Any
) -> None:
    bu_id, products = shop
    skus = [p["sku"] for p in products[:3]]
    sent: list[dict[str, Any]] = []
    with client_for(emulator, tmp_path) as client:
        real = client.connection.get_json

        def spy(path: str, params: Any = None, **kwargs: Any) -> Any:
            sent.append(dict(params or {}))
            return real(path, params, **kwargs)

        client.connection.get_json = spy  # type: ignore[method-assign]
        frame = client.product_review_summary(bu_id, skus)
        before = len(sent)
        for bad in ([], ["A,B"], [""]):
            with pytest.raises((ValueError, ConfigError)):
                endpoints.get_product_review_summary(client.connection, bu_id, bad)
        with pytest.raises(ValueError, match="SKUs or a productUrl"):
            endpoints.list_product_reviews(client.connection, bu_id)
        # from the client: a list item with a comma is refused by name, not split in two
        with pytest.raises(ConfigError, match=r"'Shirt, blue' contains a comma"):
            client.product_review_summary(bu_id, ["Shirt, blue"])
        with pytest.raises(ConfigError, match="contains a comma"):
            client.product_reviews(bu_id, [skus[0], "A,B"], progress=False)
        assert len(sent) == before  # refused before any request
    assert sent[-1] == {"sku": ",".join(skus)}
    assert "[" not in sent[-1]["sku"]
    ds = emulator.dataset
    assert frame.iloc[0]["number_of_reviews"] == len(ds.product_reviews_rows(bu_id, skus=skus))
