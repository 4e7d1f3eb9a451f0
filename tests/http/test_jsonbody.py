"""decode_json returns what json.loads returns, for every body json.loads reads (integers beyond
64 bits as the nearest float, as JavaScript reads them), and refuses what json.loads refuses
(tpnb.http.jsonbody).

orjson does the reading where it can; these tests hold it to the standard library's answers with
generated documents (values, numbers written every way JSON allows, text with every code point)
and with the bodies orjson refuses and the standard library reads.
"""

from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpnb.http import jsonbody
from tpnb.http.jsonbody import decode_json


def _int_or_float(literal: str) -> int | float:
    """An integer literal as decode_json reads it: an int within 64 bits, else the nearest float."""
    value = int(literal)
    return value if -(2**63) <= value < 2**64 else float(literal)


def loads(body: bytes | str) -> Any:
    """``json.loads``, with integers beyond 64 bits read as the nearest float (the one documented
    difference of decode_json)."""
    return json.loads(body, parse_int=_int_or_float)


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types all the way down (NaN equals NaN; 1 is not 1.0 nor True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too: orjson refuses those, json reads them
    | st.floats()  # NaN and infinities too: json.dumps writes them, orjson refuses them
    | st.text(),  # any code point, lone surrogates included
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(json_values, st.booleans())
def test_any_document_reads_as_json_loads_reads_it(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert same(decode_json(text), loads(text))
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written raw: no UTF-8 body can carry it
        return
    assert same(decode_json(body), loads(body))


#: every way JSON writes a number: sign, integer part, fraction, exponent (long ones included)
number_literals = st.from_regex(
    r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,3})?", fullmatch=True
)


@settings(max_examples=600, deadline=None)
@given(number_literals)
def test_numbers_read_to_the_same_int_or_float(literal: str) -> None:
    body = f'{{"n": {literal}, "list": [{literal}]}}'.encode()
    assert same(decode_json(body), loads(body))


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": NaN, "b": Infinity, "c": -Infinity}',
        b'{"big": 123456789012345678901234567890, "neg": -99999999999999999999}',
        b'{"huge": 1e400, "tiny": 1e-400}',
        b'{"lone": "\\ud800", "pair": "\\ud83d\\ude00"}',
        "\ufeff{\"bom\": true}".encode(),
        '{"utf16": "ø"}'.encode("utf-16"),
        '{"utf32": "ø"}'.encode("utf-32"),
        b'{"dup": 1, "dup": 2}',
        b'  [1, 2.5, "x", null, true]\n',
        b'"just a string"',
        b"0",
    ],
    ids=[
        "nan-infinity", "big-ints", "out-of-range-floats", "surrogates", "utf8-bom", "utf16",
        "utf32", "duplicate-keys", "whitespace", "string", "zero",
    ],
)  # fmt: skip
def test_bodies_orjson_refuses_or_reads_differently(body: bytes) -> None:
    expected = loads(body)
    assert same(decode_json(body), expected)
    if _is_utf8(body):  # the same document given as text
        assert same(decode_json(body.decode("utf-8")), expected)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not body.startswith(b"\xef\xbb\xbf")  # a str with a BOM is not JSON for json.loads


def test_integers_beyond_64_bits_are_the_nearest_float() -> None:
    got = decode_json(b"[18446744073709551615, 18446744073709551616, -9223372036854775809]")
    assert same(got, [18446744073709551615, 1.8446744073709552e19, -9.223372036854776e18])


def test_a_page_of_reviews_is_read_by_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is the one taken for the API's answers (the standard library is not used)."""
    reviews = [{"id": f"r{i}", "stars": 5, "text": "Bra service ✓", "n": 1.5} for i in range(3)]
    page = json.dumps({"reviews": reviews, "nextPageToken": "abc"}).encode()
    expected = json.loads(page)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the standard library read a body orjson reads")

    monkeypatch.setattr(jsonbody, "json", SimpleNamespace(loads=refuse))
    assert same(decode_json(page), expected)
    assert same(orjson.loads(page), expected)


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b'{"reviews": [', b"nul", b"{'single': 1}", b"[1,]", b"\xff\xfe\x00", b"NaNa"],
)
def test_what_json_loads_refuses_raises_its_decode_error(body: bytes) -> None:
    try:
        json.loads(body)
    except ValueError as error:  # JSONDecodeError, or UnicodeDecodeError for bytes no codec reads
        want = error
    else:
        pytest.fail(f"json.loads read {body!r}")
    with pytest.raises(type(want)) as got:
        decode_json(body)
    assert str(got.value) == str(want)  # the standard library's message: where it failed
