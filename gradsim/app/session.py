"""The session: the one owner of training state in the app.

It holds the desired :class:`RunConfig`, the backend running the training loop, the
GUI-side histories and the run-control state machine::

    idle ──play──▶ running ──pause──▶ paused ──play──▶ running
      ▲              │  └─(loop: non-finite step)──▶ diverged ──play──▶ running
      │              └─(loop: exception)──────────▶ error
      └──────────── reset (from any state) ◀──────────────┘

``step`` runs exactly one iteration and leaves the session paused. A config that
cannot fit in this machine's memory is refused before the worker sees it
(:meth:`Session.check_fits`: Reset, a preset, a config file, a restarted worker): the
session emits :attr:`Session.refused` and changes nothing. Views receive
the session and subscribe to its signals; they never own training state. Commands
are numbered; a "paused" report from the loop that predates the user's latest
play / pause / step / reset is stale and ignored, so fast clicking cannot leave the
state out of step with the loop.
"""

from __future__ import annotations

import collections
import logging
import time

import numpy as np
from PySide6.QtCore import QObject, Signal

from gradsim.config import ConfigError, RunConfig, reset_required
from gradsim.core.budget import check_memory
from gradsim.core.history import DecimatingBuffer, History
from gradsim.runs.live.protocol import (
    Command, ConfigMsg, ErrorMsg, RolloutMsg, RunInfo, SpectrumMsg, StateMsg, StepMsg, StoppedMsg,
)
from gradsim.app.envelope import Envelope
from gradsim.app.i18n import translate_error
from gradsim.app.worker import Backend, make_backend

__all__ = ["Session", "STATES"]

log = logging.getLogger(__name__)

STATES = ("idle", "running", "paused", "diverged", "error")
#: Rows of the GUI-side history (per layer): the heatmap's height in rows.
HISTORY_ROWS = 2048
#: Rows of the first layer's scalar series (History's default), for the memory check.
SCALAR_ROWS = 1 << 18


