"""Bad input to every public DataFrame method: a clear, typed error before any request.

Hypothesis draws a public method of the client, one of its parameters and a value of a type the
parameter's annotation does not admit (or a value out of its documented range); the call must
raise a :class:`~tpnb.errors.TpnbError` whose message names the parameter, and the emulator's
request counter must not move.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kit.clients import client_for

from tpnb.client import Client
from tpnb.emulator import EmulatorServer
from tpnb.errors import TpnbError

ID = "0123456789abcdef01234567"
#: A valid value for every required parameter (nothing here is sent: a bad one fails first).
BASE: dict[str, Any] = {
    "listener": print,
    "on_page": print,
    "business_unit": ID,
    "review_id": ID,
    "consumer_id": ID,
    "consumer_ids": [ID],
    "category": "outdoor",
    "domain": "example.com",
    "query": "outdoor",
    "tags": [{"group": "g", "value": "v"}],
    "skus": "SKU-1",
    "email": "someone@example.com",
    "message": "Thank you for the review",
    "group": "g",
    "value": "v",
    "archive": "/nonexistent-dir-for-tpnb-tests/archive.sqlite",
    "redirect_uri": "http://127.0.0.1/callback",
}
#: Out-of-range values per parameter name (right type, wrong value).
OUT_OF_RANGE: dict[str, list[Any]] = {
    "stars": [0, 6, -1, [1, 9], "0,5", "five"],
    "limit": [-1, -100],
    "count": [0, 101, -5],
    "language": ["english", "e", "", "en-GB-x"],
    "order_by": ["newest", "createdat.sideways", "stars"],
    "since": ["not a date", "2026-13-45"],
    "until": ["yesterday-ish", "2026-02-30"],
    "business_unit": ["", "not a domain", "0123"],
    "review_id": ["", "xyz", "0123456789abcdef0123456g"],
    "consumer_id": ["", "12345"],
    "location": ["not-a-uuid"],
    "find_reviewer": ["maybe", "contacted,notContacted"],
    "country": ["Denmark", "dk1", ""],
    "locale": ["english", "e-US", ""],
    "domain": ["", "no spaces allowed.com"],
    "email": ["not-an-email", ""],
    "message": ["", "   "],
    "tags": [[{"group": "g"}], [{"value": "v"}], ["no-colon"]],
}


def methods() -> dict[str, inspect.Signature]:
    """Every public method of the client, with its signature."""
    cls = Client
    out = {}
    for name, fn in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or name in {"close", "logout", "login_with_code"}:
            continue
        try:
            sig = inspect.signature(fn, eval_str=True)
        except NameError:  # an annotation only importable under TYPE_CHECKING
            sig = inspect.signature(fn)
        if len(sig.parameters) > 1:
            out[name] = sig
    return out


METHODS = methods()


def admitted(annotation: Any) -> tuple[type, ...] | None:
    """The runtime types an annotation admits (None: anything)."""
    hint = annotation
    if isinstance(hint, str):
        names = {"Any": Any, "list": list, "str": str, "int": int, "bool": bool, "float": float}
        try:
            hint = eval(hint, names)
        except (NameError, TypeError, SyntaxError):
            return None
    if hint is Any or hint is inspect.Parameter.empty:
        return None
    parts = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    out: list[type] = []
    for part in parts:
        origin = typing.get_origin(part) or part
        if part is None or part is type(None):
            out.append(type(None))
        elif isinstance(origin, type):
            out.append(origin)
        else:
            return None

    return tuple(out)


def wrong_for(value: Any, kinds: tuple[type, ...]) -> bool:
    """True when ``value``'s type is not among ``kinds`` (a bool is not an int here)."""
    if isinstance(value, bool):
        return bool not in kinds
    return not isinstance(value, kinds)


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**12),
    st.floats(allow_nan=True),
    st.binary(max_size=5),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.tuples(st.integers()),
    st.builds(object),
    st.just(date(2020, 1, 1)),
)
#: Bad values for parameters typed ``Any`` (dates and tag lists).
ANY_TYPED_BAD = {
    "since": st.one_of(
        st.builds(object), st.binary(min_size=1), st.floats(), st.lists(st.integers(), min_size=1)
    ),
    "until": st.one_of(st.builds(object), st.binary(min_size=1), st.floats()),
    "tags": st.one_of(st.integers(), st.builds(object), st.floats()),
    "archive": st.one_of(st.integers(), st.builds(object), st.floats(), st.none()),
}


def cases() -> list[tuple[str, str]]:
    """(method, parameter) pairs that have a checkable annotation or a bad-value table."""
    out = []
    for name, sig in METHODS.items():
        for pname, param in list(sig.parameters.items())[1:]:
            if param.kind is inspect.Parameter.VAR_KEYWORD:
                continue
            if (
                pname == "progress"
                or admitted(param.annotation) is not None
                or pname in ANY_TYPED_BAD
            ):
                out.append((name, pname))
    return out


CASES = cases()


#: Optional arguments a method needs one of (given a valid value unless under test).
EXTRA: dict[str, dict[str, Any]] = {"product_reviews": {"skus": "SKU-1"}}


