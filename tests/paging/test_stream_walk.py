"""stream_walk: any walk into a collector, as a generator of the items each page adds."""

from __future__ import annotations

import threading

import pytest

from tpnb.paging.collect import Collector, Item, stream_walk


def pages_of(ids: list[list[int]]) -> list[list[Item]]:
    return [[{"id": i} for i in page] for page in ids]


def test_each_page_brings_its_new_items_once() -> None:
    def walk(collector: Collector) -> None:
        for page in pages_of([[1, 2], [2, 3], [3], [4]]):
            collector.add(page)

    assert [[item["id"] for item in page] for page in stream_walk(walk)] == [[1, 2], [3], [4]]


def test_an_error_of_the_walk_comes_after_the_pages_before_it() -> None:
    def walk(collector: Collector) -> None:
        collector.add([{"id": 1}])
        raise RuntimeError("page 2 failed")

    stream = stream_walk(walk)
    assert next(stream) == [{"id": 1}]
    with pytest.raises(RuntimeError, match="page 2 failed"):
        next(stream)


def test_closing_stops_the_walk_at_its_next_page() -> None:
    walked: list[int] = []
    done = threading.Event()

    def walk(collector: Collector) -> None:
        try:
            for number in range(1000):
                walked.append(number)
                collector.add([{"id": number}])
        finally:
            done.set()

    stream = stream_walk(walk)
    assert next(stream) == [{"id": 0}]
    stream.close()  # joins the walk's thread
    assert done.is_set()
    assert len(walked) <= 4  # the page read, the two queued, the one refused
