"""Controls for every RunConfig field, built from the config's own metadata.

Groups, order, ranges, defaults and help texts come from :func:`gradsim.config.field_specs`
and :data:`gradsim.config.FIELD_GROUPS`, so the app can never disagree with the CLI.
Numbers are typed into line edits and parsed by :func:`gradsim.config.parse_value`:
``1e-4``, ``0.0001`` and ``0,0001`` all work in any locale, and nothing is rounded
(a stock QDoubleSpinBox has 2 decimals and would turn a learning rate of 1e-4 into 0).
Edits apply on Enter or focus-out; an invalid value turns the field red, says why in
the status bar and changes nothing. Enter (once accepted) and Escape (which reverts) give
the keyboard back to the plots, so the run shortcuts work again at once. Fields that change the model's shape are marked
"↻ applies on reset" and are applied by Reset.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget,
)

from gradsim.config import FIELD_GROUPS, ConfigError, FieldSpec, RunConfig, field_specs, parse_value
from gradsim.app.i18n import (
    choice_label, describe_range, field_description, field_label, tr_config, translate_config_error,
)
from gradsim.app.session import Session

__all__ = ["ConfigPanel", "NumberEdit", "format_value"]

RESET_MARK = " ↻"
ERROR_STYLE = "QLineEdit { border: 2px solid #d62728; background: #fff0f0; }"


def format_value(spec: FieldSpec, value: Any) -> str:
    """The text a field shows: shortest round-trip repr for floats, never rounded."""
    if value is None:
        return "none"
    if spec.kind == "float":
        return repr(float(value))
    if spec.kind == "bool":
        return "true" if value else "false"
    return str(value)


def _tooltip(spec: FieldSpec) -> str:
    """The field's help in the current language (name, description, range, default, when)."""
    translate = QCoreApplication.translate
    lines = [f"<b>{spec.name}</b>: {field_description(spec)}",
             translate("ConfigPanel", "allowed: %1").replace("%1", describe_range(spec)),
             translate("ConfigPanel", "default: %1").replace("%1", format_value(spec, spec.default))]
    if spec.requires_reset:
        lines.append("<i>" + translate(
            "ConfigPanel", "↻ applies on reset (changes the model's shape, its initial weights or the data)") + "</i>")
    else:
        lines.append("<i>" + translate("ConfigPanel", "applies at the next step") + "</i>")
    return "<br>".join(lines)


class NumberEdit(QLineEdit):
    """A number typed as text; emits ``submitted(text)`` on Enter / focus-out if edited.

    Escape restores the current value. ``left()`` follows an Enter whose value was
    accepted and every Escape: the field is done with, and the window gives the keyboard
    back to the plots, so that Space / S / R are shortcuts again rather than text.
    """

    submitted = Signal(str)
    left = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._shown = ""
        self._error: ConfigError | None = None  # the core's error; shown in the current language
        self.setObjectName(f"field_{spec.name}")
        self.editingFinished.connect(self._finish)

    def show_value(self, value: Any) -> None:
        self._shown = format_value(self.spec, value)
        self.setText(self._shown)
        self.set_error(None)

    def set_error(self, message: ConfigError | None) -> None:
        self._error = message
        self.setStyleSheet(ERROR_STYLE if message else "")
        self.setProperty("invalid", bool(message))
        self.retranslate()

    def retranslate(self) -> None:
        base = _tooltip(self.spec)
        message = translate_config_error(self._error) if self._error else None
        self.setToolTip(f"<span style='color:#d62728'>{message}</span><br>{base}" if message else base)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _finish(self) -> None:
        if self.text().strip() != self._shown or self.property("invalid"):
            self.submitted.emit(self.text())

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape:
            self.setText(self._shown)
            self.set_error(None)
            self.left.emit()
            return
        super().keyPressEvent(event)  # Enter: editingFinished -> submitted, handled at once
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.property("invalid"):
            self.left.emit()  # a refused value keeps the focus, to be corrected


