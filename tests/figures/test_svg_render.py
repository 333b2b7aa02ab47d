"""SVG exports render outside Qt as the PNG does: each figure's SVG, drawn by cairo
(cairosvg, from PyPI), is compared with the PNG Qt wrote of the same figure.

Before the fixes in gradsim.figures.export, cairo drew every curve as a band hundreds of
pixels wide (Qt writes curves in data coordinates with a non-scaling stroke, which cairo
ignores), markers as one embedded bitmap each, and nothing clipped to the axes.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402

cairosvg = pytest.importorskip("cairosvg")

SIZE = (1200, 800)
#: Mean absolute difference (0 … 255, per channel, after halving the resolution) and the
#: fraction of pixels differing by more than 64: measured 0.8 … 2.3 and 0.2 … 1.1 % here
#: (antialiasing and font hinting differ between Qt and cairo); the garbage before was
#: 40 … 110 and 20 … 60 %.
MAX_MEAN_DIFF = 8.0
MAX_FRACTION_FAR = 0.04


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())
    return raw[:, : w * 3].reshape(h, w, 3).astype(np.float64)


def _half(a: np.ndarray) -> np.ndarray:
    h, w = a.shape[0] // 2 * 2, a.shape[1] // 2 * 2
    a = a[:h, :w]
    return 0.25 * (a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2])


def difference(png_path, svg_path) -> tuple[float, float]:
    """(mean absolute difference, fraction of pixels far apart) of the PNG and the SVG
    as cairo draws it, both at half resolution."""
    png = QImage(str(png_path))
    drawn = QImage.fromData(cairosvg.svg2png(url=str(svg_path), output_width=png.width(),
                                             output_height=png.height(), background_color="white"))
    a, b = _half(_rgb(png)), _half(_rgb(drawn))
    d = np.abs(a - b).mean(axis=2)
    return float(d.mean()), float((d > 64).mean())


def _figures():
    from gradsim.figures import plots
    from gradsim.figures.cliff import CliffPlot, demo_paths
    from gradsim.core.cliff import error_surface

    rng = np.random.default_rng(7)
    steps = np.arange(200.0)
    lp = plots.LossPlot()
    lp.set_data(steps, np.exp(rng.normal(0.3, 0.3, 200)), clipped_steps=steps[::3], diverged_step=150,
                baseline=1 / 6, baseline_label="predict the mean")
    pp = plots.PredictionPlot()
    target = np.full(50, np.nan)
    target[-1] = 1.5
    pp.set_data(1.0 + 0.1 * rng.normal(size=50), target, title="adding: running output")
    hp = plots.HeatmapPlot()
    data = 10.0 ** (np.linspace(-20, 0, 50)[None, :] + rng.normal(0.0, 0.5, (40, 50)))
    data[:, :6] = 0.0
    data[0] = 1e7
    hp.set_data(data, tbptt=20)
    pr = plots.ProfilePlot()
    prof = np.logspace(-10, 0, 50)
    pr.set_data(prof, bounds={"bound": np.logspace(30, 0, 50)}, title="profile")
    sp = plots.SpectrumPlot()
    sp.set_data(np.exp(2j * np.pi * rng.random(30)) * rng.random(30) * 1.3)
    se = plots.SeriesPlot(title="ρ and σ_max of W_hh", y_label="value")
    se.set_data(steps[::4], {"ρ": np.linspace(1, 3, 50), "σ_max": np.linspace(1, 5, 50)}, reference=1.0)
    cliff = CliffPlot()
    cliff.set_surface(*error_surface(n=60))
    cliff.set_paths(demo_paths(8))
    return {"loss": lp, "predictions": pp, "heatmap": hp, "profile": pr, "spectrum": sp, "spectral": se,
            "cliff": cliff}


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_every_svg_renders_outside_qt_as_its_png(qtbot, tmp_path):
    from gradsim.figures import export

    results = {}
    for name, widget in _figures().items():
        qtbot.addWidget(widget)
        png = export.export_widget(widget, tmp_path / f"{name}.png", *SIZE)
        svg = export.export_widget(widget, tmp_path / f"{name}.svg", *SIZE)
        results[name] = difference(png, svg)
        text = svg.read_text(encoding="utf-8")
        assert "non-scaling-stroke" not in text.split("</defs>", 1)[-1]  # every stroke in pixels
        assert "<image" not in text or name in ("heatmap", "cliff")  # markers are paths, not bitmaps
    print("SVG (cairo) vs PNG, mean abs diff / fraction far:",
          {k: (round(a, 2), round(b, 4)) for k, (a, b) in results.items()})
    bad = {k: v for k, v in results.items() if v[0] > MAX_MEAN_DIFF or v[1] > MAX_FRACTION_FAR}
    assert not bad, f"SVG drawn by cairo differs from the PNG (mean diff, fraction far): {results}"


def test_bake_cosmetic_strokes_applies_the_matrix_to_the_points():
    from gradsim.figures.export import bake_cosmetic_strokes

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
           '<g transform="matrix(10,0,0,-5,3,50)" stroke-width="2">'
           '<polyline fill="none" vector-effect="non-scaling-stroke" points="0,0 1,2 " />'
           '<path vector-effect="non-scaling-stroke" d="M0,0 L1,1 Z" />'
           '<text x="1" y="1">t</text></g></svg>')
    out = bake_cosmetic_strokes(svg)
    assert 'points="3,50 13,40"' in out
    assert 'd="M 3,50 L 13,45 Z"' in out
    # the text keeps its transform; the baked shapes left it
    assert out.count('transform="matrix(10,0,0,-5,3,50)"') == 1 and "vector-effect" not in out
