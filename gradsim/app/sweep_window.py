"""Analysis → Sweep…: a sweep folder's phase diagram; a click on a cell loads that run's
configuration into the main window as a live run.

The window reads the folder's table (pyarrow) and draws it; it never imports torch (the
GUI process does not train). The clicked cell's config goes through the main window's
own File → Open config path (validated, applied with a reset), from a TOML file written
into the sweep folder's ``configs/`` (or a temporary folder when the sweep folder is
read-only), so the user can also reuse it with ``gradsim run --config``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gradsim.app import dialogs
from gradsim.app.i18n import translate_error
from gradsim.figures.sweep import PhaseDiagram

if TYPE_CHECKING:  # pragma: no cover
    from gradsim.app.window import MainWindow

__all__ = ["SweepWindow"]


class SweepWindow(QMainWindow):
    """The phase diagram of one sweep folder, with metric and axis selectors.

    Parameters
    ----------
    main_window : MainWindow or None
        Where a clicked cell is loaded (its ``open_config``); None: clicks only select.
    folder : str or Path, optional
        A sweep folder to open at once.
    """

    def __init__(self, main_window: MainWindow | None = None, folder: str | Path | None = None, parent=None):
        super().__init__(parent)
        self.main = main_window
        self.sweep = None
        self.phase = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.setWindowTitle(self.tr("Sweep — phase diagram"))
        central = QWidget()
        layout = QVBoxLayout(central)
        bar = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open sweep folder…"))
        self.open_button.clicked.connect(lambda: self.open_folder())
        bar.addWidget(self.open_button)
        self.metric_box = QComboBox()
        self.x_box = QComboBox()
        self.y_box = QComboBox()
        for label, combo in ((self.tr("Colour:"), self.metric_box), (self.tr("Across:"), self.x_box),
                             (self.tr("Up:"), self.y_box)):
            bar.addWidget(QLabel(label))
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _i: self.redraw())
        bar.addStretch(1)
        self.export_button = QPushButton(self.tr("Export figure…"))
        self.export_button.clicked.connect(lambda: self.export_figure())
        self.export_csv_button = QPushButton(self.tr("Export data (CSV)…"))
        self.export_csv_button.clicked.connect(lambda: self.export_csv())
        bar.addWidget(self.export_button)
        bar.addWidget(self.export_csv_button)
        layout.addLayout(bar)
        self.diagram = PhaseDiagram()
        self.diagram.cellClicked.connect(self.load_cell)
        layout.addWidget(self.diagram, 1)
        self.info = QLabel(self.tr("Open a folder written by gradsim sweep. Click a cell to load its run."))
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.setCentralWidget(central)
        self.resize(1500, 760)
        self._set_enabled(False)
        if folder is not None:
            self.open_folder(folder)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.metric_box, self.x_box, self.y_box, self.export_button, self.export_csv_button):
            w.setEnabled(on)

    # ------------------------------------------------------------ folder
    def open_folder(self, path: str | Path | None = None) -> bool:
        """Read a sweep folder (asks for one without ``path``); an error becomes a dialog in the
        current language (the core's structured message, translated) and changes nothing."""
        from gradsim.config import ConfigError
        from gradsim.runs.sweep import PLOT_METRICS
        from gradsim.runs.sweep_plot import open_sweep

        if path is None:
            path = QFileDialog.getExistingDirectory(self, self.tr("Open sweep folder"), str(Path.home()))
            if not path:
                return False
        try:
            sweep = open_sweep(path)
        except ConfigError as err:
            dialogs.show_error(self, self.tr("Cannot open sweep"), err)
            return False
        self.sweep = sweep
        x, y, metric = sweep.defaults()
        combos = ((self.metric_box, list(PLOT_METRICS), metric), (self.x_box, list(sweep.axes), x),
                  (self.y_box, list(sweep.axes), y))
        for combo, items, current in combos:
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(items)
            combo.setCurrentText(current)
            combo.blockSignals(False)
        self._set_enabled(True)
        self.setWindowTitle(self.tr("Sweep — %1").replace("%1", str(path)))
        return self.redraw()

    def redraw(self) -> bool:
        """Draw the current metric over the chosen axes (same axis twice: says so, draws nothing)."""
        from gradsim.config import ConfigError
        from gradsim.runs.sweep_plot import diagram_kwargs

        if self.sweep is None:
            return False
        x, y = self.x_box.currentText(), self.y_box.currentText()
        if x == y:
            self.info.setText(self.tr("Choose two different axes."))
            return False
        try:
            self.phase = self.sweep.phase(x, y, self.metric_box.currentText())
        except ConfigError as err:
            self.info.setText(translate_error(err))
            return False
        self.diagram.set_data(**diagram_kwargs(self.sweep, self.phase))
        rows, total = len(self.sweep.rows), self.sweep.manifest.get("runs", 0)
        self.info.setText(self.tr("%1 of %2 runs recorded. Click a cell to load its configuration as a live run.")
                          .replace("%1", str(rows)).replace("%2", str(total)))
        return True

    # ------------------------------------------------------------ a click
    def cell_config(self, panel: int, ix: int, iy: int):
        """The config of the cell's first recorded seed, or None when no run is recorded there."""
        if self.phase is None:
            return None
        ids = self.phase.run_ids[panel][iy][ix]
        return self.sweep.config_for(ids[0]) if ids else None

    def _config_file(self, panel: int, ix: int, iy: int, cfg) -> Path:
        from gradsim.config import save_config

        p = self.phase
        parts = [f"{k}={v}" for k, v in p.facets[panel].items()]
        parts += [f"{p.x}={p.x_values[ix]}", f"{p.y}={p.y_values[iy]}", f"seed={cfg.seed}"]
        name = ",".join(parts).replace("/", "_") + ".toml"
        try:
            folder = self.sweep.path / "configs"
            folder.mkdir(exist_ok=True)
            save_config(cfg, folder / name, description=self.sweep.manifest.get("description") or None)
            return folder / name
        except OSError:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="gradsim-sweep-")
            path = Path(self._tmp.name) / name
            save_config(cfg, path)
            return path

    def load_cell(self, panel: int, ix: int, iy: int) -> bool:
        """Load the clicked cell's configuration into the main window (through Open config)."""
        from gradsim.config import ConfigError

        try:
            cfg = self.cell_config(panel, ix, iy)
        except ConfigError as err:  # a table row that is not a valid config (an edited table)
            self.info.setText(translate_error(err))
            return False
        if cfg is None:
            self.info.setText(self.tr("No run is recorded in this cell yet."))
            return False
        self.diagram.select(panel, ix, iy)
        if self.main is None:
            return False
        try:
            path = self._config_file(panel, ix, iy, cfg)
        except OSError as err:  # neither the sweep folder nor a temporary folder is writable
            dialogs.show_error(self, self.tr("Cannot load the run"), err)
            return False
        ok = bool(self.main.open_config(str(path)))
        if ok:
            self.info.setText(self.tr("Loaded %1 into the main window: press Play to watch it train.")
                              .replace("%1", path.name))
        return ok

    # ------------------------------------------------------------ exports
    def export_figure(self, path: str | None = None):
        from gradsim.app.analysis_actions import export_widget_dialog

        return export_widget_dialog(self, self.diagram, path, "phase", self.tr("Export phase diagram"))

    def export_csv(self, path: str | None = None) -> Path | None:
        from gradsim.fileio import atomic_write_text

        if self.phase is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export phase diagram data"),
                                                  str(self.sweep.path / "phase.csv"), "CSV (*.csv)")
            if not path:
                return None
        try:
            atomic_write_text(Path(path), self.phase.to_csv())
        except OSError as err:
            dialogs.show_error(self, self.tr("Export failed"), err)
            return None
        return Path(path)

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: a larger window font (the figure keeps its slide styling)."""
        font = self.font()
        font.setPointSizeF(14.0 if on else 10.0)
        self.setFont(font)

    def closeEvent(self, event) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        super().closeEvent(event)
