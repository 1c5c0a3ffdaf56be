"""Old Office and WPS files (.doc .wps .xls .et), read through LibreOffice.

Word and Excel 97-2003 files and Kingsoft WPS's own Writer (.wps) and Spreadsheets (.et)
files are binary: dutycli reads none of them itself. When LibreOffice is installed,
``convert`` has it turn the file into a .docx or .xlsx, and the Word or Excel reader reads
that, so every rule of those readers holds; LibreOffice keeps the table's rows as they are,
so the rows a report names are the rows of the file.

LibreOffice runs headless in a temporary folder: a copy of the bytes dutycli read, its own
user profile (``-env:UserInstallation``), so a clerk's open LibreOffice or an import running
beside it never meets this one. It runs as every helper program does (``processes.run``): in a
process group of its own, for at most ``timeout()`` seconds; on the timeout, on Ctrl-C, or
when dutycli is told to stop (a kill, a hang-up), the whole group is killed. The folder is
always removed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dutycli import processes
from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.sources.table import shorten


@dataclass(frozen=True)
class Target:
    """What an old file becomes: a .docx or an .xlsx."""

    suffix: str
    export_filter: str  # LibreOffice's name for the filter that writes it
    program: str  # what the clerk may open the file in to save it anew (besides WPS)
    document: str  # what the file is, for an error
    package: str  # Debian's package of LibreOffice that converts it


TARGETS = {
    "docx": Target(
        ".docx", "MS Word 2007 XML", "Word", "a Word document", "libreoffice-writer-nogui"
    ),
    "xlsx": Target(
        ".xlsx", "Calc MS Excel 2007 XML", "Excel", "an Excel workbook", "libreoffice-calc-nogui"
    ),
}
DOWNLOAD = "https://www.libreoffice.org/download/"

# LibreOffice's command on PATH, then where its installers put it when it is not on PATH:
# LibreOffice's own Linux packages (/opt/libreoffice7.6/…), macOS, Windows.
COMMANDS = ("soffice", "libreoffice")
INSTALL_PATHS = (
    "/opt/libreoffice*/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "~/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"%ProgramFiles%\LibreOffice\program\soffice.exe",
    r"%ProgramFiles(x86)%\LibreOffice\program\soffice.exe",
)

# A conversion takes a second or two (most of it LibreOffice starting); a large file on a
# slow machine some more. Beyond this it is stopped: a file LibreOffice hangs on.
TIMEOUT = 120.0
TIMEOUT_VARIABLE = "DUTYCLI_SOFFICE_TIMEOUT"
# The largest converted file read (a .docx of a .doc is smaller than the .doc).
MAX_CONVERTED_BYTES = 256 * 2**20


def find() -> str | None:
    """LibreOffice's program (soffice), or None when it is not installed."""
    import glob
    import shutil

    for name in COMMANDS:
        found = shutil.which(name)
        if found:
            return found
    for pattern in INSTALL_PATHS:
        where = os.path.expanduser(os.path.expandvars(pattern))
        for candidate in sorted(glob.glob(where), reverse=True):  # the newest version first
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def timeout() -> float:
    """Seconds a conversion may take: TIMEOUT, or DUTYCLI_SOFFICE_TIMEOUT when set."""
    return processes.timeout(TIMEOUT_VARIABLE, TIMEOUT)


def convert(
    data: bytes, path: Path, kind: str, origin: str, label: str, renamed: bool = False
) -> tuple[bytes, dict[str, str]]:
    """The file's bytes as a ``kind`` (docx or xlsx) file, and the source metadata saying so.

    ``origin`` is what the file is (doc, wps, xls, et), ``label`` what errors call it;
    ``renamed``: an old binary file bearing a .docx or .xlsx name.
    """
    from dutycli.sources import package

    target = TARGETS[kind]
    if package.is_encrypted(data):
        raise package.unreadable(path, label, package.ENCRYPTED_ADVICE)
    renamed_file = "it is an old binary Office file with a new name"
    program = find()
    if program is None:
        head = (
            f"not a readable {label} file: {renamed_file}"
            if renamed
            else f"{label} is an old binary format"
        )
        raise DataError(
            t(
                "{path}: {head}; dutycli reads it through LibreOffice, which is not installed: install LibreOffice (Debian, Ubuntu: apt install {package}; others: {DOWNLOAD}) or open the file in {program} or WPS and save it as {suffix}",
                path=path,
                head=head,
                package=target.package,
                DOWNLOAD=DOWNLOAD,
                program=target.program,
                suffix=target.suffix,
            )
        )
    seconds = timeout()
    unreadable = f"{path}: not a readable {label} file: " + (
        f"{renamed_file}, and " if renamed else ""
    )
    import tempfile

    try:
        with (
            tempfile.TemporaryDirectory(
                prefix="dutycli-office-", ignore_cleanup_errors=True
            ) as folder,
            processes.stopped_by_signals(),
        ):
            converted = _convert_in(Path(folder), program, data, path, kind, unreadable, seconds)
    except OSError as exc:  # the temporary folder: no room, no permission
        raise DataError(
            t("{path}: cannot convert it: {reason}", path=path, reason=exc.strerror or exc)
        ) from None
    # A processes.Stopped goes on up to the command's end, which ends dutycli by the signal.
    return converted, {"converted_from": origin, "converted_by": _version(converted)}


