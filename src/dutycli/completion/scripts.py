"""The shell scripts Typer writes for dutycli (shipped in completions/), zsh's fixed.

Typer's zsh script defines its completion function and registers it with ``compdef`` — but
when compinit autoloads the file from ``fpath`` (the usual install), that first call
offers nothing. Ours completes at once when autoloaded and registers when sourced, as
Click's own zsh script does. For bash, Typer's reading of the words is given the fast
path's ``unsplit``, so ``--data=FILE`` (split by bash at ``=``) parses as it runs.

This module imports Typer, so only Typer's completion path, the regeneration of
completions/ (``python -m dutycli.completion.generate``) and the tests import it.
"""

from __future__ import annotations

import os
import subprocess
import sys

from dutycli.cli import typer_internals
from dutycli.completion.protocol import unsplit

ZSH_SCRIPT = """
#compdef %(prog_name)s

%(complete_func)s() {
  eval "$(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" %(autocomplete_var)s=complete_zsh %(prog_name)s)"
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  # Autoloaded by compinit from fpath: this call is already a completion, answer it.
  %(complete_func)s "$@"
else
  # Sourced: register the function for later completions.
  compdef %(complete_func)s %(prog_name)s
fi
"""


def register() -> None:
    """Our zsh script (``source_zsh``, ``--install-completion``) and bash word reading."""
    typer_internals.register_completion(ZSH_SCRIPT, unsplit)


SCRIPT_FILES = {"bash": "dutycli.bash", "zsh": "_dutycli", "fish": "dutycli.fish"}


def generate_script(shell: str) -> str:
    """The completion script for ``shell``, as Typer's machinery writes it for this app.

    Leading and trailing blank lines are dropped, as ``--show-completion`` drops them:
    compinit registers a function file only when ``#compdef`` is its first line.
    """
    environ = {**os.environ, "_DUTYCLI_COMPLETE": f"source_{shell}"}
    completed = subprocess.run(
        [sys.executable, "-m", "dutycli"],
        env=environ,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return completed.stdout.decode("utf-8").strip() + "\n"
