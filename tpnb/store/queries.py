"""The client's review filters, validated by :mod:`tpnb.params` and turned into archive SQL.

The semantics follow the API (and the emulator): ``since`` is inclusive and ``until`` exclusive on
``created_at``; ``language`` and ``stars`` are sets; ``responded`` means a company reply exists;
the public list hides reported reviews unless ``include_reported=True``; ``order_by`` defaults to
``createdat.desc``, ties broken by review id (in the ``createdat`` direction; descending when the
order has no ``createdat``), as the emulator's lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tpnb import params
from tpnb.errors import ConfigError
from tpnb.store.schema import iso

PUBLIC_FILTERS = (
    "stars",
    "language",
    "since",
    "until",
    "responded",
    "tag_group",
    "tag_value",
    "order_by",
    "include_reported",
    "location",
    "limit",
    "progress",
    "raw",
)
PRIVATE_FILTERS = (
    *(f for f in PUBLIC_FILTERS if f != "include_reported"),
    "ignore_tag_value_case",
    "reported",
    "reference_id",
    "referral_email",
    "source",
    "username",
    "find_reviewer",
)
_ORDER_COLUMNS = {"createdat": "created_at", "stars": "stars"}


@dataclass(frozen=True)
class ReviewQuery:
    """Validated filters of one archive read."""

    private: bool
    where: tuple[str, ...]
    args: tuple[Any, ...]
    order: str
    limit: int | None

    @classmethod
    def build(cls, filters: Mapping[str, Any], *, private: bool) -> ReviewQuery:
        """Validate ``filters`` (the client's keyword arguments) before touching the archive.

        Raises:
            tpnb.errors.ConfigError: For an unknown filter or a bad value, naming what is allowed.
        """
        allowed = PRIVATE_FILTERS if private else PUBLIC_FILTERS
        unknown = sorted(set(filters) - set(allowed))
        if unknown:
            raise ConfigError(
                f"unknown filter(s) {', '.join(unknown)}; "
                f"{'private_reviews' if private else 'reviews'} takes: {', '.join(allowed)}"
            )
        f = dict(filters)
        where: list[str] = []
        args: list[Any] = []
        stars = params.stars(f.get("stars"))
        if stars is not None:
            where.append(f"r.stars IN ({','.join('?' * len(stars))})")
            args.extend(stars)
        languages = params.languages(f.get("language"))
        if languages is not None:
            where.append(f"lower(r.language) IN ({','.join('?' * len(languages))})")
            args.extend(languages)
        since, until = params.date_range(f.get("since"), f.get("until"))
        if since is not None:
            where.append("r.created_at >= ?")
            args.append(iso(since.to_pydatetime()))
        if until is not None:
            where.append("r.created_at < ?")
            args.append(iso(until.to_pydatetime()))
        responded = params.flag(f.get("responded"), "responded")
        if responded is not None:
            where.append("r.responded = ?")
            args.append(int(responded))
        location = params.location_id(f.get("location"))
        if location is not None:
            where.append("lower(r.location_id) = ?")
            args.append(location)
        cls._tags(f, where, args, private=private)
        if private:
            cls._private(f, where, args)
        elif not params.flag(f.get("include_reported"), "include_reported"):
            where.append("r.reported = 0")
        params.flag(f.get("progress"), "progress")  # accepted for parity; nothing to show
        params.flag(f.get("raw"), "raw")
        order = params.order_by(f.get("order_by")) or ("createdat.desc",)
        parts = []
        for key in order:
            field, direction = key.split(".")
            parts.append(f"r.{_ORDER_COLUMNS[field]} {direction.upper()}")
        # ties by review id in the createdat direction (descending without one), as the API
        tie = next((key.split(".")[1] for key in order if key.startswith("createdat.")), "desc")
        parts.append(f"r.id {tie.upper()}")
        return cls(
            private, tuple(where), tuple(args), ", ".join(parts), params.limit(f.get("limit"))
        )

    @staticmethod
    def _tags(f: dict[str, Any], where: list[str], args: list[Any], *, private: bool) -> None:
        group = params.optional_text(f.get("tag_group"), "tag_group")
        value = params.optional_text(f.get("tag_value"), "tag_value")
        ignore_case = private and bool(
            params.flag(f.get("ignore_tag_value_case"), "ignore_tag_value_case")
        )
        if group is None and value is None:
            return
        sql = "EXISTS (SELECT 1 FROM tags t WHERE t.review_id = r.id"
        if group is not None:
            sql += " AND t.tag_group = ?"
            args.append(group)
        if value is not None:
            sql += " AND lower(t.tag_value) = lower(?)" if ignore_case else " AND t.tag_value = ?"
            args.append(value)
        where.append(sql + ")")

    @staticmethod
    def _private(f: dict[str, Any], where: list[str], args: list[Any]) -> None:
        reported = params.flag(f.get("reported"), "reported")
        if reported is not None:
            where.append("r.reported = ?")
            args.append(int(reported))
        for name, sql in (
            ("reference_id", "r.reference_id = ?"),
            ("referral_email", "lower(r.referral_email) = lower(?)"),
            ("source", "r.source = ?"),
        ):
            value = params.optional_text(f.get(name), name)
            if value is not None:
                where.append(sql)
                args.append(value)
        username = params.optional_text(f.get("username"), "username")
        if username is not None:  # the display name, or its first word, case-insensitive
            where.append("(lower(r.consumer_name) = lower(?) OR lower(r.consumer_name) LIKE ?)")
            args.extend([username, username.lower().replace("%", "").replace("_", "") + " %"])
        finder = params.find_reviewer(f.get("find_reviewer"))
        if finder is not None:
            where.append("r.find_reviewer = ?")
            args.append(finder)

    def sql(self, unit_id: str | None) -> tuple[str, tuple[Any, ...]]:
        """The ``SELECT json, business_unit_id`` statement for one unit (``None``: every unit,
        reviews filed under no unit included), with its arguments."""
        unit_where: tuple[str, ...] = () if unit_id is None else ("r.business_unit_id = ?",)
        where = " AND ".join((*unit_where, *self.where)) or "1"
        sql = (
            f"SELECT r.json, r.business_unit_id FROM reviews r WHERE {where} ORDER BY {self.order}"
        )
        args: tuple[Any, ...] = (*(() if unit_id is None else (unit_id,)), *self.args)
        if self.limit is not None:
            sql += " LIMIT ?"
            args = (*args, self.limit)
        return sql, args
