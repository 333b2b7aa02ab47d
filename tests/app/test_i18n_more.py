"""简体中文 beyond the main window's own texts: the analysis windows switching at run time,
the core's and the OS's error messages, the theory badge's hover text, the parameter
legend, and pyqtgraph's own right-click menus."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QPushButton  # noqa: E402

from gradsim.config import RunConfig  # noqa: E402

from app_configs import SMALL  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh(qapp):
    from gradsim.app.i18n import set_language

    assert set_language("zh")
    QApplication.processEvents()
    yield
    set_language("en")
    QApplication.processEvents()


def _switch(lang: str) -> None:
    from gradsim.app.i18n import set_language

    assert set_language(lang)
    QApplication.processEvents()


def _axis_texts(plot_item) -> tuple[str, str, str]:
    return (plot_item.getAxis("bottom").labelText, plot_item.getAxis("left").labelText, plot_item.titleLabel.text)


def _legend_texts(legend) -> list[str]:
    return [label.text for _sample, label in legend.items]


# ------------------------------------------------------------------ analysis windows
def test_cliff_window_switches_language_at_run_time(qtbot):
    from gradsim.app.cliff_window import CliffWindow

    win = CliffWindow(surface_n=40)
    qtbot.addWidget(win)
    for _ in range(12):  # far enough for the unclipped path to leave the frame
        win.step()
    en_axes = _axis_texts(win.plot.plot_item)
    en_legend = _legend_texts(win.plot.legend)
    assert en_axes[0] == "w (recurrent weight)" and "Error surface" in en_axes[2]
    assert any("thrown to w =" in t for t in en_legend), en_legend
    assert win.step_button.text() == "Step"
    _switch("zh")
    try:
        zh_axes = _axis_texts(win.plot.plot_item)
        assert all(CJK.search(t) for t in zh_axes), zh_axes
        legend = _legend_texts(win.plot.legend)
        assert legend and all(CJK.search(t) for t in legend), legend
        thrown = next(t for t in legend if "w =" in t)  # the numbers survive the translation
        assert thrown.split("w =")[1] == next(t for t in en_legend if "w =" in t).split("w =")[1]
        for widget in win.findChildren(QPushButton) + [win.explain, win.lr_label.parent().findChild(QLabel)]:
            text = widget.text()
            assert not text or CJK.search(text) or text in ("lr",), text
        assert CJK.search(win.windowTitle()) and CJK.search(win.status.text())
    finally:
        _switch("en")
    assert _axis_texts(win.plot.plot_item) == en_axes
    assert _legend_texts(win.plot.legend) == en_legend
    assert win.step_button.text() == "Step"
    win.close()


def test_compare_window_switches_language_at_run_time(qtbot):
    from gradsim.app.compare_window import CompareWindow

    cfg = RunConfig(**SMALL)
    win = CompareWindow(cfg, cfg.replace(clip="norm"), steps=4)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.stopped, timeout=20000):
        pass
    win.redraw()
    fig = win.figure
    en = [_axis_texts(fig.loss.plotItem)] + [_axis_texts(h.plot_item) for h in fig.heatmaps]
    en_bar = fig.heatmaps[0].color_bar.getAxis("left").labelText
    assert en[0][:2] == ("iteration", "loss") and en[1][0] == "time step t"
    _switch("zh")
    try:
        loss = _axis_texts(fig.loss.plotItem)
        assert all(CJK.search(t) for t in loss), loss
        for h, label in zip(fig.heatmaps, win.labels):
            x, y, title = _axis_texts(h.plot_item)
            assert CJK.search(x) and CJK.search(y) and title == label  # the title names the run (B: clip=norm)
            assert CJK.search(h.color_bar.getAxis("left").labelText)
            assert CJK.search(h._zero_text), h._zero_text  # the key of the grey patch said "exact 0"
        assert CJK.search(win.windowTitle()) and CJK.search(win.export_button.text())
        assert CJK.search(win.status.text()) and CJK.search(fig.title.text())
    finally:
        _switch("en")
    assert [_axis_texts(fig.loss.plotItem)] + [_axis_texts(h.plot_item) for h in fig.heatmaps] == en
    assert fig.heatmaps[0].color_bar.getAxis("left").labelText == en_bar
    win.close()


def test_compare_dialog_error_in_chinese(qtbot, zh):
    from gradsim.app.compare_window import CompareDialog

    dlg = CompareDialog(RunConfig(**SMALL))
    qtbot.addWidget(dlg)
    dlg.edit.setText("lr=abc")
    assert dlg.validate() is None
    assert CJK.search(dlg.error.text()) and "must be" not in dlg.error.text(), dlg.error.text()


# ------------------------------------------------------------------ error messages
def _core_errors(tmp_path: Path) -> dict[str, BaseException]:
    """Real errors of the core, one per shape the app can show."""
    from gradsim.config import ConfigError, load_config, save_config
    from gradsim.content.lecture import load_lecture
    from gradsim.runs.folder import check_writable_dir

    out = {}
    bad = tmp_path / "bad.toml"
    bad.write_text("lr = 500.0\n")
    missing = tmp_path / "nope" / "x.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text("lr = = 1\n")
    lecture = tmp_path / "lecture.toml"
    lecture.write_text('title = {en = "x", zh = "x"}\n[[step]]\npreset = "vanishing"\n'
                       'title = {en = "a", zh = "a"}\ntext = {en = "a", zh = "a"}\nlook = {en = "a", zh = "a"}\n'
                       'set = {lr = "abc"}\n')
    no_steps = tmp_path / "empty.toml"
    no_steps.write_text('title = {en = "x", zh = "x"}\n')
    cases = {
        "value in a config file": lambda: load_config(bad),
        "missing config file": lambda: load_config(missing),
        "broken TOML": lambda: load_config(broken),
        "bad lecture step": lambda: load_lecture(lecture),
        "lecture without steps": lambda: load_lecture(no_steps),
        "missing lecture": lambda: load_lecture(tmp_path / "gone.toml"),
    }
    for name, make in cases.items():
        with pytest.raises(ConfigError) as err:
            make()
        out[name] = err.value
    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    with pytest.raises(OSError) as err:
        save_config(RunConfig(), folder)
    out["save onto a folder"] = err.value
    afile = tmp_path / "file"
    afile.write_text("")
    with pytest.raises(OSError) as err:
        check_writable_dir(afile / "sub")
    out["output folder under a file"] = err.value
    return out


def test_core_and_os_errors_are_rebuilt_in_chinese(qapp, tmp_path):
    from gradsim.app.i18n import translate_error

    messages = _core_errors(tmp_path)
    for name, err in messages.items():
        assert translate_error(err) == str(err), name  # English: the core's own text
        assert translate_error(str(err)) == str(err), name  # a plain string is never parsed
    _switch("zh")
    try:
        zh = {name: translate_error(msg) for name, msg in messages.items()}
    finally:
        _switch("en")
    english = re.compile(r"\b(cannot|must be|missing|unknown|field|lecture|step|config file|is not valid|"
                         r"No such|Is a directory|Not a directory|Permission)\b")
    for name, text in zh.items():
        # paths, field names and values stay as typed; TOML's own parser detail stays English
        shown = re.sub(r"(['\"]).*?\1|\[\[step\]\]", "", text)  # and the TOML syntax [[step]]
        shown = shown.split("TOML:")[0] if name == "broken TOML" else shown
        assert CJK.search(text), (name, text)
        assert not english.search(shown), (name, text)
    assert "学习率" in zh["value in a config file"]  # the field's description, in Chinese
    assert "bad.toml" in zh["value in a config file"] and "第 1 步" in zh["bad lecture step"]


def test_reasons_and_file_errors(qapp, tmp_path):
    from gradsim.app.i18n import translate_error
    from gradsim.fileio import WriteError
    from gradsim.figures.export import ExportError
    from gradsim.media.animation import AnimationWriter

    with pytest.raises(ValueError) as bad_format:
        AnimationWriter(tmp_path / "a.avi")
    cases = [
        ExportError("/x/plot.png", "Permission denied"),
        WriteError("/x/a.gif", "No space left on device", "animation"),
        bad_format.value,
        WriteError("/x/r.html", "is a folder", "report"),
        WriteError("/x/%2 odd.csv", "Read-only file system"),
    ]
    _switch("zh")
    try:
        zh = [translate_error(c) for c in cases]
    finally:
        _switch("en")
    assert zh[0] == "无法将图表导出到 '/x/plot.png':权限不足"
    assert zh[1].endswith("磁盘空间不足") and "'/x/a.gif'" in zh[1]
    assert "'.avi'" in zh[2] and ".gif or .mp4" in zh[2] and CJK.search(zh[2]) and "a.avi" in zh[2]
    assert zh[3].endswith("这是一个文件夹")
    assert "'/x/%2 odd.csv'" in zh[4] and zh[4].endswith("文件系统只读")  # a path with "%2" stays as it is


def test_error_dialog_translates_its_text(qtbot, zh):
    from gradsim.app import dialogs

    from gradsim.fileio import WriteError

    box = dialogs.show_error(None, "t", WriteError("/x/y.png", "Permission denied"))
    qtbot.addWidget(box)
    assert box.text() == "无法写入 '/x/y.png':权限不足"
    box.close()


# ------------------------------------------------------------------ theory and legends
@pytest.mark.parametrize("kw", [
    {"cell": "lstm"}, {"cell": "gru"}, {"residual": True}, {"norm": "layer"}, {"norm": "batch"},
    {"layer": 0, "num_layers": 2},
])
def test_theory_hover_text_in_chinese(qapp, kw):
    from gradsim.app.i18n import translate_theory
    from gradsim.core.theory import theory_from_spectrum

    theory = theory_from_spectrum(0.9, 0.8, "tanh", 20, **kw)
    assert not theory.applies
    _switch("zh")
    try:
        badge, detail = translate_theory(theory.badge), translate_theory(theory.detail)
    finally:
        _switch("en")
    assert CJK.search(badge) and CJK.search(detail), (badge, detail)
    assert detail != theory.detail
    assert not re.search(r"\b(bound|does not|normalisation|gates|Layer)\b", detail), detail
    if "num_layers" in kw:
        assert "第 1 层(共 2 层)" in detail  # layers count from 1, as in the layer selector


def test_theory_hover_text_for_non_finite_weights(qapp):
    from gradsim.app.i18n import translate_theory
    from gradsim.core.theory import theory_from_spectrum

    theory = theory_from_spectrum(float("nan"), float("inf"), "tanh", 20)
    _switch("zh")
    try:
        detail = translate_theory(theory.detail)
    finally:
        _switch("en")
    assert detail == "λ₁ = nan, ρ = inf:无法计算界。"


def test_parameter_legend_names_in_chinese(qapp):
    from gradsim.app.i18n import translate_legend
    from gradsim.app.plots_panel import short_param_name
    from gradsim.core.trainer import Trainer

    trainer = Trainer(RunConfig(**{**SMALL, "num_layers": 2, "norm": "layer"}))
    names = [short_param_name(n) for n, _ in trainer.net.named_parameters()]
    assert "W_hh (layer 2)" in names and "readout W" in names and "norm γ" in names
    _switch("zh")
    try:
        zh = [translate_legend(n) for n in names]
    finally:
        _switch("en")
    assert "W_hh(第 2 层)" in zh and "读出层 W" in zh and "归一化 γ" in zh
    for src, text in zip(names, zh):
        if src not in ("W_ih", "W_hh", "b_ih", "b_hh"):  # symbols read the same in both languages
            assert CJK.search(text), (src, text)
    assert len(set(zh)) == len(zh)  # still one entry per parameter


@pytest.mark.parametrize("factor", [0.63, 1.0, 36088.0])
def test_every_profile_legend_entry_is_chinese_numbers_kept(qapp, factor):
    """The profile's curves (bound, eigenvalue rate, measured rate): the words and the unit
    ("/step") in Chinese, every number as the English label has it (the legend showed
    "实测衰减率, ×0.63/step": half translated, and "decay" for a growing profile)."""
    from gradsim.app.i18n import translate_legend
    from gradsim.core.theory import measured_rate, profile_curves, theory_from_spectrum

    profile = factor ** (29.0 - np.arange(30.0))  # ‖∂L_T/∂h_t‖ = factor^(T−1−t): a known rate
    rate = measured_rate(profile)
    theory = theory_from_spectrum(1.14, 0.995, "tanh", len(profile))
    names = list(profile_curves(profile, theory, rate))
    assert len(names) == 3 and any(n.startswith("measured rate, ×") for n in names), names
    _switch("zh")
    try:
        zh = [translate_legend(n) for n in names]
    finally:
        _switch("en")
    for src, text in zip(names, zh):
        assert CJK.search(text) and "step" not in text and "measured" not in text, (src, text)
        numbers = re.findall(r"[×=]\s*[^\s/]+", src)
        assert numbers and all(n.split()[-1].lstrip("×=") in text for n in numbers), (src, text)
    measured = next(t for s, t in zip(names, zh) if s.startswith("measured rate"))
    assert "衰减" not in measured  # a rate, which may be growth


# ------------------------------------------------------------------ pyqtgraph's own menus
def test_pyqtgraph_menus_follow_the_language(qtbot, make_window):
    w = make_window()
    vb = w.plots.loss.plotItem.vb
    scene = w.plots.loss.scene()
    assert vb.menu.viewAll.text() == "View All"
    assert w.plots.loss.plotItem.ctrlMenu.title() == "Plot Options"
    w.actions.language_actions["zh"].trigger()
    QApplication.processEvents()
    assert vb.menu.viewAll.text() == "显示全部"
    assert w.plots.loss.plotItem.ctrlMenu.title() == "绘图选项"
    assert scene.contextMenu[0].text() == "导出…"
    subs = [a.menu().title() for a in vb.menu.actions() if a.menu() is not None]
    assert subs[:3] == ["X 轴", "Y 轴", "鼠标模式"], subs
    assert vb.menu.ctrl[0].invertCheck.text() == "反转坐标轴"
    w.actions.language_actions["en"].trigger()
    QApplication.processEvents()
    assert vb.menu.viewAll.text() == "View All" and scene.contextMenu[0].text() == "Export..."
    assert vb.menu.ctrl[0].invertCheck.text() == "Invert Axis"


def test_pyqtgraph_texts_match_the_installed_pyqtgraph():
    """The listed sources must be pyqtgraph's own, word for word: after a pyqtgraph upgrade
    that renames one, its translation would silently stop applying."""
    import pyqtgraph

    from gradsim.app import pg_menus

    found = set()
    for path in Path(pyqtgraph.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and len(node.args) >= 2
                    and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2])):
                found.add((node.args[0].value, node.args[1].value))
    tree = ast.parse(Path(pg_menus.__file__).read_text(encoding="utf-8"))
    listed = [(n.args[0].value, n.args[1].value) for n in ast.walk(tree)
              if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "QT_TRANSLATE_NOOP"]
    assert len(listed) == len(pg_menus.PYQTGRAPH_TEXTS) > 50
    missing = [t for t in listed if t not in found]
    assert not missing, missing


def test_live_badge_tooltip_in_chinese(qtbot, make_window):
    w = make_window(cell="lstm")
    w.session.step()
    qtbot.waitUntil(lambda: w.session.last is not None, timeout=15000)
    w.actions.language_actions["zh"].trigger()
    QApplication.processEvents()
    w.plots.request_redraw(full=True)
    qtbot.waitUntil(lambda: bool(w.plots.profile.badge.toolTip()), timeout=5000)
    tip = w.plots.profile.badge.toolTip()
    assert CJK.search(tip) and "gates" not in tip, tip
    assert CJK.search(w.plots.profile.badge.text())


def test_badge_texts_of_the_core_are_listed_for_translation(qapp):
    """core.theory.theory_badge builds the badge of the live app, the replay and a watched run;
    lupdate sees its templates only through gradsim.app.i18n.BADGE_TEXTS."""
    from gradsim.app import i18n
    from gradsim.core.theory import BADGE_TEXTS

    assert list(BADGE_TEXTS) == list(i18n.BADGE_TEXTS)
    assert i18n.set_language("zh")
    try:
        untranslated = [t for t in BADGE_TEXTS if i18n.translate_badge(t) == t]
    finally:
        i18n.set_language("en")
    assert untranslated == []
