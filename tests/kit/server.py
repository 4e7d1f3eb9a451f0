"""The shared emulators' settings, and questions to an emulator's data set and request log.

The expectations of the integration tests come from the emulator's own data set (a seeded,
deterministic one): these helpers read it directly, not over HTTP.
"""

from __future__ import annotations

from typing import Any

#: Scale of the shared small emulator (the ``emulator`` fixture).
EMULATOR_SCALE = 0.05
#: Rate limits no test reaches, for shared servers: tests of limits use a server of their own.
GENEROUS_RATE_LIMITS: tuple[tuple[int, float], ...] = ((10_000_000, 300.0),)
#: A token-refresh throttle no test reaches (refreshes, window in seconds).
GENEROUS_REFRESH_LIMIT: tuple[int, float] = (100_000, 60.0)


def api_requests(server: Any) -> int:
    """Requests the emulator has logged so far."""
    return int(server.admin.request_count)


def count_calls(server: Any, suffix: str, method: str = "POST") -> int:
    """How many ``method`` calls whose path ends with ``suffix`` the emulator received."""
    return sum(1 for m, p in server.admin.requests if m == method and p.endswith(suffix))


def unit_sizes(server: Any) -> dict[str, int]:
    """Public review count (reported hidden) of every unit, by id."""
    ds = server.dataset
    return {bu: len(ds.query_reviews(business_unit_id=bu)) for bu in ds.business_unit_ids()}


def biggest_unit(server: Any) -> str:
    """The id of the unit with the most public reviews."""
    ds = server.dataset
    return max(ds.business_unit_ids(), key=lambda bu: len(ds.query_reviews(business_unit_id=bu)))


def ids_of(server: Any, **query: Any) -> list[str]:
    """Review ids of a ``Dataset.query_reviews`` call, in its order."""
    ds = server.dataset
    return [ds.review_id(int(row)) for row in ds.query_reviews(**query)]


def domain_of(server: Any, bu_id: str) -> str:
    """A unit's identifying name (its domain)."""
    return str(server.dataset.business_unit_json(bu_id, server.api_url)["name"]["identifying"])


def user_units(server: Any, username: str) -> list[str]:
    """The business-unit ids a business user may see, sorted."""
    user = server.dataset.user_by_username(username)
    return sorted(user.business_unit_ids)


def user_unit_sizes(server: Any) -> dict[str, int]:
    """The demo business user's units and their review counts (reported ones included: what a
    private sync archives), by id."""
    ds = server.dataset
    return {
        bu: len(ds.query_reviews(business_unit_id=bu, include_reported=True))
        for bu in user_units(server, server.credentials["username"])
    }


def other_client(server: Any) -> Any:
    """An api client of the data set other than the demo one."""
    demo = server.credentials["api_key"]
    return next(c for k, c in sorted(server.dataset.accounts.clients.items()) if k != demo)


def other_user(server: Any) -> Any:
    """A business user other than the demo one, with units of their own."""
    demo = server.credentials["username"]
    return next(
        u for u in sorted(server.dataset.accounts.users, key=lambda user: user.id)
        if u.username != demo and u.business_unit_ids
    )  # fmt: skip
