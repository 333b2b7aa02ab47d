"""Tests for gradsim.figures.plots: sanitising, levels, export formats and failure modes."""

import os

# Must precede the first Qt import, or a display-less CI machine aborts on the xcb plugin.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
import pyqtgraph.exporters  # noqa: E402,F401  (pg.exporters is not imported by pyqtgraph)
import pytest  # noqa: E402
import PySide6  # noqa: E402
from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402

from gradsim.core.truncation import chunk_starts  # noqa: E402
from gradsim.figures import export, plots  # noqa: E402
from gradsim.figures.scale import ZERO_INDEX  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _heatmap(qtbot, data=None, **kwargs) -> plots.HeatmapPlot:
    widget = plots.HeatmapPlot()
    qtbot.addWidget(widget)
    if data is None:
        data = np.random.default_rng(0).random((40, 30)) + 0.01
    widget.set_data(data, **kwargs)
    return widget


def _rgb(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    # Copy: the buffer belongs to `image`, freed on return; a view would read freed memory.
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def _dir_listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- environment
def test_pyside6_version_is_in_supported_range():
    # PySide6 6.12.0 aborts with "Fatal Python error: none_dealloc" on Python 3.11 when
    # QPainter calls return None; below 6.8 the Qt 6 APIs used here are untested.
    assert (6, 8) <= tuple(PySide6.__version_info__[:2]) < (6, 12), PySide6.__version__


def test_ensure_qapp_returns_the_running_application(qapp):
    assert export.ensure_qapp() is qapp


# --------------------------------------------------------------------------- heatmap
def test_heatmap_sanitises_nan_inf_and_zero(qtbot):
    rng = np.random.default_rng(1)
    data = 10.0 ** rng.uniform(-8, 2, size=(300, 80))
    data[rng.random(data.shape) < 0.05] = 0.0
    data[rng.random(data.shape) < 0.05] = np.inf
    data[rng.random(data.shape) < 0.05] = np.nan
    widget = plots.HeatmapPlot()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    widget.set_data(data)
    widget.grab()  # force a paint: the hang this guards against happens when drawing (pytest-timeout
    # catches a hang; how fast it draws is benchmarks/bench_speed_claims.py's)
    image = widget.image_item.image
    assert image.shape == data.shape and image.dtype == np.uint8  # colour indices
    lo, hi = widget.levels()
    assert np.isfinite([lo, hi]).all() and lo < hi
    assert np.isfinite(widget.image_item.getLevels()).all()
    # zero -> its own colour (index 0), +inf and nan -> the upper end (255), the rest 1 … 255
    assert (image[data == 0] == ZERO_INDEX).all()
    assert (image[~np.isfinite(data)] == 255).all()
    assert image[(data > 0) & np.isfinite(data)].min() >= 1
    assert widget.zero_patch.isVisible()  # the colour bar explains the grey


def test_heatmap_all_nonfinite_still_gets_finite_levels(qtbot):
    widget = _heatmap(qtbot, np.full((5, 4), np.nan))
    assert np.isfinite(widget.levels()).all()
    assert np.isfinite(widget.image_item.image).all()


def test_heatmap_levels_follow_data(qtbot):
    data = np.full((10, 20), 1e-3)
    data[0, 0] = 1e-6
    data[-1, -1] = 10.0
    widget = _heatmap(qtbot, data)
    assert widget.levels() == pytest.approx((-6.0, 1.0))
    widget.set_data(data * 100.0)
    assert widget.levels() == pytest.approx((-4.0, 3.0))


def test_heatmap_fixed_levels(qtbot):
    data = 10.0 ** np.linspace(-10, 5, 200).reshape(10, 20)
    data[0, :3] = [0.0, np.inf, np.nan]
    widget = _heatmap(qtbot, data, levels=(-3.0, 1.0))
    assert widget.levels() == pytest.approx((-3.0, 1.0))
    assert widget.color_bar.levels() == pytest.approx((-3.0, 1.0))
    assert widget.image_item.image[0, :3].tolist() == [ZERO_INDEX, 255, 255]
    widget.set_data(data * 1e6, levels=(-3.0, 1.0))  # fixed levels ignore the data
    assert widget.levels() == pytest.approx((-3.0, 1.0))
    with pytest.raises(ValueError):
        widget.set_data(data, levels=(1.0, np.inf))


def test_heatmap_newest_row_on_top_and_rows_mapped_to_steps(qtbot):
    widget = _heatmap(qtbot, np.ones((50, 8)), steps=np.arange(50) * 10)
    image, view = widget.image_item, widget.plot_item.getViewBox()
    assert not view.yInverted()
    first = image.mapToView(QPointF(0, 0.5)).y()
    last = image.mapToView(QPointF(0, 49.5)).y()
    assert last > first
    assert first == pytest.approx(5.0) and last == pytest.approx(495.0)
    assert image.mapToView(QPointF(3, 0)).x() == pytest.approx(3.0)  # column t starts at x = t


def test_uneven_steps_are_resampled_onto_a_uniform_grid():
    steps = np.array([0, 4, 8, 9, 10, 11])
    image = np.arange(6, dtype=np.float32)[:, None]
    grid, y0, dy = plots._uniform_rows(image, steps)
    assert (y0, dy) == (0.0, 1.0)
    # each grid row shows the newest recorded row at or before its iteration
    assert grid[:, 0].tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 2, 3, 4, 5]


