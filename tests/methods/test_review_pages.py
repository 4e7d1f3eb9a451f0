"""review_pages(): a unit's public reviews page by page, newest first, for streaming displays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.server import api_requests, biggest_unit, domain_of, ids_of

from tpnb.client import Client
from tpnb.errors import ConfigError


def test_pages_joined_are_the_full_pull_in_its_order(tp: Client, emulator: Any) -> None:
    unit = biggest_unit(emulator)
    pages = list(tp.review_pages(domain_of(emulator, unit)))
    expected = ids_of(emulator, business_unit_id=unit)
    assert len(pages) == -(-len(expected) // 100)  # one value per page of 100
    assert all(pages)
    streamed = [str(item["id"]) for page in pages for item in page]
    full = tp.reviews(unit, raw=True, progress=False)
    assert streamed == [str(item["id"]) for item in full]  # the same reviews, the same order
    assert sorted(streamed) == sorted(expected)
    created = [str(item["createdAt"]) for page in pages for item in page]
    assert created == sorted(created, reverse=True)  # newest first


def test_closing_stops_the_walk(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(scale=0.05)
    client = client_for(server, tmp_path)
    try:
        unit = biggest_unit(server)
        before = api_requests(server)
        pages = client.review_pages(unit)
        first = next(pages)
        pages.close()
        spent = api_requests(server) - before
        assert len(first) == 100
        # the first page, the one fetched ahead, and perhaps the prefetch's next: not the unit
        assert spent <= 4 < len(ids_of(server, business_unit_id=unit)) // 100
    finally:
        client.close()


def test_bad_arguments_are_named(tp: Client) -> None:
    with pytest.raises(ConfigError, match="include_reported"):
        next(tp.review_pages("example.com", include_reported="yes"))  # type: ignore[arg-type]


def test_private_pages_joined_are_the_private_pull(tp: Client) -> None:
    unit = "maison-lumiere.example"  # the demo business user's unit
    pages = list(tp.private_review_pages(unit))
    streamed = [str(item["id"]) for page in pages for item in page]
    full = tp.private_reviews(unit, raw=True, progress=False)
    assert len(pages) == -(-len(full) // 100) > 1
    assert sorted(streamed) == sorted(str(item["id"]) for item in full)
    assert len(set(streamed)) == len(streamed)
    created = [str(item["createdAt"]) for page in pages for item in page]
    assert created == sorted(created, reverse=True)  # newest first
