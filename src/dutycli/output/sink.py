"""A scanned dataset's result written as CSV or TSV while it is read, never held whole.

A query on a Parquet or IPC file is lazy; collecting it holds every row found (1.5 million
at 10M tasks for a common keyword: gigabytes), then their bytes. Here Polars' streaming
engine reads, filters and writes the CSV in one pass, with bytes identical to ``write_csv``
of the collected rows, and counts the rows as they pass (for the exit code and the note).

The engine runs on a worker thread and hands its bytes to ``out`` from there; the main
thread only waits, so Ctrl-C still interrupts at once (a Rust call on the main thread would
hold it off), and a write that fails (a closed pipe, a full disk) stops the engine.
"""

from __future__ import annotations

import io
import threading
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast

if TYPE_CHECKING:
    import polars as pl


class _Stopped(Exception):
    """The reader left or Ctrl-C was pressed: the engine's next write ends its work."""


# Output is held until this much has come: a result smaller than this is written whole or
# not at all (a file damaged inside fails before a byte is out); a larger one streams.
HOLD_BYTES = 1 << 20


class _Writer(io.RawIOBase):
    """A file object for Polars' sink: writes go to ``out``, or stop the sink."""

    def __init__(self, out: BinaryIO, stop: threading.Event, failures: list[BaseException]):
        super().__init__()
        self.out, self.stop, self.failures = out, stop, failures
        self.held: list[bytes] | None = []  # None once the output streams
        self.held_bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.stop.is_set():
            raise _Stopped
        if self.held is not None:
            self.held.append(bytes(data))
            self.held_bytes += len(data)
            if self.held_bytes >= HOLD_BYTES:
                self.release()
            return len(data)
        try:
            self.out.write(bytes(data))
        except OSError as exc:  # the failure the main thread raises, as a write would
            self.failures.append(exc)
            self.stop.set()
            raise
        return len(data)

    def release(self) -> None:
        """Write what is held, and stream from now on."""
        held, self.held = self.held or [], None
        self.write(b"".join(held))


def sink_csv(frame: pl.LazyFrame, out: BinaryIO, separator: str = ",") -> int:
    """Write ``frame`` (lists already joined) as CSV into ``out``; the number of rows."""
    rows = 0

    def counted(batch: pl.DataFrame) -> pl.DataFrame:
        nonlocal rows
        rows += batch.height
        return batch

    stop = threading.Event()
    failures: list[BaseException] = []
    writer = _Writer(out, stop, failures)

    def work() -> None:
        try:
            counting = frame.map_batches(counted, streamable=True)
            counting.sink_csv(cast("IO[bytes]", writer), separator=separator)
        except BaseException as exc:  # handed to the main thread, which raises it
            failures.append(exc)

    worker = threading.Thread(target=work, name="dutycli-sink", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except BaseException:
        stop.set()  # Ctrl-C: the engine stops at its next write; the exit is the caller's
        raise
    if failures:
        first = next((f for f in failures if isinstance(f, OSError)), failures[0])
        raise first
    writer.release()
    return rows
