"""The charts widget's PNG is the figure as its constrained layout fits it (twice the figure's
resolution), not a tight crop: measuring the crop costs matplotlib a pass over every text of the
figure on top of the layout's and the rendering's, and the first chart of a streamed load waits
for the whole drawing."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from kit.samples import make_reviews
from matplotlib.figure import Figure

from tpnb.widgets.ratings import CHARTS, RatingCharts


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_a_chart_is_not_cropped_after_its_layout(
    chart: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    charts = RatingCharts(make_reviews(300), chart=chart, size=(9.6, 3.0))
    measured: list[Figure] = []
    original = Figure.get_tightbbox

    def counted(self: Figure, *args: Any, **kwargs: Any) -> Any:
        measured.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "get_tightbbox", counted)
    before = charts.draws
    figure = charts.redraw()
    assert figure is not None
    assert charts.draws == before + 1
    assert measured == []  # no pass to measure a crop
    width, height = struct.unpack(">II", charts.image.value[16:24])  # the PNG's IHDR chunk
    assert (width, height) == (round(9.6 * figure.dpi * 2), round(3.0 * figure.dpi * 2))
    assert charts.image.width == str(width // 2)  # shown at the figure's nominal size
