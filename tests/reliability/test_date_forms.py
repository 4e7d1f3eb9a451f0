"""Dates given as text: ISO 8601 only; ``01/02/2025`` is refused, never read month-first.

``pandas.Timestamp("01/02/2025")`` is 2 January; a European reader means 1 February. Every date
argument goes through :func:`tpnb.params.timestamp` (the client's review filters, the archive's
reads), so each entry point is checked once here with the ambiguous forms.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tpnb import params
from tpnb.errors import ConfigError
from tpnb.store import Archive

AMBIGUOUS = ["01/02/2025", "1/2/2025", "2025/01/02", "01.02.2025", "02-01-2025", "Jan 2 2025"]


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_ambiguous_or_non_iso_dates_are_refused_naming_the_forms(text: str) -> None:
    with pytest.raises(ConfigError, match="since must be an ISO 8601 date") as caught:
        params.timestamp(text, "since")
    assert "'2024-05-01'" in str(caught.value)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-02-01", "2025-02-01T00:00:00Z"),
        ("20250201", "2025-02-01T00:00:00Z"),
        ("2025-02", "2025-02-01T00:00:00Z"),
        ("2025-02-01T10:20", "2025-02-01T10:20:00Z"),
        ("2025-02-01 10:20:30.5", "2025-02-01T10:20:30.5Z"),
        ("2025-02-01T10:20:30.123456Z", "2025-02-01T10:20:30.123456Z"),
        ("2025-02-01T12:20:30+02:00", "2025-02-01T10:20:30Z"),
        ("2025-02-01T12:20:30+0200", "2025-02-01T10:20:30Z"),
        (" 2025-02-01 ", "2025-02-01T00:00:00Z"),
        (str(pd.Timestamp("2025-02-01 10:00", tz="UTC")), "2025-02-01T10:00:00Z"),
    ],
)
def test_iso_forms_are_read(text: str, expected: str) -> None:
    assert params.timestamp(text, "since") == pd.Timestamp(expected)


def test_the_archive_refuses_a_slash_date(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.sqlite") as archive, pytest.raises(ConfigError, match="ambiguous"):
        archive.private_reviews("shop.example", since="01/02/2025")


def test_the_client_refuses_a_slash_date_before_any_request() -> None:
    import tpnb

    with tpnb.connect(demo=True) as tp:
        before = tp.stats.requests
        with pytest.raises(ConfigError, match="until must be an ISO 8601 date"):
            tp.reviews("fjordhus-mobler.example", until="03/04/2025", progress=False)
        assert tp.stats.requests == before
