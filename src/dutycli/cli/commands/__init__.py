"""dutycli's commands, a module per kind: lookups, directories, analysis, datasets.

A command is one function decorated with ``registry.command``; importing these modules
registers them (``cli.app`` does, in the order ``--help`` lists them).
"""

import importlib

MODULES = ("lookup", "directory", "analysis", "datasets", "progress_forms", "progress_status")


def register_all() -> None:
    """Import every commands module, in the order of ``MODULES``: each declares its commands."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
