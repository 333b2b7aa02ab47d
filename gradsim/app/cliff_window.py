"""Analysis → The cliff (Pascanu 2013): gradient descent on a one-unit RNN's error surface.

The surface and the descent are :mod:`gradsim.core.cliff` (float64 numpy, a step takes
well under a millisecond), so the animation runs on the GUI thread from a QTimer: a few
steps a second, slow enough for a class to watch the unclipped step fly off the wall
while the clipped one stays on the surface.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gradsim.app.i18n import translate_legends
from gradsim.app.pg_menus import retranslate_plot_menus
from gradsim.app.presentation import relabel_plot
from gradsim.figures.cliff import CliffPlot
from gradsim.core.cliff import DEMO, SURFACE_RANGE, CliffDescent, error_surface

__all__ = ["CLIP_NAMES", "MAX_STEPS", "STEPS_PER_SECOND", "CliffWindow"]

#: Clip mode -> the path's name (the keys of :data:`gradsim.figures.cliff.PATH_STYLES`).
CLIP_NAMES = {"none": QT_TRANSLATE_NOOP("CliffWindow", "no clipping"),
              "norm": QT_TRANSLATE_NOOP("CliffWindow", "clip by norm"),
              "value": QT_TRANSLATE_NOOP("CliffWindow", "clip by value")}
STEPS_PER_SECOND = 4
#: Play stops here: by then every path has settled (or left the frame).
MAX_STEPS = 300


def _tr(text: str) -> str:
    return QCoreApplication.translate("CliffWindow", text)


class CliffWindow(QWidget):
    """The error surface with two or three descents from the same start, animated."""

    def __init__(self, parent: QWidget | None = None, *, surface_n: int = 200) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("cliffWindow")
        self._font_scale = 1.0
        self.plot = CliffPlot()
        self.plot.set_surface(*error_surface(*SURFACE_RANGE, n=surface_n))
        translate_legends(self.plot)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.TextFormat.RichText)
        self.lr_edit = QLineEdit(f"{DEMO.lr:g}")
        self.lr_edit.setObjectName("cliffLr")
        self.threshold_edit = QLineEdit(f"{DEMO.threshold:g}")
        self.threshold_edit.setObjectName("cliffThreshold")
        for e in (self.lr_edit, self.threshold_edit):
            e.setMaximumWidth(80)
            e.editingFinished.connect(self.apply_settings)
        self.checks = {}
        for mode, on in (("none", True), ("norm", True), ("value", False)):
            box = QCheckBox()
            box.setChecked(on)
            box.toggled.connect(lambda _on: self.apply_settings())
            self.checks[mode] = box
        self.step_button, self.play_button, self.reset_button, self.export_button = (QPushButton() for _ in range(4))
        # clicked(bool checked) would pass checked=False on as on=False: Play did nothing
        self.step_button.clicked.connect(lambda _checked=False: self.step())
        self.play_button.clicked.connect(lambda _checked=False: self.toggle_play())
        self.reset_button.clicked.connect(lambda _checked=False: self.reset())
        self.export_button.clicked.connect(lambda: self.export_figure())
        self.error = QLabel()
        self.error.setObjectName("cliffError")
        self.error.setStyleSheet("color: #b22222;")
        self.error.hide()
        self.status = QLabel()
        self.status.setObjectName("cliffStatus")
        self.status.setWordWrap(True)
        controls = QHBoxLayout()
        for w in (self.step_button, self.play_button, self.reset_button):
            controls.addWidget(w)
        controls.addSpacing(12)
        self.lr_label, self.threshold_label = QLabel(), QLabel()
        controls.addWidget(self.lr_label)
        controls.addWidget(self.lr_edit)
        controls.addWidget(self.threshold_label)
        controls.addWidget(self.threshold_edit)
        controls.addSpacing(12)
        for box in self.checks.values():
            controls.addWidget(box)
        controls.addStretch(1)
        controls.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.explain)
        layout.addLayout(controls)
        layout.addWidget(self.error)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setInterval(round(1000 / STEPS_PER_SECOND))
        self.timer.timeout.connect(self._tick)
        self.lr, self.threshold = DEMO.lr, DEMO.threshold
        self.descents: dict[str, CliffDescent] = {}
        self.retranslate()
        self._build_descents()
        self.resize(1100, 900)

    # ------------------------------------------------------------ language
    def retranslate(self) -> None:
        """Every text of the window and its figure in the current language."""
        self.setWindowTitle(self.tr("gradsim — the cliff (Pascanu, Mikolov & Bengio 2013)"))
        self.explain.setText(self.tr(
            "A one-unit RNN x<sub>t</sub> = w·σ(x<sub>t−1</sub>) + b, x<sub>0</sub> = 0.5, trained to "
            "σ(x<sub>50</sub>) = 0.7. Its error surface has a <b>cliff</b>: a wall where E drops between flat "
            "plateaus and the gradient is huge. All paths start at the star and agree until they reach the "
            "wall; there the plain step (red) is thrown off the picture, while clipping by norm keeps the "
            "step at lr · threshold and descent goes on. Clipping by value bounds the step too, but turns "
            "its direction."))
        self.lr_edit.setToolTip(self.tr("Learning rate, > 0"))
        self.threshold_edit.setToolTip(self.tr("Clipping threshold, > 0"))
        for mode, box in self.checks.items():
            box.setText(_tr(CLIP_NAMES[mode]))
        for button, text in ((self.step_button, self.tr("Step")), (self.reset_button, self.tr("Reset")),
                             (self.export_button, self.tr("Export figure…"))):
            button.setText(text)
        self.play_button.setText(self.tr("Pause") if self.playing else self.tr("Play"))
        self.lr_label.setText(self.tr("lr"))
        self.threshold_label.setText(self.tr("threshold"))
        relabel_plot(self.plot, self.tr("w (recurrent weight)"), self.tr("b (bias)"), self.tr(
            "Error surface E = (σ(x<sub>50</sub>) − 0.7)²,   x<sub>t</sub> = w·σ(x<sub>t−1</sub>) + b,   "
            "x<sub>0</sub> = 0.5"))
        retranslate_plot_menus(self)
        if self.descents:
            self._draw()  # the legend and the status lines

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "status"):
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------ settings
    def _value(self, edit: QLineEdit, name: str) -> float:
        text = edit.text().strip()
        try:
            v = float(text)
        except ValueError:
            raise ValueError(self.tr("{name} = {text!r}: not a number").format(name=name, text=text)) from None
        if not (math.isfinite(v) and 0 < v <= 100):
            raise ValueError(self.tr("{name} = {v:g}: must be > 0 and ≤ 100").format(name=name, v=v))
        return v

    def apply_settings(self) -> bool:
        """Validate lr and threshold; on success restart the paths from the start point.
        A bad value is shown under the controls and changes nothing."""
        try:
            lr = self._value(self.lr_edit, "lr")
            threshold = self._value(self.threshold_edit, self.tr("threshold"))
        except ValueError as err:
            self.error.setText(str(err))
            self.error.show()
            return False
        self.error.hide()
        changed_modes = set(self.descents) != {m for m, b in self.checks.items() if b.isChecked()}
        if lr != self.lr or threshold != self.threshold or changed_modes:
            self.lr, self.threshold = lr, threshold
            self._build_descents()
        return True

    def _build_descents(self) -> None:
        self.descents = {mode: CliffDescent(DEMO.w0, DEMO.b0, self.lr, clip=mode, threshold=self.threshold)
                         for mode, box in self.checks.items() if box.isChecked()}
        self._draw()

    # ------------------------------------------------------------ animation
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def step(self) -> None:
        """One gradient step on every path."""
        for d in self.descents.values():
            d.step()
        self._draw()

    def _tick(self) -> None:
        if not self.descents or max(len(d.steps) for d in self.descents.values()) >= MAX_STEPS:
            self.toggle_play(False)
            return
        self.step()

    def toggle_play(self, on: bool | None = None) -> None:
        on = (not self.playing) if on is None else on
        if on and not self.apply_settings():
            on = False
        self.timer.start() if on else self.timer.stop()
        self.play_button.setText(self.tr("Pause") if on else self.tr("Play"))

    def reset(self) -> None:
        for d in self.descents.values():
            d.reset()
        self._draw()

    def _draw(self) -> None:
        self.plot.set_paths({CLIP_NAMES[m]: d.path() for m, d in self.descents.items()})
        if self._font_scale != 1.0:
            self._restyle()
        lines = []
        rect = self.plot.view_rect
        for mode, d in self.descents.items():
            n = len(d.steps)
            if not n:
                lines.append(self.tr("{name}: at the start, E = {E:.3g}").format(
                    name=_tr(CLIP_NAMES[mode]), E=float(_error_at(d))))
                continue
            last = d.steps[-1]
            biggest = max(s.step_length for s in d.steps)
            where = "" if rect.contains(d.w, d.b) else self.tr(" — left the frame")
            lines.append(self.tr("{name}: step {n}, E = {E:.3g}, last step {last:.3g}, longest step {big:.3g}{where}")
                         .format(name=_tr(CLIP_NAMES[mode]), n=n, E=last.E, last=last.step_length, big=biggest,
                                 where=where))
        self.status.setText("\n".join(lines))

    # ------------------------------------------------------------ presentation & export
    def set_presentation(self, on: bool) -> None:
        from gradsim.app.presentation import presentation_scale

        self._font_scale = presentation_scale(self) if on else 1.0
        base = self.font().pointSizeF()
        self.setStyleSheet(f"QWidget {{ font-size: {base * self._font_scale:.1f}pt; }}" if on and base > 0 else "")
        self._draw()
        self._restyle()

    def _restyle(self) -> None:
        from gradsim.app.analysis_actions import restyle_figure

        restyle_figure(self.plot, self._font_scale)

    def export_figure(self, path: str | None = None) -> Path | None:
        from gradsim.app.analysis_actions import export_widget_dialog

        return export_widget_dialog(self, self.plot, path, "cliff", self.tr("Export the cliff figure"))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        event.accept()


def _error_at(d: CliffDescent) -> float:
    from gradsim.core.cliff import error

    return float(error(d.w, d.b, d.T))
