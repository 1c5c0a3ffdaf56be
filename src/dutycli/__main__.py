"""Entry point for the ``dutycli`` console script and ``python -m dutycli``."""

from __future__ import annotations

import sys


def main() -> None:
    # Imported here, not at module level, so the console-script shim stays as cheap as possible.
    from dutycli.cli import run

    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
