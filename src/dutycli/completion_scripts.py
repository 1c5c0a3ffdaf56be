"""The shell scripts Typer writes for dutycli, with zsh's fixed to work on the first TAB.

Typer's zsh script defines its completion function and registers it with ``compdef`` — but
when compinit autoloads the file from ``fpath`` (the usual install), that first call
offers nothing. Ours completes at once when autoloaded and registers when sourced, as
Click's own zsh script does. Imported only on Typer's completion path (it imports Typer).
"""

from __future__ import annotations

from typer import _completion_shared
from typer._click.shell_completion import add_completion_class
from typer._completion_classes import ZshComplete

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


class DutyZshComplete(ZshComplete):
    source_template = ZSH_SCRIPT


def register() -> None:
    """Use our zsh script for ``_DUTYCLI_COMPLETE=source_zsh`` and ``--install-completion``."""
    add_completion_class(DutyZshComplete, "zsh")
    scripts = getattr(_completion_shared, "_completion_scripts", None)
    if isinstance(scripts, dict):
        scripts["zsh"] = ZSH_SCRIPT
