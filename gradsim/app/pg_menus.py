"""pyqtgraph's own right-click menus and export dialog in the current language.

pyqtgraph builds its menus (ViewBox options, Plot Options, Export…) with
``QCoreApplication.translate`` in the contexts listed below, so the app's translator
covers them once lupdate sees the strings: :data:`PYQTGRAPH_TEXTS` lists them for it
(``tools/update_translations.py``). pyqtgraph sets the texts once, when a plot is built;
:func:`retranslate_plot_menus` sets them again after a run-time language switch.

The format names of the export dialog (``Image File (PNG, TIF, JPG, ...)``) are not
passed through ``translate`` by pyqtgraph and the dialog looks its exporters up by that
text, so they stay as pyqtgraph writes them.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QWidget

__all__ = ["PYQTGRAPH_TEXTS", "retranslate_plot_menus"]

# Contexts and sources exactly as pyqtgraph 0.14 writes them (ViewBoxMenu, the .ui
# templates of the axis, plot-options and export forms, PlotItem, GraphicsScene, exporters).
PYQTGRAPH_TEXTS = [
    QT_TRANSLATE_NOOP("ViewBox", "ViewBox options"),
    QT_TRANSLATE_NOOP("ViewBox", "View All"),
    QT_TRANSLATE_NOOP("ViewBox", "Mouse Mode"),
    QT_TRANSLATE_NOOP("ViewBox", "3 button"),
    QT_TRANSLATE_NOOP("ViewBox", "1 button"),
    QT_TRANSLATE_NOOP("ViewBox", "axis"),
    QT_TRANSLATE_NOOP("Form", "Link Axis:"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>Links this axis with another view. When linked, both views "
                              "will display the same data range.</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>Percent of data to be visible when auto-scaling. It may be "
                              "useful to decrease this value for data with spiky noise.</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>Automatically resize this axis whenever the displayed data "
                              "is changed.</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "Auto"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>Set the range for this axis manually. This disables automatic "
                              "scaling. </p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "Manual"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>Minimum value to display for this axis.</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>Maximum value to display for this axis.</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>Inverts the display of this axis. (+y points downward instead "
                              "of upward)</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "Invert Axis"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>Enables mouse interaction (panning, scaling) for this "
                              "axis.</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "Mouse Enabled"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>When checked, the axis will only auto-scale to data that is "
                              "visible along the orthogonal axis.</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "Visible Data Only"),
    QT_TRANSLATE_NOOP("Form", "<html><head/><body><p>When checked, the axis will automatically pan to center on the "
                              "current data, but the scale along this axis will not change.</p></body></html>"),
    QT_TRANSLATE_NOOP("Form", "Auto Pan Only"),
    QT_TRANSLATE_NOOP("Form", "Display averages of the curves displayed in this plot. The parameter list allows you "
                              "to choose parameters to average over (if any are available)."),
    QT_TRANSLATE_NOOP("Form", "Average"),
    QT_TRANSLATE_NOOP("Form", "Plot only the portion of each curve that is visible. This assumes X values are "
                              "uniformly spaced."),
    QT_TRANSLATE_NOOP("Form", "Clip to View"),
    QT_TRANSLATE_NOOP("Form", "If multiple curves are displayed in this plot, check this box to limit the number of "
                              "traces that are displayed."),
    QT_TRANSLATE_NOOP("Form", "Max Traces:"),
    QT_TRANSLATE_NOOP("Form", "Downsample"),
    QT_TRANSLATE_NOOP("Form", "Downsample by drawing a saw wave that follows the min and max of the original data. "
                              "This method produces the best visual representation of the data but is slower."),
    QT_TRANSLATE_NOOP("Form", "Peak"),
    QT_TRANSLATE_NOOP("Form", "If multiple curves are displayed in this plot, check \"Max Traces\" and set this value "
                              "to limit the number of traces that are displayed."),
    QT_TRANSLATE_NOOP("Form", "If MaxTraces is checked, remove curves from memory after they are hidden (saves "
                              "memory, but traces can not be un-hidden)."),
    QT_TRANSLATE_NOOP("Form", "Forget hidden traces"),
    QT_TRANSLATE_NOOP("Form", "Downsample by taking the mean of N samples."),
    QT_TRANSLATE_NOOP("Form", "Mean"),
    QT_TRANSLATE_NOOP("Form", "Downsample by taking the first of N samples. This method is fastest and least "
                              "accurate."),
    QT_TRANSLATE_NOOP("Form", "Subsample"),
    QT_TRANSLATE_NOOP("Form", "Automatically downsample data based on the visible range. This assumes X values are "
                              "uniformly spaced."),
    QT_TRANSLATE_NOOP("Form", "Downsample data before plotting. (plot every Nth sample)"),
    QT_TRANSLATE_NOOP("Form", "Log X"),
    QT_TRANSLATE_NOOP("Form", "dy/dx"),
    QT_TRANSLATE_NOOP("Form", "Y vs. Y'"),
    QT_TRANSLATE_NOOP("Form", "Power Spectrum (FFT)"),
    QT_TRANSLATE_NOOP("Form", "Log Y"),
    QT_TRANSLATE_NOOP("Form", "Subtract Mean"),
    QT_TRANSLATE_NOOP("Form", "Points"),
    QT_TRANSLATE_NOOP("Form", "Show X Grid"),
    QT_TRANSLATE_NOOP("Form", "Show Y Grid"),
    QT_TRANSLATE_NOOP("Form", "Opacity"),
    QT_TRANSLATE_NOOP("Form", "Alpha"),
    QT_TRANSLATE_NOOP("Form", "Export"),
    QT_TRANSLATE_NOOP("Form", "Item to export:"),
    QT_TRANSLATE_NOOP("Form", "Export format"),
    QT_TRANSLATE_NOOP("Form", "Close"),
    QT_TRANSLATE_NOOP("Form", "Export options"),
    QT_TRANSLATE_NOOP("Form", "Copy"),
    QT_TRANSLATE_NOOP("PlotItem", "Plot Options"),
    QT_TRANSLATE_NOOP("PlotItem", "Transforms"),
    QT_TRANSLATE_NOOP("PlotItem", "Downsample"),
    QT_TRANSLATE_NOOP("PlotItem", "Average"),
    QT_TRANSLATE_NOOP("PlotItem", "Alpha"),
    QT_TRANSLATE_NOOP("PlotItem", "Grid"),
    QT_TRANSLATE_NOOP("PlotItem", "Points"),
    QT_TRANSLATE_NOOP("GraphicsScene", "Export..."),
    QT_TRANSLATE_NOOP("Exporter", "width"),
    QT_TRANSLATE_NOOP("Exporter", "height"),
    QT_TRANSLATE_NOOP("Exporter", "antialias"),
    QT_TRANSLATE_NOOP("Exporter", "background"),
    QT_TRANSLATE_NOOP("Exporter", "invertValue"),
    QT_TRANSLATE_NOOP("Exporter", "scaling stroke"),
    QT_TRANSLATE_NOOP("Exporter", "Scalable Vector Graphics"),
    QT_TRANSLATE_NOOP("Exporter", "separator"),
    QT_TRANSLATE_NOOP("Exporter", "precision"),
    QT_TRANSLATE_NOOP("Exporter", "columnMode"),
]

translate = QCoreApplication.translate

#: PlotItem's "Plot Options" submenus, in the order PlotItem adds them.
_PLOT_OPTIONS = ("Transforms", "Downsample", "Average", "Alpha", "Grid", "Points")


def _retranslate_viewbox_menu(menu) -> None:
    menu.setTitle(translate("ViewBox", "ViewBox options"))
    menu.viewAll.setText(translate("ViewBox", "View All"))
    submenus = [a.menu() for a in menu.actions() if a.menu() is not None]
    if len(submenus) >= 3:
        for axis, sub in zip("XY", submenus[:2]):
            sub.setTitle(f"{axis} {translate('ViewBox', 'axis')}")
        submenus[2].setTitle(translate("ViewBox", "Mouse Mode"))
        for ui, sub in zip(menu.ctrl, submenus[:2]):
            actions = sub.actions()
            form = actions[0].defaultWidget() if actions else None
            if form is not None:
                ui.retranslateUi(form)
    menu.mouseModes[0].setText(translate("ViewBox", "3 button"))
    menu.mouseModes[1].setText(translate("ViewBox", "1 button"))
    menu.valid = False  # retranslateUi wrote "0" into the range fields: read them again on popup


def _retranslate_plot_item(item) -> None:
    if item.ctrlMenu is None:  # already closed
        return
    item.ctrlMenu.setTitle(translate("PlotItem", "Plot Options"))
    subs = [a for a in item.ctrlMenu.actions() if a.menu() is not None]
    for act, name in zip(subs, _PLOT_OPTIONS):
        act.menu().setTitle(translate("PlotItem", name))
    # The form's own widget was a throw-away parent; retranslateUi only sets its title.
    item.ctrl.retranslateUi(QWidget())


def retranslate_plot_menus(root: QWidget) -> int:
    """Set the right-click menus (and an open export dialog) of every pyqtgraph plot inside
    ``root`` in the current language; returns how many scenes were visited."""
    import pyqtgraph as pg

    views = root.findChildren(pg.GraphicsView)
    if isinstance(root, pg.GraphicsView):
        views.append(root)
    scenes = {id(v.scene()): v.scene() for v in views if v.scene() is not None}
    for scene in scenes.values():
        for act in getattr(scene, "contextMenu", []):
            act.setText(translate("GraphicsScene", "Export..."))
        dialog = getattr(scene, "exportDialog", None)
        if dialog is not None:
            dialog.ui.retranslateUi(dialog)
        for item in scene.items():
            if isinstance(item, pg.ViewBox) and getattr(item, "menu", None) is not None:
                _retranslate_viewbox_menu(item.menu)
            elif isinstance(item, pg.PlotItem):
                _retranslate_plot_item(item)
    return len(scenes)