def call_args(name: str, pname: str, value: Any) -> dict[str, Any]:
    """Keyword arguments for ``name``: valid required ones, ``pname`` set to ``value``."""
    kwargs: dict[str, Any] = dict(EXTRA.get(name, {}))
    for p, param in list(METHODS[name].parameters.items())[1:]:
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        if param.default is inspect.Parameter.empty:
            kwargs[p] = BASE[p]
    if "progress" in METHODS[name].parameters:
        kwargs["progress"] = False
    kwargs[pname] = value
    return kwargs


@pytest.fixture(scope="module")
def bad_client(emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A client on the shared emulator (nothing it is asked here should reach it)."""
    tp = client_for(emulator, Path(tmp_path_factory.mktemp("bad")), fast=True)
    yield tp
    tp.close()


def check_rejected(emulator: EmulatorServer, tp: Any, name: str, pname: str, value: Any) -> None:
    kwargs = call_args(name, pname, value)
    before = emulator.admin.request_count
    with pytest.raises(TpnbError) as info:
        getattr(tp, name)(**kwargs)
    assert emulator.admin.request_count == before, f"{name}({pname}={value!r}) sent a request"
    message = str(info.value).lower()
    stem = pname.lower().removesuffix("s")
    words = {stem, stem.replace("_", " ")}
    assert any(w in message for w in words), f"{name}({pname}={value!r}): {info.value}"


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_wrong_types_rejected_before_any_request(
    emulator: EmulatorServer, bad_client: Any, data: st.DataObject
) -> None:
    """A value of a type the annotation does not admit: a clear error naming the parameter."""
    name, pname = data.draw(st.sampled_from(CASES), label="method/parameter")
    param = METHODS[name].parameters[pname]
    kinds = admitted(param.annotation)
    if kinds is not None and param.default is not inspect.Parameter.empty:
        kinds = (*kinds, type(None))  # tpnb's convention: None means "not given"
    if kinds is None:
        value = data.draw(ANY_TYPED_BAD[pname], label="value")
    else:
        value = data.draw(ANY_VALUE.filter(lambda v: wrong_for(v, kinds)), label="value")
    check_rejected(emulator, bad_client, name, pname, value)


OUT_CASES = [
    (name, pname, value)
    for name, sig in METHODS.items()
    for pname in list(sig.parameters)[1:]
    for value in OUT_OF_RANGE.get(pname, [])
    if (name, pname) != ("invitation_link", "tags")  # invitation tags are plain strings
]


@pytest.mark.parametrize(
    ("name", "pname", "value"), OUT_CASES, ids=[f"{n}-{p}-{v!r}" for n, p, v in OUT_CASES]
)
def test_out_of_range_rejected_before_any_request(
    emulator: EmulatorServer, bad_client: Any, name: str, pname: str, value: Any
) -> None:
    """A value of the right type but out of range: a clear error naming the parameter."""
    check_rejected(emulator, bad_client, name, pname, value)


def test_since_after_until(emulator: EmulatorServer, bad_client: Any) -> None:
    """``since`` after ``until``: a clear error before any request."""
    for name in ("reviews", "private_reviews"):
        before = emulator.admin.request_count
        with pytest.raises(TpnbError, match=r"since|until"):
            getattr(bad_client, name)(
                ID, since=datetime(2025, 1, 2), until="2025-01-01", progress=False
            )
        assert emulator.admin.request_count == before


def test_cases_cover_every_method() -> None:
    """Every public method with parameters takes part in the property test."""
    assert {n for n, _ in CASES} == set(METHODS)


@pytest.mark.parametrize("value", [None, "no", 1])
def test_raw_flag_validated(emulator: EmulatorServer, bad_client: Any, value: Any) -> None:
    """``raw`` must be True or False, checked before any request."""
    check_rejected(emulator, bad_client, "review", "raw", value)


@pytest.mark.parametrize(
    ("pname", "value"),
    [("redirect_uri", None), ("redirect_uri", ""), ("redirect_uri", object()),
     ("redirect_uri", 42), ("state", object()), ("state", 42)],
)  # fmt: skip
def test_authorization_url_checked(
    emulator: EmulatorServer, bad_client: Any, pname: str, value: Any
) -> None:
    """A bad redirect_uri or state: a ConfigError naming it."""
    check_rejected(emulator, bad_client, "authorization_url", pname, value)


@pytest.mark.parametrize("value", [object(), 42, None])
def test_sync_archive_checked(emulator: EmulatorServer, bad_client: Any, value: Any) -> None:
    """A bad archive argument: a ConfigError naming it, before any request."""
    check_rejected(emulator, bad_client, "sync", "archive", value)


@pytest.mark.parametrize("value", [object(), 42, 3.5])
def test_invitation_tags_checked(emulator: EmulatorServer, bad_client: Any, value: Any) -> None:
    """Bad invitation tags: a ConfigError naming them, before any request."""
    check_rejected(emulator, bad_client, "invitation_link", "tags", value)


@pytest.mark.parametrize("value", [None, 42, object()])
def test_consumer_profiles_ids_checked(
    emulator: EmulatorServer, bad_client: Any, value: Any
) -> None:
    """Bad consumer_ids: a ConfigError naming them, before any request."""
    check_rejected(emulator, bad_client, "consumer_profiles", "consumer_ids", value)
