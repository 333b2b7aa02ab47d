"""The cliff figure (gradsim.figures.cliff): Pascanu et al. 2013's error surface with descent paths."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest  # noqa: E402

from gradsim.core.cliff import DEMO, error_surface  # noqa: E402


# The offscreen platform warns on every top-level show(); it is not our bug.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_cliff_figure_renders(tmp_path, qapp):
    from gradsim.figures.cliff import CliffPlot, demo_paths, render_cliff_figure

    path = render_cliff_figure(tmp_path / "cliff.png", steps=DEMO.wall_step + 5, n=60)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plot = CliffPlot()
    try:
        plot.set_surface(*error_surface(n=40))
        plot.set_paths(demo_paths(DEMO.wall_step + 2))
        names = [label.text for _, label in plot.legend.items]
        assert any(n.startswith("no clipping: thrown to w = ") for n in names)
        assert "clip by norm" in names and len(plot._arrows) == 1
        plot.set_paths({})
        assert plot._arrows == [] and plot.legend.items == []
    finally:
        plot.close()
        plot.deleteLater()
