"""Fixtures of the app tests: offscreen Qt, private settings, and a guard that fails
any test leaving a training worker (thread or process) running."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import multiprocessing  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from gradsim.config import RunConfig  # noqa: E402

from app_configs import SMALL  # noqa: E402


def pytest_collection_modifyitems(items):
    # The offscreen platform warns on every top-level resize; it is not our bug.
    for item in items:
        if "tests/app" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"))


@pytest.fixture(autouse=True)
def _private_settings(tmp_path, monkeypatch):
    """Never touch the user's real settings: QSettings go to a temporary ini file."""
    monkeypatch.setenv("GRADSIM_SETTINGS", str(tmp_path / "settings.ini"))
    yield
    # a test that switched the language must not leave the next one in Chinese
    i18n = sys.modules.get("gradsim.app.i18n")
    if i18n is not None and i18n.current_language() != "en":
        i18n.set_language("en")


def _busy_workers() -> tuple[int, list]:
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        QApplication.processEvents()
    return QThreadPool.globalInstance().activeThreadCount(), multiprocessing.active_children()


@pytest.fixture(autouse=True)
def _no_dangling_workers():
    """Fail a test that leaves a worker thread or a training process running (after its
    own fixtures are torn down: autouse fixtures are set up first, torn down last)."""
    yield
    # A hang guard, not a speed claim: on a loaded machine a worker still importing torch
    # or building its first model ends a few seconds after the window closed.
    deadline = time.monotonic() + 60.0
    threads, children = _busy_workers()
    while (threads or children) and time.monotonic() < deadline:
        time.sleep(0.02)
        threads, children = _busy_workers()
    if threads or children:
        from PySide6.QtCore import QThreadPool
        from superqt.utils import WorkerBase

        for child in children:  # clean up so the next test starts from nothing
            child.terminate()
            child.join(2)
        try:
            WorkerBase.await_workers(3000)
        finally:
            QThreadPool.globalInstance().waitForDone(3000)
        pytest.fail(f"test left {threads} worker thread(s) and {len(children)} training process(es) running")


@pytest.fixture
def make_session(qapp):
    """Factory: ``make_session(cfg=None, backend="thread", **fields)``; shut down after the test."""
    from gradsim.app.session import Session

    made = []

    def make(cfg: RunConfig | None = None, backend: str = "thread", **fields):
        cfg = cfg or RunConfig(**{**SMALL, **fields})
        s = Session(cfg, backend=backend)
        made.append(s)
        return s

    yield make
    for s in made:
        s.shutdown(2.0)


@pytest.fixture
def make_window(qtbot, make_session):
    """Factory: a shown MainWindow on a fresh session; closed after the test."""
    from gradsim.app.window import MainWindow

    windows = []

    def make(cfg: RunConfig | None = None, backend: str = "thread", **fields):
        s = make_session(cfg, backend, **fields)
        w = MainWindow(s)
        qtbot.addWidget(w)
        w.resize(1400, 900)
        with qtbot.waitActive(w):  # shortcuts and focus changes need the active window
            w.show()
            w.activateWindow()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.close()


def wait_ready(qtbot, session, timeout: int = 15000) -> None:
    """Wait until the worker has built its first model."""
    qtbot.waitUntil(lambda: session.run_info is not None, timeout=timeout)


@pytest.fixture
def ready():
    return wait_ready


def round_trip(qtbot, session, timeout: int = 30000) -> None:
    """Wait until the loop has handled every command sent before this call and all its
    messages up to then have arrived: a no-op config command goes to the loop, and its
    answer comes back behind them (messages keep their order). An event, not a sleep.

    To show that nothing more happens (no step after a pause): ``round_trip``, note the
    iteration, ``round_trip`` twice more; a loop still training would have sent a step
    between the two answers."""
    from gradsim.runs.live.protocol import Command, ConfigMsg

    seq = session._next_seq()
    answered: list = []

    def on_batch(batch) -> None:
        if any(isinstance(m, ConfigMsg) and m.seq >= seq for m in batch):
            answered.append(seq)

    backend = session.backend
    backend.batch.connect(on_batch)  # after the session's own slot: it has ingested the batch by then
    try:
        backend.send(Command.apply(seq, session.config))
        qtbot.waitUntil(lambda: bool(answered), timeout=timeout)
    finally:
        backend.batch.disconnect(on_batch)


def assert_settled(qtbot, session) -> int:
    """Round trips proving the loop has stopped stepping; returns the settled iteration."""
    round_trip(qtbot, session)
    settled = session.iteration
    round_trip(qtbot, session)
    round_trip(qtbot, session)
    assert session.iteration == settled, "the loop went on training"
    return settled


@pytest.fixture
def settled():
    return assert_settled
