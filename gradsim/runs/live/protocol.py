"""The live loop's protocol: the typed commands a front end sends and the plain,
picklable messages the loop answers with (no Qt, no torch).

Messages: :class:`RunInfo` after every (re)build, :class:`StepMsg` per iteration,
:class:`SpectrumMsg` and :class:`RolloutMsg` at a low rate, :class:`StateMsg` when the
loop pauses itself (single step done, divergence, error), :class:`ConfigMsg` for
every config command, :class:`ErrorMsg`, and :class:`StoppedMsg` last. Every message
carries the run id it belongs to, so a receiver can drop what was in flight before a
reset, and state messages carry the sequence number of the last command the loop had
seen, so a receiver can tell a stale "paused" from a current one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

import numpy as np

from gradsim.config import ConfigError, RunConfig

__all__ = ["Kind", "Command", "RunInfo", "StepMsg", "SpectrumMsg", "RolloutMsg", "StateMsg", "ConfigMsg",
           "ErrorMsg", "StoppedMsg", "Inbox"]


class Kind(str, Enum):
    """What a :class:`Command` asks of the loop."""

    CONFIG = "config"  #: apply the live fields of ``config`` at the next step boundary
    PLAY = "play"  #: train; with ``until`` > 0 pause by itself once the run has done ``until`` iterations
    PAUSE = "pause"
    STEP = "step"  #: pause, then run exactly ``steps`` more iterations
    RESET = "reset"  #: rebuild from ``config`` as run ``run_id``
    DELAY = "delay"  #: ``seconds`` between two steps while playing
    STOP = "stop"  #: end the loop (a final StoppedMsg follows)


@dataclass(frozen=True)
class Command:
    """One request to the loop; ``seq`` increases with every command sent.

    Each field has one meaning, used by the kinds named beside it; build commands with
    the class methods (``Command.play(seq, until=200)``), which say which apply.
    """

    kind: Kind
    seq: int = 0
    config: RunConfig | None = None  # CONFIG, RESET
    until: int = 0  # PLAY: iteration count to pause at (0: never)
    steps: int = 0  # STEP: iterations to run
    run_id: int = 0  # RESET: id of the rebuilt run
    seconds: float = 0.0  # DELAY: pause between steps while playing

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        if self.kind in (Kind.CONFIG, Kind.RESET) and self.config is None:
            raise ValueError(f"a {self.kind.value} command needs a config")
        if self.until < 0 or self.steps < 0 or self.seconds < 0 or not math.isfinite(self.seconds):
            raise ValueError(f"bad command {self!r}")

    @classmethod
    def play(cls, seq: int, until: int = 0) -> "Command":
        return cls(Kind.PLAY, seq, until=int(until))

    @classmethod
    def pause(cls, seq: int) -> "Command":
        return cls(Kind.PAUSE, seq)

    @classmethod
    def step(cls, seq: int, steps: int = 1) -> "Command":
        return cls(Kind.STEP, seq, steps=int(steps))

    @classmethod
    def reset(cls, seq: int, config: RunConfig, run_id: int) -> "Command":
        return cls(Kind.RESET, seq, config=config, run_id=int(run_id))

    @classmethod
    def delay(cls, seq: int, seconds: float) -> "Command":
        return cls(Kind.DELAY, seq, seconds=float(seconds))

    @classmethod
    def apply(cls, seq: int, config: RunConfig) -> "Command":
        """A CONFIG command."""
        return cls(Kind.CONFIG, seq, config=config)

    @classmethod
    def stop(cls, seq: int = 0) -> "Command":
        return cls(Kind.STOP, seq)


@dataclass(frozen=True)
class RunInfo:
    """What a receiver needs to know about a freshly built run."""

    run_id: int
    seq: int
    config: RunConfig
    baseline: float | None
    baseline_label: str
    param_names: tuple[str, ...]
    num_layers: int
    gamma: float | None
    #: One line on the data the task read from a file (``Task.describe_data``, a
    #: :class:`~gradsim.errors.Message` for the GUI to translate); None for a generated task.
    data: Any = None


@dataclass(frozen=True)
class StepMsg:
    run_id: int
    snapshot: Any  # gradsim.core.snapshot.Snapshot


@dataclass(frozen=True)
class SpectrumMsg:
    """Eigenvalues of W_hh of every layer (complex arrays). Layer 0's are those of the
    snapshots' ρ (``Trainer.measured_eigenvalues``: before iteration ``step``, their
    ``spectrum_step``); deeper layers' are of the weights when the message was made."""

    run_id: int
    step: int
    eigenvalues: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class RolloutMsg:
    """Free-running roll-out for ``sine`` (seed 002), made after iteration ``step``."""

    run_id: int
    step: int
    values: np.ndarray


@dataclass(frozen=True)
class StateMsg:
    """The loop paused itself (``reason``: ``step``, ``diverged``, ``error``, ``until``:
    the iteration count a ``play`` command asked to stop at)."""

    run_id: int
    seq: int
    playing: bool
    reason: str


@dataclass(frozen=True)
class ConfigMsg:
    """Answer to a ``config`` command: what runs now and what waits for a reset."""

    run_id: int
    seq: int
    config: RunConfig
    pending_reset: tuple[str, ...]
    error: ConfigError | None = None  # pickles with its structured messages


@dataclass(frozen=True)
class ErrorMsg:
    run_id: int
    seq: int
    message: str  # English
    traceback: str
    #: The same as a structured ConfigError (a bad csv file, a device), for the GUI to
    #: translate; None for an error without messages.
    error: Any = None


@dataclass(frozen=True)
class StoppedMsg:
    run_id: int


class Inbox(Protocol):
    """What the loop reads commands from (``queue.Queue`` has this shape)."""

    def get(self, block: bool = True, timeout: float | None = None) -> Command: ...
