"""The fast path of shell completion: Typer's completion protocol answered without Typer.

The shipped scripts (and those ``--install-completion`` writes) run
``_DUTYCLI_COMPLETE=complete_bash|zsh|fish dutycli`` on every TAB. When the word being
completed is a data value (a unit after ``by-unit``, a field after ``--fields``…), the
entry point answers here, in exactly the format Typer would, at a fraction of Typer's
start-up. Command names, option names and fixed option values (``--role <TAB>``) are answered
from the generated table Typer's answer comes from (``completion.names``); anything else (a
path, an unknown option, ``--``…) returns None and goes to Typer.
"""

from __future__ import annotations

import os
import sys

from dutycli.completion.command_table import COMMANDS, GLOBAL_VALUE_OPTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from dutycli.completion.values import Item, Request


def unsplit(args: list[str], incomplete: str) -> tuple[list[str], str]:
    """The words as typed, where bash split ``--data=FILE`` into ``--data``, ``=``, ``FILE``.

    Bash breaks words at ``=`` (COMP_WORDBREAKS); zsh and fish pass ``--data=FILE`` whole, as
    the program itself gets it. A value being typed after ``--data=`` becomes the word being
    completed, ``--data`` the word before it, as if typed ``--data VALUE``; bash replaces only
    the text after ``=``, so replies need no prefix. Only long options take ``=`` (Click reads
    ``-f=csv`` as the value ``=csv``).
    """
    words: list[str] = []
    index = 0
    while index < len(args):
        word = args[index]
        if word.startswith("--") and index + 1 < len(args) and args[index + 1] == "=":
            if index + 2 == len(args):
                return [*words, word], incomplete  # --data=wuj: the value is being typed
            words.append(f"{word}={args[index + 2]}")
            index += 3
        else:
            words.append(word)
            index += 1
    if incomplete == "=" and words and words[-1].startswith("--"):
        incomplete = ""  # the cursor right after --data=
    return words, incomplete


def request(args: list[str], incomplete: str) -> Request | None:
    """What a command line asks to complete, or None when it is not a data value.

    ``args`` are the words before the one being completed, without the program name, as
    bash splits them or as zsh and fish keep them (see ``unsplit``). None covers option and
    command names, files, anything unusual: Typer answers those.
    """
    args, incomplete = unsplit(args, incomplete)
    data: str | None = None
    index = 0
    while index < len(args) and args[index].startswith("-"):
        word = args[index]
        name, equals, value = word.partition("=")
        if word in GLOBAL_VALUE_OPTIONS:
            if index + 1 == len(args):
                return None  # completing a path: the shell's business
            value = args[index + 1]
            index += 1
        if name == "--data" and (equals or word == name):
            data = value
        index += 1
    if index + 1 < len(args) and f"{args[index]} {args[index + 1]}" in COMMANDS:
        args[index : index + 2] = [f"{args[index]} {args[index + 1]}"]  # progress forms
    if index == len(args) or args[index] not in COMMANDS:
        return None
    command = args[index]
    argument, options, _ = COMMANDS[command]
    positionals = 0
    given: dict[str, list[str]] = {"--dataset": [], "--role": []}
    explode = False
    pending: str | None = None
    for word in args[index + 1 :]:
        if pending is not None:
            given.get(pending, []).append(word)
            pending = None
        elif word == "--":
            return None
        elif word.startswith("-") and word != "-":
            name, equals, value = word.partition("=")
            explode = explode or word == "--explode"
            if word in options:
                pending = word
            elif equals and name in given:
                given[name].append(value)
        else:
            positionals += 1
    kind: str | None = None
    typed = incomplete
    if pending is not None:
        kind = options[pending]
    elif incomplete.startswith("--"):
        name, equals, typed = incomplete.partition("=")
        kind = options.get(name) if equals else None
    elif argument is not None and positionals == 0 and not incomplete.startswith("-"):
        kind = argument
    if kind is None:
        return None
    role = given["--role"][-1] if given["--role"] else None
    # Imported here: a command or option name (completion.names) needs none of the data.
    from dutycli.completion.values import Request

    return Request(kind, typed, command, data, given["--dataset"], role, explode)


