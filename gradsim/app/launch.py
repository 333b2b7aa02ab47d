"""Command line and start-up of the app: ``gradsim gui [--preset NAME | --config FILE] [--play]``."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import time
from pathlib import Path

__all__ = ["run", "build_parser"]

log = logging.getLogger("gradsim.app")


def build_parser() -> argparse.ArgumentParser:
    from gradsim.content.presets import DEFAULT_PRESET

    p = argparse.ArgumentParser(prog="gradsim gui", description="The gradsim desktop app.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--preset", metavar="NAME", help=f"open this preset (default: {DEFAULT_PRESET}; "
                                                      "`gradsim presets` lists them)")
    src.add_argument("--config", metavar="FILE", help="open this TOML configuration")
    p.add_argument("--play", action="store_true", help="start training at once")
    p.add_argument("--lecture", metavar="FILE", nargs="?", const="", default=None,
                   help="open a lecture script (no FILE: the shipped lecture) at its first step")
    p.add_argument("--lang", choices=("en", "zh"), default=None,
                   help="language of the window: en = English, zh = 简体中文 (default: the last one chosen "
                        "in View → Language, else English); remembered")
    p.add_argument("--backend", choices=("process", "thread"), default=None,
                   help="where training runs (default: a worker process; $GRADSIM_BACKEND)")
    # Automation (screenshots, smoke tests): not for people, hence hidden.
    p.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    p.add_argument("--screenshot-after", type=float, default=5.0, help=argparse.SUPPRESS)
    p.add_argument("--close-after", type=float, default=None, help=argparse.SUPPRESS)
    # close as soon as the run has trained this many iterations (an event, not a clock)
    p.add_argument("--close-at-iteration", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--presentation", action="store_true", help=argparse.SUPPRESS)
    return p


def _resolve(args) -> tuple:
    from gradsim.config import load_config
    from gradsim.content.presets import DEFAULT_PRESET, load_preset

    if args.config:
        return load_config(args.config), None, args.config
    name = args.preset or DEFAULT_PRESET
    return load_preset(name), name, None


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default sys.argv[1:]), open the window, run the event loop.

    Returns the exit code for bad arguments (2); after the window closes, the process
    exits with 0 right away (see :func:`_exit_now`).
    """
    if multiprocessing.parent_process() is not None:
        # We are a spawned training process re-importing an unguarded launcher: no GUI here.
        return 0
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    from gradsim.config import ConfigError

    try:
        cfg, preset, source = _resolve(args)
    except ConfigError as err:
        print(f"gradsim: {err}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import pyqtgraph as pg

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("gradsim")
    app.setOrganizationName("gradsim")
    pg.setConfigOptions(antialias=True, imageAxisOrder="row-major")

    from gradsim.app.dialogs import install_excepthook
    from gradsim.app.i18n import SETTINGS_KEY, saved_language, set_language
    from gradsim.app.settings import open_settings
    from gradsim.app.resources import app_icon, style_sheet
    from gradsim.app.session import Session
    from gradsim.app.window import MainWindow

    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    settings = open_settings()
    lang = args.lang or saved_language(settings)
    if set_language(lang) and args.lang:
        settings.setValue(SETTINGS_KEY, lang)  # --lang is remembered like View → Language
        settings.sync()
    session = Session(cfg, backend=args.backend, preset=preset)
    try:
        window = MainWindow(session, source=source)
    except BaseException:
        session.shutdown(0.5)
        raise
    install_excepthook(lambda: window)
    window.show()
    if args.presentation:
        window.toggle_presentation(True)
    if args.lecture is not None:  # errors: a dialog naming the file; the window stays as it is
        window.lecture.open_lecture_file(args.lecture) if args.lecture else window.lecture.open_shipped_lecture()
    if args.play:
        session.play()
    if args.screenshot:
        def shoot() -> None:
            # no processEvents() here: a due --close-after timer would run inside it
            window.plots.draw_all()
            Path(args.screenshot).parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(args.screenshot)

        QTimer.singleShot(int(args.screenshot_after * 1000), shoot)
    def close() -> None:
        # CLOCK_MONOTONIC is system-wide on Linux: a parent can time the exit from here.
        print(f"gradsim: close requested at monotonic={time.monotonic():.6f} "
              f"iteration={session.iteration} state={session.state}", flush=True)
        window.close()

    if args.close_after is not None:
        QTimer.singleShot(int(args.close_after * 1000), close)
    if args.close_at_iteration is not None:
        def close_when_there() -> None:
            if session.iteration >= args.close_at_iteration:
                session.dataChanged.disconnect(close_when_there)
                close()

        session.dataChanged.connect(close_when_there)
    app.exec()
    session.shutdown(0.5)  # no-op after the window's close; covers app.quit() paths
    _exit_now(0)
    return 0  # pragma: no cover - only with GRADSIM_SLOW_EXIT


def _exit_now(code: int) -> None:
    """End the process without the interpreter's teardown.

    Everything worth keeping is done by now (worker stopped, settings synced); what is
    left is tearing down torch, Qt and pyqtgraph, which takes 0.5–0.9 s here and would
    break the promise that closing the window ends the program within a second. Set
    ``GRADSIM_SLOW_EXIT=1`` to get the normal teardown (e.g. to look for warnings in it).
    """
    if os.environ.get("GRADSIM_SLOW_EXIT"):
        return
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
