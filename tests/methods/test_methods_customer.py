"""Customer API methods (private reviews, replies, tags) against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.server import api_requests, ids_of
from kit.truth import same_schema

from tpnb import frames
from tpnb.client import Client
from tpnb.errors import APIError, ConfigError, ForbiddenError


def _own_units(server: Any) -> list[str]:
    user = server.dataset.user_by_username(server.credentials["username"])
    return sorted(user.business_unit_ids)


@pytest.fixture(scope="module")
def own(emulator: Any) -> str:
    units = _own_units(emulator)
    return max(units, key=lambda bu: len(emulator.dataset.query_reviews(business_unit_id=bu)))


def test_private_reviews_whole_unit(tp: Client, emulator: Any, own: str) -> None:
    df = tp.private_reviews(own, progress=False)
    expected = ids_of(emulator, business_unit_id=own, include_reported=True)
    assert df["id"].is_unique
    assert sorted(df["id"]) == sorted(expected)
    assert df["created_at"].is_monotonic_decreasing
    same_schema(df, frames.review_frame([], private=True))
    assert "referral_email" in df.columns


def test_private_filters(tp: Client, emulator: Any, own: str) -> None:
    every = tp.private_reviews(own, progress=False)
    times = every["created_at"].sort_values()
    since, until = times.iloc[len(times) // 4], times.iloc[len(times) // 2]
    df = tp.private_reviews(own, since=since, until=until, progress=False)
    expected = ids_of(
        emulator,
        business_unit_id=own,
        include_reported=True,
        start=since.to_pydatetime(),
        end=until.to_pydatetime(),
    )
    assert sorted(df["id"]) == sorted(expected)
    ref = every["reference_id"].dropna()
    if len(ref):
        one = tp.private_reviews(own, reference_id=ref.iloc[0], progress=False)
        assert ref.iloc[0] in set(one["reference_id"])
    for kwargs, query in [
        ({"stars": [1, 2]}, {"stars": {1, 2}}),
        ({"reported": True}, {"reported": True}),
        ({"find_reviewer": "notContacted"}, {"find_reviewer": "notContacted"}),
    ]:
        got = tp.private_reviews(own, progress=False, **kwargs)
        want = ids_of(emulator, business_unit_id=own, include_reported=True, **query)
        assert sorted(got["id"]) == sorted(want), kwargs


def test_private_limit_newest(tp: Client, own: str) -> None:
    every = tp.private_reviews(own, progress=False)
    df = tp.private_reviews(own, limit=130, progress=False)
    assert df["created_at"].tolist() == every["created_at"].iloc[:130].tolist()


def test_other_companys_unit_is_forbidden(tp: Client, emulator: Any) -> None:
    others = [bu for bu in emulator.dataset.business_unit_ids() if bu not in _own_units(emulator)]
    with pytest.raises(ForbiddenError):
        tp.private_reviews(others[0], progress=False)


def test_reply_and_tags_round_trip(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(scale=0.02)
    bu = _own_units(server)[0]
    rid = ids_of(server, business_unit_id=bu, include_reported=True)[0]
    tp = client_for(server, tmp_path)
    try:
        replied = tp.reply_to_review(rid, "Thank you for your review!")
        assert replied["reply_text"].tolist() == ["Thank you for your review!"]
        cleared = tp.delete_reply(rid)
        assert cleared["reply_text"].isna().all()
        tags = tp.set_review_tags(rid, ["generic:refund", ("team", "north")])
        assert sorted(zip(tags["group"], tags["value"], strict=True)) == [
            ("generic", "refund"),
            ("team", "north"),
        ]
        tags = tp.add_review_tags(rid, {"group": "generic", "value": "late"})
        assert ("generic", "late") in set(zip(tags["group"], tags["value"], strict=True))
        tags = tp.remove_review_tag(rid, "team", "north")
        assert ("team", "north") not in set(zip(tags["group"], tags["value"], strict=True))
        assert len(tp.review_tags(rid)) == len(tags)
        assert tp.private_review(rid)["id"].tolist() == [rid]
        before = api_requests(server)
        for call in (
            lambda: tp.reply_to_review(rid, "   "),
            lambda: tp.reply_to_review(rid, "Thanks", author_id="  "),
            lambda: tp.reply_to_review(rid, "Thanks", author_id=42),
            lambda: tp.set_review_tags(rid, ["no-colon"]),
            lambda: tp.private_review("abc"),
            lambda: tp.private_reviews(bu, find_reviewer="maybe"),
            lambda: tp.private_reviews(bu, since="2024-01-02", until="2024-01-01"),
        ):
            with pytest.raises(ConfigError):
                call()
        assert api_requests(server) == before
        # a business user id's format is not documented (trustpilot-api.md §7): the client sends
        # any non-empty id and lets the server judge it (here: not a user of this unit)
        with pytest.raises(APIError) as refused:
            tp.reply_to_review(rid, "Thanks", author_id="bu-user-7")
        assert refused.value.status == 400
        assert "authorBusinessUserId" in str(refused.value)
        assert api_requests(server) == before + 1
    finally:
        tp.close()
