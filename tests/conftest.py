"""Shared fixtures: the real 2019 source, the committed dataset, and two ways to run dutycli."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dutycli.cli.app import app
from dutycli.output import streams

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "wujin-2019-duty-table.txt"
DATASET = ROOT / "data" / "wujin-2019.yaml"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def settled(path: Path) -> Path:
    """``path``, its times set an hour back: the caches keep nothing about a file that
    changed within the last seconds (it could change again unseen), so age it first."""
    hour_ago = time.time() - 3600
    os.utime(path, (hour_ago, hour_ago))
    return path


def run_cli(*args: str, env: dict[str, str] | None = None) -> Outcome:
    """Run through Typer's CliRunner (in-process), stdout and stderr kept apart."""
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def dutycli_executable() -> str:
    """The installed console script of the environment running the tests."""
    script = Path(sys.executable).with_name("dutycli")
    if not script.exists():
        pytest.skip("dutycli console script is not installed in this environment")
    return str(script)


def run_process(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> Outcome:
    """Run the installed ``dutycli`` as a real process (stdout is a pipe, not a terminal)."""
    full_env = {k: v for k, v in os.environ.items() if k != "DUTYCLI_DATA"}
    full_env.update(env or {})
    completed = subprocess.run(
        [dutycli_executable(), *args],
        capture_output=True,
        env=full_env,
        timeout=60,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )
    return Outcome(
        completed.returncode,
        completed.stdout.decode("utf-8"),
        completed.stderr.decode("utf-8"),
    )


def interrupted_while_blocked(*args: str) -> tuple[int, str]:
    """Run dutycli with ``args`` writing into a pipe nobody reads, press Ctrl-C once it is
    blocked on the full pipe, and return its exit code and stderr."""
    import signal

    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [dutycli_executable(), *args],
        stdout=write_end,
        stderr=subprocess.PIPE,
        # As from a terminal: a parent started in the background may have SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(write_end)
    try:
        assert os.read(read_end, 1024)  # it is writing; nobody reads on, so the pipe fills
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
        os.close(read_end)
    return process.returncode, stderr.decode()


# What the developer's terminal says of itself: the width of a table, colour or not.
TERMINAL_SETTINGS = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")
# What language the developer's shell speaks: the tests choose it (English unless a test asks).
LOCALE_SETTINGS = ("LC_ALL", "LC_MESSAGES")


@pytest.fixture(scope="session")
def _warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding the shipped dataset, as every run after the first has it: a test's own
    cache starts as a copy (reading the YAML again would cost each test 50 ms)."""
    folder = tmp_path_factory.mktemp("warm-cache")
    saved = os.environ.get("DUTYCLI_CACHE_DIR")
    os.environ["DUTYCLI_CACHE_DIR"] = str(folder)
    try:
        assert run_cli("units", "-f", "csv").exit_code == 0
    finally:
        os.environ.pop("DUTYCLI_CACHE_DIR")
        if saved is not None:
            os.environ["DUTYCLI_CACHE_DIR"] = saved
    return folder


# Tests of the cache itself start from an empty one.
COLD_CACHE_MODULES = ("test_hostile_store",)


@pytest.fixture(autouse=True)
def _own_user_directories(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    _warm_cache: Path,
) -> None:
    """Each test its own home, XDG folders and dutycli cache, an English locale, and no
    DUTYCLI_* or terminal setting of the developer's shell: what a test sees never depends on the machine or on
    another test.

    Set in ``os.environ``, so the processes a test starts inherit them too.
    """
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        settings = (*TERMINAL_SETTINGS, *LOCALE_SETTINGS)
        if name.startswith(("DUTYCLI_", "_DUTYCLI_", "XDG_")) or name in settings:
            monkeypatch.delenv(name)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("HOME", str(home))
    for variable, folder in (
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
    ):
        monkeypatch.setenv(variable, str(home / folder))
    cache = home / "dutycli-cache"
    if not request.module.__name__.endswith(COLD_CACHE_MODULES):
        shutil.copytree(_warm_cache, cache)
    monkeypatch.setenv("DUTYCLI_CACHE_DIR", str(cache))
    streams.use(None)


def run_in_terminal(
    *args: str, columns: int | None = None, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run the installed ``dutycli`` on a pseudo-terminal; return its exit code and the screen.

    With ``columns`` the terminal has that width (and COLUMNS/LINES are unset, so Rich asks
    the terminal); otherwise the environment decides.
    """
    import fcntl
    import pty
    import struct
    import termios

    primary, secondary = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "DUTYCLI_DATA"}
    if columns is not None:
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        environment = {k: v for k, v in environment.items() if k not in ("COLUMNS", "LINES")}
    # No pager unless a test asks for one (a pager would wait for keys nobody presses).
    asks = env is not None and ("DUTYCLI_PAGER" in env or "PAGER" in env)
    quiet = {} if asks else {"DUTYCLI_PAGER": ""}
    process = subprocess.Popen(
        [dutycli_executable(), *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env={**environment, "TERM": "xterm-256color", **quiet, **(env or {})},
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closes when the process ends (EIO on Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8")
