"""简体中文 and English: the translation files are complete and current, and the window
switches language at run time (menus, controls, tooltips, status, validation messages)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import importlib.util  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QDockWidget, QGroupBox, QLabel, QMenu, QPushButton  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "gradsim_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent
CJK = re.compile(r"[\u4e00-\u9fff]")

#: Texts that stay as they are in Chinese: technical tokens, symbols, key names, names.
ALLOWED = {
    "lr", "rnn", "lstm", "gru", "tanh", "sigmoid", "relu", "leaky_relu", "identity", "sgd", "adam",
    "rmsprop", "momentum", "cpu", "cuda", "auto", "float32", "float64", "xavier", "orthogonal",
    "tbptt", "bptt", "seed", "gradsim", "English", "PNG", "SVG", "PDF", "CSV", "HTML", "GIF", "MP4", "TOML",
    "W_hh", "W_ih", "beta1", "beta2", "toy3", "R", "S", "Ctrl", "F1", "F11", "Space", "Esc", "log10", "max",
    "sigma_max", "σ_max", "x", "t", "T", "k", "N", "H",
}


def _tool(name: str) -> str:
    exe = BIN / name
    return str(exe) if exe.exists() else name


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    out = {}
    for ctx in root.iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            out[(name, msg.findtext("source"))] = msg
    return out


def _tools_module():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "tools" / "update_translations.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------ the files
def test_every_message_is_translated():
    msgs = _messages(TS)
    assert len(msgs) > 100
    bad = [src for (_ctx, src), m in msgs.items()
           if m.find("translation") is None or m.find("translation").get("type") in ("unfinished", "obsolete",
                                                                                      "vanished")
           or not (m.findtext("translation") or "").strip()]
    assert not bad, f"{len(bad)} untranslated message(s), e.g. {bad[:5]}"


def test_lupdate_finds_no_message_the_ts_lacks(tmp_path):
    """A new tr() string anywhere in gradsim/app fails here until it is translated."""
    mod = _tools_module()
    fresh = tmp_path / "fresh.ts"
    mod.lupdate(fresh)
    missing = sorted(set(_messages(fresh)) - set(_messages(TS)))
    assert not missing, f"not in {TS.name} (run tools/update_translations.py and translate): {missing[:8]}"


def test_no_translation_call_lupdate_cannot_see():
    """lupdate reads only tr(), translate() and the QT_*_NOOP macros: a helper such as
    ``_tr("Next")`` hides its literal from it, so the text would never be translated."""
    hidden = []
    for path in sorted((ROOT / "gradsim" / "app").glob("*.py")):
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if re.search(r"(?<![\w.])_\w*tr\(\s*f?[\"']", line):
                hidden.append(f"{path.name}:{n}: {line.strip()}")
    assert not hidden, ("use self.tr(\"...\") or QCoreApplication.translate(\"Context\", \"...\"): "
                        + "; ".join(hidden[:8]))


def test_config_strings_are_in_sync_with_field_specs():
    from gradsim.app import config_strings
    from gradsim.config import FIELD_GROUPS, field_specs

    mod = _tools_module()
    assert (ROOT / "gradsim" / "app" / "config_strings.py").read_text("utf-8") == mod.config_strings_source(), \
        "gradsim/app/config_strings.py is stale: run tools/update_translations.py"
    listed = set(config_strings.CONFIG_STRINGS)
    for spec in field_specs().values():
        assert spec.description in listed and spec.name.replace("_", " ") in listed
        assert set(spec.choices) <= listed
    assert set(FIELD_GROUPS) <= listed


def test_view_titles_match_the_core():
    from gradsim.app.plots_panel import VIEW_TITLE_TEXTS
    from gradsim.figures.run import HEATMAP_VIEW_TITLES

    assert VIEW_TITLE_TEXTS == list(HEATMAP_VIEW_TITLES.values())


def test_qm_is_compiled_from_the_current_ts(tmp_path):
    out = tmp_path / "check.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == QM.read_bytes(), "stale .qm: run tools/update_translations.py"


# ------------------------------------------------------------------ switching
def _zh(qtbot, w) -> None:
    from gradsim.app.i18n import set_language

    assert set_language("zh")
    QApplication.processEvents()


def _menu_titles(w) -> list[str]:
    return [a.text() for a in w.menuBar().actions()]


def test_switching_language_at_run_time(qtbot, make_window):
    from gradsim.app.i18n import set_language

    w = make_window()
    en_menus = _menu_titles(w)
    assert "&File" in en_menus
    lr_label = w.controls.labels["lr"]
    assert lr_label.text() == "lr"
    label = w.controls.labels["hidden_size"]
    tip = w.controls.editors["lr"].toolTip()
    assert "learning rate" in tip
    state = w.state_label.text()
    w.actions.language_actions["zh"].trigger()
    QApplication.processEvents()
    assert w.settings.value("ui/language") == "zh"
    zh_menus = _menu_titles(w)
    assert all(CJK.search(t) for t in zh_menus), zh_menus
    assert CJK.search(label.text())
    assert "学习率" in w.controls.editors["lr"].toolTip()
    assert CJK.search(w.state_label.text()) and w.state_label.text() != state
    assert w.actions.language_actions["zh"].isChecked()
    legend = [label.text for _sample, label in w.plots.loss.plotItem.legend.items]
    assert "损失" in legend, legend
    w.actions.language_actions["en"].trigger()
    QApplication.processEvents()
    assert _menu_titles(w) == en_menus
    assert label.text().startswith("hidden size") and w.state_label.text() == state
    assert w.settings.value("ui/language") == "en"
    assert "learning rate" in w.controls.editors["lr"].toolTip()
    set_language("en")


def test_invalid_value_says_why_in_chinese(qtbot, make_window):
    w = make_window()
    _zh(qtbot, w)
    before = w.session.config.lr
    edit = w.controls.editors["lr"]
    for text in ("abc", "100"):
        edit.setText(text)
        edit.editingFinished.emit()
        msg = w.statusBar().currentMessage()
        assert CJK.search(msg) and "must be" not in msg, msg
        assert "学习率" in edit.toolTip()
    assert w.session.config.lr == before  # both refused: nothing changed


def _ascii_words(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", text.replace("&", ""))
    if CJK.search(text):
        return []
    return [t for t in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text) if t not in ALLOWED]


def _inside_plot(obj) -> bool:
    """pyqtgraph's own context menus (Export..., View All) carry pyqtgraph's texts, not ours."""
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    while obj is not None:
        if isinstance(obj, (QGraphicsScene, QGraphicsView)):
            return True
        obj = obj.parent()
    return False


def test_no_english_left_in_chinese_mode(qtbot, make_window):
    from gradsim.content.presets import list_presets

    w = make_window()
    _zh(qtbot, w)
    presets = set(list_presets())
    found = []
    texts = [(a, a.text()) for a in w.findChildren(type(w.actions.play))]
    texts += [(m, m.title()) for m in w.findChildren(QMenu)]
    texts += [(b, b.title()) for b in w.findChildren(QGroupBox)]
    texts += [(d, d.windowTitle()) for d in w.findChildren(QDockWidget)]
    texts += [(x, x.text()) for x in w.findChildren(QLabel) + w.findChildren(QPushButton)]
    for obj, text in texts:
        if _inside_plot(obj):
            continue
        words = [t for t in _ascii_words(text) if not any(t in p.split("-") or t == p for p in presets)]
        if words and not any(p in text for p in presets):
            found.append((type(obj).__name__, obj.objectName(), text))
    assert not found, f"{len(found)} untranslated text(s): {found[:10]}"


def test_config_errors_are_rebuilt_in_chinese(qapp):
    from gradsim.app.i18n import set_language, translate_config_error
    from gradsim.config import ConfigError, RunConfig, parse_value

    messages = []
    for make in (lambda: parse_value("lr", "abc"), lambda: RunConfig().replace(tbptt=50, seq_len=10),
                 lambda: RunConfig().replace(norm="batch", batch_size=1), lambda: RunConfig().replace(task="x")):
        try:
            make()
        except ConfigError as err:
            messages.append(err)
    assert len(messages) == 4
    assert translate_config_error(messages[0]) == str(messages[0])  # English: the core's own text
    assert [m.field for m in messages] == ["lr", "tbptt", "norm", "task"]
    assert set_language("zh")
    try:
        zh = [translate_config_error(m) for m in messages]
    finally:
        set_language("en")
    assert zh[0].startswith("lr = 'abc':必须是") and "学习率" in zh[0]
    assert zh[1] == "tbptt = 50:必须为 0,或在 1 到 seq_len (10) 之间"
    assert "批统计量" in zh[2]
    assert "以下之一" in zh[3] and "sine" in zh[3]


def test_lang_option_and_saved_choice(qapp, tmp_path):
    from PySide6.QtCore import QSettings

    from gradsim.app.i18n import SETTINGS_KEY, saved_language
    from gradsim.app.launch import build_parser

    assert build_parser().parse_args(["--lang", "zh"]).lang == "zh"
    assert build_parser().parse_args([]).lang is None
    st = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert saved_language(st) == "en"
    st.setValue(SETTINGS_KEY, "zh")
    assert saved_language(st) == "zh"
    st.setValue(SETTINGS_KEY, "klingon")
    assert saved_language(st) == "en"


# Modules whose errors the app shows (sweep and sweep_plot: Analysis → Sweep… opens sweep folders).
_ERROR_SOURCES = ["gradsim/config.py", "gradsim/fileio.py", "gradsim/content", "gradsim/core", "gradsim/figures",
                  "gradsim/media", "gradsim/runs/lockstep.py", "gradsim/runs/folder.py", "gradsim/runs/sweep.py",
                  "gradsim/runs/sweep_plot.py"]


def _message_templates(formatted: list[str] | None = None) -> set[str]:
    """Every literal template the core builds an error message from (Message(...),
    ConfigError(...), a reason passed to a writer's error), found in its source.
    ``formatted`` collects ``file:line`` of each template built at run time (an f-string, a
    ``%`` or ``.format`` call, a ``+``), which no table can list."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = []
    for src in _ERROR_SOURCES:
        p = root / src
        files += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    found = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("Message", "ConfigError", "Reason", "within") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
                built = isinstance(first, (ast.JoinedStr, ast.BinOp)) or (
                    isinstance(first, ast.Call) and getattr(first.func, "attr", None) == "format")
                if built and formatted is not None:
                    formatted.append(f"{f.relative_to(root)}:{node.lineno}")
            if name in ("_error", "ExportError", "write_error", "WriteError") and len(node.args) >= 2:
                reason = node.args[1]
                if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
                    found.add(reason.value)
    return found


def test_every_error_template_of_the_core_is_listed_for_translation(qapp):
    from gradsim.app.i18n import ERROR_TEXTS
    from gradsim.config import _READ_TEMPLATES
    from gradsim.fileio import WRITE_TEMPLATES

    templates = _message_templates() | set(WRITE_TEMPLATES.values()) | {t for p in _READ_TEMPLATES.values() for t in p}
    assert "%1 = %2: must be %3 (%4)" in templates and "is a folder" in templates  # the scan finds them
    templates.discard("%1")  # a whole Reason as the message: the reason is what is translated
    assert sorted(templates - set(ERROR_TEXTS)) == []


def test_no_error_template_is_built_at_run_time():
    """An f-string template (``ConfigError(f"{name}: unknown")``) holds its arguments in its
    text: the app could never find it in the table, so the error would stay English."""
    formatted: list[str] = []
    _message_templates(formatted)
    assert formatted == [], "give the template with %1…%n and its args: " + ", ".join(formatted)


def test_every_listed_error_text_has_a_chinese_translation(qapp):
    from gradsim.app.i18n import ERROR_TEXTS, set_language

    assert set_language("zh")
    try:
        untranslated = [t for t in ERROR_TEXTS if QCoreApplication.translate("Errors", t) == t]
    finally:
        set_language("en")
    assert untranslated == []
