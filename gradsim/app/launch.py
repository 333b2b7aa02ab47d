"""Command line and start-up of the app: ``gradsim gui [--preset NAME | --config FILE] [--play]``."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

__all__ = ["run", "build_parser", "display_problem", "CLOSING_SIGNALS"]

#: Signals that close the app as the window's close button does (worker stopped,
#: settings saved, exit 0): Ctrl-C, ``kill``, a closed terminal.
CLOSING_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))

#: Libraries the Qt ``xcb`` platform plugin loads beyond libxcb itself, with the
#: Debian/Ubuntu package of each (``ldd .../platforms/libqxcb.so``).
XCB_LIBRARIES = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-image.so.0", "libxcb-image0"), ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-randr.so.0", "libxcb-randr0"), ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"), ("libEGL.so.1", "libegl1"),
)
#: Platforms that need no display server.
_HEADLESS_PLATFORMS = ("offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")

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
                   help="language of the window for this launch: en = English, zh = 简体中文 (default: the "
                        "last one chosen in View → Language, else English); not remembered")
    p.add_argument("--backend", choices=("process", "thread"), default=None,
                   help="where training runs (default: a worker process; $GRADSIM_BACKEND)")
    # Automation (screenshots, smoke tests): not for people, hence hidden.
    p.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    p.add_argument("--screenshot-after", type=float, default=5.0, help=argparse.SUPPRESS)
    p.add_argument("--close-after", type=float, default=None, help=argparse.SUPPRESS)
    # close as soon as the run has trained this many iterations (an event, not a clock)
    p.add_argument("--close-at-iteration", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--presentation", action="store_true", help=argparse.SUPPRESS)
    # print "window shown" / "training iteration=N" / "closing on SIGNAL" lines on stdout
    p.add_argument("--announce", action="store_true", help=argparse.SUPPRESS)
    return p


def _plain(text: str) -> str:
    """Untranslated on purpose: Qt itself could not be loaded, so neither can a translator."""
    return text


def _missing_libraries(names) -> list[tuple[str, str]]:
    import ctypes

    missing = []
    for soname, package in names:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append((soname, package))
    return missing


def _x_display_reachable(display: str) -> bool:
    """False only when ``display`` is local (``:N``) and its X socket does not exist."""
    host, _, rest = display.partition(":")
    if host not in ("", "unix") or not rest:
        return True  # a remote display (ssh -X, host:0): Qt will say if it cannot connect
    number = rest.split(".")[0]
    return not number.isdigit() or Path(f"/tmp/.X11-unix/X{number}").exists() or \
        sys.platform != "linux"


def display_problem(env=None, platform: str | None = None) -> str | None:
    """One line saying why Qt could not open a window here, or None.

    Qt itself aborts the process (exit −6, "could not load the Qt platform plugin")
    when it finds no display or the ``xcb`` plugin's libraries are missing; this looks
    first, cheaply, on Linux only (elsewhere the platform plugin comes with the wheel).
    """
    from PySide6.QtCore import QCoreApplication

    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if qpa in _HEADLESS_PLATFORMS:
        return None
    x11, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    headless = QCoreApplication.translate("Launch", "or run the headless commands (gradsim run, report, animate), which need no display")
    if qpa.startswith("wayland"):
        if wayland:
            return None
        return QCoreApplication.translate("Launch", "gradsim: QT_QPA_PLATFORM=%1 but WAYLAND_DISPLAY is not set: start it in a Wayland "
                          "session, %2").replace("%1", qpa).replace("%2", headless)
    if not x11 and (qpa == "xcb" or not wayland):
        return QCoreApplication.translate("Launch", "gradsim: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set): "
                          "start it in a desktop session or under xvfb-run, %1").replace("%1", headless)
    if x11 and (qpa == "xcb" or not wayland):
        if not _x_display_reachable(x11):
            return QCoreApplication.translate("Launch", "gradsim: cannot reach the X display %1 (no X server listens there): check DISPLAY, "
                              "start it in a desktop session or under xvfb-run, %2").replace(
                "%1", x11).replace("%2", headless)
        missing = _missing_libraries(XCB_LIBRARIES)
        if missing:
            return QCoreApplication.translate("Launch", "gradsim: the Qt xcb platform plugin needs libraries this system lacks (%1): "
                              "install them (Debian/Ubuntu: sudo apt install %2), %3").replace(
                "%1", ", ".join(so for so, _ in missing)).replace(
                "%2", " ".join(pkg for _, pkg in missing)).replace("%3", headless)
    return None


class _SignalCloser:
    """Runs the Python side of SIGINT/SIGTERM/SIGHUP in the Qt event loop.

    A Python signal handler runs only between bytecodes on the main thread, which sits
    in ``app.exec()`` (C++); a KeyboardInterrupt raised inside whatever Python slot runs
    next crashed the app (segfault, 2 runs in 5) or printed a traceback. Here the
    handlers only record the signal; :func:`signal.set_wakeup_fd` writes its number
    into a socket pair whose reading end a QSocketNotifier watches, so the event loop
    wakes and calls ``close`` (once) on the GUI thread.
    """

    def __init__(self) -> None:
        self.received: list[int] = []
        self._close = None
        self._notifier = None
        self._rsock = self._wsock = None
        self._active = threading.current_thread() is threading.main_thread()  # signal.signal needs it
        self._previous: dict[int, object] = {}
        if self._active:
            for sig in CLOSING_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._record)

    def restore(self) -> None:
        """Give the signals back to the handlers they had (run() returns without a window:
        a caller in the same process, e.g. a test, gets its Ctrl-C back)."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}

    def _record(self, signum, _frame) -> None:
        self.received.append(signum)  # before the event loop runs, run() and fire() look here

    def attach(self, close) -> None:
        """Start watching (call with the QApplication made); ``close()`` on the first signal."""
        from PySide6.QtCore import QSocketNotifier

        self._close = close
        if not self._active:
            return
        self._rsock, self._wsock = socket.socketpair()
        for sock in (self._rsock, self._wsock):
            sock.setblocking(False)
        signal.set_wakeup_fd(self._wsock.fileno(), warn_on_full_buffer=False)
        self._notifier = QSocketNotifier(self._rsock.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._wake)

    def pending(self) -> bool:
        return bool(self.received)

    def _wake(self, *_args) -> None:
        try:
            while data := self._rsock.recv(64):  # the C handler wrote each signal's number
                self.received.extend(b for b in data if b in CLOSING_SIGNALS)
        except (BlockingIOError, InterruptedError):
            pass
        self.fire()

    def fire(self) -> None:
        if self.received and self._close is not None:
            close, self._close = self._close, None  # once: a second Ctrl-C while closing is ignored
            close(self.received[0])


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
    closer = _SignalCloser()  # from here on Ctrl-C / kill close the app quietly
    try:
        return _start(args, closer)
    finally:  # reached only without a window (bad input, no display): the app exits in _exit_now
        closer.restore()


