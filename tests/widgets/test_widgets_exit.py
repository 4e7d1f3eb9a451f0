"""A kernel or script that ends while a chart is being drawn in the background exits cleanly.

A daemon thread stopped by the interpreter's shutdown inside matplotlib's C++ drawing code can
abort the process ("terminate called without an active exception", status 134; seen in about
half of the runs of the streaming widget tests): the widgets' threads are tracked and finished
at exit instead (``tpnb.widgets._base.background``). The test ends a script while a drawing is
under way, and checks that the drawing was finished (which it is not when the thread is simply
killed) and that the exit is clean.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path

    import matplotlib
    matplotlib.use("Agg")
    import tpnb
    from tpnb.widgets import RatingCharts

    marker = Path(sys.argv[1])
    tp = tpnb.connect(demo=True)
    reviews = tp.reviews("bayside-energy.example", progress=False)
    charts = RatingCharts(reviews, defer=0.0)
    draw = charts.redraw

    def redraw_then_mark():
        time.sleep(0.5)  # the drawing is under way when the script ends
        draw()
        marker.write_text("drawn")

    charts.redraw = redraw_then_mark
    charts.chart.value = "trustscore"  # schedules a drawing on a background thread
    print("exiting while drawing")
    """
)


def test_exit_waits_for_a_background_drawing(tmp_path: Path) -> None:
    marker = tmp_path / "drawn.txt"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTPILOT_")}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(marker)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**environment, "TPNB_QUIET_NOTICE": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "exiting while drawing" in done.stdout
    assert "terminate called" not in done.stderr
    assert marker.read_text() == "drawn"  # finished, not killed mid-way
