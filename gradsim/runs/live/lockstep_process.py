"""A lockstep comparison (:func:`gradsim.runs.lockstep.lockstep`) in a child process.

The app's Compare window trains A and B here, not on a thread of the GUI process: the
BPTT capture runs thousands of small torch operations a step, each of which gives up
the GIL, and a GUI thread painting at the same time made every one of them wait for it
(measured: 0.2 iterations/s instead of 7 on an LSTM pair). A ``spawn`` child has its own
interpreter, as the main session's worker (:mod:`gradsim.runs.live.transport`) does.

Two one-way pipes: batches of snapshot pairs go up (pickled like the live loop's steps),
the words ``pause`` / ``play`` / ``stop`` go down. No Qt here.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import traceback

from gradsim.config import RunConfig
from gradsim.runs.live.protocol import StepMsg
from gradsim.runs.live.transport import _encode, decode, join_or_end
from gradsim.runs.lockstep import BATCH_SECONDS, LockstepControl, lockstep

__all__ = ["LockstepChannel", "lockstep_main"]

#: What the parent may send.
COMMANDS = ("pause", "play", "stop")


def _listen(conn, control: LockstepControl) -> None:
    """The child's command reader: set the control flags the generator checks between yields."""
    while True:
        try:
            word = conn.recv()
        except (EOFError, OSError):
            word = "stop"  # the parent went away
        if word == "pause":
            control.running.clear()
        elif word == "play":
            control.running.set()
        elif word == "stop":
            control.abort.set()
            control.running.set()
            return


def lockstep_main(up, down, cfg_a: RunConfig, cfg_b: RunConfig, steps: int, torch_threads: int,
                  batch_seconds: float) -> None:
    """Entry point of the child: train, send ``("pairs", encoded)`` batches, then ``("done",)``
    or ``("error", message, traceback)``; exit without the interpreter's teardown."""
    for name in ("SIGINT", "SIGHUP"):  # the parent decides when the child stops
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    control = LockstepControl()
    threading.Thread(target=_listen, args=(down, control), name="gradsim-lockstep-commands", daemon=True).start()
    try:
        import torch

        torch.set_num_threads(torch_threads)
        for pairs in lockstep(cfg_a, cfg_b, steps, control, batch_seconds):
            up.send(("pairs", _encode([StepMsg(i, snap) for pair in pairs for i, snap in enumerate(pair)])))
        up.send(("done",))
    except (BrokenPipeError, EOFError, OSError):
        pass  # the parent is gone
    except Exception as err:  # noqa: BLE001 - a config that cannot run here, a failed step: the window says so
        try:
            up.send(("error", f"{type(err).__name__}: {err}", traceback.format_exc()))
        except (BrokenPipeError, EOFError, OSError):
            pass
    finally:
        up.close()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


class LockstepChannel:
    """Parent side: start the child, read its batches, pause / resume / stop it.

    :meth:`receive` returns ``None`` (nothing yet), ``("pairs", [(snap_a, snap_b), ...])``,
    ``("done",)`` or ``("error", message, traceback)``; it raises EOFError once the
    child has closed its end.
    """

    def __init__(self, cfg_a: RunConfig, cfg_b: RunConfig, steps: int, *, torch_threads: int = 1,
                 batch_seconds: float = BATCH_SECONDS) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._up, child_up = ctx.Pipe(duplex=False)  # (receiving end, sending end)
        child_down, self._down = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=lockstep_main, args=(child_up, child_down, cfg_a, cfg_b, int(steps),
                                                             int(torch_threads), float(batch_seconds)),
                                 name="gradsim-compare", daemon=True)
        self._proc.start()
        child_up.close()
        child_down.close()
        self._closed = False

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def send(self, word: str) -> bool:
        """``pause``, ``play`` or ``stop``; False if the child is gone."""
        if word not in COMMANDS:
            raise ValueError(f"unknown command {word!r} (known: {', '.join(COMMANDS)})")
        if self._closed:
            return False
        try:
            self._down.send(word)
            return True
        except (BrokenPipeError, EOFError, OSError):
            return False

    def receive(self, timeout: float):
        if self._closed:
            raise EOFError
        try:
            if not self._up.poll(timeout):
                return None
            msg = self._up.recv()
        except OSError:
            raise EOFError from None
        if msg[0] == "pairs":
            steps = decode(msg[1])
            return ("pairs", [(steps[k].snapshot, steps[k + 1].snapshot) for k in range(0, len(steps), 2)])
        return msg

    def join(self, timeout: float) -> bool:
        """Wait for the child to exit; terminate it after ``timeout``. True if it exited by itself."""
        return join_or_end(self._proc, timeout)

    def close(self) -> None:
        """Release the pipes and the process object (after :meth:`join`)."""
        if not self._closed:
            self._closed = True
            self._up.close()
            self._down.close()
            if not self._proc.is_alive():
                self._proc.close()