def _start(args, closer: _SignalCloser) -> int:
    """The body of :func:`run` once the signals are ours: load, check, open the window."""
    from gradsim.config import ConfigError

    try:
        cfg, preset, source = _resolve(args)
    except ConfigError as err:
        print(f"gradsim: {err}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if closer.pending():  # interrupted while starting: nothing to save yet
        return 0
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
    except ImportError as err:  # e.g. "libEGL.so.1: cannot open shared object file"
        print(_plain("gradsim: cannot load Qt (%1): install the missing library (Debian/Ubuntu: libegl1 "
                     "libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1), or run the headless "
                     "commands (gradsim run, report, animate)").replace("%1", str(err)), file=sys.stderr)
        return 2
    problem = None if QApplication.instance() is not None else display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from gradsim.app.session import HISTORY_ROWS, SCALAR_ROWS
    from gradsim.core.budget import check_memory

    try:  # the check every run makes, before any window: a config that cannot fit is one line
        check_memory(cfg, HISTORY_ROWS, SCALAR_ROWS)
    except ConfigError as err:
        print(f"gradsim: {err}", file=sys.stderr)
        return 2

    import pyqtgraph as pg

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("gradsim")
    app.setOrganizationName("gradsim")
    pg.setConfigOptions(antialias=True, imageAxisOrder="row-major")

    from gradsim.app.dialogs import install_excepthook
    from gradsim.app.i18n import saved_language, set_language
    from gradsim.app.settings import open_settings
    from gradsim.app.resources import app_icon, style_sheet
    from gradsim.app.session import Session
    from gradsim.app.window import MainWindow

    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    settings = open_settings()
    # --lang is for this launch only (a class in 简体中文 must not leave the next launch in it);
    # View → Language is the choice that is remembered.
    set_language(args.lang or saved_language(settings))
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

    def close_on_signal(signum: int) -> None:
        if args.announce:
            print(f"gradsim: closing on {signal.Signals(signum).name}", flush=True)
        window.close()  # as the close button: stops the worker, saves the settings
        app.quit()  # even if a dialog is still open

    closer.attach(close_on_signal)
    if args.close_after is not None:
        QTimer.singleShot(int(args.close_after * 1000), close)
    if args.close_at_iteration is not None:
        def close_when_there() -> None:
            if session.iteration >= args.close_at_iteration:
                session.dataChanged.disconnect(close_when_there)
                close()

        session.dataChanged.connect(close_when_there)
    if args.announce:  # for tests: say when the window is up and when training has produced data
        def announce_training() -> None:
            if session.state == "running" and session.iteration > 0:
                session.dataChanged.disconnect(announce_training)
                print(f"gradsim: training iteration={session.iteration} pid={os.getpid()} "
                      f"worker={getattr(session.backend, 'pid', None)}", flush=True)

        session.dataChanged.connect(announce_training)
        QTimer.singleShot(0, lambda: print("gradsim: window shown", flush=True))
    QTimer.singleShot(0, closer.fire)  # a signal that came while the window was being built
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
