"""The client's methods say what they return, so mypy and JupyterLab's completion see frames.

Every public method of :class:`tpnb.Client` that returns data is annotated ``-> pd.DataFrame``
or, where it offers ``raw=``, overloaded: ``raw: Literal[False] = False -> pd.DataFrame`` and
``raw: Literal[True] -> JSON``. Nothing here is ``-> Any``.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any, Literal

import pandas as pd
import pytest

from tpnb.client import Client

#: The public methods that return something other than data, with their return annotations.
NOT_DATA = {
    "authorization_url": "str",
    "close": "None",
    "login_with_code": "None",
    "logout": "bool",
    "sync": "SyncReport",
    # streams for long-load displays: review JSON page by page (joined: the raw pull)
    "review_pages": "Iterator[list[Item]]",
    "private_review_pages": "Iterator[list[Item]]",
    "watch_pacing": "Callable[[], None]",
}


def public_methods() -> dict[str, Callable[..., Any]]:
    """The public functions of the client class (properties are not functions)."""
    return {
        name: member
        for name, member in inspect.getmembers(Client, inspect.isfunction)
        if not name.startswith("_")
    }


DATA_METHODS = sorted(set(public_methods()) - set(NOT_DATA))


def test_the_data_methods_are_the_ones_expected() -> None:
    assert set(NOT_DATA) <= set(public_methods())
    assert len(DATA_METHODS) == 35  # with streamed_reviews, the widgets' load
    assert {"reviews", "private_reviews", "business_unit", "invitation_link"} <= set(DATA_METHODS)
    assert {"deleted_reviews", "deleted_consumers"} <= set(DATA_METHODS)


@pytest.mark.parametrize("name", sorted(NOT_DATA))
def test_other_methods_name_their_return_type(name: str) -> None:
    assert inspect.signature(public_methods()[name]).return_annotation == NOT_DATA[name]


@pytest.mark.parametrize("name", DATA_METHODS)
def test_data_methods_return_frames_unless_raw(name: str) -> None:
    method = public_methods()[name]
    overloads = typing.get_overloads(method)
    if "raw" not in inspect.signature(method).parameters:
        assert not overloads
        assert typing.get_type_hints(method)["return"] is pd.DataFrame
        return
    assert inspect.signature(method).parameters["raw"].default is False
    by_raw = {}
    for variant in overloads:
        hints = typing.get_type_hints(variant)
        by_raw[hints["raw"]] = (hints["return"], inspect.signature(variant))
    assert set(by_raw) == {Literal[False], Literal[True]}, f"{name}: {by_raw}"
    frame_return, frame_signature = by_raw[Literal[False]]
    assert frame_return is pd.DataFrame, name
    assert frame_signature.parameters["raw"].default is False, name
    json_return, _ = by_raw[Literal[True]]
    assert json_return is Any or typing.get_origin(json_return) is list, name
    # each overload takes exactly the parameters of the implementation
    implementation = inspect.signature(method).parameters
    for _, signature in by_raw.values():
        assert [
            (p.name, p.kind, p.default) for p in signature.parameters.values() if p.name != "raw"
        ] == [(p.name, p.kind, p.default) for p in implementation.values() if p.name != "raw"]
