"""Files written whole or not at all: the one atomic writer every part of gradsim uses.

A file is written under a hidden temporary name beside its target (same folder, so the
rename is atomic), flushed to disk and renamed over the target only when complete. A
failure removes the temporary and raises an OSError that names the *target*, never the
temporary. New files get the mode a plain ``open()`` would give (0o666 less the umask),
not mkstemp's 0o600, so a figure or report on a class share stays readable.

Reading the user's files has its one guard here too: :func:`read_regular_file` reads only a
regular file, up to a limit, opened without blocking, so a named pipe, ``/dev/zero`` or a
folder given as a config, lecture, grid, manifest or CSV file is refused at once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from gradsim.errors import Message, Reason, render

__all__ = ["WriteError", "atomic_write_bytes", "atomic_write_text", "atomic_path", "atomic_folder", "temp_beside",
           "write_error", "deferred_interrupt", "write_failure", "NotRead", "read_regular_file"]


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


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back while the block runs; a Ctrl-C that came meanwhile is raised
    as KeyboardInterrupt at the end. Main thread only (elsewhere Python delivers no SIGINT);
    does nothing in other threads or where SIGINT is ignored (nohup, a background job).

    For a few renames that must happen together, and for importing torch and building a
    model (:func:`gradsim.runs.procedure.train`): a KeyboardInterrupt raised inside one of
    those ~800 imports (torch._dynamo, sympy) leaves half-imported modules behind (a later
    import fails: "cannot load module more than once per process"), and one raised inside
    code a library ``exec``s (dataclasses builds ``__init__`` so) made CPython 3.11 end the
    process by SIGINT (exit −2) after gradsim had handled it and printed its line."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is signal.SIG_IGN):
        yield
        return
    caught: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if caught:
        raise KeyboardInterrupt


def _make_parents(path: Path) -> list[Path]:
    """Create the missing folders above ``path``; return them, outermost first."""
    missing = []
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    made: list[Path] = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            made.append(folder)
    except BaseException:
        _remove_empty(made)
        raise
    return made


def _remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _moved(err: "WriteError", tmp: Path, path: Path) -> "WriteError":
    """``err`` naming the file's place in ``path`` instead of in the temporary folder ``tmp``."""
    try:
        rel = Path(err.path).relative_to(tmp)
    except ValueError:
        return err
    return type(err)._rebuild(path / rel if str(rel) != "." else path, err.messages[0].args[1], err.what, err.errno)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str], what: str = "output folder") -> Iterator[Path]:
    """Yield an empty hidden temporary folder beside ``path`` to write a whole folder into;
    on success it takes ``path``'s place, on any exception it is removed.

    ``path`` is then either what it was before (absent, or the old folder, untouched) or
    the new folder, whole; never a mix. An existing ``path`` is replaced only by a
    complete new folder (the old one is renamed aside, the new one renamed in, then the
    old one deleted, Ctrl-C held back in between). Folders created above ``path`` are
    removed again on failure. Errors name ``path`` (and the file inside it), never the
    temporary folder: WriteError ``cannot write to output folder 'PATH': REASON``.
    """
    path = Path(path)
    full = Path(os.path.abspath(path))  # "." and "runs/.." have a name only once resolved
    try:
        made = _make_parents(full)
    except OSError as exc:
        raise write_error(path, exc, what) from None
    # a short name: beside a target whose name is near the 255-byte limit, it still fits
    tmp = full.with_name(f".gradsim-{uuid.uuid4().hex[:8]}.part")
    try:
        tmp.mkdir()
    except OSError as exc:
        _remove_empty(made)
        raise write_error(path, exc, what) from None
    try:
        yield tmp
        with deferred_interrupt():
            _swap_in(tmp, full)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(made)
        if isinstance(exc, WriteError):
            raise _moved(exc, tmp, path) from None
        if isinstance(exc, OSError) and not str(exc).startswith("cannot "):
            raise write_error(path, exc, what) from None
        raise


def _swap_in(tmp: Path, path: Path) -> None:
    if not path.exists():
        os.rename(tmp, path)
        return
    old = path.with_name(f".gradsim-{uuid.uuid4().hex[:8]}.old")
    os.rename(path, old)
    try:
        os.rename(tmp, path)
    except BaseException:
        os.rename(old, path)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_failure(folder: str | os.PathLike[str], size: int = 1 << 16) -> str | None:
    """Why writing into ``folder`` fails now (``"No space left on device"``), or None if it works.

    For writers that do not say why they failed (Qt's SVG generator writes an empty file on a
    full disk; ffmpeg dies with pages of its own log): a probe of ``size`` bytes is written,
    flushed, synced and removed.
    """
    probe = Path(folder) / f".gradsim-{uuid.uuid4().hex[:8]}.probe"
    try:
        with open(probe, "wb") as fh:
            fh.write(b"\0" * size)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(probe)
    return None


class NotRead(Exception):
    """A path :func:`read_regular_file` refuses: ``kind`` is ``"folder"``, ``"special"`` (a
    named pipe, a device, a socket) or ``"large"`` (more than ``limit`` bytes)."""

    def __init__(self, kind: str, limit: int) -> None:
        super().__init__(kind)
        self.kind, self.limit = kind, limit

    @property
    def reason(self) -> Reason:
        """The reason in words: "is a folder", "not a regular file", "larger than 1 MiB"."""
        if self.kind == "folder":
            return Reason("is a folder")
        if self.kind == "special":
            return Reason("not a regular file")
        return _LARGER.get(self.limit, Reason("too large"))


#: The size refusals by limit, each a whole text the app translates.
_LARGER = {1 << 20: Reason("larger than 1 MiB"), 16 << 20: Reason("larger than 16 MiB"),
           64 << 20: Reason("larger than 64 MiB")}


def read_regular_file(path: str | os.PathLike[str], limit: int, *, head: bool = False) -> bytes:
    """The bytes of the regular file ``path``: at most ``limit`` of them.

    Opened without blocking and checked with ``fstat`` before any read, so a named pipe
    with no writer, ``/dev/zero`` or a folder is refused at once (:class:`NotRead`) instead
    of hanging or filling memory. A file larger than ``limit`` (checked before and after
    reading: it may grow meanwhile) is refused too, unless ``head``: then its first
    ``limit`` bytes are returned. Other failures are the OSError of ``open``/``read``.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise NotRead("folder", limit)
        if not stat.S_ISREG(st.st_mode):
            raise NotRead("special", limit)
        if st.st_size > limit and not head:
            raise NotRead("large", limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
        if size > limit:
            if not head:
                raise NotRead("large", limit)
            data = data[:limit]
        return data
    finally:
        os.close(fd)
