"""The comparison figure's colour scale (gradsim.figures.compare, gradsim.figures.scale.compare_levels):
one range for both runs, fixed when given, and never following one redraw's data."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gradsim.figures.scale import beyond_levels, compare_levels  # noqa: E402


class _Buf:
    def __init__(self, data):
        self.data = np.asarray(data, dtype=np.float32)
        self.steps = np.arange(len(self.data))


class _History:
    """What CompareFigure.set_runs reads of a History: loss, clipped, one view."""

    def __init__(self, data):
        n = len(data)
        self.views = {"last": _Buf(data)}
        self.diverged_at = None
        self._scalars = {"loss": (np.arange(n, dtype=np.float64), np.linspace(1.0, 0.5, n)),
                         "clipped": (np.arange(n, dtype=np.float64), np.zeros(n))}

    def scalar(self, name):
        return self._scalars[name]


def _profile(decades: float, rows: int = 6, T: int = 10) -> np.ndarray:
    """Rows falling by ``decades`` from 1 at t = T-1 to t = 0."""
    return np.tile(np.logspace(-decades, 0, T), (rows, 1))


def test_fixed_levels_are_used_as_given_whatever_the_data():
    a, b = _profile(20), _profile(8)  # a tanh RNN's and an LSTM's range
    assert compare_levels([a, b], (-20.0, 1.0)) == (-20.0, 1.0)
    assert compare_levels([a * 1e30], (-20.0, 1.0), (-50.0, 50.0), growing=True) == (-20.0, 1.0)
    with pytest.raises(ValueError):
        compare_levels([a], (1.0, 1.0))


def test_without_fixed_levels_both_runs_share_the_range_of_both():
    a, b = _profile(20), _profile(8) * 10
    assert compare_levels([a, b]) == pytest.approx((-20.0, 1.0))


def test_a_growing_range_is_whole_decades_and_never_narrows():
    first = compare_levels([_profile(3.5) * 2], growing=True)
    assert first == (-4.0, 1.0)
    # the next redraw's data lies inside (the History pooled the smallest rows away): kept
    assert compare_levels([_profile(1) * 0.5], None, first, growing=True) == first
    # it goes beyond: the range grows to cover it, never shrinks on the other side
    assert compare_levels([_profile(12)], None, first, growing=True) == (-12.0, 1.0)


def test_beyond_levels_counts_values_outside_and_not_zeros():
    data = np.array([[0.0, 1e-30, 1e-5, 1.0, 1e5, np.inf]])
    # 1e-30, 1e5 and inf lie outside [-10, 1]; the exact zero has its own colour
    assert beyond_levels((-10.0, 1.0), data) == pytest.approx(3 / 5)
    assert beyond_levels((-40.0, 10.0), data[:, :5]) == 0.0
    assert beyond_levels((-1.0, 1.0), np.zeros((2, 3))) == 0.0


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_two_runs_whose_ranges_differ_get_the_same_levels(qapp):
    from gradsim.figures.compare import CompareFigure

    ha, hb = _History(_profile(20)), _History(_profile(8))
    fig = CompareFigure()
    try:
        lv = fig.set_runs(ha, hb, ("A: rnn", "B: lstm"))
        assert fig.heatmaps[0].levels() == pytest.approx(lv) == fig.heatmaps[1].levels()
        assert lv == pytest.approx((-20.0, 0.0))
        # given up front: the colour bars show exactly those, for both runs
        lv = fig.set_runs(ha, hb, ("A: rnn", "B: lstm"), levels=(-12.0, 1.0))
        assert lv == (-12.0, 1.0)
        assert fig.heatmaps[0].levels() == pytest.approx(lv) == fig.heatmaps[1].levels()
        # and the title says the range, and that part of the data lies beyond it
        assert "log10 -12.0 … 1.0" in fig.title.text()
        assert "of the values lie beyond it" in fig.title.text()
        fig.set_runs(ha, hb, ("A: rnn", "B: lstm"), levels=(-25.0, 1.0))
        assert "beyond" not in fig.title.text()
    finally:
        fig.close()
        fig.deleteLater()
