"""A web page printed to PDF by a headless Chromium or Chrome, where one is installed."""

from __future__ import annotations


def print_page(page: str) -> bytes:
    raise NotImplementedError
