"""Presentation mode: full screen, plots only, larger fonts, thicker lines (F11).

The plot builders fix their font sizes in points; here every plot item's axes,
labels, titles, legend and the labels on its lines (the loss's baseline, the
"1/γ" reference) are restyled by one scale factor, and the live plots' pens are
widened.

:class:`PresentationView` shows a chosen few of the window's plots, the first one
large and the others in a column beside it (a lecture step's ``plots`` list, or
:meth:`gradsim.app.window.MainWindow.set_presentation_plots`); it borrows the
panel's own live widgets and gives them back, where they were, on leaving.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QWidget

from gradsim.figures import plots
from gradsim.figures.layout import fit_axes_now

__all__ = ["FONT_SCALE", "LINE_SCALE", "presentation_scale", "style_plot", "set_title", "title_size", "release_title_width",
           "relabel_plot", "PresentationView", "check_plot_names"]

#: Font and line scale factors in presentation mode on a screen up to REFERENCE_HEIGHT
#: logical pixels high (1080p, or a 4K panel at the system's 200 % scaling).
FONT_SCALE = 1.5
LINE_SCALE = 2.0
REFERENCE_HEIGHT = 1080


def presentation_scale(widget=None) -> float:
    """Presentation mode's font scale on the screen ``widget`` is on: FONT_SCALE, grown with
    a taller screen's logical height (a 3840×2160 panel without system scaling: 3.0, so the
    back row reads it as it reads 1080p; at 1.5 its text was half that size). Never below
    FONT_SCALE: a 1280×720 projector keeps it."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    height = screen.geometry().height() if screen is not None else REFERENCE_HEIGHT
    return FONT_SCALE * max(1.0, height / REFERENCE_HEIGHT)


def _font(points: float) -> QFont:
    f = QFont()
    f.setPointSizeF(points)
    return f


def _plot_items(widget) -> list[pg.PlotItem]:
    if isinstance(widget, pg.PlotWidget):
        return [widget.getPlotItem()]
    item = getattr(widget, "plot_item", None)
    return [item] if item is not None else []


def title_size(scale: float) -> str:
    return f"{plots.TITLE_PT * scale:g}pt"


def set_title(item: pg.PlotItem, text: str, scale: float) -> None:
    """Set a plot title at ``scale`` × the builders' title size (row height follows)."""
    item.setTitle(text or None, color=plots.FOREGROUND, size=title_size(scale))
    if text:
        height = int(30 * scale)
        item.titleLabel.setMaximumHeight(height)
        item.layout.setRowFixedHeight(0, height)
        release_title_width(item)


def release_title_width(item: pg.PlotItem) -> None:
    """A LabelItem makes its text width the plot's minimum width; a long title in a
    narrow panel (or in presentation mode) then pushes the plot out of its widget,
    cutting off its right side. Let the title overflow instead."""
    label = item.titleLabel
    label.setMinimumWidth(0)
    hints = getattr(label, "_sizeHint", None)
    if isinstance(hints, dict):
        for which, (w, h) in list(hints.items()):
            if w > 0:
                hints[which] = (0, h)
    label.updateGeometry()


def _style_axis(ax: pg.AxisItem, scale: float) -> None:
    ax.setStyle(tickFont=_font(plots.TICK_PT * scale))
    if ax.labelText:
        style = dict(ax.labelStyle)
        style["font-size"] = f"{plots.LABEL_PT * scale:g}pt"
        ax.setLabel(ax.labelText, units=ax.labelUnits or None, **style)


def relabel_plot(widget, x_label: str | None, y_label: str | None, title: str | None = None) -> None:
    """New axis labels / title text (another language) in the widget's current style and scale.

    ``None`` leaves that text as it is.
    """
    scale = getattr(widget, "font_scale", 1.0)
    for item in _plot_items(widget):
        for side, text in (("bottom", x_label), ("left", y_label)):
            ax = item.getAxis(side)
            if text is not None and text != ax.labelText:
                ax.setLabel(text, units=ax.labelUnits or None, **dict(ax.labelStyle))
        if title is not None and title != item.titleLabel.text:
            set_title(item, title, scale)


def style_plot(widget, scale: float) -> None:
    """Restyle one figure widget's fonts (and the live plots' pens) by ``scale``."""
    widget.font_scale = scale
    for item in _plot_items(widget):
        for side in ("left", "bottom"):
            _style_axis(item.getAxis(side), scale)
        text = item.titleLabel.text
        if text and item.titleLabel.isVisible():
            set_title(item, text, scale)
        else:
            release_title_width(item)
        legend = item.legend
        if legend is not None:
            size = f"{plots.LEGEND_PT * scale:g}pt"
            legend.setLabelTextSize(size)  # for entries added later
            for _sample, label in legend.items:  # existing entries keep their size otherwise
                label.setText(label.text, size=size)
            legend.updateSize()
        _style_texts(item, scale)
    bar = getattr(widget, "color_bar", None)
    if bar is not None:
        for side in ("left", "right"):
            _style_axis(bar.getAxis(side), scale)
        _fit_bar_ticks(bar.getAxis("right"))
    for item in _plot_items(widget):
        fit_axes_now(item)  # the larger tick labels get their room before the next paint
    if hasattr(widget, "set_line_scale"):
        widget.set_line_scale(LINE_SCALE * scale / FONT_SCALE if scale > 1 else 1.0)


