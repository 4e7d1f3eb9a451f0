"""tpnb.charts.text: what the Axes hold (bars, labels, lines), not pixels; readable labels.

PNGs are written to test-artifacts/charts/ (gitignored) for people to look at.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from tpnb import text
from tpnb.charts import figure_png, plot_key_phrases, plot_topics_over_time
from tpnb.charts.text import LABEL_CHARS, shorten
from tpnb.frames import review_frame

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "charts"
UTC = timezone.utc
T0 = datetime(2024, 1, 1, tzinfo=UTC)

LOW_TEXTS = [
    "The parcel never arrived and customer support ignored every single one of my emails",
    "Broken zipper after one week",
    "Refund still pending after two months",
]
HIGH_TEXTS = ["Lovely staff", "Warm jacket, perfect fit", "Fast delivery"]


def reviews(n: int = 400, seed: int = 5) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        low = rng.random() < 0.35
        stars = rng.choice([1, 2]) if low else rng.choice([4, 5])
        body = rng.choice(LOW_TEXTS if low else HIGH_TEXTS)
        created = T0 + timedelta(days=rng.randrange(0, 500))
        rows.append(
            {
                "id": f"{i:024x}",
                "stars": stars,
                "title": None,
                "text": body + ". The jacket.",
                "language": "en" if i % 10 else "de",
                "createdAt": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    return review_frame(rows)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return reviews()


@pytest.fixture(autouse=True)
def no_pyplot_figures() -> Iterator[None]:
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before, "a chart left a pyplot figure open"


def save(ax: Axes, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(figure_png(ax.figure))


def bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() is None]


def tick_labels(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def drawn(ax: Axes) -> Any:
    """Lay the figure out as it is saved (constrained layout included); return the renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = ax.get_figure(root=True)
    assert figure is not None
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    return renderer


def assert_no_overlap(boxes: list[Any]) -> None:
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert not first.overlaps(second), "two labels overlap"


def test_key_phrases_chart_holds_two_bars_a_phrase(frame: pd.DataFrame) -> None:
    ax = plot_key_phrases(frame, n=4)
    save(ax, "key-phrases")
    phrases = text.key_phrases(frame, languages="en")
    low = text.top_phrases(phrases, side="low", n=4)
    high = text.top_phrases(phrases, side="high", n=4)
    shown = [*low["phrase"], *high["phrase"]]
    assert len(bars(ax)) == 2 * len(shown)
    labels = tick_labels(ax)
    assert labels[0] == "More in 1\u20132 \u2605 reviews"
    assert labels[len(low) + 1] == "More in 4\u20135 \u2605 reviews"
    assert [label for label in labels if not label.startswith("More in")] == [
        shorten(p) for p in shown
    ]
    widths = sorted(round(b.get_width(), 9) for b in bars(ax))
    expected = sorted(
        [round(-v, 9) for v in [*low["low_share"], *high["low_share"]]]
        + [round(v, 9) for v in [*low["high_share"], *high["high_share"]]]
    )
    assert widths == expected
    counts = {t.get_text() for t in ax.texts}
    assert {f"{int(c):,}" for c in [*low["low_count"], *high["high_count"]]} <= counts
    assert "en" in "".join(t.get_text() for t in ax.texts)  # the subtitle names the language


def test_key_phrases_chart_shows_the_asked_language(frame: pd.DataFrame) -> None:
    ax = plot_key_phrases(frame, language="de", n=3, min_support=2)
    german = text.key_phrases(frame, languages="de", min_support=2)
    low = text.top_phrases(german, side="low", n=3)
    high = text.top_phrases(german, side="high", n=3)
    assert len(bars(ax)) == 2 * (len(low) + len(high)) > 0


