"""Resolution of the API's row-level review filters (tags, referenceId, referralEmail, username)
into sets of codes or row masks for :meth:`~tpnb.emulator.reviews.ReviewTable.filter`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from tpnb.emulator import people, units
from tpnb.emulator.core import DatasetCore

Rows = npt.NDArray[np.int64]
RowMask = Callable[[Rows], npt.NDArray[np.bool_]]


class FilterMixin(DatasetCore):
    """Filter resolution (mixed into Dataset through QueriesMixin)."""

    def _tag_match(self, group: str | None, value: str | None,
                   ignore_case: bool) -> tuple[frozenset[int], frozenset[int]]:  # fmt: skip
        def hit(tags: Iterable[tuple[str, str]]) -> bool:
            for g, v in tags:
                same = (
                    v.lower() == value.lower() if ignore_case and value is not None else v == value
                )
                if (group is None or g == group) and (value is None or same):
                    return True
            return False

        sets = frozenset(i for i, tags in enumerate(units.TAG_SETS) if hit(tags))
        custom = frozenset(row for row, tags in self.table.tags.items() if hit(tags))
        return sets, custom

    def _reference_mask(self, reference_id: str) -> RowMask:
        t = self.table
        prefix, _, number = reference_id.rpartition("-")
        unit_codes = [u.index for u in self.units if u.prefix == prefix]
        num = int(number) if number.isdigit() else -9
        special = np.array(sorted(t.references), dtype=np.int64)
        hits = np.array([r for r, v in t.references.items() if v == reference_id], dtype=np.int64)

        def mask(rows: Rows) -> npt.NDArray[np.bool_]:
            m = (t["ref_num"][rows] == num) & np.isin(t["bu"][rows], unit_codes)
            out: npt.NDArray[np.bool_] = (m & ~np.isin(rows, special)) | np.isin(rows, hits)
            return out

        return mask

    def _email_mask(self, email: str) -> RowMask:
        t = self.table
        wanted = email.strip().lower()
        local, _, domain = wanted.partition("@")
        digits = "".join(ch for ch in local if ch.isdigit())
        cands: list[int] = []
        if domain == "example.com" and digits and local.endswith(digits):
            num = int(digits)
            cons = self.consumers
            idx = np.flatnonzero(np.arange(cons["lang"].size) % 997 == num)
            cands = [int(c) for c in idx if self.renderer.consumer_email(int(c)) == wanted]
        special = np.array(sorted(t.emails), dtype=np.int64)
        hits = np.array(
            [r for r, v in t.emails.items() if (v or "").lower() == wanted], dtype=np.int64
        )

        def mask(rows: Rows) -> npt.NDArray[np.bool_]:
            m = np.isin(t["consumer"][rows], cands) & (t["source"][rows] != 0)
            out: npt.NDArray[np.bool_] = (m & ~np.isin(rows, special)) | np.isin(rows, hits)
            return out

        return mask

    def _consumers_named(self, username: str) -> list[int]:
        """Consumers whose display name or first name equals ``username`` (case-insensitive)."""
        q = username.strip().lower()
        first = q.split(" ")[0]
        cons = self.consumers
        combos = [(code, i) for code, lang in enumerate(units.LANGUAGES) for i in range(24)
                  if people.first_name(lang, i).lower() == first]  # fmt: skip
        if not combos:
            return []
        key = cons["lang"].astype(np.int64) * 24 + cons["first"].astype(np.int64)
        cands = np.flatnonzero(np.isin(key, [c * 24 + i for c, i in combos]))
        if q == first:
            return [int(c) for c in cands]
        return [int(c) for c in cands if self.renderer.consumer_name(int(c)).lower() == q]