#: pyqtgraph's colour bar gives its tick labels a fixed 45 px.
BAR_TICKS_WIDTH = 45
#: pyqtgraph's margin past each end of a vertical axis within which a tick label is drawn.
BAR_END_MARGIN = 15


def _fit_bar_ticks(axis: pg.AxisItem) -> None:
    """The colour bar's tick labels have a fixed width, not one that grows with their font:
    at 3x (a 4K screen) every label wider than "0" ("-5", "-10", "-20") was dropped and the
    bar read 0 at the top and nothing else. Room for "-20" and the tick, at the least 45 px."""
    font = axis.style["tickFont"] or QFont()
    metrics = QFontMetricsF(font)
    need = metrics.horizontalAdvance("-20") + axis.style["tickTextOffset"][0] + 12
    axis.setWidth(max(BAR_TICKS_WIDTH, int(round(need))))
    # pyqtgraph drops a vertical axis's label that reaches more than 15 px past an end of the
    # axis: at 3x text half a label is ~22 px, and the labels at both ends of the bar ("-20"
    # at the bottom, "10" at the top) went; the margin follows the text's half-height
    axis.setStyle(hideOverlappingLabels=max(BAR_END_MARGIN, math.ceil(metrics.height() / 2) + 2))


def _style_texts(item: pg.PlotItem, scale: float) -> None:
    """Texts drawn in the data area: the labels of lines (baseline, 1/γ, "diverged at")
    and free text items, each scaled from the size it was built with."""
    for it in list(item.items):  # every item added to the plot (addedItems lacks ignoreBounds ones)
        text = it.label if isinstance(it, pg.InfiniteLine) else it if isinstance(it, pg.TextItem) else None
        if text is None:
            continue
        base = getattr(text, "_gradsim_base_pt", None)
        if base is None:
            base = text.textItem.font().pointSizeF()
            if base <= 0:
                continue
            text._gradsim_base_pt = base
        font = QFont(text.textItem.font())
        font.setPointSizeF(base * scale)
        text.setFont(font)
        if hasattr(text, "updatePosition"):
            text.updatePosition()


def check_plot_names(names: Sequence[str], known: Sequence[str]) -> tuple[str, ...]:
    """``names`` as a tuple, each once; ValueError naming an unknown one and the known ones."""
    out: list[str] = []
    for name in names:
        if name not in known:
            raise ValueError(f"unknown plot {name!r} (known: {', '.join(known)})")
        if name not in out:
            out.append(name)
    return tuple(out)


class PresentationView(QWidget):
    """A few plots, the first large on the left, the others stacked on the right.

    :meth:`borrow` takes the widgets out of their splitters (remembering each one's
    place and the splitters' sizes); :meth:`give_back` puts them back exactly there.
    """

    #: Width of the main plot against the column beside it.
    MAIN_STRETCH = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presentationView")
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("presentationSplit")
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.setObjectName("presentationSide")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)
        self.names: tuple[str, ...] = ()
        # shares follow every resize (full screen comes after the first layout) until dragged
        self._dragged = False
        self.split.splitterMoved.connect(self._on_dragged)
        self.side.splitterMoved.connect(self._on_dragged)
        self._places: list[tuple[QWidget, QSplitter, int]] = []
        self._states: dict[QSplitter, object] = {}

    @property
    def borrowed(self) -> bool:
        return bool(self._places)

    def borrow(self, widgets: dict[str, QWidget], names: Sequence[str]) -> None:
        """Show ``names`` (keys of ``widgets``); gives back what it held first."""
        self.give_back()
        chosen = [widgets[n] for n in names]
        for w in chosen:
            home = w.parentWidget()
            if isinstance(home, QSplitter):
                self._states.setdefault(home, home.saveState())
                self._places.append((w, home, home.indexOf(w)))
        main, rest = chosen[0], chosen[1:]
        self.split.insertWidget(0, main)
        if rest:
            for w in rest:
                self.side.addWidget(w)
            self.split.insertWidget(1, self.side)
            self.side.show()
        else:
            self.side.hide()
        for w in chosen:
            w.show()
        self.names = tuple(names)
        self._dragged = False
        if self.isVisible() and self.width() > 0:
            self._share_space()

    def _on_dragged(self, *_args) -> None:
        self._dragged = True

    def _share_space(self) -> None:
        """The main plot MAIN_STRETCH parts of the width, the column one; the column's plots
        equal heights. (Set once laid out: a splitter not yet shown keeps its children's hints.)"""
        if self.side.count() and self.side.isVisibleTo(self):
            total = max(3, self.split.width())
            self.split.setSizes([total * self.MAIN_STRETCH // (self.MAIN_STRETCH + 1),
                                 total // (self.MAIN_STRETCH + 1)])
            n = self.side.count()
            self.side.setSizes([max(1, self.side.height() // n)] * n)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if not self._dragged and self.width() > 0:
            self._share_space()

    def give_back(self) -> None:
        """Every borrowed widget back into its splitter, at its index, with the old sizes."""
        for w, home, index in sorted(self._places, key=lambda p: p[2]):
            home.insertWidget(index, w)
            w.show()
        for home, state in self._states.items():
            home.restoreState(state)
        self._places.clear()
        self._states.clear()
        self.names = ()
