"""gradsim: watch vanishing and exploding gradients of recurrent networks while they train.

The public Python API (what a notebook imports)::

    import gradsim

    cfg = gradsim.load_preset("vanishing").replace(seq_len=50)
    run = gradsim.train(cfg, steps=100)        # the procedure behind `gradsim run`
    last = run.history.views["last"].data      # (iterations, time steps): ‖∂L_T/∂h_t‖

* :class:`RunConfig`, :class:`ConfigError`, :func:`field_specs`: the one typed config; a bad
  value raises ConfigError with the command line's one-line message (``err.field``,
  ``err.value``, ``err.rule`` name what is wrong).
* :func:`load_preset`, :func:`list_presets`: the shipped presets.
* :func:`train` -> :class:`RunResult` (``histories`` per layer, ``history`` of layer 0,
  ``last`` snapshot, ``summary``); :func:`train_lockstep` for an A/B pair on the same batches;
  :func:`run_to_folder` writes what ``gradsim run --out`` writes.
* :class:`Trainer` (``Trainer(cfg).step()`` -> :class:`Snapshot`, one iteration) and
  :class:`History` (the bounded per-iteration record of snapshots).
* :func:`watch`: the same per-time-step views for your own ``nn.RNN`` / ``nn.LSTM`` /
  ``nn.GRU`` in your own training loop; :class:`RunFolderWriter` (a run folder that grows as
  training goes, which the app follows) and :class:`TensorBoardWriter` are sinks for it
  and for :func:`train`.

Packages: ``gradsim.core`` computes the per-time-step gradients (Qt-free),
``gradsim.runs`` holds the procedures, ``gradsim.cli`` and ``gradsim.app`` are the front ends.
Names that need torch load it on first use, so ``import gradsim`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gradsim.config import ConfigError, RunConfig, field_specs
from gradsim.content.presets import list_presets, load_preset
from gradsim.core.history import History
from gradsim.core.snapshot import Snapshot

if TYPE_CHECKING:  # pragma: no cover
    from gradsim.core.trainer import Trainer
    from gradsim.runs.folder import run_to_folder
    from gradsim.core.watch import Watch, WatchError, watch
    from gradsim.runs.live_folder import RunFolderWriter
    from gradsim.runs.procedure import RunResult, train, train_lockstep
    from gradsim.runs.tensorboard import TensorBoardWriter

from gradsim._version import __version__

__all__ = [
    "RunConfig", "ConfigError", "field_specs", "load_preset", "list_presets", "Trainer", "Snapshot", "History",
    "train", "train_lockstep", "RunResult", "run_to_folder", "watch", "Watch", "WatchError", "RunFolderWriter",
    "TensorBoardWriter", "__version__",
]

#: name -> module of the names that import torch when first used
_LAZY = {
    "Trainer": "gradsim.core.trainer",
    "train": "gradsim.runs.procedure",
    "train_lockstep": "gradsim.runs.procedure",
    "RunResult": "gradsim.runs.procedure",
    "run_to_folder": "gradsim.runs.folder",
    "watch": "gradsim.core.watch",
    "Watch": "gradsim.core.watch",
    "WatchError": "gradsim.core.watch",
    "RunFolderWriter": "gradsim.runs.live_folder",
    "TensorBoardWriter": "gradsim.runs.tensorboard",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gradsim' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
