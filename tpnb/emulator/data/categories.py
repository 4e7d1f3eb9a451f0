"""The category tree (trustpilot-api.md §2.5): lookups and JSON of :data:`~.specs.CATEGORIES`.

:func:`check` is the one place an unknown category id becomes
:class:`~.errors.UnknownCategory`. Design choice [I]: display names are English in every locale.
Rankings (which need the units' TrustScores) are made by
:meth:`~tpnb.emulator.data.dataset.Dataset.category_business_unit_ids`.
"""

from __future__ import annotations

from typing import Any

from tpnb.emulator.data.business_units import Unit
from tpnb.emulator.data.errors import UnknownCategory
from tpnb.emulator.data.specs import CATEGORIES

JSON = dict[str, Any]


def check(category_id: str) -> None:
    """Raise :class:`~.errors.UnknownCategory` unless ``category_id`` is a category."""
    if category_id not in CATEGORIES:
        raise UnknownCategory(category_id)


def category_json(category_id: str) -> JSON:
    """A category entry of ``/categories``."""
    return {"categoryId": category_id, "displayName": CATEGORIES[category_id][1],
            "name": category_id}  # fmt: skip


def children_json(parent_id: str | None) -> JSON:
    """``{"categories": [...]}``: the top-level categories, or the children of ``parent_id``."""
    return {"categories": [category_json(c) for c, (parent, _n) in CATEGORIES.items()
                           if parent == parent_id]}  # fmt: skip


def parent(category_id: str) -> str | None:
    """The parent category's id (None at the top; raises for an unknown id)."""
    check(category_id)
    return CATEGORIES[category_id][0]


def descendants(category_id: str) -> set[str]:
    """``category_id`` and every category below it (raises for an unknown id)."""
    check(category_id)
    out = {category_id}
    changed = True
    while changed:
        more = {c for c, (up, _n) in CATEGORIES.items() if up in out and c not in out}
        out |= more
        changed = bool(more)
    return out


def of_unit(unit: Unit) -> list[str]:
    """The unit's category ids, primary first."""
    return [unit.spec.category, *unit.spec.secondary]