def test_tbptt_boundaries_are_end_aligned(qtbot):
    assert sorted(chunk_starts(10, 4)) == [2, 6]
    assert sorted(chunk_starts(8, 4)) == [4]
    assert sorted(chunk_starts(8, 0)) == []
    widget = _heatmap(qtbot, np.ones((3, 10)), tbptt=4)
    assert [line.value() for line in widget._tbptt_lines] == [2, 6]
    widget.set_data(np.ones((3, 10)), tbptt=0)
    assert widget._tbptt_lines == []


def test_heatmap_accepts_empty_and_single_row(qtbot, tmp_path):
    widget = _heatmap(qtbot, np.ones((1, 5)) * 1e-3)
    assert widget.levels() == pytest.approx((-3.5, -2.5))
    widget.set_data(np.zeros((0, 5)))
    assert export.export_widget(widget, tmp_path / "empty.png").stat().st_size > 0


def test_heatmap_title_sets_colour_bar_label(qtbot):
    widget = _heatmap(qtbot, title="‖∂L_T/∂S_t‖")
    assert "log10 ‖∂L_T/∂S_t‖" in widget.color_bar.getAxis("left").labelText


# --------------------------------------------------------------------------- curves
def test_loss_plot_million_points_and_nonfinite(qtbot):
    n = 1_000_000
    steps = np.arange(n)
    loss = np.exp(-steps / 3e5) * (1 + 0.5 * np.random.default_rng(2).random(n))
    loss[-1000:] = np.inf
    loss[::997] = np.nan
    loss[5] = 0.0
    widget = plots.LossPlot()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.set_data(steps, loss, clipped_steps=np.arange(0, n, 3), diverged_step=n - 1000,
                    baseline=0.167)
    widget.grab()  # speed: benchmarks/bench_speed_claims.py
    curve = widget.plotItem.listDataItems()[0]
    x, y = curve.getOriginalDataset()
    assert np.isfinite(y).all() and len(y) < n - 1000
    labels = [item.label.toPlainText() for item in widget.plotItem.items
              if isinstance(item, pg.InfiniteLine)]
    assert f"diverged at step {n - 1000}" in labels
    assert any(label.startswith("trivial baseline") for label in labels)


def test_log_axis_labels():
    assert plots._power_label(1e-6) == "10⁻⁶"
    assert plots._power_label(2e-5) == "2·10⁻⁵"
    assert plots._power_label(0.02) == "0.02"
    assert plots._power_label(1e4) == "10⁴"
    assert plots._power_label(1000.0) == "1000"  # not 1e+03 on the loss axis


def test_prediction_plot(qtbot, tmp_path):
    widget = plots.PredictionPlot()
    qtbot.addWidget(widget)
    target = np.where(np.arange(20) % 3, np.nan, 0.5)  # a target on every third step
    prediction = np.sin(np.arange(20.0))
    prediction[4] = np.nan  # a diverged step must not break the curve
    widget.set_data(prediction, target, rollout=np.cos(np.arange(30.0)),
                    inputs=np.ones((20, 2)), title="sine")
    widget.grab()
    targets = [i for i in widget.plotItem.listDataItems() if i.name() == "target"][0]
    assert len(targets.getOriginalDataset()[0]) == 7  # only the finite targets are markers
    assert export.export_widget(widget, tmp_path / "p.png").stat().st_size > 0


def test_profile_spectrum_and_series_plots(qtbot, tmp_path):
    profile = plots.ProfilePlot()
    profile.set_data(np.array([0.0, 1e-3, np.nan, 1.0, np.inf]), bounds={"bound": np.ones(5)},
                     title="profile")
    spectrum = plots.SpectrumPlot()
    spectrum.set_data(np.array([0.5 + 0.5j, 0.5 - 0.5j, 1.2, np.nan]))
    series = plots.SeriesPlot()
    series.set_data(np.arange(100), {"ρ": np.linspace(1.2, 0.8, 100), "σ": np.zeros(100)},
                    log_y=True, reference=1.0)
    for i, widget in enumerate((profile, spectrum, series)):
        qtbot.addWidget(widget)
        assert export.export_widget(widget, tmp_path / f"{i}.png").stat().st_size > 0
    assert profile.plotItem.listDataItems()[0].getOriginalDataset()[0].tolist() == [1.0, 3.0]
    assert "spectral radius ρ = 1.2" in spectrum.plotItem.titleLabel.text
    assert series.getAxis("left").logMode