class Session(QObject):
    """Run control, configuration and data of the live app.

    Parameters
    ----------
    cfg : RunConfig
        The first configuration.
    backend : str, optional
        ``process`` or ``thread`` (None: $GRADSIM_BACKEND or the benchmarked default).
    preset : str, optional
        Name of the preset ``cfg`` came from (for titles and exports).
    """

    stateChanged = Signal(str)
    #: The desired config changed (edit, preset, file): controls refresh.
    configChanged = Signal(object)
    #: Fields whose new values wait for Reset (tuple of names).
    pendingChanged = Signal(object)
    #: A (re)built run: histories were replaced. Carries the RunInfo.
    runStarted = Signal(object)
    #: Reset was asked for: the histories are empty already (the RunInfo follows with runStarted).
    runCleared = Signal()
    #: New snapshots arrived (views redraw on their own timer, from the newest data).
    dataChanged = Signal()
    spectrumChanged = Signal()
    rolloutChanged = Signal()
    #: Divergence banner: the step, or None when cleared.
    divergedChanged = Signal(object)
    #: A readable error (message, traceback); training is paused.
    errorOccurred = Signal(str, str)
    #: Short human notice for the status bar.
    notice = Signal(str)
    #: A config was refused before the worker saw it (it cannot fit in memory); carries the
    #: ConfigError (the window translates it). Nothing changed.
    refused = Signal(object)

    def __init__(self, cfg: RunConfig, *, backend: str | None = None, preset: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._config = cfg
        self._backend_kind = backend
        self.preset = preset
        self._state = "idle"
        self._seq = 0
        self._ctl_seq = 0
        self._next_run_id = 1
        self._shut = False
        self._delay = 0.0
        self._arrivals: collections.deque = collections.deque()
        self._waiting_since: float | None = None  # an iteration was asked for and has not arrived
        self.run_info: RunInfo | None = None
        self._replaced = False  # reset asked for: the current run_info's data is gone
        self.run_config: RunConfig = cfg
        self._reset_data(cfg, None)
        self._backend: Backend | None = None
        self._start_backend(run_id=0)

    # ------------------------------------------------------------ properties
    @property
    def state(self) -> str:
        return self._state

    @property
    def config(self) -> RunConfig:
        """The desired config: what the controls show, what Reset builds."""
        return self._config

    @property
    def pending_reset(self) -> tuple[str, ...]:
        """Fields of :attr:`config` that differ from the running model and need Reset."""
        return tuple(reset_required(self.run_config, self._config))

    @property
    def backend(self) -> Backend | None:
        return self._backend

    @property
    def delay(self) -> float:
        return self._delay

    @property
    def steps_per_second(self) -> float:
        """Iterations per second over the last ~2 s of arrivals (0 when stalled)."""
        now = time.monotonic()
        while self._arrivals and now - self._arrivals[0][0] > 2.0:
            self._arrivals.popleft()
        if len(self._arrivals) < 2:
            return 0.0
        span = max(now - self._arrivals[0][0], 1e-3)
        if now - self._arrivals[-1][0] > 1.0:
            return 0.0
        return sum(n for _, n in list(self._arrivals)[1:]) / span

    def busy_seconds(self) -> float | None:
        """How long one iteration takes, while the awaited one has been running longer than
        :data:`gradsim.app.busy.BUSY_SECONDS` (None otherwise): the last iteration's measured
        time, or before the first an estimate from the config's size."""
        from gradsim.app.busy import BUSY_SECONDS, estimate_step_seconds

        since = self._waiting_since
        if since is None or time.monotonic() - since < BUSY_SECONDS:
            return None
        if self.last is not None:
            return float(self.last.step_seconds)
        return estimate_step_seconds(self.run_config)

    @property
    def iteration(self) -> int:
        """Iterations done in this run."""
        return 0 if self.last is None else self.last.step + 1

    # ------------------------------------------------------------ run control
    def play(self, until: int = 0) -> None:
        """Train until paused; with ``until`` > 0 the loop pauses by itself once the run has
        done that many iterations (a lecture step's ``stop_at``), emitting :attr:`notice`."""
        if self._state == "running" or self._shut or not self._restart_fits():
            return
        self._ensure_backend()
        self._control(Command.play(self._next_seq(), until=max(0, int(until))), "running")
        self._waiting_since = time.monotonic()

    def pause(self) -> None:
        if self._state != "running":
            return
        self._control(Command.pause(self._next_seq()), "paused")
        self._waiting_since = None

    def toggle_play(self) -> None:
        self.pause() if self._state == "running" else self.play()

    def step(self) -> None:
        """Run exactly one iteration (pausing first if running)."""
        if self._shut or not self._restart_fits():
            return
        self._ensure_backend()
        self._control(Command.step(self._next_seq(), 1), "paused")
        self._waiting_since = time.monotonic()

    def reset(self) -> bool:
        """Rebuild the model from :attr:`config` (applies the fields waiting for reset).

        False, with :attr:`refused` emitted and nothing changed (the running model, its
        plots, the pending fields), when :attr:`config` cannot fit in memory."""
        if self._shut or not self.check_fits(self._config):
            return False
        run_id = self._next_run_id
        self._next_run_id += 1
        if not self._ensure_backend(run_id):
            self._control(Command.reset(self._next_seq(), self._config, run_id), "idle")
        # Clear the old run's plots now: the loop builds the new one only after the step it
        # is in (a big config's step takes half a minute). Until the new RunInfo arrives, the
        # old run's late messages are dropped (run_info still names the old run).
        self._replaced = True
        self.run_config = self._config
        self._reset_data(self._config, None)
        self._waiting_since = None
        self.runCleared.emit()
        self.divergedChanged.emit(None)
        return True

    def set_delay(self, seconds: float) -> None:
        """Pause between two steps while playing (0 = flat out)."""
        self._delay = max(0.0, float(seconds))
        self._send(Command.delay(self._next_seq(), self._delay))

    # ------------------------------------------------------------ configuration
    def set_field(self, name: str, value) -> RunConfig:
        """Change one field (validated; raises ConfigError naming field, value and range)."""
        new = self._config.replace(**{name: value})
        self.set_config(new)
        return new

    def set_config(self, cfg: RunConfig, *, reset: bool = False) -> bool:
        """Make ``cfg`` the desired config: live fields apply at the next step,
        the others on Reset (at once if ``reset``). With ``reset``, a ``cfg`` that cannot
        fit in memory is refused (:attr:`refused`, False) and nothing changes."""
        if reset and not self.check_fits(cfg):
            return False
        changed = cfg != self._config
        self._config = cfg
        if changed:
            self._send(Command.apply(self._next_seq(), cfg))
            self.configChanged.emit(cfg)
        if reset:
            self.reset()
        else:
            self.pendingChanged.emit(self.pending_reset)
        return True

    def load_preset(self, name: str, cfg: RunConfig) -> bool:
        """Switch to a preset: reset to it and keep playing if we were. False (nothing
        changed, :attr:`refused` emitted) when it cannot fit in memory."""
        if not self.check_fits(cfg):
            return False
        was_running = self._state == "running"
        self.preset = name
        self.set_config(cfg, reset=True)
        if was_running:
            self.play()
        return True

    def check_fits(self, cfg: RunConfig) -> bool:
        """Whether a run of ``cfg`` fits in the memory this machine has left: the check
        every CLI run makes (:func:`gradsim.core.budget.check_memory`), for the app's
        history sizes. If not, emits :attr:`refused` with the estimate and what is
        available, and returns False."""
        try:
            check_memory(cfg, HISTORY_ROWS, SCALAR_ROWS)
        except ConfigError as err:
            log.info("config refused: %s", err)
            self.refused.emit(err)
            return False
        return True

    # ------------------------------------------------------------ shutdown
    def shutdown(self, timeout: float = 1.0) -> bool:
        """Stop the loop (worker thread or process) within ``timeout`` s."""
        self._shut = True
        if self._backend is None:
            return True
        backend, self._backend = self._backend, None
        backend.batch.disconnect(self._on_batch)
        ok = backend.stop(timeout)
        if not ok:  # ended by force (a long step, a loaded machine): worth a warning only if it lives on
            (log.warning if backend.alive else log.info)("training loop did not stop by itself within %.1f s",
                                                         timeout)
        return ok

    # ------------------------------------------------------------ internals
    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _send(self, cmd: Command) -> None:
        if self._backend is not None and not self._shut:
            self._backend.send(cmd)

    def _control(self, cmd: Command, state: str) -> None:
        self._ctl_seq = cmd.seq
        self._send(cmd)
        self._set_state(state)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)

    def _start_backend(self, run_id: int) -> None:
        self._backend = make_backend(self._backend_kind, self._config, run_id, parent=self)
        self._backend.batch.connect(self._on_batch)
        self._backend.failed.connect(self._on_backend_failed)
        self._send(Command.delay(self._next_seq(), self._delay))

    def _restart_fits(self) -> bool:
        """A dead worker restarts with :attr:`config`: whether that fits (True if alive)."""
        if self._backend is not None and self._backend.alive:
            return True
        return self.check_fits(self._config)

    def _ensure_backend(self, run_id: int | None = None) -> bool:
        """Restart a backend that died (never a second one). True if started here."""
        if self._backend is not None and self._backend.alive:
            return False
        if self._backend is not None:
            self._backend.batch.disconnect(self._on_batch)
            self._backend.stop(0.5)
            self._backend.deleteLater()
        if run_id is None:
            run_id = self._next_run_id
            self._next_run_id += 1
        self._start_backend(run_id)
        self._ctl_seq = self._seq
        self._set_state("idle")
        return True

    def _reset_data(self, cfg: RunConfig, info: RunInfo | None) -> None:
        layers = cfg.num_layers
        # Deeper layers keep only their views: the scalars are the same for all layers.
        self.histories = [History(cfg.seq_len, rows=HISTORY_ROWS)] + [
            History(cfg.seq_len, rows=HISTORY_ROWS, scalar_rows=2) for _ in range(layers - 1)
        ]
        names = info.param_names if info else ()
        self.param_names: tuple[str, ...] = names
        self.param_norms = DecimatingBuffer(HISTORY_ROWS, max(1, len(names)), "max", np.float64)
        self.loss_envelope = Envelope(2048, log=True)
        self.last = None
        self.eigenvalues: tuple[np.ndarray, ...] = ()
        self.eigen_step = -1
        self.rollout: np.ndarray | None = None
        self.data_version = 0
        self._arrivals.clear()

    @property
    def history(self) -> History:
        """The first layer's history (the scalars live here)."""
        return self.histories[0]

    def _on_backend_failed(self, message: str, tb: str) -> None:
        self._set_state("error")
        self.errorOccurred.emit(message, tb)

    def _on_batch(self, batch: list) -> None:
        if self._shut:
            return
        steps: list = []
        for m in batch:
            if isinstance(m, StepMsg):
                if self.run_info is not None and m.run_id == self.run_info.run_id and not self._replaced:
                    steps.append(m.snapshot)
                continue
            if steps:  # keep order: a RunInfo after steps replaces their data
                self._ingest(steps)
                steps = []
            self._handle(m)
        if steps:
            self._ingest(steps)

    def _handle(self, m) -> None:
        current = (self.run_info is not None and getattr(m, "run_id", None) == self.run_info.run_id
                   and not self._replaced)
        if isinstance(m, RunInfo):
            self.run_info = m
            self._replaced = False
            self.run_config = m.config
            self._reset_data(m.config, m)
            self.runStarted.emit(m)
            self.pendingChanged.emit(self.pending_reset)
            self.divergedChanged.emit(None)
            if m.seq >= self._ctl_seq:
                self._set_state("idle")
                self._waiting_since = None
        elif isinstance(m, StateMsg):
            if m.seq >= self._ctl_seq and not m.playing:
                self._waiting_since = None
                self._set_state({"diverged": "diverged", "error": "error"}.get(m.reason, "paused"))
                if m.reason == "until":
                    self.notice.emit(self.tr("Paused at iteration %1, as the lecture step asks; Play goes on.")
                                     .replace("%1", str(self.iteration)))
        elif isinstance(m, SpectrumMsg) and current:
            self.eigenvalues, self.eigen_step = m.eigenvalues, m.step
            self.spectrumChanged.emit()
        elif isinstance(m, RolloutMsg) and current:
            self.rollout = m.values
            self.rolloutChanged.emit()
        elif isinstance(m, ConfigMsg):
            if m.error:
                self.notice.emit(self.tr("applies on reset: %1").replace("%1", translate_error(m.error)))
            if current:
                self.run_config = m.config
            self.pendingChanged.emit(self.pending_reset)
        elif isinstance(m, ErrorMsg):
            log.error("%s\n%s", m.message, m.traceback)
            text = translate_error(m.error) if m.error is not None else m.message
            self.errorOccurred.emit(text, m.traceback)
        elif isinstance(m, StoppedMsg):
            pass

    def _ingest(self, snaps: list) -> None:
        diverged_before = self.history.diverged_at
        for s in snaps:
            for layer, h in enumerate(self.histories):
                h.append(s, layer=layer)
            if self.param_names:
                self.param_norms.append(s.step, np.array([s.param_grad_norms[n] for n in self.param_names]))
        self.loss_envelope.extend(np.array([s.step for s in snaps]), np.array([s.loss for s in snaps]),
                                  np.array([s.clipped for s in snaps]))
        self.last = snaps[-1]
        self._arrivals.append((time.monotonic(), len(snaps)))
        if self._waiting_since is not None:  # the next one is awaited while playing
            self._waiting_since = time.monotonic() if self._state == "running" else None
        self.data_version += 1
        self.dataChanged.emit()
        if diverged_before is None and self.history.diverged_at is not None:
            self.divergedChanged.emit(self.history.diverged_at)