class ConfigPanel(QScrollArea):
    """One group box per FIELD_GROUPS entry; talks only to the session.

    Signals
    -------
    message(str)
        A human message for the status bar (errors and confirmations).
    editingDone()
        A value was committed with Enter, a field left with Escape, or a choice / check
        box applied: the window hands the keyboard back to the plots.
    """

    message = Signal(str)
    editingDone = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.specs = field_specs()
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.groups: dict[str, QGroupBox] = {}
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(4, 4, 4, 4)
        for group, names in FIELD_GROUPS.items():
            box = QGroupBox(tr_config(group))
            self.groups[group] = box
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setContentsMargins(6, 4, 6, 4)
            form.setVerticalSpacing(3)
            for name in names:
                spec = self.specs[name]
                label = QLabel()
                editor = self._make_editor(spec)
                label.setBuddy(editor)
                form.addRow(label, editor)
                self.editors[name] = editor
                self.labels[name] = label
            if group == "Task":
                # what the csv task read from its file (rows, columns, what was left out)
                self.data_info = QLabel()
                self.data_info.setObjectName("dataInfo")
                self.data_info.setWordWrap(True)
                self.data_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.data_info.hide()
                form.addRow(self.data_info)
            column.addWidget(box)
        self.hint = QLabel()
        self.hint.setObjectName("resetHint")
        column.addWidget(self.hint)
        self.retranslate()
        column.addStretch(1)
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(inner.sizeHint().width() + 24)
        session.configChanged.connect(self.show_config)
        session.pendingChanged.connect(self.show_pending)
        self._data: Any = None
        session.runStarted.connect(lambda info: self.show_data(getattr(info, "data", None)))
        session.runCleared.connect(lambda: self.show_data(None))
        self.show_config(session.config)
        self.show_pending(session.pending_reset)

    # ------------------------------------------------------------ building
    def _make_editor(self, spec: FieldSpec) -> QWidget:
        name = spec.name
        if spec.kind == "choice":
            box = QComboBox()
            box.setObjectName(f"field_{name}")
            for choice in spec.choices:  # shown translated, the value is the item's data
                box.addItem(choice_label(choice), choice)
            box.activated.connect(lambda _i, n=name, b=box: self._submit(n, b.currentData()))
            box.activated.connect(lambda _i: self.editingDone.emit())
            return box
        if spec.kind == "bool":
            check = QCheckBox()
            check.setObjectName(f"field_{name}")
            check.clicked.connect(lambda on, n=name: self._submit(n, on))
            check.clicked.connect(lambda _on: self.editingDone.emit())
            return check
        edit = NumberEdit(spec)
        edit.submitted.connect(lambda text, n=name: self._submit_text(n, text))
        edit.left.connect(self.editingDone.emit)
        return edit

    # ------------------------------------------------------------ applying
    def _submit_text(self, name: str, text: str) -> None:
        try:
            value = parse_value(name, text)
        except ConfigError as err:
            self._reject(name, err)
            return
        self._submit(name, value)

    def _submit(self, name: str, value: Any) -> None:
        if value == getattr(self.session.config, name):
            editor = self.editors[name]
            if isinstance(editor, NumberEdit):
                editor.show_value(value)
            return
        try:
            self.session.set_field(name, value)
        except ConfigError as err:
            self._reject(name, err)
            return
        spec = self.specs[name]
        text = (self.tr("%1 = %2: applies on reset (R)") if spec.requires_reset
                else self.tr("%1 = %2: applies at the next step"))
        self.message.emit(text.replace("%2", format_value(spec, value)).replace("%1", name))

    def _reject(self, name: str, message: ConfigError) -> None:
        """Show why; the session and the other controls stay as they were."""
        editor = self.editors[name]
        if isinstance(editor, NumberEdit):
            editor.set_error(message)
        else:  # a choice/bool that the cross-field checks refuse: show the current value again
            self._show_one(name, getattr(self.session.config, name))
        self.message.emit(self.tr("Not applied: %1").replace("%1", translate_config_error(message)))

    # ------------------------------------------------------------ showing
    def show_config(self, cfg: RunConfig) -> None:
        for name in self.editors:
            self._show_one(name, getattr(cfg, name))
        self._enable_dependents(cfg)

    def _show_one(self, name: str, value: Any) -> None:
        editor = self.editors[name]
        editor.blockSignals(True)
        try:
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(editor.findData(str(value)))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            else:
                editor.show_value(value)
        finally:
            editor.blockSignals(False)

    def _enable_dependents(self, cfg: RunConfig) -> None:
        """Grey out fields the current choices ignore (they stay editable for later)."""
        hints = {
            "activation": cfg.cell == "rnn",
            "leaky_slope": cfg.cell == "rnn" and cfg.activation == "leaky_relu",
            "init_std": cfg.init == "normal",
            "clip_threshold": cfg.clip != "none",
            "n_classes": cfg.task == "recall",
            "momentum": cfg.optimizer in ("momentum", "rmsprop"),
            "beta1": cfg.optimizer == "adam",
            "beta2": cfg.optimizer == "adam",
            **{name: cfg.task == "csv" for name in ("csv_path", "csv_columns", "csv_target", "csv_horizon",
                                                    "csv_normalize")},
        }
        for name, used in hints.items():
            self.labels[name].setEnabled(used)

    def show_data(self, data: Any) -> None:
        """Show the line a run's task gives on the data it read (None: hide it)."""
        self._data = data
        self.data_info.setVisible(data is not None)
        self.data_info.setText("" if data is None else self.tr("Read %1").replace("%1", translate_config_error(data)))

    # ------------------------------------------------------------ language
    def retranslate(self) -> None:
        """Group titles, labels, tooltips and choices in the current language."""
        for group, box in self.groups.items():
            box.setTitle(tr_config(group))
        for name, label in self.labels.items():
            spec = self.specs[name]
            label.setText(field_label(spec) + (RESET_MARK if spec.requires_reset else ""))
            label.setToolTip(_tooltip(spec))
            editor = self.editors[name]
            if isinstance(editor, NumberEdit):
                editor.retranslate()
            else:
                editor.setToolTip(_tooltip(spec))
            if isinstance(editor, QComboBox):
                for i in range(editor.count()):
                    editor.setItemText(i, choice_label(editor.itemData(i)))
        self.hint.setText(self.tr("↻ applies on reset (R)"))
        if hasattr(self, "_data"):
            self.show_data(self._data)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_pending(self, pending) -> None:
        pending = set(pending or ())
        for name, label in self.labels.items():
            label.setProperty("pending", name in pending)
            label.setStyleSheet("color: #c05000; font-weight: bold;" if name in pending else "")
