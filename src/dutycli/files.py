"""Writing a file so that readers see either the old file or the whole new one.

Every file dutycli writes (datasets, exports, --output, caches) goes through here, so a
crash, a full disk or Ctrl-C mid-write never leaves a half-written file in its place.
Standard library only: the completion path uses it too.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def new_file_mode() -> int:
    """The mode an ordinary new file gets under the current umask (mkstemp's is 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, write: Callable[[BinaryIO], object], durable: bool = True) -> None:
    """Write ``path`` through ``.NAME.XXXXXXXX.tmp`` beside it, then rename it into place.

    The temporary file is removed on every error and on Ctrl-C; only a kill that cannot be
    caught (SIGKILL, power loss) can leave it behind, and the target is then untouched.
    Errors are raised as they come (OSError and whatever ``write`` raises): callers word them.
    ``durable`` syncs to disk before the rename; caches skip that.
    """
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), new_file_mode())
            write(out)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
