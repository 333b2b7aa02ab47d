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

__all__ = ["WriteError", "atomic_write_bytes", "atomic_write_text", "atomic_path", "temp_beside", "write_error"]


class WriteError(OSError):
    """A file could not be written: ``cannot write [what ]'PATH': REASON``.

    ``path`` and ``reason`` are kept apart so that a front end can say it its own way.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str, what: str = "", errno: int | None = None) -> None:
        super().__init__(f"cannot write {what + ' ' if what else ''}{os.fspath(path)!r}: {reason}")
        # Not OSError(errno, ...): that would turn str() into "[Errno 28] ...".
        self.path, self.reason, self.what, self.errno = os.fspath(path), reason, what, errno


def write_error(path: str | os.PathLike[str], exc: BaseException | str, what: str = "") -> WriteError:
    """A :class:`WriteError` for ``path`` from an exception (its strerror) or a reason."""
    reason = exc if isinstance(exc, str) else (getattr(exc, "strerror", None) or str(exc))
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
