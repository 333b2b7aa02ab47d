"""Presentation mode: full screen, larger fonts, thicker lines (F11).

The plot builders fix their font sizes in points; here every plot item's axes,
labels, titles and legend are restyled by one scale factor, and the live plots'
pens are widened.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont

from gradsim.figures import plots

__all__ = ["FONT_SCALE", "LINE_SCALE", "style_plot", "set_title", "title_size", "release_title_width",
           "relabel_plot"]

#: Font and line scale factors in presentation mode.
FONT_SCALE = 1.5
LINE_SCALE = 2.0


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
    bar = getattr(widget, "color_bar", None)
    if bar is not None:
        for side in ("left", "right"):
            _style_axis(bar.getAxis(side), scale)
    if hasattr(widget, "set_line_scale"):
        widget.set_line_scale(LINE_SCALE if scale > 1 else 1.0)
