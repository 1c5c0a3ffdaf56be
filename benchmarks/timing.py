"""Timing shared by the in-process benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(repeat: int, action: Callable[..., object]) -> float:
    """The fastest of ``repeat`` runs of ``action``, in seconds: the least disturbed by load."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)
