"""The standard streams, decided in one place: terminal or not, width, colour, and failures.

Whether stdout is a terminal decides the default format (a table for people, CSV for
pipes), the table's width and colour, and whether binary output is refused. Every such
decision asks ``current()``; tests set their own ``Streams`` with ``use`` instead of
needing a pseudo-terminal (a few real-pty tests keep the contract itself checked).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dutycli.errors import OutputClosed, OutputError
from dutycli.i18n import t

# A table into a pipe or file is this wide unless COLUMNS says (Rich would take 80).
PIPE_WIDTH = 160


class Streams:
    """What dutycli knows of its stdout. ``None`` for a setting means: ask the real stream
    (and the environment: NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, DUTYCLI_PAGER, PAGER).

    ``pager`` is the pager's command line (``""``: none); a test that says ``terminal=True``
    gets no pager unless it names one, so only a real terminal starts ``less``.
    """

    def __init__(
        self,
        terminal: bool | None = None,
        width: int | None = None,
        colour: bool | None = None,
        pager: str | None = None,
        height: int | None = None,
    ) -> None:
        self.terminal = terminal
        self.width = width
        self.colour = colour
        self.pager = pager
        self.height = height

    def stdout_is_terminal(self) -> bool:
        if self.terminal is not None:
            return self.terminal
        try:
            return sys.stdout.isatty()
        except (AttributeError, ValueError):  # a replaced or closed stdout
            return False

    def default_format(self) -> str:
        # A table for people, CSV for pipes and files: a piped Rich table would be cut to 80 columns.
        return "table" if self.stdout_is_terminal() else "csv"

    def wants_colour(self) -> bool:
        """Colour on stdout: --color always/never first, then NO_COLOR (off), then FORCE_COLOR
        or CLICOLOR_FORCE (on), else on a terminal whose TERM is not ``dumb``."""
        if self.colour is not None:
            return self.colour
        if CHOICES["color"] in ("always", "never"):
            return bool(CHOICES["color"] == "always")
        if os.environ.get("NO_COLOR", ""):
            return False
        if any(os.environ.get(v, "") not in ("", "0") for v in ("FORCE_COLOR", "CLICOLOR_FORCE")):
            return True
        return self.stdout_is_terminal() and os.environ.get("TERM", "") != "dumb"

    def console(self, file: Any = None, width: int | None = None) -> Any:
        """A Rich console for a table: on stdout, or plain text into ``file`` (``-o x.txt``);
        ``width`` (--width) wins over the terminal's."""
        from rich.console import Console

        if file is not None:
            return Console(highlight=False, width=width or PIPE_WIDTH, file=file, color_system=None)
        if width is not None:
            return Streams(self.terminal, width, self.colour, self.pager, self.height).console()
        colour = self.wants_colour()
        if self.stdout_is_terminal():
            # A set width is a terminal's; colour as decided above, never by Rich's own reading.
            console = Console(
                highlight=False,
                soft_wrap=False,
                width=self.width,
                force_terminal=True if self.width is not None or colour else None,
                color_system="auto" if colour else None,
                no_color=not colour,
            )
        else:
            # An explicit --format table into a pipe or file: a generous width, not Rich's 80.
            width = self.width or _columns() or PIPE_WIDTH
            console = Console(
                highlight=False,
                width=width,
                force_terminal=colour,  # FORCE_COLOR or --color always: colour into the pipe
                color_system="auto" if colour else None,
                no_color=not colour,
            )
        console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
        return console

    def pager_command(self) -> list[str] | None:
        """The pager for output to this terminal, or None: --no-pager, not a terminal, or
        DUTYCLI_PAGER / PAGER set empty or to ``cat``; else DUTYCLI_PAGER, PAGER, ``less``."""
        import shlex

        if self.pager is not None:
            command = self.pager
        elif self.terminal is not None or not CHOICES["pager"] or not self.stdout_is_terminal():
            return None
        else:
            command = os.environ.get("DUTYCLI_PAGER", os.environ.get("PAGER", "less"))
        try:
            words = shlex.split(command)
        except ValueError:
            return None
        return words if words and words != ["cat"] else None

    def lines(self) -> int:
        """The terminal's height: longer output goes through the pager."""
        if self.height is not None:
            return self.height
        value = os.environ.get("LINES", "")
        if value.isdigit() and int(value) > 0:
            return int(value)
        try:
            return os.get_terminal_size(sys.stdout.fileno()).lines
        except (OSError, ValueError, AttributeError):
            return 24

    @contextmanager
    def shown(self) -> Iterator[Paged]:
        """Where output for a person goes, written piece by piece: through the pager once it
        is longer than the terminal (and one is wanted and found), else straight to stdout.
        The first screen is held until it is full; after that each piece goes on at once."""
        sink = Paged(self.pager_command(), self.lines())
        try:
            yield sink
            sink.finish()
        finally:
            sink.end()


def terminal_encoding() -> str:
    """The encoding text for the terminal is written in (``readable`` chose it): a GBK
    terminal gets GBK tables."""
    return getattr(sys.stdout, "encoding", None) or "utf-8"


# What the command line chose: --color (auto, always, never) and --no-pager. Set by the app
# for each run (``choose``); Streams read them.
CHOICES: dict[str, Any] = {"color": "auto", "pager": True}


