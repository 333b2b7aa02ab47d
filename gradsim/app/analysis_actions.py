"""The Analysis menu (compare runs, the cliff) and the media exports of the Export menu.

Installed by the main window with one line; it finds its menus by the actions they
hold (not by their titles, which are translated) and closes its windows when the main
window closes, so no comparison worker outlives the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from gradsim.figures import export
from gradsim.app import dialogs

if TYPE_CHECKING:  # pragma: no cover
    from gradsim.app.window import MainWindow

__all__ = ["FIGURE_FILTER", "AnalysisActions", "export_widget_dialog", "restyle_figure"]

FIGURE_FILTER = "PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"
#: PNGs at twice the on-screen size: crisp on slides (as the main window's exports).
PNG_SCALE = 2


def restyle_figure(widget, scale: float) -> None:
    """Presentation look for a figure that is not a live plot: fonts × ``scale``, lines
    LINE_SCALE × as thick at FONT_SCALE and in proportion above it (as
    :func:`gradsim.app.presentation.style_plot`)."""
    from gradsim.app.presentation import FONT_SCALE, LINE_SCALE, style_plot

    style_plot(widget, scale)
    factor = LINE_SCALE * scale / FONT_SCALE if scale > 1 else 1.0  # a 4K screen's 3x: lines 4x
    item = widget.getPlotItem() if hasattr(widget, "getPlotItem") else getattr(widget, "plot_item", None)
    if item is None:
        return
    for data in item.listDataItems():
        pen = data.opts.get("pen")
        if pen is None:
            continue
        import pyqtgraph as pg

        pen = pg.mkPen(pen)
        base = getattr(data, "_base_width", None)
        if base is None:
            base = data._base_width = pen.widthF()
        if pen.widthF() != base * factor:
            pen.setWidthF(base * factor)
            data.setPen(pen)


def export_widget_dialog(parent: QWidget, widget: QWidget, path: str | None, default_name: str,
                         title: str) -> Path | None:
    """Ask for a file (unless ``path``) and export ``widget`` as PNG / SVG / PDF by suffix.

    Errors become a dialog naming the file; returns the written path or None.
    """
    if path is None:
        path, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / f"{default_name}.png"), FIGURE_FILTER)
        if not path:
            return None
    p = Path(path)
    scale = PNG_SCALE if p.suffix.lower() == ".png" else 1
    try:
        return export.export_widget(widget, p, max(1, widget.width() * scale), max(1, widget.height() * scale))
    except (OSError, ValueError) as err:
        dialogs.show_error(parent, QCoreApplication.translate("AnalysisActions", "Export failed"), err)
        return None


class AnalysisActions(QObject):
    """Analysis → Compare runs… / The cliff; Export → Animation… / Report….

    Parameters
    ----------
    window : MainWindow
        The main window; its session's current config is run A of a comparison and its
        run is what the animation and the report show.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.windows: list[QWidget] = []
        self.compare = self._action(self.tr("&Compare runs…"), "Ctrl+Shift+C", self.open_compare,
                                    self.tr("Train the current run (A) and a variant (B) in lockstep, side by side"))
        self.cliff = self._action(self.tr("The &cliff (Pascanu 2013)"), "Ctrl+Shift+K", self.open_cliff,
                                  self.tr("Gradient descent on a one-unit RNN's error surface, with and "
                                          "without clipping"))
        self.sweep = self._action(self.tr("&Sweep…"), "Ctrl+Shift+W", self.open_sweep,
                                  self.tr("Open a sweep folder: its phase diagram; a click loads that run"))
        self.animation = self._action(self.tr("&Animation (GIF/MP4)…"), "Ctrl+Shift+A", self.export_animation,
                                      self.tr("The heatmap, loss and profile evolving over this run"))
        self.report = self._action(self.tr("&Report (HTML/PDF)…"), "Ctrl+Shift+P", self.export_report,
                                   self.tr("One file with the config, every plot, the summary numbers, "
                                           "the versions"))
        self._install_menus()
        pres = getattr(window.actions, "presentation", None)
        if pres is not None:
            pres.toggled.connect(self._on_presentation)
        window.installEventFilter(self)

    def _action(self, text: str, shortcut: str, slot, tip: str) -> QAction:
        act = QAction(text, self.w)
        act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        self.w.addAction(act)  # the shortcut works in presentation mode (menu bar hidden)
        return act

    def _menu_holding(self, action: QAction | None) -> QMenu | None:
        if action is None:
            return None
        for a in self.w.menuBar().actions():
            m = a.menu()
            if m is not None and action in m.actions():
                return m
        return None

    def _install_menus(self) -> None:
        bar = self.w.menuBar()
        acts = self.w.actions
        self.menu = QMenu(self.tr("&Analysis"), self.w)
        self.menu.setObjectName("analysisMenu")
        self.menu.addActions([self.compare, self.cliff, self.sweep])
        view = self._menu_holding(getattr(acts, "presentation", None))
        if view is not None:
            bar.insertMenu(view.menuAction(), self.menu)
        else:
            bar.addMenu(self.menu)
        export = self._menu_holding(getattr(acts, "export_all", None))
        if export is not None:
            export.insertActions(acts.export_all, [self.animation, self.report])
            export.insertSeparator(acts.export_all)

    # ------------------------------------------------------------ windows
    @property
    def presentation(self) -> bool:
        pres = getattr(self.w.actions, "presentation", None)
        return bool(pres is not None and pres.isChecked())

    def _show(self, win: QWidget) -> QWidget:
        self.windows.append(win)
        win.destroyed.connect(lambda _o=None, w=win: self.windows.remove(w) if w in self.windows else None)
        if self.presentation:
            win.set_presentation(True)
        win.show()
        win.raise_()
        win.activateWindow()
        return win

    def open_compare(self, cfg_b=None, steps: int | None = None):
        """Ask what B changes (unless ``cfg_b``) and open a comparison window; returns it or None."""
        from gradsim.app.compare_window import CompareDialog, CompareWindow
        from gradsim.app.export_media import compared_levels
        from gradsim.config import ConfigError

        cfg_a = self.w.session.config
        if cfg_b is None:
            dlg = CompareDialog(cfg_a, self.w)
            if not dlg.exec():
                return None
            cfg_b, steps = dlg.cfg_b, dlg.steps.value()
        try:
            win = CompareWindow(cfg_a, cfg_b, steps or 500, self.w, levels=compared_levels(self.w))
        except ConfigError as err:
            dialogs.show_error(self.w, self.tr("Cannot compare"), err)
            return None
        win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        return self._show(win)

    def open_cliff(self):
        from gradsim.app.cliff_window import CliffWindow

        win = CliffWindow(self.w)
        win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        return self._show(win)

    def open_sweep(self, folder=None):
        """Open a sweep window (on ``folder``, else it asks for one); returns it."""
        from gradsim.app.sweep_window import SweepWindow

        win = SweepWindow(self.w)
        win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._show(win)
        win.open_folder(folder)
        return win

    def _on_presentation(self, on: bool) -> None:
        for win in list(self.windows):
            win.set_presentation(on)

    def close_windows(self) -> None:
        for win in list(self.windows):
            win.close()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.w and event.type() == QEvent.Type.Close:
            self.close_windows()
        if obj is self.w and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        """Menu and action texts in the current language (View → Language)."""
        texts = (
            (self.compare, self.tr("&Compare runs…"),
             self.tr("Train the current run (A) and a variant (B) in lockstep, side by side")),
            (self.cliff, self.tr("The &cliff (Pascanu 2013)"),
             self.tr("Gradient descent on a one-unit RNN's error surface, with and without clipping")),
            (self.sweep, self.tr("&Sweep…"),
             self.tr("Open a sweep folder: its phase diagram; a click loads that run")),
            (self.animation, self.tr("&Animation (GIF/MP4)…"),
             self.tr("The heatmap, loss and profile evolving over this run")),
            (self.report, self.tr("&Report (HTML/PDF)…"),
             self.tr("One file with the config, every plot, the summary numbers, the versions")),
        )
        for act, text, tip in texts:
            act.setText(text)
            act.setToolTip(tip)
            act.setStatusTip(tip)
        self.menu.setTitle(self.tr("&Analysis"))

    # ------------------------------------------------------------ exports
    def export_animation(self, path: str | None = None):
        from gradsim.app.export_media import export_animation

        return export_animation(self.w, path)

    def export_report(self, path: str | None = None):
        from gradsim.app.export_media import export_report

        return export_report(self.w, path)
