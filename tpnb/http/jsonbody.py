"""Decoding API response bodies: orjson first, the standard library for what orjson refuses.

Every answer tpnb reads is decoded here once (:class:`~tpnb.http.transport.Transport` checks the
body and leaves the result on the response). A 100-review page is about 137 KB of JSON; orjson
reads it in about half the time ``json.loads`` takes (measured on the emulator's pages: 264 against
521 µs), which saves about a tenth of a cold pull's client CPU.

The result is what ``json.loads`` would return, with one difference: an integer beyond 64 bits
(outside ``-2**63 .. 2**64 - 1``) is read as the nearest float, as orjson reads it (and so the
standard library, when it reads a body orjson refused), and as JavaScript's ``JSON.parse`` reads
every number (the API's own web clients; I-JSON, RFC 7493, asks senders not to write such
numbers, and the API's documented integers are counts, stars and likes). orjson reads strict
RFC 8259 JSON and nothing else, so a body it refuses is handed to ``json.loads``, which reads
more: ``NaN`` and ``Infinity``, lone surrogate escapes, a UTF-8 byte order mark and UTF-16/32
bodies. A body neither reads raises :class:`ValueError` (``json.JSONDecodeError``, with the
standard library's message), as ``json.loads`` alone did. Where orjson reads a body, the values
are the standard library's (tested with generated documents and numbers in
``tests/http/test_jsonbody.py``).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["decode_json"]


def decode_json(body: bytes | str) -> Any:
    """The JSON value of ``body``, as ``json.loads(body)`` returns it (integers beyond 64 bits
    as floats: see the module docstring).

    Raises:
        ValueError: ``body`` is not JSON (``json.JSONDecodeError``, from the standard library's
            reading: its message says where).
    """
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass  # not strict JSON: the standard library reads what it can (and explains the rest)
    return json.loads(body, parse_int=_int_or_float)


def _int_or_float(literal: str) -> int | float:
    """An integer as orjson reads it: an int within 64 bits, beyond them the nearest float."""
    value = int(literal)
    return value if -(2**63) <= value < 2**64 else float(literal)
