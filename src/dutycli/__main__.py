"""Entry point for the ``dutycli`` console script and ``python -m dutycli``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # Every TAB in a shell runs dutycli: a data value is answered here, without Typer's
    # start-up (see dutycli.completion.protocol); everything else goes through the Typer app.
    if "_DUTYCLI_COMPLETE" in os.environ:
        from dutycli.completion.protocol import main_fast

        if main_fast():
            sys.exit(0)

    # Imported here, not at module level, so the console-script shim stays as cheap as possible.
    from dutycli.cli.app import run

    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