def choose(color: str = "auto", pager: bool = True) -> None:
    CHOICES.update(color=color, pager=pager)


class Paged:
    """Output for a person: held until it fills the terminal, then handed to the pager
    ``command`` (None: no pager) as it comes. Quitting the pager early is a normal end: the
    next write raises ``OutputClosed`` (exit 0) and the work stops there."""

    def __init__(self, command: list[str] | None, lines: int) -> None:
        self.command = command
        self.lines = lines
        self.held: list[bytes] = []
        self.count = 0  # lines held
        self.process: Any = None
        self.plain = command is None  # writing to stdout, the pager refused or not wanted
        self.previous: Any = None  # SIGINT's handler while the pager runs

    def write(self, data: bytes) -> None:
        if self.plain:
            write_bytes(data)
        elif self.process is not None:
            self._send(data)
        else:
            self.held.append(data)
            self.count += data.count(b"\n")
            if self.count >= self.lines:
                self._start()

    def finish(self) -> None:
        """All is written: what is held (shorter than the terminal) goes to stdout."""
        if self.process is None and self.held:
            held, self.held = b"".join(self.held), []
            write_bytes(held)

    def end(self) -> None:
        """Close the pager's input and wait for it (the user reads until they quit)."""
        process, self.process = self.process, None
        if process is None:
            return
        import signal

        try:
            with contextlib.suppress(OSError):
                process.stdin.close()
            process.wait()
        finally:
            signal.signal(signal.SIGINT, self.previous)

    def _start(self) -> None:
        import shutil
        import signal
        import subprocess

        assert self.command is not None
        held, self.held = b"".join(self.held), []
        environment = dict(os.environ)
        # As git does: less quits on one screen, keeps colours, leaves the text on the screen.
        environment.setdefault("LESS", "FRX")
        environment.setdefault("LV", "-c")
        sys.stdout.flush()
        try:
            if shutil.which(self.command[0]) is None:
                raise OSError
            process = subprocess.Popen(self.command, stdin=subprocess.PIPE, env=environment)
        except OSError:
            # A pager that cannot start: the text is written plainly.
            self.plain = True
            write_bytes(held)
            return
        # Ctrl-C belongs to the pager while it runs (less uses it to stop a search).
        self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.process = process
        self._send(held)

    def _send(self, data: bytes) -> None:
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()  # each piece on the screen as soon as it is rendered
        except OSError:
            raise OutputClosed() from None  # the pager quit: nobody reads the rest


def _columns() -> int | None:
    value = os.environ.get("COLUMNS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


_chosen: Streams | None = None


def current() -> Streams:
    """The streams in force: those a test chose with ``use``, else the real ones."""
    return _chosen if _chosen is not None else Streams()


def use(streams: Streams | None) -> None:
    """Decide the streams (tests); ``None`` goes back to asking the real ones."""
    global _chosen
    _chosen = streams


# --- writing and its failures ---------------------------------------------------------


def note(message: str) -> None:
    """A one-line message on stderr (never on stdout, which may be feeding a pipe)."""
    from dutycli.output.text import escape_controls

    # A path or argument an ASCII locale decoded to surrogates is shown as the UTF-8 it is.
    message = message.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    sys.stderr.write(f"dutycli: {escape_controls(message, keep_newlines=False)}\n")
    sys.stderr.flush()


@contextmanager
def stdout_guard() -> Iterator[None]:
    """Flush stdout; turn a closed pipe or a full disk into a DutyError the CLI knows."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        raise output_error(exc) from None


def output_error(exc: OSError) -> OutputClosed | OutputError:
    """A failed write to stdout: a reader that left (quiet) or a real error (one line)."""
    code = exc.errno
    if code is None:
        # A Rust writer (Polars) gives no errno, only "(os error 32)" in its text.
        import re

        found = re.search(r"os error (\d+)", str(exc))
        code = int(found.group(1)) if found else None
    if code == errno.EPIPE:
        return OutputClosed()
    reason = os.strerror(code) if code else str(exc)
    return OutputError(t("cannot write output: {reason}", reason=reason))


def _closed_pipe() -> None:
    # Rich's own handler exits with status 1; a reader leaving early is a normal end for us.
    raise OutputClosed()


def write_bytes(data: bytes) -> None:
    with stdout_guard():
        sys.stdout.buffer.write(data)


def write_text(text: str) -> None:
    write_bytes(text.encode("utf-8"))


def readable() -> None:
    """Text on stdout/stderr that any locale can carry, never mojibake, never a traceback.

    A locale that cannot encode Chinese (LANG=C without UTF-8 mode, PYTHONIOENCODING=ascii)
    gets UTF-8, the encoding CSV/JSON use anyway. A locale that can (UTF-8, GBK) is kept,
    and a character it cannot encode is written as a visible escape instead of failing.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "中文".encode(encoding)
            change: dict[str, str] = {"errors": "backslashreplace"}
        except (UnicodeEncodeError, LookupError):
            change = {"encoding": "utf-8", "errors": "backslashreplace"}
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A stream that cannot change encoding is kept as it is.
            with contextlib.suppress(ValueError, OSError):
                reconfigure(**change)


def silence_stdout() -> None:
    """Point stdout at /dev/null: output can no longer be delivered, and the final flush at
    exit must neither fail nor block on a pipe nobody reads."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
