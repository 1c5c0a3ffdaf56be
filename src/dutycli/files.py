"""Writing files: the user's files as the shell's ``>`` would, and never half-written.

``write_output`` writes every file dutycli writes on the user's behalf (``-o`` of a query,
``import -o``, ``export -o``). Like ``>`` it writes a device, a FIFO or a socket in place, follows
a symbolic link to write its target, writes a hard-linked file in place so every link sees the
new content, and keeps an existing file's mode and owner. Unlike ``>`` it never leaves a
half-written file, and never overwrites a file the same run reads (``note_input``).

``write_atomically`` is the mechanism beneath: a temporary file beside the target, renamed into
place. The caches use it directly (they are not the user's files). Standard library only: the
completion path uses this module too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

# An in-place copy is done in pieces of this many bytes.
COPY_CHUNK = 1 << 20

# Paths that name a descriptor already open (a redirection of the shell): written in place.
DESCRIPTOR_PATHS = ("/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/")
# The files this run reads as data, by (device, inode): an output that is one of them is refused.
_inputs: dict[tuple[int, int], str] = {}


class InputOverwrite(OSError):
    """The output named is a file this run reads: writing it would lose the input."""


def new_file_mode() -> int:
    """The mode an ordinary new file gets under the current umask (mkstemp's is 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(
    path: Path,
    write: Callable[[BinaryIO], object],
    durable: bool = True,
    mode: int | None = None,
    owner: tuple[int, int] | None = None,
) -> None:
    """Write ``path`` through ``.NAME.XXXXXXXX.tmp`` beside it, then rename it into place.

    The temporary file is removed on every error and on Ctrl-C; only a kill that cannot be
    caught (SIGKILL, power loss) can leave it behind, and the target is then untouched.
    Errors are raised as they come (OSError and whatever ``write`` raises): callers word them.
    ``durable`` syncs to disk before the rename; caches skip that. The file gets ``mode``
    (default: the umask's) and ``owner`` (uid, gid; default: whoever runs dutycli).
    """
    import tempfile

    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            if owner is not None:
                os.fchown(out.fileno(), *owner)
            os.fchmod(out.fileno(), new_file_mode() if mode is None else mode)
            write(out)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --- the user's files ----------------------------------------------------------------------


def note_input(path: Path | str, what: str) -> None:
    """Remember that this run reads ``path`` (``what`` it is, e.g. "the dataset"): it is never
    written. Compared by device and inode, so a link or another spelling is the same file."""
    with contextlib.suppress(OSError, ValueError):
        info = os.stat(path)
        _inputs.setdefault((info.st_dev, info.st_ino), f"{what} {path}")


def forget_inputs() -> None:
    """A new run reads nothing yet (the CLI calls this when it starts)."""
    _inputs.clear()


def check_output(path: Path) -> None:
    """Refuse, before any work, an output that is a folder or a file this run reads."""
    import errno

    try:
        info = os.stat(path)  # through links: the file that would be written
    except (OSError, ValueError):
        return  # absent (or unreadable): writing it says why, if it cannot be written
    read_as = _inputs.get((info.st_dev, info.st_ino))
    if read_as is not None:
        raise InputOverwrite(
            errno.EEXIST, f"it is {read_as}, read by this command; write to another file"
        )
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "it is a directory")


def write_output(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file the user named, as ``>`` would, and never half-written where it can be.

    - absent: a new file, with the umask's mode (a dangling link: its target is created);
    - a device, FIFO or socket: written in place, streamed (it is never replaced);
    - a symbolic link: its target is written, the link stays;
    - a regular file: the whole new content is written first, then renamed over the old file,
      which keeps its mode and owner. A file that a rename would change otherwise (it has
      other hard links; an owner dutycli cannot give; a folder that allows no new file) is
      overwritten in place instead, from a complete copy, with Ctrl-C held off while copying.

    OSError is raised as it comes (callers word it); ``InputOverwrite`` for a file being read.
    """
    import errno
    import stat

    check_output(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        write_atomically(Path(os.path.realpath(path)), write)
        return
    if not stat.S_ISREG(info.st_mode) or _names_a_descriptor(path):
        _write_special(path, write, stat.S_ISSOCK(info.st_mode))
        return
    if not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(info.st_mode)
    if info.st_nlink > 1 or not _can_keep_owner(info) or not _can_add_file(target.parent):
        _write_in_place(target, write, info.st_size)
        return
    owner = (info.st_uid, info.st_gid)
    write_atomically(target, write, mode=mode, owner=owner if owner != _own() else None)


def _names_a_descriptor(path: Path) -> bool:
    """``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N``: an open descriptor, written in place."""
    return os.path.abspath(path).startswith(DESCRIPTOR_PATHS)


def _own() -> tuple[int, int]:
    return (os.geteuid(), os.getegid())


def _can_keep_owner(info: os.stat_result) -> bool:
    """Whether a new file can be given the old file's owner and group (as root, or one's own)."""
    if os.geteuid() == 0:
        return True
    return info.st_uid == os.geteuid() and info.st_gid in (os.getegid(), *os.getgroups())


def _can_add_file(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _write_special(path: Path, write: Callable[[BinaryIO], object], socket: bool) -> None:
    """A device, FIFO or descriptor: opened and written as ``>`` does (a FIFO waits for its
    reader; a file behind ``/dev/stdout`` is emptied first, as ``>`` empties it)."""
    import errno

    if socket:  # open() cannot write a socket; neither can ``>``
        raise OSError(errno.ENXIO, "it is a socket, not a file")
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_TRUNC)  # as ``>``; only a file is cut
    with os.fdopen(fd, "wb") as out:
        write(out)


def _write_in_place(target: Path, write: Callable[[BinaryIO], object], old_size: int) -> None:
    """Overwrite ``target``'s content without replacing the file (hard links see it).

    The new content is written whole to an unnamed temporary file first: an error or Ctrl-C
    while it is made leaves the target untouched. The copy into the target is checked for
    room first and is not interrupted by Ctrl-C (or a hang-up, or a kill that can be held);
    only a disk failing during the copy can leave it incomplete, and the error then says so.
    """
    import errno
    import tempfile

    folder = target.parent if _can_add_file(target.parent) else None
    with tempfile.TemporaryFile(dir=folder) as scratch:
        write(scratch)
        scratch.flush()
        size = scratch.tell()
        fd = os.open(target, os.O_WRONLY | os.O_NOCTTY)
        try:
            room = os.fstatvfs(fd)
            if size - old_size > room.f_bavail * room.f_frsize:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            with _signals_held():
                try:
                    scratch.seek(0)
                    while piece := scratch.read(COPY_CHUNK):
                        view = memoryview(piece)
                        while view:
                            view = view[os.write(fd, view) :]
                    os.ftruncate(fd, size)
                    os.fsync(fd)
                except OSError as exc:
                    reason = exc.strerror or str(exc)
                    raise OSError(exc.errno, f"{reason}; it was left incomplete") from None
        finally:
            os.close(fd)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, a hang-up and a polite kill wait until the block ends (then act as usual)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