def _convert_in(
    folder: Path, program: str, data: bytes, path: Path, kind: str, unreadable: str, seconds: float
) -> bytes:
    """Convert in ``folder``; ``unreadable`` starts the error of a conversion that failed."""
    target = TARGETS[kind]
    source = folder / f"source{path.suffix.lower()}"  # LibreOffice reads what it holds
    source.write_bytes(data)
    out = folder / "out"
    command = [
        program,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        *("--headless", "--norestore", "--nolockcheck", "--nologo"),
        *("--convert-to", f"{kind}:{target.export_filter}", "--outdir", str(out), str(source)),
    ]
    code, output = _run(command, seconds, path)
    converted = out / f"source.{kind}"
    size = converted.stat().st_size if converted.is_file() else 0
    if size > MAX_CONVERTED_BYTES:
        raise DataError(
            t(
                "{path}: LibreOffice made a {suffix} of {value:,} MB of it; dutycli reads at most {value2} MB",
                path=path,
                suffix=target.suffix,
                value=size // 2**20,
                value2=MAX_CONVERTED_BYTES // 2**20,
            )
        )
    if not size:
        output = output.replace(str(folder), "…")
        raise DataError(unreadable + _failure(target, code, output))
    return converted.read_bytes()


def _run(command: list[str], seconds: float, path: Path) -> tuple[int, str]:
    """Run LibreOffice (``processes.run``); its exit code and output."""
    try:
        return processes.run(command, seconds)
    except OSError as exc:
        raise DataError(
            t(
                "{path}: cannot run LibreOffice ({command}): {reason}",
                path=path,
                command=command[0],
                reason=exc.strerror or exc,
            )
        ) from None
    except processes.TimedOut:
        raise DataError(
            t(
                "{path}: LibreOffice did not convert it within {seconds:g} s and was stopped (a damaged file? to wait longer, set {TIMEOUT_VARIABLE}=SECONDS)",
                path=path,
                seconds=seconds,
                TIMEOUT_VARIABLE=TIMEOUT_VARIABLE,
            )
        ) from None


def _failure(target: Target, code: int, output: str) -> str:
    """Why LibreOffice made nothing, from what it printed."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line[len("Error:") :].strip() for line in lines if line.startswith("Error:")]
    if any("could not be loaded" in error for error in errors):
        return (
            "LibreOffice could not open it (a damaged file, one protected by a password, "
            f"or not {target.document})"
        )
    if any("impl_store" in error for error in errors):
        return f"LibreOffice opened it but could not save it as {target.suffix} (not {target.document}?)"
    said = [line for line in lines if not line.startswith("Warning:")]
    detail = f": {shorten(said[-1], 160)}" if said else ""
    return f"LibreOffice made no {target.suffix} of it (exit code {code}{detail})"


def _version(converted: bytes) -> str:
    """'LibreOffice 7.4.7.2', as the converted file's properties name the program that wrote it."""
    import io
    import re
    import zipfile

    try:
        with (
            zipfile.ZipFile(io.BytesIO(converted)) as archive,
            archive.open("docProps/app.xml") as part,
        ):
            properties = part.read(64 * 1024).decode("utf-8", "replace")
    except Exception:  # no properties: the program is still known
        return "LibreOffice"
    found = re.search(r"<Application>LibreOffice/([0-9][0-9.]{0,30})", properties)
    return f"LibreOffice {found.group(1).rstrip('.')}" if found else "LibreOffice"