# --------------------------------------------------------------------------- export
@pytest.mark.parametrize("suffix, check", [
    (".png", lambda raw: raw.startswith(PNG_SIGNATURE)),
    (".svg", lambda raw: b"<svg" in raw[:2000]),
    (".pdf", lambda raw: raw.startswith(b"%PDF")),
])
def test_export_formats(qtbot, tmp_path, suffix, check):
    widget = _heatmap(qtbot)
    path = export.export_widget(widget, tmp_path / f"fig{suffix}")
    raw = path.read_bytes()
    assert len(raw) > 1000 and check(raw)
    assert _dir_listing(tmp_path) == [f"fig{suffix}"]  # no temporary file left behind


def test_png_has_requested_size_and_widget_is_hidden_again(qtbot, tmp_path):
    widget = _heatmap(qtbot)
    for width, height in ((1200, 800), (640, 480)):
        path = export.export_widget(widget, tmp_path / "fig.png", width, height)
        image = QImage(str(path))
        assert (image.width(), image.height()) == (width, height)
    assert not widget.isVisible()
    assert not widget.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)


def test_exported_colour_bar_is_not_squeezed(qtbot, tmp_path):
    # Flat data: the image is one mid-map colour, so viridis' yellow end appears only in
    # the colour bar.  Exported without show() the bar collapses into a corner and no
    # yellow pixel survives (checked by hand with _prepare reduced to resize()).
    widget = _heatmap(qtbot, np.ones((100, 50)))
    rgb = _rgb(export.export_widget(widget, tmp_path / "bar.png", 1200, 800))
    yellow = (rgb[..., 0] > 200) & (rgb[..., 1] > 200) & (rgb[..., 2] < 100)
    ys, xs = np.nonzero(yellow)
    assert yellow.sum() > 300
    assert xs.max() - xs.min() + 1 >= 15  # the bar is ~22 px wide when laid out
    assert xs.min() > 1000  # on the right of the image, not in a corner


def test_svg_export_does_not_use_pyqtgraph_svg_exporter(qtbot, tmp_path, monkeypatch):
    # pyqtgraph's SVGExporter raises ValueError under Qt 6.11 (pyqtgraph issue 3485).
    def refuse(*args, **kwargs):
        raise AssertionError("pyqtgraph's SVGExporter must not be used")

    monkeypatch.setattr(pg.exporters.SVGExporter, "__init__", refuse)
    monkeypatch.setattr(pg.exporters.SVGExporter, "export", refuse)
    path = export.export_widget(_heatmap(qtbot), tmp_path / "fig.svg")
    assert b"<svg" in path.read_bytes()[:2000]


@pytest.mark.parametrize("make_path", [
    lambda tmp: tmp / "missing" / "fig.png",  # folder does not exist
    lambda tmp: (tmp / "plain_file").joinpath("fig.png"),  # parent is a regular file
    lambda tmp: tmp / "fig.jpg",  # unknown format
    lambda tmp: tmp / "dir.png",  # destination is a directory
])
def test_unwritable_destination_raises_export_error(qtbot, tmp_path, make_path):
    (tmp_path / "plain_file").write_text("x")
    (tmp_path / "dir.png").mkdir()
    before = _dir_listing(tmp_path)
    path = make_path(tmp_path)
    with pytest.raises(export.ExportError) as info:
        export.export_widget(_heatmap(qtbot), path)
    assert isinstance(info.value, OSError)
    assert path.name in str(info.value)
    assert _dir_listing(tmp_path) == before
    assert list((tmp_path / "dir.png").iterdir()) == []


def test_failed_write_keeps_old_file_and_leaves_no_temporary(qtbot, tmp_path, monkeypatch):
    target = tmp_path / "fig.png"
    target.write_bytes(b"old")

    def half_write(widget, tmp, path, width, height):
        with open(tmp, "wb") as f:
            f.write(b"\x89PNG half")
        raise export.ExportError(path, "simulated failure")

    monkeypatch.setitem(export._WRITERS, ".png", half_write)
    with pytest.raises(export.ExportError, match="simulated failure"):
        export.export_widget(_heatmap(qtbot), target)
    assert target.read_bytes() == b"old"
    assert _dir_listing(tmp_path) == ["fig.png"]