def test_long_phrases_are_cut_readably_and_labels_do_not_overlap() -> None:
    long = [
        "Customerservicerepresentatives unhelpful",
        "extraordinarilylongwordwithoutanyspaces anywhere",
        "delivery driver threw the parcel",
    ]
    rows = [
        {"id": f"{i:024x}", "stars": 1 if i % 2 else 5, "title": None,
         "text": long[i % 3] if i % 2 else f"wonderful {long[i % 3].split()[0]}", "language": "en",
         "createdAt": "2024-05-01T00:00:00Z"}
        for i in range(60)
    ]  # fmt: skip
    ax = plot_key_phrases(review_frame(rows), n=8, min_support=3)
    save(ax, "key-phrases-long")
    labels = tick_labels(ax)
    assert all(len(label) <= LABEL_CHARS for label in labels)
    assert any(label.endswith("\u2026") for label in labels)
    renderer = drawn(ax)
    assert_no_overlap([t.get_window_extent(renderer) for t in ax.get_yticklabels()])
    # tick labels stay left of the plot area
    left = ax.get_window_extent(renderer).x0
    assert all(t.get_window_extent(renderer).x1 <= left + 1 for t in ax.get_yticklabels())


def test_shorten() -> None:
    assert shorten("fast delivery") == "fast delivery"
    cut = shorten("the parcel never arrived and support ignored every email", 30)
    assert len(cut) <= 30
    assert cut.endswith("\u2026")
    assert cut.startswith("the parcel never")
    assert not cut[:-1].endswith(" ")
    assert shorten("a" * 50, 20) == "a" * 19 + "\u2026"


def test_empty_and_silent_frames_draw_panels(frame: pd.DataFrame) -> None:
    ax = plot_key_phrases(frame.iloc[:0])
    assert [t.get_text() for t in ax.texts if t.get_gid() == "tpnb-empty"] == ["No reviews"]
    assert bars(ax) == []
    same = review_frame(
        [{"id": f"{i:024x}", "stars": 1 + i % 5, "text": "The jacket", "language": "en",
          "createdAt": "2024-05-01T00:00:00Z"} for i in range(50)]
    )  # fmt: skip
    ax = plot_key_phrases(same)
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "tpnb-empty"]
    assert texts == ["No phrase stands out"]
    ax = plot_key_phrases(frame, language="fr")
    assert [t.get_text() for t in ax.texts if t.get_gid() == "tpnb-empty"] == ["No reviews"]


def test_key_phrases_chart_draws_on_a_given_axes(frame: pd.DataFrame) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4))
    left, right = fig.subplots(1, 2)
    assert plot_key_phrases(frame, ax=right, n=2) is right
    assert bars(left) == []
    assert len(bars(right)) > 0


def test_topics_over_time_draws_one_line_a_topic(frame: pd.DataFrame) -> None:
    groups = text.topic_groups(frame, n_topics=3, period="month")
    ax = plot_topics_over_time(groups)
    save(ax, "topics-over-time")
    lines = ax.get_lines()
    assert len(lines) == len(groups.topics) == 3
    legend = ax.get_legend()
    assert legend is not None
    names = [t.get_text() for t in legend.get_texts()]
    for name, (_i, topic) in zip(names, groups.topics.iterrows(), strict=True):
        assert name.startswith(shorten(str(topic["label"]), 44).rstrip("\u2026")[:10])
        assert f"({topic['mean_stars']:.1f} \u2605)" in name
    first = groups.over_time[groups.over_time["topic"] == 0]
    np.testing.assert_allclose(lines[0].get_ydata(), first["share"].to_numpy())
    renderer = drawn(ax)
    assert_no_overlap([t.get_window_extent(renderer) for t in legend.get_texts()])


def test_topics_over_time_panels_and_type_errors(frame: pd.DataFrame) -> None:
    ax = plot_topics_over_time(text.topic_groups(frame.iloc[:0]))
    assert [t.get_text() for t in ax.texts if t.get_gid() == "tpnb-empty"] == ["No reviews"]
    with pytest.raises(TypeError, match=r"TopicGroups of tpnb\.text\.topic_groups"):
        plot_topics_over_time(frame)  # type: ignore[arg-type]
