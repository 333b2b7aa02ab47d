"""Files written whole or not at all: the one atomic writer every part of gradsim uses.

A file is written under a hidden temporary name beside its target (same folder, so the
rename is atomic), flushed to disk and renamed over the target only when complete. A
failure removes the temporary and raises an OSError that names the *target*, never the
temporary. New files get the mode a plain ``open()`` would give (0o666 less the umask),
not mkstemp's 0o600, so a figure or report on a class share stays readable.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from gradsim.errors import Message, Reason, render

__all__ = ["WriteError", "atomic_write_bytes", "atomic_write_text", "atomic_path", "temp_beside", "write_error"]


#: The message of a :class:`WriteError` by what could not be written.
WRITE_TEMPLATES = {
    "": "cannot write %1: %2",
    "report": "cannot write report %1: %2",
    "animation": "cannot write animation %1: %2",
    "figure": "cannot export figure to %1: %2",
    "output folder": "cannot write to output folder %1: %2",
}


class WriteError(OSError):
    """A file could not be written: ``cannot write [what ]'PATH': REASON``.

    ``path``, ``what`` and ``reason`` are kept apart (``messages`` holds the structured
    :class:`~gradsim.errors.Message`), so that a front end says it its own way. ``reason``
    is an OS reason (``strerror``), one of gradsim's own, or a Message.
    """

    def __init__(self, path: str | os.PathLike[str], reason: "str | Message", what: str = "",
                 errno: int | None = None) -> None:
        arg = reason if isinstance(reason, Message) else Reason(str(reason))
        self.messages = (Message(WRITE_TEMPLATES[what], (repr(os.fspath(path)), arg)),)
        super().__init__(render(self))
        # Not OSError(errno, ...): that would turn str() into "[Errno 28] ...".
        self.path, self.reason, self.what, self.errno = os.fspath(path), str(reason), what, errno

    def __reduce__(self):
        return (type(self)._rebuild, (self.path, self.messages[0].args[1], self.what, self.errno))

    @classmethod
    def _rebuild(cls, path, reason, what, errno):
        err = WriteError(path, reason, what, errno)
        err.__class__ = cls
        return err


def write_error(path: str | os.PathLike[str], exc: "BaseException | str | Message | Reason", what: str = ""
                ) -> WriteError:
    """A :class:`WriteError` for ``path`` from an exception (its strerror) or a reason."""
    if isinstance(exc, Reason):
        exc = exc.text
    reason = exc if isinstance(exc, (str, Message)) else (getattr(exc, "strerror", None) or str(exc))
    return WriteError(path, reason, what, getattr(exc, "errno", None))


def temp_beside(path: str | os.PathLike[str], suffix: str = "") -> Path:
    """Create an empty hidden temporary file beside ``path``; raises OSError naming ``path``.

    ``O_EXCL`` never clobbers a stranger's file; ``suffix`` keeps a format suffix for
    writers that choose the container by it (ffmpeg).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part{suffix}")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise write_error(path, exc) from None
    return tmp


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = "", what: str = "") -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s content into; renamed over ``path`` on success.

    On any exception the temporary is removed, ``path`` is left as it was, and an OSError
    is re-raised naming ``path`` (``what`` names the kind of file, e.g. ``"animation"``).
    An OSError whose message already starts with "cannot" (it names the target) and
    other exceptions pass through unchanged.
    """
    path = Path(path)
    tmp = temp_beside(path, suffix)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not str(exc).startswith("cannot "):
            raise write_error(path, exc, what) from None
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (flushed and fsynced); raises OSError naming ``path``."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically; raises OSError naming ``path``."""
    atomic_write_bytes(path, text.encode("utf-8"))