def _split(text: str) -> list[str]:
    """The words of ``text`` as Typer's protocol splits them (click's split_arg_string)."""
    if not any(char in text for char in "'\"\\"):
        # No quote, no escape: shlex's words are the runs of anything but its whitespace.
        for space in "\t\r\n":
            text = text.replace(space, " ")
        return [word for word in text.split(" ") if word]
    import shlex

    # As Typer's protocol splits: shell words, an unfinished quote tolerated.
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        for token in lexer:
            words.append(token)
    except ValueError:
        words.append(lexer.token)
    return words


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def format_zsh(items: list[Item], incomplete: str) -> str:
    """Code for the zsh script to eval; part-matches need ``compadd -U`` to be shown at all."""
    if not items:
        return "_files"
    if all(value.startswith(incomplete) for value, _ in items):
        # Typer's own format: zsh matches it against the word as usual.
        specs = "\n".join(
            f'"{_zsh_escape(value)}":"{_zsh_escape(help)}"' if help else f'"{_zsh_escape(value)}"'
            for value, help in items
        )
        return f"_arguments '*: :(({specs}))'"
    # Some values only contain the word: offer them as they are (-U), in our order (-V).
    described = " ".join(
        _zsh_quote(value.replace(":", "\\:") + ":" + help) for value, help in items
    )
    return f"local -a _dutycli_values=({described}); _describe -V values _dutycli_values -U"


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def answer(environ: Mapping[str, str]) -> str | None:
    """The protocol's reply for a value completion, or None to let Typer answer."""
    instruction = environ.get("_DUTYCLI_COMPLETE", "")
    shell = instruction.partition("_")[2]
    if not instruction.startswith("complete_") or shell not in ("bash", "zsh", "fish"):
        return None
    if shell == "bash":
        words = _split(environ.get("COMP_WORDS", ""))
        try:
            cword = int(environ.get("COMP_CWORD", ""))
        except ValueError:
            return None
        # Unsplit here too: the reply's prefix is taken from the word as bash replaces it.
        args, incomplete = unsplit(words[1:cword], words[cword] if cword < len(words) else "")
    else:
        line = environ.get("_TYPER_COMPLETE_ARGS", "")
        args = _split(line)[1:]
        incomplete = ""
        if args and not line.endswith(" "):
            incomplete = args.pop()
    wanted = request(args, incomplete)
    if wanted is None:
        return _names_reply(shell, args, incomplete, environ)
    prefix = incomplete[: len(incomplete) - len(wanted.typed)]  # "--fields=" of --fields=id,…
    from dutycli.completion.values import values

    items = [(prefix + value, help) for value, help in values(wanted)]
    if shell == "bash":
        return "\n".join(value for value, _ in items)
    if shell == "zsh":
        return format_zsh(items, incomplete)
    if environ.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
        # Typer's fish script asks first whether there are values at all (exit 0) or not.
        sys.exit(0 if items else 1)
    return "\n".join(
        f"{value}\t{' '.join(help.split())}" if help else value for value, help in items
    )


def _names_reply(
    shell: str, args: list[str], incomplete: str, environ: Mapping[str, str]
) -> str | None:
    """Typer's reply for a command or option name or a fixed value, or None: Typer answers."""
    from dutycli.completion.command_names import HELPS
    from dutycli.completion.names import complete, console_width, wrap

    found = complete(args, incomplete)
    if found is None:
        return None
    if shell == "bash":
        return "\n".join(value for value, _ in found)
    action = environ.get("_TYPER_COMPLETE_FISH_ACTION")
    if shell == "fish" and action == "is-args":
        sys.exit(0 if found else 1)
    if shell == "fish" and action != "get-args":
        return None
    width = console_width(environ) if any(index >= 0 for _, index in found) else 0
    lines = []
    for value, index in found:
        if index < 0:
            lines.append(f'"{_zsh_escape(value)}"' if shell == "zsh" else value)
            continue
        zsh, _, fish = HELPS[index].partition("\t")
        shown = None if width is None or not fish else wrap(zsh if shell == "zsh" else fish, width)
        if shown is None:
            return None  # a help text only Typer can show as it does
        lines.append(f'"{_zsh_escape(value)}":"{shown}"' if shell == "zsh" else f"{value}\t{shown}")
    if shell == "zsh":
        return f"_arguments '*: :(({chr(10).join(lines)}))'" if lines else "_files"
    return "\n".join(lines) if shell == "fish" else None


def main_fast() -> bool:
    """Answer a value completion and return True, or return False to let Typer run."""
    reply = answer(os.environ)
    if reply is None:
        return False
    sys.stdout.write(reply + "\n")
    return True
