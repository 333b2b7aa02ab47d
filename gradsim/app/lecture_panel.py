"""The lecture dock and the Lecture menu: step through a lecture script, classroom mode.

Each step loads its config through the session's own API (``set_config(reset=True)``
on the one existing worker), selects the heatmap view, the colour levels and the plots
of presentation mode it names, sets its speed and plays if it says so. Classroom mode
hides the controls the lecture lists (as TensorFlow Playground hides its controls), and
shows them again when switched off. Lecture → Close lecture gives back what the lecture
changed (speed, language, view, colour levels, presentation plots, hidden controls) as
it was before the lecture opened.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gradsim.app import dialogs
from gradsim.app.i18n import current_language
from gradsim.config import ConfigError
from gradsim.content.lecture import (
    DEFAULT_LECTURE, LEVELS_DATA, Lecture, LectureStep, load_lecture, shipped_lectures,
)
from gradsim.core.claims import ExpectationResult, StepEvaluation, evaluate_step, format_quantity

#: Seconds between two evaluations of the step's live claims (placeholders, expectations).
LIVE_SECONDS = 0.25

_SCRIPT = re.compile(r"([_^])(?:\{([^{}]*)\}|\(([^()]*)\)|([A-Za-z0-9]+))")


def equation_html(text: str) -> str:
    """A lecture equation written as plain text (``h_{t−1}``, ``W_hh``, ``(γλ₁)^(T−k)``) as rich
    text with real subscripts and superscripts: ``_x`` / ``_{…}`` sub, ``^{…}`` / ``^(…)`` sup
    (the parentheses of ``^(…)`` only group the exponent and go). Runs of spaces are kept."""
    def sub(m: re.Match) -> str:
        tag = "sub" if m.group(1) == "_" else "sup"
        braced, paren, word = m.group(2), m.group(3), m.group(4)
        inner = braced if braced is not None else paren if paren is not None else word
        return f"<{tag}>{inner}</{tag}>"

    out = _SCRIPT.sub(sub, html.escape(text, quote=False))
    return re.sub(r" {2,}", lambda m: "&nbsp;" * len(m.group(0)), out)

if TYPE_CHECKING:  # pragma: no cover
    from gradsim.app.window import MainWindow

__all__ = ["DEFAULT_HIDDEN", "LectureController", "LecturePanel", "UserChoices", "install_lecture", "lecture_language"]

#: Controls classroom mode hides when no lecture is open: the ones a class never needs.
DEFAULT_HIDDEN = (
    "n_classes", "num_layers", "leaky_slope", "beta1", "beta2", "weight_decay",
    "device", "dtype", "spectrum_every",
)


def lecture_language() -> str:
    """The language of the lecture texts: the one the UI is in now, "en" or "zh".

    Never the saved setting: a launch with ``--lang`` (not saved) or a language chosen while
    a lecture is open (not saved either) would otherwise show the lecture in another
    language than the window around it.
    """
    return "zh" if current_language() == "zh" else "en"


@dataclass(frozen=True)
class UserChoices:
    """What a lecture changes, as it was before the lecture opened (restored on closing it;
    the speed is the window's own ``_user_delay``)."""

    language: str
    classroom: bool
    view: str
    #: The colour levels (log10 low, high) if fixed, else None; and the level fields' values.
    levels: tuple[float, float] | None
    level_fields: tuple[float, float]
    presentation_plots: tuple[str, ...] | None


class LecturePanel(QWidget):
    """Shows one lecture step: title, text, equation, what to look at, previous / next."""

    #: The UI language changed (the controller retranslates its menu and dock).
    languageChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lecturePanel")
        self.lecture_title = QLabel()
        self.lecture_title.setObjectName("lectureTitle")
        self.lecture_title.setWordWrap(True)
        self.step_title = QLabel()
        self.step_title.setObjectName("lectureStepTitle")
        self.step_title.setWordWrap(True)
        self.text = QLabel()
        self.text.setObjectName("lectureText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.equation = QLabel()
        self.equation.setObjectName("lectureEquation")
        self.equation.setWordWrap(True)
        self.equation.setTextFormat(Qt.TextFormat.RichText)  # equation_html: sub- and superscripts
        self.equation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.equation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.look = QLabel()
        self.look.setObjectName("lectureLook")
        self.look.setWordWrap(True)
        self.look.setTextFormat(Qt.TextFormat.PlainText)
        # The step's expectations, ✓ / ✗ / … with the measured value (rich text: colours).
        self.checks = QLabel()
        self.checks.setObjectName("lectureChecks")
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        self.checks.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        #: Returns ``(history, last snapshot, config)`` of the run on screen for the shown
        #: step, or None while that run has not started (the controller sets it).
        self.live_source = None
        self.evaluation: StepEvaluation | None = None
        # With no lecture open: one click to the shipped one (the controller connects it).
        self.open_button = QPushButton()
        self.open_button.setObjectName("lectureOpenShipped")
        self.prev_button = QPushButton()
        self.prev_button.setObjectName("lecturePrev")
        self.next_button = QPushButton()
        self.next_button.setObjectName("lectureNext")
        for b in (self.prev_button, self.next_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep Space for play / pause
        buttons = QHBoxLayout()
        buttons.addWidget(self.prev_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        # The texts scroll (presentation fonts, a long step, a short window); the buttons
        # stay in view below them.
        content = QWidget()
        content.setObjectName("lectureContent")
        texts = QVBoxLayout(content)
        texts.setContentsMargins(0, 0, 0, 0)
        for w in (self.lecture_title, self.step_title, self.text, self.equation, self.look, self.checks):
            texts.addWidget(w)
        texts.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        texts.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("lectureScroll")
        self.scroll.setWidget(content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)
        self.scale = 1.0
        self.lecture: Lecture | None = None
        self.index = 0
        self.render()

    def set_scale(self, scale: float) -> None:
        """Font scale (presentation mode): its own style sheets win over the window's."""
        self.scale = scale
        self.render()

    def _sizes(self) -> tuple[float, float, float]:
        # The application's font, not this widget's: in presentation mode the window's style
        # sheet has already enlarged the latter, and scaling it again gave double-size text
        # that overflowed the dock (lecture opened after F11).
        base = QApplication.font().pointSizeF()
        base = base if base > 0 else 10.0
        return base * self.scale, base * 1.25 * self.scale, base * 1.45 * self.scale

    def render(self) -> None:
        body, head, eq = self._sizes()
        self.lecture_title.setStyleSheet(f"font-size: {body:.1f}pt; color: #555;")
        self.step_title.setStyleSheet(f"font-size: {head:.1f}pt; font-weight: bold;")
        self.text.setStyleSheet(f"font-size: {body:.1f}pt;")
        self.equation.setStyleSheet(
            f"font-size: {eq:.1f}pt; font-family: 'DejaVu Serif', 'Cambria Math', serif; "
            "padding: 6px; background: #f4f6fa; border: 1px solid #d0d6e0; border-radius: 4px;")
        self.look.setStyleSheet(f"font-size: {body:.1f}pt; color: #1f5fa8;")
        self.checks.setStyleSheet(f"font-size: {body:.1f}pt;")
        self.prev_button.setText(QCoreApplication.translate("LecturePanel", "◀ Previous"))
        self.next_button.setText(QCoreApplication.translate("LecturePanel", "Next ▶"))
        self.prev_button.setToolTip(QCoreApplication.translate("LecturePanel", "Previous step (Ctrl+Left / PgUp)"))
        self.next_button.setToolTip(QCoreApplication.translate("LecturePanel", "Next step (Ctrl+Right / PgDown)"))
        lec = self.lecture
        self.open_button.setText(QCoreApplication.translate("LecturePanel", "Open the shipped lecture"))
        self.open_button.setVisible(lec is None)
        if lec is None:
            self.lecture_title.setText(QCoreApplication.translate("LecturePanel", "No lecture open"))
            self.step_title.setText("")
            self.text.setText(QCoreApplication.translate(
                "LecturePanel", "Lecture → Open the shipped lecture, or open a lecture file."))
            self.equation.hide()
            self.look.setText("")
            self.checks.hide()
            self.prev_button.setEnabled(False)
            self.next_button.setEnabled(False)
            return
        lang = lecture_language()
        step = lec.step(self.index)
        if getattr(self, "_shown_index", None) != (id(lec), self.index):
            self._shown_index = (id(lec), self.index)
            self.scroll.verticalScrollBar().setValue(0)  # a new step starts at its title
        self.lecture_title.setText(lec.get_title(lang))
        self.step_title.setText(QCoreApplication.translate("LecturePanel", "Step {k} / {n}: {title}").format(
            k=self.index + 1, n=len(lec), title=step.get("title", lang)))
        ev = self.evaluation = self._evaluate(step, lang)
        self.text.setText(ev.text)
        eq_text = step.get("equation", lang)
        self.equation.setText(equation_html(eq_text))
        self.equation.setVisible(bool(eq_text))
        self.look.setText(self._look_text(step, ev))
        self._show_checks(step, ev, lang)
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(lec) - 1)

    def _evaluate(self, step: LectureStep, lang: str) -> StepEvaluation:
        """The step's texts filled from the run on screen (placeholders pending without one)."""
        src = self.live_source() if self.live_source is not None else None
        history, last, cfg = src if src is not None else (None, None, None)
        if history is None:
            from gradsim.core.history import History  # an empty run: every value pending
            cfg = step.config()
            history, last = History(cfg.seq_len, rows=2, scalar_rows=2), None
        return evaluate_step(step, history, last, lang, cfg=cfg)

    def refresh_live(self) -> None:
        """Re-evaluate the shown step's claims (the controller calls it, throttled, as data arrives)."""
        if self.lecture is None:
            return
        lang = lecture_language()
        step = self.lecture.step(self.index)
        ev = self._evaluate(step, lang)
        if ev == self.evaluation:
            return
        self.evaluation = ev
        self.text.setText(ev.text)
        self.look.setText(self._look_text(step, ev))
        self._show_checks(step, ev, lang)

    @staticmethod
    def _look_text(step: LectureStep, ev: StepEvaluation) -> str:
        look = QCoreApplication.translate("LecturePanel", "Look at: {what}").format(what=ev.look)
        if step.play and step.stop_at:
            look += " " + QCoreApplication.translate(
                "LecturePanel", "(trains to iteration {n}, then pauses; every number above is measured on this run)"
            ).format(n=step.stop_at)
        return look

    def _show_checks(self, step: LectureStep, ev: StepEvaluation, lang: str) -> None:
        if not ev.results:
            self.checks.hide()
            return
        head = QCoreApplication.translate("LecturePanel", "Claims on this run:")
        lines = [f"<b>{html.escape(head)}</b>"]
        lines += [self._check_line(r, lang) for r in ev.results]
        self.checks.setText("<br>".join(lines))
        self.checks.show()

    @staticmethod
    def _claim_text(r: ExpectationResult, lang: str) -> str:
        e = r.expectation
        if e.say:
            claim = e.say.get(lang) or e.say.get("en", "")
        else:
            parts = []
            if e.above is not None:
                parts.append(f"{e.quantity} > {format_quantity(e.above, '.3')}")
            if e.below is not None:
                parts.append(f"{e.quantity} < {format_quantity(e.below, '.3')}")
            claim = ", ".join(parts)
        if e.at is not None:
            claim += " " + QCoreApplication.translate("LecturePanel", "(at iteration {n})").format(n=e.at)
        elif e.by is not None:
            claim += " " + QCoreApplication.translate("LecturePanel", "(by iteration {n})").format(n=e.by)
        return claim

    def _check_line(self, r: ExpectationResult, lang: str) -> str:
        mark, colour = {"pass": ("✓", "#1a7f37"), "fail": ("✗", "#c62828")}.get(r.state, ("…", "#777777"))
        claim = html.escape(self._claim_text(r, lang))
        if r.value is None:
            measured = QCoreApplication.translate("LecturePanel", "not measured yet")
        else:
            measured = QCoreApplication.translate("LecturePanel", "measured {value} at iteration {n}").format(
                value=format_quantity(r.value, ".3"), n=r.iteration)
        return (f"<span style='color:{colour}; font-weight:bold'>{mark}</span> {claim} "
                f"<span style='color:#555'>({html.escape(measured)})</span>")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.render()
            self.languageChanged.emit()
            # Qt sends LanguageChange while the translator is being installed, before the
            # app records the new language (state, setting): render once more after that.
            QTimer.singleShot(0, self.render)
        super().changeEvent(event)


class LectureController:
    """Owns the dock, the Lecture menu's actions and classroom mode for ``window``."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.lecture: Lecture | None = None
        self.index = 0
        self.panel = LecturePanel()
        self.panel.prev_button.clicked.connect(self.previous)
        self.panel.next_button.clicked.connect(self.next)
        self.panel.open_button.clicked.connect(self.open_shipped_lecture)
        self.dock = QDockWidget(window)
        self.dock.setObjectName("lectureDock")
        self.dock.setWidget(self.panel)
        self.dock.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self._hidden: list[str] = []
        #: The user's choices from before the open lecture (None: no lecture open).
        self.before: UserChoices | None = None
        self.panel.live_source = self._live_source
        # the claims follow the run at a few frames a second, not at every snapshot
        self._live_timer = QTimer(self.panel)
        self._live_timer.setInterval(int(LIVE_SECONDS * 1000))
        self._live_timer.timeout.connect(self._refresh_live)
        self._live_version = -1
        self._build_actions()
        window.actions.presentation.toggled.connect(self._on_presentation)

    # ------------------------------------------------------------ actions & menu
    def _action(self, shortcuts, slot) -> QAction:
        act = QAction(self.w)
        if shortcuts:
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
        act.triggered.connect(lambda _checked=False: slot())
        self.w.addAction(act)  # shortcuts work in full screen too (menu bar hidden)
        return act

    def _build_actions(self) -> None:
        self.open_shipped = self._action(None, self.open_shipped_lecture)
        self.open_file = self._action(None, self.open_lecture_file)
        self.close_action = self._action(["Ctrl+W"], self.w.close_lecture)
        self.close_action.setObjectName("closeLecture")
        self.next_action = self._action(["Ctrl+Right", "PgDown"], self.next)
        self.prev_action = self._action(["Ctrl+Left", "PgUp"], self.previous)
        self.classroom = QAction(self.w)
        self.classroom.setCheckable(True)
        self.classroom.toggled.connect(self.set_classroom)
        self.w.addAction(self.classroom)
        self.show_panel = self.dock.toggleViewAction()
        menu = self.w.menuBar().addMenu("")
        menu.setObjectName("lectureMenu")
        menu.addActions([self.open_shipped, self.open_file, self.close_action])
        menu.addSeparator()
        menu.addActions([self.prev_action, self.next_action])
        menu.addSeparator()
        menu.addActions([self.classroom, self.show_panel])
        # before Help, the conventional last menu
        bar_actions = self.w.menuBar().actions()
        if len(bar_actions) >= 2:
            self.w.menuBar().insertMenu(bar_actions[-2], menu)
        self.menu = menu
        self.retranslate()
        self.panel.languageChanged.connect(self.retranslate)
        self._update_actions()

    def retranslate(self) -> None:
        """(Re)apply the menu's, actions' and dock's texts in the current language."""
        def set_texts(act: QAction, text: str, tip: str) -> None:
            act.setText(text)
            act.setToolTip(tip)
            act.setStatusTip(tip)

        set_texts(self.open_shipped, QCoreApplication.translate("LecturePanel", "Open the &shipped lecture"),
                  QCoreApplication.translate("LecturePanel",
                                             "Step through vanishing → clipping → LSTM and each seed's claim"))
        set_texts(self.open_file, QCoreApplication.translate("LecturePanel", "&Open lecture file…"),
                  QCoreApplication.translate("LecturePanel", "Load your own lecture script (TOML), validated first"))
        set_texts(self.close_action, QCoreApplication.translate("LecturePanel", "&Close lecture"),
                  QCoreApplication.translate("LecturePanel",
                                             "Leave the lecture: the speed, language, colour levels, presentation "
                                             "plots and hidden controls from before it come back (Ctrl+W)"))
        set_texts(self.next_action, QCoreApplication.translate("LecturePanel", "&Next step"),
                  QCoreApplication.translate("LecturePanel", "Next lecture step (Ctrl+Right / PgDown)"))
        set_texts(self.prev_action, QCoreApplication.translate("LecturePanel", "&Previous step"),
                  QCoreApplication.translate("LecturePanel", "Previous lecture step (Ctrl+Left / PgUp)"))
        set_texts(self.classroom, QCoreApplication.translate("LecturePanel", "&Classroom mode"),
                  QCoreApplication.translate("LecturePanel", "Hide the controls the lecture does not need"))
        self.dock.setWindowTitle(QCoreApplication.translate("LecturePanel", "Lecture"))
        self.show_panel.setText(QCoreApplication.translate("LecturePanel", "Show lecture &panel"))
        self.menu.setTitle(QCoreApplication.translate("LecturePanel", "&Lecture"))

    def _update_actions(self) -> None:
        n = len(self.lecture) if self.lecture else 0
        self.prev_action.setEnabled(n > 0 and self.index > 0)
        self.next_action.setEnabled(n > 0 and self.index < n - 1)
        self.close_action.setEnabled(n > 0)

    # ------------------------------------------------------------ opening
    def open_shipped_lecture(self) -> bool:
        files = shipped_lectures()
        entry = files.get(DEFAULT_LECTURE) or next(iter(files.values()), None)
        if entry is None:
            dialogs.show_error(self.w, QCoreApplication.translate("LecturePanel", "Cannot open lecture"),
                               QCoreApplication.translate("LecturePanel", "No lecture is shipped with this install."))
            return False
        return self.open(entry)

    def open_lecture_file(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.w, QCoreApplication.translate("LecturePanel", "Open lecture"), self.w._dir(),
                QCoreApplication.translate("LecturePanel", "Lecture (*.toml);;All (*)"))
            if not path:
                return False
        ok = self.open(path)
        if ok:
            from pathlib import Path
            self.w.settings.setValue("files/last_dir", str(Path(path).parent))
        return ok

    def open(self, source) -> bool:
        """Load a lecture (validated first: a bad file shows why and changes nothing)."""
        try:
            lecture = load_lecture(source)
        except ConfigError as err:
            dialogs.show_error(self.w, QCoreApplication.translate("LecturePanel", "Cannot open lecture"), err)
            return False
        if self.before is None:  # a second lecture over the first: the user's choices stay the first's
            self.before = self._user_choices()
        self.lecture = lecture
        self.panel.lecture = lecture
        self._live_timer.start()
        if not self.dock.isVisible():
            self.dock.show()
            # wide enough to read, narrow enough to leave the plots their room
            self.w.resizeDocks([self.dock], [max(320, self.w.width() // 4)], Qt.Orientation.Horizontal)
        if self.classroom.isChecked():
            self.set_classroom(True)  # the new lecture's own list
        self.go(0)
        return True

    # ------------------------------------------------------------ stepping
    def next(self) -> None:
        if self.lecture and self.index < len(self.lecture) - 1:
            self.go(self.index + 1)

    def previous(self) -> None:
        if self.lecture and self.index > 0:
            self.go(self.index - 1)

    def go(self, index: int) -> None:
        """Open step ``index``: its config on the existing worker, its view, play if asked."""
        lec = self.lecture
        if lec is None:
            return
        index = max(0, min(index, len(lec) - 1))
        step = lec.step(index)
        cfg = step.config()
        s = self.w.session
        if not s.check_fits(cfg):
            return  # the banner says why (estimate, available); the lecture stays where it was
        self.index = index
        s.pause()
        self.w.source = None
        s.preset = step.preset if not step.overrides else None
        s.set_config(cfg, reset=True)
        if step.view:
            box = self.w.plots.view_box
            i = box.findData(step.view)
            if i >= 0:
                box.setCurrentIndex(i)
        if step.delay is not None:
            self.w.actions.set_speed(step.delay)  # the slider shows it; the lecturer may change it
        before = self.before
        if step.levels == LEVELS_DATA:
            self.w.plots.set_fixed_levels(None)
        elif step.levels is not None:
            self.w.plots.set_fixed_levels(step.levels)
        elif before is not None:
            self._restore_levels(before)
        self.w.set_presentation_plots(step.plots if step.plots is not None
                                      else before.presentation_plots if before is not None else None)
        if step.play:
            s.play(until=step.stop_at or 0)
        self.w._update_title()
        self.panel.index = self.index
        self.panel.render()
        self._update_actions()
        self.w.show_message(QCoreApplication.translate("LecturePanel", "Lecture step {k} / {n}: {title}").format(
            k=self.index + 1, n=len(lec), title=step.get("title", lecture_language())))

    # ------------------------------------------------------------ closing
    def _user_choices(self) -> UserChoices:
        p = self.w.plots
        return UserChoices(language=current_language(), classroom=self.classroom.isChecked(), view=p.view,
                           levels=p.prefs()["levels"], level_fields=(p.lo_spin.value(), p.hi_spin.value()),
                           presentation_plots=self.w.presentation_plots)

    def _restore_levels(self, before: UserChoices) -> None:
        plots = self.w.plots
        plots.set_fixed_levels(before.levels or before.level_fields)  # the fields' values, even when not fixed
        if before.levels is None:
            plots.set_fixed_levels(None)

    def user_prefs(self, prefs: dict) -> dict:
        """The plots panel's ``prefs`` with the user's view and colour levels, not an open
        lecture's (what the window saves for the next launch)."""
        before = self.before
        if self.lecture is None or before is None:
            return prefs
        return {**prefs, "view": before.view, "levels": before.levels}

    def close(self) -> None:
        """Leave the lecture: the panel empties and hides; the language, view, colour levels,
        presentation plots and hidden controls from before it come back (the window's
        :meth:`~gradsim.app.window.MainWindow.close_lecture` restores the speed too)."""
        before, self.before = self.before, None
        self.lecture = None
        self.panel.lecture = None
        self._live_timer.stop()
        self.panel.render()
        self.dock.hide()
        self._update_actions()
        if before is None:
            return
        self.set_classroom(before.classroom)  # the list of hidden controls without the lecture
        i = self.w.plots.view_box.findData(before.view)
        if i >= 0:
            self.w.plots.view_box.setCurrentIndex(i)
        self._restore_levels(before)
        self.w.set_presentation_plots(before.presentation_plots)
        if current_language() != before.language:
            self.w.set_language(before.language, remember=False)

    # ------------------------------------------------------------ live claims
    def _live_source(self):
        """The run on screen, if it is the shown step's (same config at its start), else None."""
        lec, s = self.lecture, self.w.session
        if lec is None or s.run_info is None or s.run_info.config != lec.step(self.index).config():
            return None
        return s.history, s.last, s.run_config

    def _refresh_live(self) -> None:
        s = self.w.session
        version = (id(s.run_info), s.data_version)
        if version != self._live_version and self.dock.isVisible():
            self._live_version = version
            self.panel.refresh_live()

    # ------------------------------------------------------------ classroom mode
    def hidden_fields(self) -> tuple[str, ...]:
        return self.lecture.hide if self.lecture and self.lecture.hide else DEFAULT_HIDDEN

    def set_classroom(self, on: bool) -> None:
        """Hide the lecture's listed controls (on) or show every control again (off)."""
        if self.classroom.isChecked() != on:
            self.classroom.setChecked(on)  # re-enters through toggled
            return
        self._show_rows(self._hidden, True)
        self._hidden = list(self.hidden_fields()) if on else []
        self._show_rows(self._hidden, False)

    def _show_rows(self, names, visible: bool) -> None:
        controls = self.w.controls
        touched = set()
        for name in names:
            editor = controls.editors.get(name)
            if editor is None:
                continue
            box = editor.parentWidget()
            form = box.layout() if box is not None else None
            if isinstance(form, QFormLayout):
                form.setRowVisible(editor, visible)
                touched.add(box)
            else:
                editor.setVisible(visible)
                controls.labels[name].setVisible(visible)
        # a group whose every row is hidden would leave an empty frame
        for box in touched:
            form = box.layout()
            any_row = any(form.isRowVisible(r) for r in range(form.rowCount()))
            box.setVisible(any_row)

    # ------------------------------------------------------------ presentation
    def _on_presentation(self, on: bool) -> None:
        from gradsim.app.presentation import presentation_scale
        self.panel.set_scale(presentation_scale(self.panel) if on else 1.0)


def install_lecture(window: MainWindow) -> LectureController:
    """Add the lecture dock and the Lecture menu to ``window``."""
    return LectureController(window)
