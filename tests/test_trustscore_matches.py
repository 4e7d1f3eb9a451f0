"""tpnb.analysis.trustscore of a unit's whole review set matches the unit's published TrustScore.

The emulator publishes scores computed from its own data by Trustpilot's published method; tpnb
recomputes them from the review frame the client returns. They must agree to 0.1 for every unit
(issue 4), which checks the client, the frames and the analysis together against the server.
"""

from __future__ import annotations

from typing import Any

import pytest
from kit.clients import client_for

from tpnb import analysis


@pytest.fixture(scope="module")
def client(emulator: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    tp = client_for(emulator, tmp_path_factory.mktemp("ts"))
    yield tp
    tp.close()


def test_recomputed_trustscore_matches_the_published_one(client: Any) -> None:
    units = client.business_units(progress=False)
    checked = 0
    for unit in units.itertuples():
        reviews = client.reviews(unit.id, progress=False)
        assert len(reviews) <= unit.number_of_reviews
        if reviews.empty:
            assert unit.trust_score == 0
            continue
        mine = analysis.trustscore(reviews)
        assert abs(mine - unit.trust_score) <= 0.1, (unit.identifying_name, mine, unit.trust_score)
        assert analysis.trustscore_stars(mine) == pytest.approx(unit.stars, abs=0.5)
        checked += 1
    assert checked >= 20  # nearly every unit of the data set has reviews
