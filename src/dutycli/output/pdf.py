"""A web page printed to PDF by a headless Chromium or Chrome, where one is installed.

dutycli writes no PDF itself: the browser prints ``web_page``'s page (A4 landscape, the header
row on every page, page numbers at the foot, as its print styles ask). The browser is the one
``DUTYCLI_CHROME`` names, else the first of ``COMMANDS`` on PATH, else one where its installer
puts it. It runs headless in a temporary folder holding the page and a throw-away profile, as
every helper program does (``processes.run``: its own process group, killed on the timeout,
Ctrl-C or a kill); the folder, and the output file being written, are always removed.
"""

from __future__ import annotations

import os
from pathlib import Path

from dutycli import processes
from dutycli.errors import OutputError
from dutycli.i18n import t

VARIABLE = "DUTYCLI_CHROME"
COMMANDS = (
    *("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"),
    *("chrome", "msedge"),
)
INSTALL_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"%ProgramFiles%\Google\Chrome\Application\chrome.exe",
    r"%ProgramFiles(x86)%\Google\Chrome\Application\chrome.exe",
    r"%ProgramFiles(x86)%\Microsoft\Edge\Application\msedge.exe",
)
INSTALL = (
    "install Chromium and Chinese fonts (Debian, Ubuntu: apt-get install chromium "
    "fonts-noto-cjk) or Google Chrome, or set DUTYCLI_CHROME=PATH"
)
# Printing takes a second or two (most of it the browser starting); beyond this it is stopped.
TIMEOUT = 60.0
TIMEOUT_VARIABLE = "DUTYCLI_CHROME_TIMEOUT"
# What the browser says that is never why it failed.
NOISE = ("dbus", "Fontconfig", "bytes written to file", "unexpected operator")


def _runnable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find() -> str | None:
    """The browser that prints: DUTYCLI_CHROME, else one on PATH or where installers put it."""
    import shutil

    given = os.environ.get(VARIABLE, "").strip()
    if given:
        found = given if _runnable(given) else shutil.which(given)
        if found is None:
            raise OutputError(
                t(
                    "{VARIABLE}={given!r}: no such program to print the PDF with",
                    VARIABLE=VARIABLE,
                    given=given,
                )
            )
        return found
    for name in COMMANDS:
        if found := shutil.which(name):
            return found
    for pattern in INSTALL_PATHS:
        candidate = os.path.expandvars(pattern)
        if _runnable(candidate):
            return candidate
    return None


def print_page(page: str) -> bytes:
    """The PDF the browser prints of ``page`` (a whole HTML document)."""
    import tempfile

    program = find()
    if program is None:
        raise OutputError(
            t(
                "a PDF is printed by Chromium or Chrome, and neither is installed: {INSTALL}; -o FILE.html writes the same page without one",
                INSTALL=INSTALL,
            )
        )
    seconds = processes.timeout(TIMEOUT_VARIABLE, TIMEOUT)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="dutycli-pdf-", ignore_cleanup_errors=True) as name,
            processes.stopped_by_signals(),
        ):
            return _print_in(Path(name), program, page, seconds)
    except OSError as exc:  # the temporary folder: no room, no permission
        raise OutputError(t("cannot print the PDF: {reason}", reason=exc.strerror or exc)) from None
    # A processes.Stopped goes on up, through the half-written target's removal, to the
    # command's end, which ends dutycli by the signal (cli.app).


def command(program: str, folder: Path) -> list[str]:
    """The browser's command line: headless, its own profile, printing page.html to page.pdf."""
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return [
        program,
        "--headless",
        *(["--no-sandbox"] if as_root else []),  # Chromium refuses to run as root with one
        f"--user-data-dir={folder / 'profile'}",
        *("--disable-gpu", "--no-first-run", "--no-default-browser-check"),
        *("--disable-extensions", "--disable-background-networking", "--disable-sync"),
        "--no-pdf-header-footer",  # no date and temporary file name on the pages
        f"--print-to-pdf={folder / 'page.pdf'}",
        (folder / "page.html").as_uri(),
    ]


def _print_in(folder: Path, program: str, page: str, seconds: float) -> bytes:
    (folder / "page.html").write_text(page, encoding="utf-8")
    name = Path(program).name
    try:
        code, output = processes.run(command(program, folder), seconds, cwd=folder)
    except OSError as exc:
        raise OutputError(
            t("cannot run {name} to print the PDF: {reason}", name=name, reason=exc.strerror or exc)
        ) from None
    except processes.TimedOut:
        raise OutputError(
            t(
                "{name} did not print the PDF within {seconds:g} s and was stopped (to wait longer, set {TIMEOUT_VARIABLE}=SECONDS)",
                name=name,
                seconds=seconds,
                TIMEOUT_VARIABLE=TIMEOUT_VARIABLE,
            )
        ) from None
    printed = folder / "page.pdf"
    data = printed.read_bytes() if printed.is_file() else b""
    if not data.startswith(b"%PDF"):
        raise OutputError(
            t(
                "{name} printed no PDF (exit code {code}{last_line})",
                name=name,
                code=code,
                last_line=_last_line(output, folder),
            )
        )
    if b"%%EOF" not in data[-1024:]:  # a PDF ends so; a browser that died mid-way does not
        raise OutputError(
            t(
                "{name} printed an incomplete PDF (exit code {code}{last_line})",
                name=name,
                code=code,
                last_line=_last_line(output, folder),
            )
        )
    return data


def _last_line(output: str, folder: Path) -> str:
    """The browser's last line that says something, for an error: ``: …``."""
    lines = [line.strip() for line in output.replace(str(folder), "…").splitlines()]
    said = [line for line in lines if line and not any(n in line for n in NOISE)]
    if not said:
        return ""
    line = said[-1]
    return f": {line[:157]}…" if len(line) > 160 else f": {line}"
