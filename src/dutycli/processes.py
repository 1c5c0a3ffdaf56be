"""Helper programs dutycli runs (LibreOffice, a headless browser), never outliving it.

A helper runs in a process group of its own, standard input closed, its output captured, for
at most a number of seconds: on the timeout, on Ctrl-C, or when dutycli is told to stop (a
kill, a hang-up, inside ``stopped_by_signals``), the whole group is killed, so no LibreOffice
or Chromium child is left behind. Standard library only.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NoReturn

from dutycli.errors import DutyError
from dutycli.i18n import t


class TimedOut(Exception):
    """The helper ran past its time and was killed, with everything it started."""


class Stopped(BaseException):
    """dutycli was told to stop (SIGTERM, SIGHUP) while a helper ran."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def timeout(variable: str, default: float) -> float:
    """Seconds a helper may take: ``default``, or the environment ``variable`` when set."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= 86_400:  # NaN fails too
        raise DutyError(
            t(
                "{variable}={text!r}: not a number of seconds (above 0)",
                variable=variable,
                text=text,
            )
        )
    return seconds


def run(
    command: list[str], seconds: float, cwd: Path | None = None, merge_output: bool = True
) -> tuple[int, str]:
    """Run ``command`` in a process group of its own; its exit code and output (stdout and
    stderr together, or stderr alone when ``merge_output`` is False).

    Raises OSError when it cannot be started and TimedOut (after killing the group) when it
    runs past ``seconds``; Ctrl-C or a ``Stopped`` kills the group too, then goes on.
    """
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if merge_output else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if merge_output else subprocess.PIPE,
        start_new_session=os.name != "nt",  # POSIX: a session and process group of its own
        creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),  # Windows: a group
    )
    try:
        stdout, stderr = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        kill(process)
        raise TimedOut(seconds) from None
    except BaseException:  # Ctrl-C, a stop: the helper must not outlive dutycli
        kill(process)
        raise
    output = stdout if merge_output else stderr
    return process.returncode, (output or b"").decode("utf-8", "replace")


def kill(process: subprocess.Popen[bytes]) -> None:
    """Kill a helper and everything it started (its process group), then reap it."""
    if os.name == "nt":
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False
        )
        process.kill()
    else:
        import signal

        with suppress(OSError):  # the group still exists: its leader is not reaped yet
            os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=10)


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """A kill or hang-up of dutycli raises ``Stopped`` inside, so the helper is killed and its
    folder removed; the caller then ends dutycli by that signal (``end``), as it would have.

    Only signals left to their default (not ignored, not handled by someone else), and only
    where Python can handle signals (the main thread).
    """
    import signal
    import threading

    if os.name == "nt" or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    taken = [s for s in (signal.SIGTERM, signal.SIGHUP) if signal.getsignal(s) is signal.SIG_DFL]
    for signum in taken:
        signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum in taken:
            signal.signal(signum, signal.SIG_DFL)


def end(stop: Stopped) -> NoReturn:
    """End dutycli by the signal it was stopped with, now that the helper is gone."""
    import signal

    signal.raise_signal(stop.signum)
    raise KeyboardInterrupt from None  # a handler that returns: end as interrupted
