"""What every endpoint module shares: the connection protocol and query serialisation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol
from urllib.parse import quote

Api = Literal["api", "invitations"]
Json = Any


class Conn(Protocol):
    """The part of :class:`tpnb.http.connection.Connection` the endpoint functions use."""

    def get_json(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        private: bool = False,
        api: Api = "api",
        list_key: str | None = None,
    ) -> Json: ...

    def post_json(
        self, path: str, json: Json = None, *, private: bool = True, api: Api = "api"
    ) -> Json: ...

    def put_json(
        self, path: str, json: Json = None, *, private: bool = True, api: Api = "api"
    ) -> Json: ...

    def delete(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        private: bool = True,
        api: Api = "api",
    ) -> Json: ...


#: the largest ``perPage`` a review list documents (a larger one may be refused or clamped)
MAX_REVIEW_PAGE = 100


def review_page_size(per_page: int) -> int:
    """``per_page`` checked for a review list: 1..100, as documented (never more).

    Raises:
        ValueError: ``per_page`` is outside 1..100.
    """
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= 100:
        raise ValueError(
            f"perPage of a review list must be an integer from 1 to {MAX_REVIEW_PAGE}, "
            f"got {per_page!r:.40}"
        )
    return per_page


def seg(value: str) -> str:
    """One path segment, percent-encoded (ids are hex, but a category id may not be)."""
    return quote(str(value), safe="")


def query(**params: Any) -> dict[str, str]:
    """API query parameters from keyword arguments.

    ``None`` is left out, booleans become ``true``/``false``, lists/tuples/sets become
    comma-separated values (the API's array form), everything else ``str()``.
    """
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple, set, frozenset)):
            items: Iterable[Any] = sorted(value) if isinstance(value, (set, frozenset)) else value
            out[key] = ",".join(str(v) for v in items)
        else:
            out[key] = str(value)
    return out
