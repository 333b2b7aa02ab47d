"""Controls built from the config's metadata: typing, validation, reset fields, shortcuts."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QCheckBox, QComboBox  # noqa: E402

from gradsim.config import FIELD_GROUPS, RESET_FIELDS, field_specs  # noqa: E402
from gradsim.app.controls import NumberEdit  # noqa: E402


def _type(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_every_field_has_a_control_from_its_metadata(make_window):
    w = make_window()
    panel = w.controls
    grouped = [n for names in FIELD_GROUPS.values() for n in names]
    assert set(panel.editors) == set(grouped)
    for name, spec in field_specs().items():
        if name not in panel.editors:
            continue
        editor = panel.editors[name]
        kind = {"choice": QComboBox, "bool": QCheckBox}.get(spec.kind, NumberEdit)
        assert isinstance(editor, kind), name
        assert spec.description in editor.toolTip()
        if spec.kind == "choice":
            assert [editor.itemText(i) for i in range(editor.count())] == list(spec.choices)
        marked = "↻" in panel.labels[name].text()
        assert marked == (name in RESET_FIELDS), name


@pytest.mark.parametrize("text, value", [("1e-4", 1e-4), ("0.0001", 1e-4), ("0,0001", 1e-4), ("3E-5", 3e-5)])
def test_lr_accepts_what_people_type(qtbot, make_window, text, value):
    w = make_window()
    edit = w.controls.editors["lr"]
    _type(qtbot, edit, text)
    assert w.session.config.lr == value
    assert not edit.property("invalid")
    assert float(edit.text()) == value  # shown unrounded


@pytest.mark.parametrize("text, why", [("abc", "lr = 'abc'"), ("20", "≤ 10"), ("0", "> 0"), ("-1e-3", "> 0")])
def test_bad_numbers_are_rejected_with_a_message_and_change_nothing(qtbot, make_window, text, why):
    w = make_window()
    before = w.session.config
    edit = w.controls.editors["lr"]
    _type(qtbot, edit, text)
    assert w.session.config == before
    assert edit.property("invalid") and "d62728" in edit.styleSheet()
    msg = w.statusBar().currentMessage()
    assert "lr" in msg and why in msg
    qtbot.keyClick(edit, Qt.Key.Key_Escape)  # Esc restores the value in force
    assert float(edit.text()) == before.lr and not edit.property("invalid")


def test_focus_out_applies_and_a_cross_field_error_is_shown(qtbot, make_window):
    w = make_window()
    edit = w.controls.editors["tbptt"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "500")
    assert w.session.config.tbptt == 0  # not on every keystroke
    w.controls.editors["lr"].setFocus()  # focus-out applies (here: refuses)
    qtbot.waitUntil(lambda: bool(edit.property("invalid")), timeout=2000)
    assert "tbptt" in w.statusBar().currentMessage() and w.session.config.tbptt == 0
    _type(qtbot, edit, "5")
    assert w.session.config.tbptt == 5 and not edit.property("invalid")


def test_reset_fields_are_marked_pending_until_reset(qtbot, make_window, ready):
    w = make_window()
    ready(qtbot, w.session)
    _type(qtbot, w.controls.editors["hidden_size"], "8")
    assert w.controls.labels["hidden_size"].property("pending")
    assert "1 pending" in w.actions.reset.text()
    assert "on reset" in w.statusBar().currentMessage()
    with qtbot.waitSignal(w.session.runStarted, timeout=5000):
        w.actions.reset.trigger()
    assert not w.controls.labels["hidden_size"].property("pending")
    assert w.session.run_config.hidden_size == 8


def test_choices_and_checkboxes_apply_at_once(qtbot, make_window):
    w = make_window()
    box = w.controls.editors["optimizer"]
    box.setCurrentText("sgd")
    box.activated.emit(box.currentIndex())
    assert w.session.config.optimizer == "sgd"
    check = w.controls.editors["grad_normalize"]
    check.click()  # what a mouse click on the box does
    assert w.session.config.grad_normalize is True


def test_typing_digits_does_not_trigger_preset_shortcuts(qtbot, make_window):
    w = make_window()
    preset = w.session.preset
    _type(qtbot, w.controls.editors["seed"], "12")
    assert w.session.config.seed == 12 and w.session.preset == preset


def test_preset_shortcut_keys_switch_presets(qtbot, make_window):
    from gradsim.content.presets import list_presets

    w = make_window()
    w.plots.setFocus()
    second = list(list_presets())[1]
    qtbot.keyClick(w, Qt.Key.Key_2)
    assert w.session.preset == second
    assert w.session.config == list_presets()[second].config
    assert second in w.windowTitle()
