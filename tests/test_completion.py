"""Shell completion: the shipped scripts in real bash, zsh and fish, and the protocol beneath.

Expected values are computed from the dataset (through ``dutycli units``/``leaders``), not
written down: a completion must offer exactly what the queries would accept.
"""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.main import get_command

from dutycli import locations
from dutycli.cli.app import app
from dutycli.completion import generate, summaries
from dutycli.completion import protocol as completion_protocol
from dutycli.completion import scripts as completion_scripts
from dutycli.completion import values as completion
from dutycli.completion.command_table import COMMANDS, GLOBAL_VALUE_OPTIONS
from dutycli.schema import LABELS, RESULT_KINDS, TASK_FIELDS
from dutycli.store import loader

from .conftest import DATASET, ROOT, run_cli, run_process, settled

COMPLETIONS = ROOT / "completions"
ZSH_DRIVER = Path(__file__).with_name("shells") / "complete.zsh"

# Completes a line with the shipped bash script, calling the function it registered. Words
# are split as bash splits them, at = too (COMP_WORDBREAKS): --data=FILE is --data, =, FILE.
BASH_DRIVER = r"""
source "$1"
line=$2
read -r -a typed <<< "$line"
COMP_WORDS=()
for word in "${typed[@]}"; do
    while [[ $word == *=* ]]; do
        [[ -n ${word%%=*} ]] && COMP_WORDS+=("${word%%=*}")
        COMP_WORDS+=("=")
        word=${word#*=}
    done
    [[ -n $word ]] && COMP_WORDS+=("$word")
done
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line
COMP_POINT=${#line}
spec=$(complete -p dutycli)
function=${spec##*-F }
function=${function%% *}
"$function" dutycli "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""

SHELLS = ("bash", "zsh", "fish")


def shell_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DUTYCLI", "_DUTYCLI"))}
    environ.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        HOME=str(home),
    )
    environ.update(extra or {})
    return environ


def offered(
    shell: str, line: str, home: Path, env: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """(value, description) pairs the real shell offers for ``line`` with the shipped script."""
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    if shell == "bash":
        command = ["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash"]
        command += [str(COMPLETIONS / "dutycli.bash"), line]
    elif shell == "zsh":
        command = ["zsh", "-f", str(ZSH_DRIVER), str(COMPLETIONS), line]
    else:
        script = "set -p fish_complete_path $argv[1]; complete -C $argv[2]"
        command = ["fish", "--no-config", "-c", script, str(COMPLETIONS), line]
    completed = subprocess.run(
        command, env=shell_env(home, env), capture_output=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    text = completed.stdout.decode("utf-8")  # Chinese must arrive as valid UTF-8
    pairs = []
    for raw in text.splitlines():
        row = raw.rstrip("\r")
        if not row:
            continue
        if shell == "zsh":
            # "<value> display": the display is the value, padding, then the description.
            value, _, display = row[1:].partition("> ")
            pairs.append((value, display[len(value) :].strip()))
        elif shell == "fish":
            value, _, description = row.partition("\t")
            pairs.append((value, description))
        else:
            pairs.append((row, ""))
    return pairs


def directory(command: str, *args: str) -> list[dict[str, object]]:
    result = run_cli(*args, command, "-f", "json")
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def ranked(names: list[str], typed: str) -> list[str]:
    return [n for n in names if n.startswith(typed)] + [
        n for n in names if typed in n and not n.startswith(typed)
    ]


def check_values(shell: str, got: list[tuple[str, str]], names: list[str], typed: str) -> None:
    values = [value for value, _ in got]
    if shell == "fish":
        # fish filters on its own: it shows part-matches only when nothing starts with the word.
        starting = [n for n in names if n.startswith(typed)]
        assert sorted(values) == sorted(starting or ranked(names, typed))
    else:
        assert values == ranked(names, typed)


# --- the shipped scripts --------------------------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_shipped_script_is_what_the_app_generates(shell: str) -> None:
    shipped = (COMPLETIONS / completion_scripts.SCRIPT_FILES[shell]).read_text(encoding="utf-8")
    assert shipped == completion_scripts.generate_script(shell), (
        "completions/ is stale: run .venv/bin/python -m dutycli.completion.generate"
    )


def test_zsh_script_starts_with_compdef() -> None:
    first = (COMPLETIONS / "_dutycli").read_text(encoding="utf-8").splitlines()[0]
    assert first == "#compdef dutycli"


def test_show_completion_prints_the_shipped_script() -> None:
    # --install-completion writes what --show-completion prints: the same files as completions/.
    for shell in SHELLS:
        # The variable lets the option take the shell as a value instead of detecting it.
        result = run_process(
            "--show-completion",
            shell,
            env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        )
        shipped = (COMPLETIONS / completion_scripts.SCRIPT_FILES[shell]).read_text(encoding="utf-8")
        assert result.stdout == shipped, shell


@pytest.mark.parametrize(
    ("shell", "installed"),
    [
        ("bash", ".bash_completions/dutycli.sh"),
        ("zsh", ".zfunc/_dutycli"),
        ("fish", ".config/fish/completions/dutycli.fish"),
    ],
)
def test_install_completion_installs_the_shipped_script(
    shell: str, installed: str, tmp_path: Path
) -> None:
    result = run_process(
        "--install-completion",
        shell,
        env={"HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert result.exit_code == 0, result.stderr
    shipped = (COMPLETIONS / completion_scripts.SCRIPT_FILES[shell]).read_text(encoding="utf-8")
    assert (tmp_path / installed).read_text(encoding="utf-8").strip() == shipped.strip()


# --- real shells ------------------------------------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_unit_names_complete_prefix_first_then_parts(shell: str, tmp_path: Path) -> None:
    units = [str(row["name"]) for row in directory("units")]
    counts = {str(row["name"]): row["tasks"] for row in directory("units")}
    got = offered(shell, "dutycli by-unit 发", tmp_path)
    check_values(shell, got, units, "发")
    assert got[0][0] == "发改局"
    if shell != "bash":
        assert got[0][1] == f"{counts['发改局']} 条任务"
    # A part of a name is enough.
    check_values(shell, offered(shell, "dutycli by-unit 改", tmp_path), units, "改")
    got = offered(shell, "dutycli list --unit 委", tmp_path)
    check_values(shell, got, units, "委")


@pytest.mark.parametrize("shell", SHELLS)
def test_every_leader_with_task_counts(shell: str, tmp_path: Path) -> None:
    leaders = directory("leaders")
    got = offered(shell, "dutycli by-leader ", tmp_path)
    names = [str(row["name"]) for row in leaders]
    if shell == "fish":
        assert sorted(v for v, _ in got) == sorted(names)
    else:
        assert [v for v, _ in got] == names  # most tasks first
    if shell != "bash":
        assert dict(got) == {str(r["name"]): f"{r['tasks']} 条任务" for r in leaders}
    got = offered(shell, "dutycli list -l 张", tmp_path)
    assert sorted(v for v, _ in got) == sorted(n for n in names if n.startswith("张"))


@pytest.mark.parametrize("shell", SHELLS)
def test_goals_complete_by_number_and_name(shell: str, tmp_path: Path) -> None:
    goals = directory("targets")
    numbers = [str(row["goal_no"]) for row in goals]
    got = offered(shell, "dutycli by-target 1", tmp_path)
    assert sorted(v for v, _ in got) == sorted(n for n in numbers if n.startswith("1"))
    got = offered(shell, "dutycli by-target 营商", tmp_path)
    names = [str(row["goal"]) for row in goals]
    check_values(shell, got, names, "营商")
    if shell != "bash":
        business = next(row for row in goals if "营商" in str(row["goal"]))
        assert got[0][1] == f"{business['tasks']} 条任务"
    got = offered(shell, "dutycli list --target 振兴", tmp_path)
    check_values(shell, got, names, "振兴")


@pytest.mark.parametrize("shell", SHELLS)
def test_fields_formats_and_task_ids(shell: str, tmp_path: Path) -> None:
    got = offered(shell, "dutycli by-unit 发改局 --fields id,ta", tmp_path)
    assert [v for v, _ in got] == ["id,task"]
    if shell != "bash":
        assert got[0][1] == LABELS["task"]
    got = offered(shell, "dutycli list --fields ", tmp_path)
    assert sorted(v for v, _ in got) == sorted(TASK_FIELDS)
    got = offered(shell, "dutycli leaders --fields na", tmp_path)
    assert [v for v, _ in got] == ["name"]
    got = offered(shell, "dutycli list -f js", tmp_path)
    assert sorted(v for v, _ in got) == ["json", "jsonl"]
    ids = [str(task["id"]) for task in loader.read_dataset(DATASET).tasks]
    got = offered(shell, "dutycli show 11", tmp_path)
    assert sorted(v for v, _ in got) == sorted(i for i in ids if i.startswith("11"))


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_reads_the_dataset_of_the_command_line(shell: str, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        DATASET.read_text(encoding="utf-8").replace("陆秋明", "甲乙丙"), encoding="utf-8"
    )
    got = offered(shell, f"dutycli --data {other} by-leader 甲", tmp_path)
    assert [v for v, _ in got] == ["甲乙丙"]
    got = offered(shell, "dutycli by-leader 甲", tmp_path, env={"DUTYCLI_DATA": str(other)})
    assert [v for v, _ in got] == ["甲乙丙"]
    assert offered(shell, "dutycli by-leader 甲", tmp_path) == []


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The shipped table with 发改局 renamed 发展和改革局, and its units, most tasks first."""
    data = tmp_path_factory.mktemp("renamed") / "renamed.yaml"
    text = DATASET.read_text(encoding="utf-8")
    data.write_text(text.replace("发改局", "发展和改革局"), encoding="utf-8")
    return data, [str(row["name"]) for row in directory("units", "--data", str(data))]


@pytest.mark.parametrize("shell", SHELLS)
def test_data_equals_file_completes_as_data_space_file(
    shell: str, renamed: tuple[Path, list[str]], tmp_path: Path
) -> None:
    # Bash splits --data=FILE at the = into three words; zsh and fish pass it whole.
    data, units = renamed
    assert "发展和改革局" in units and "发改局" not in units
    spaced = offered(shell, f"dutycli --data {data} by-unit 发", tmp_path)
    check_values(shell, spaced, units, "发")
    assert offered(shell, f"dutycli --data={data} by-unit 发", tmp_path) == spaced
    got = offered(
        shell,
        f"dutycli --aliases={ROOT / 'data' / 'aliases.yaml'} --data={data} by-unit 发",
        tmp_path,
    )
    assert got == spaced
    # After the command too: a field list after --fields=.
    got = offered(shell, f"dutycli --data={data} list --fields=id,ta", tmp_path)
    assert [v for v, _ in got] == ["id,task" if shell == "bash" else "--fields=id,task"]


@pytest.mark.parametrize("shell", SHELLS)
def test_commands_and_options_still_complete_through_typer(shell: str, tmp_path: Path) -> None:
    got = offered(shell, "dutycli by-", tmp_path)
    assert sorted(v for v, _ in got) == ["by-leader", "by-target", "by-unit"]
    got = offered(shell, "dutycli list --le", tmp_path)
    assert [v for v, _ in got] == ["--leader"]


# --- the protocol and the fast path -----------------------------------------------------


def protocol(environ: dict[str, str], *, fast: bool) -> subprocess.CompletedProcess[bytes]:
    """Run the completion protocol through the entry point (fast) or straight into Typer."""
    code = (
        "from dutycli.__main__ import main; main()"
        if fast
        else "import sys; from dutycli.cli.app import run; sys.exit(run([]))"
    )
    full = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DUTYCLI", "_DUTYCLI")) or k == "DUTYCLI_CACHE_DIR"  # the test's own
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**full, **environ},
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "line",
    [
        "dutycli by-leader ",
        "dutycli list --unit 纪",
        "dutycli list -t 1",
        "dutycli --data {dataset} by-target 优化",
        "dutycli show 2 -f j",
        "dutycli targets --fields goal,",
        "dutycli --data {folder} show --dataset wujin-2020 3",
        "dutycli --data {folder} units --fields name,",
        "dutycli matrix --fields leader,工",
        "dutycli --data={folder}/wujin-2020.yaml by-unit 发展",  # only that file has 发展和改革局
        "dutycli --aliases={dataset} --data={folder} units --fields name,",
    ],
)
@pytest.mark.parametrize("shell", SHELLS)
def test_fast_path_answers_as_typer_does(shell: str, line: str, tmp_path: Path) -> None:
    # Where Typer can answer too (values that start with the word), both must agree exactly.
    line = line.format(dataset=DATASET, folder=two_tables(tmp_path / "tables"))
    environ = {"_DUTYCLI_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    environ["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    words = line.split(" ")
    environ.update(COMP_WORDS="\n".join(words), COMP_CWORD=str(len(words) - 1))
    fast, slow = protocol(environ, fast=True), protocol(environ, fast=False)
    assert fast.returncode == slow.returncode == 0, slow.stderr
    assert fast.stdout == slow.stdout
    assert fast.stdout.strip() not in (b"", b"_files")


def bash_words(line: str) -> dict[str, str]:
    """COMP_WORDS and COMP_CWORD as bash sets them for ``line``: words split at = too."""
    words: list[str] = []
    for typed in line.split(" "):
        head, *rest = typed.split("=")
        words += [head] if head or not rest else []
        for part in rest:
            words += ["=", part] if part else ["="]
    return {"COMP_WORDS": "\n".join(words), "COMP_CWORD": str(len(words) - 1)}


@pytest.mark.parametrize(
    ("split", "spaced"),
    [
        ("dutycli --data={data} by-unit 发", "dutycli --data {data} by-unit 发"),
        ("dutycli --aliases={aliases} by-unit 发", "dutycli by-unit 发"),
        (
            "dutycli --data={data} --aliases={aliases} by-unit 发",
            "dutycli --data {data} by-unit 发",
        ),
        ("dutycli --data={data} by-unit --ro", "dutycli --data {data} by-unit --ro"),
        ("dutycli --data={data} show --fields=id,ta", "dutycli --data {data} show --fields id,ta"),
        ("dutycli list --fields=", "dutycli list --fields "),
        ("dutycli --data=", "dutycli --data "),
        ("dutycli --data=wu", "dutycli --data wu"),
    ],
    ids=["data", "aliases", "both", "option", "fields", "fields-start", "path", "path-typed"],
)
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "typer"])
def test_bash_words_split_at_equals_answer_as_spaced_ones(
    split: str, spaced: str, fast: bool, renamed: tuple[Path, list[str]]
) -> None:
    paths = {"data": str(renamed[0]), "aliases": str(ROOT / "data" / "aliases.yaml")}
    environ = {"_DUTYCLI_COMPLETE": "complete_bash"}
    got = protocol({**environ, **bash_words(split.format(**paths))}, fast=fast)
    assert got.returncode == 0, got.stderr
    expected = protocol({**environ, **bash_words(spaced.format(**paths))}, fast=fast)
    assert got.stdout == expected.stdout
    # Nothing for a path: the script's ``complete -o default`` then completes file names.
    path = split.rpartition(" ")[2].startswith("--data=")
    assert (got.stdout.strip() == b"") == path
    if "by-unit 发" in split:
        typed_data = "{data}" in split
        assert got.stdout.decode().split()[0] == ("发展和改革局" if typed_data else "发改局")


def test_equals_forms_of_the_global_options_in_the_request() -> None:
    data, aliases = str(DATASET), str(ROOT / "data" / "aliases.yaml")
    request = completion_protocol.request
    spaced = request(["--data", data, "by-unit"], "工")
    assert spaced is not None and spaced.data == data
    for args in (
        ["--data", "=", data, "by-unit"],  # bash splits words at =
        [f"--data={data}", "by-unit"],  # zsh and fish pass them whole
        ["--aliases", "=", aliases, "--data", "=", data, "by-unit"],
        [f"--aliases={aliases}", f"--data={data}", "by-unit"],
        ["--data", "=", data, "--aliases", aliases, "by-unit"],
    ):
        wanted = request(args, "工")
        assert wanted is not None, args
        assert vars(wanted) == vars(spaced), args
    for args in (["--aliases", "=", aliases, "by-unit"], [f"--aliases={aliases}", "by-unit"]):
        wanted = request(args, "工")
        assert wanted is not None and wanted.data is None and wanted.kind == "unit", args
    # The path itself, being typed after --data= (or --aliases=), is the shell's to complete.
    assert request(["--data"], "=") is None  # bash: the cursor right after --data=
    assert request(["--data", "="], "wu") is None
    assert request([], "--data=wu") is None  # zsh and fish
    assert request(["--aliases", "="], "wu") is None
    # After the command, a value after --fields= completes from its start.
    wanted = request(["list", "--fields"], "=")
    assert wanted is not None and (wanted.kind, wanted.typed) == ("field", "")
    wanted = request(["list", "--fields", "="], "id,ta")
    assert wanted is not None and (wanted.kind, wanted.typed) == ("field", "id,ta")


def test_fish_asks_first_whether_there_are_values() -> None:
    environ = {
        "_DUTYCLI_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": "is-args",
        "_TYPER_COMPLETE_ARGS": "dutycli by-unit 发",
    }
    assert protocol(environ, fast=True).returncode == 0
    environ["_TYPER_COMPLETE_ARGS"] = "dutycli by-unit 没有这个"
    assert protocol(environ, fast=True).returncode == 1


def test_a_broken_dataset_completes_nothing_quietly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("tasks: [unclosed", encoding="utf-8")
    not_parquet = tmp_path / "broken.parquet"
    not_parquet.write_text("tasks: []", encoding="utf-8")
    wrong_columns = tmp_path / "wrong.arrow"
    import polars as pl

    pl.DataFrame({"leaders": ["发改局"]}).write_ipc(wrong_columns)  # text, not lists of names
    for path in (broken, not_parquet, wrong_columns):
        settled(path)  # old enough to be cached, were it readable
    missing = tmp_path / "missing.yaml"
    for data in (broken, missing, not_parquet, wrong_columns, tmp_path):
        environ = {
            "_DUTYCLI_COMPLETE": "complete_bash",
            "COMP_WORDS": f"dutycli\n--data\n{data}\nby-unit\n发",
            "COMP_CWORD": "4",
        }
        result = protocol(environ, fast=True)
        assert result.returncode == 0
        assert result.stdout.strip() == b"" and result.stderr == b""


def test_completing_a_unit_loads_neither_polars_nor_rich() -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join(sys.modules) + '\\n'))\n"
        "from dutycli.__main__ import main\n"
        "main()\n"
    )
    for shell, extra in (
        ("bash", {"COMP_WORDS": "dutycli\nby-unit\n发", "COMP_CWORD": "2"}),
        ("zsh", {"_TYPER_COMPLETE_ARGS": "dutycli by-unit 发"}),
        ("fish", {"_TYPER_COMPLETE_ARGS": "dutycli by-unit 发"}),
    ):
        environ = {**os.environ, "_DUTYCLI_COMPLETE": f"complete_{shell}", **extra}
        environ["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
        completed = subprocess.run(
            [sys.executable, "-c", code], env=environ, capture_output=True, timeout=60, check=False
        )
        assert "发改局" in completed.stdout.decode("utf-8"), shell
        line = completed.stderr.decode().splitlines()[-1]
        modules = set(line.split()[1:])
        assert not {"polars", "rich", "typer"} & modules, shell


def test_the_cache_folder_is_the_one_the_dataset_cache_uses(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    settled(Path(shutil.copy(DATASET, data)))
    words = {"COMP_WORDS": f"dutycli\n--data\n{data}\nby-unit\n发", "COMP_CWORD": "4"}
    environ = {"_DUTYCLI_COMPLETE": "complete_bash", **words}
    moved = tmp_path / "moved"
    first = protocol({**environ, "DUTYCLI_CACHE_DIR": str(moved)}, fast=True)
    assert first.stdout.decode().split()[0] == "发改局"
    assert [p.parent.name for p in moved.rglob(f"*{summaries.SUFFIX}")] == ["completion"]
    off = tmp_path / "off"
    again = protocol({**environ, "DUTYCLI_CACHE_DIR": str(off), "DUTYCLI_NO_CACHE": "1"}, fast=True)
    assert again.stdout == first.stdout and not off.exists()


def test_the_cache_answers_until_the_dataset_changes(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    text = DATASET.read_text(encoding="utf-8")
    data.write_text(text, encoding="utf-8")
    hour_ago = time.time() - 3600  # a file that just changed is not cached yet
    os.utime(data, (hour_ago, hour_ago))
    environ = {
        "_DUTYCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": f"dutycli\n--data\n{data}\nby-leader\n甲",
        "COMP_CWORD": "4",
    }
    assert protocol(environ, fast=True).stdout == b"\n"
    # The same size, only the modification time tells the change.
    data.write_text(text.replace("陆秋明", "甲乙丙"), encoding="utf-8")
    os.utime(data, (hour_ago + 60, hour_ago + 60))
    assert protocol(environ, fast=True).stdout.decode() == "甲乙丙\n"
    # Now cached: the YAML parser is not even imported.
    assert "yaml" not in completion_modules(environ)
    assert protocol(environ, fast=True).stdout.decode() == "甲乙丙\n"


def completion_modules(environ: dict[str, str]) -> set[str]:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join(sys.modules) + '\\n'))\n"
        "from dutycli.__main__ import main\n"
        "main()\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **environ},
        capture_output=True,
        timeout=60,
        check=False,
    )
    line = completed.stderr.decode().splitlines()[-1]
    return set(line.split()[1:])


# --- the tables the fast path relies on ------------------------------------------------


def test_the_command_table_is_generated_from_the_app() -> None:
    shipped = generate.TABLE_FILE.read_text(encoding="utf-8")
    assert shipped == generate.table_text(), (
        "completion/command_table.py is stale: run .venv/bin/python -m dutycli.completion.generate"
    )


def test_fast_path_table_matches_the_commands() -> None:
    group = get_command(app)
    # A group's commands by their whole name (progress forms), the group itself not.
    commands = {
        f"{name} {sub}" if sub else name: found
        for name, command in getattr(group, "commands", {}).items()
        for sub, found in (getattr(command, "commands", None) or {"": command}).items()
    }
    assert set(COMMANDS) == set(commands)
    for name, command in commands.items():
        argument_kind, option_kinds, kind = COMMANDS[name]
        assert kind is None or kind in RESULT_KINDS, name
        value_options: dict[str, bool] = {}
        hooked_argument = False
        for param in command.params:
            completes = getattr(param, "_custom_shell_complete", None) is not None
            if param.param_type_name == "argument":
                hooked_argument = hooked_argument or completes
            elif not getattr(param, "is_flag", False):
                for option in param.opts:
                    value_options[option] = completes
        assert (argument_kind is not None) == hooked_argument, name
        assert set(option_kinds) == set(value_options), name
        for option, completes in value_options.items():
            assert (option_kinds[option] is not None) == completes, (name, option)
    global_values = [o for p in group.params if not getattr(p, "is_flag", False) for o in p.opts]
    assert global_values == list(GLOBAL_VALUE_OPTIONS)


def test_tab_completes_a_groups_commands_and_their_values() -> None:
    """dutycli progress <TAB> offers its commands (Typer's path); a unit after --unit of
    progress forms comes from the fast path's table like any command's."""
    from dutycli.completion.protocol import request

    found = request(["progress", "forms", "--unit"], "发")
    assert found is not None and found.kind == "unit" and found.command == "progress forms"
    assert request(["progress"], "") is None  # a command's name: Typer's business
    shown = run_cli(env={"_DUTYCLI_COMPLETE": "complete_bash", "COMP_WORDS": "dutycli progress ",
                         "COMP_CWORD": "2"})  # fmt: skip
    assert shown.stdout.split() == ["forms", "collect", "status", "report", "export"]


def two_tables(folder: Path) -> Path:
    """A --data folder: the 2019 table and a 2020 copy where 发改局 is renamed 发展和改革局."""
    folder.mkdir()
    text = DATASET.read_text(encoding="utf-8")
    (folder / "wujin-2019.yaml").write_text(text, encoding="utf-8")
    (folder / "wujin-2020.yaml").write_text(
        text.replace("发改局", "发展和改革局"), encoding="utf-8"
    )
    return folder


def test_result_fields_match_real_output(tmp_path: Path) -> None:
    tables = two_tables(tmp_path / "tables")
    for command, (_, _, kind) in COMMANDS.items():
        if kind is None or not RESULT_KINDS[kind].fields or kind == "matrix":
            continue  # task rows, checked below; the matrix's columns, in the next test
        if command.startswith("progress "):
            continue  # they need a progress store: tests/test_progress_status.py
        fields = RESULT_KINDS[kind].fields
        if command == "diff":
            changed = tmp_path / "changed.yaml"
            changed.write_text(
                DATASET.read_text(encoding="utf-8").replace("陆秋明", "甲乙丙"), encoding="utf-8"
            )
            result = run_cli("diff", str(DATASET), str(changed), "-f", "json")
            assert list(json.loads(result.stdout)[0]) == completion.field_names("diff")
            continue
        assert tuple(directory(command)[0]) == fields, command
        several = directory(command, "--data", str(tables))[0]
        assert list(several) == completion.field_names(command, several=True), command
    shown = json.loads(run_cli("show", "1", "-f", "json").stdout)[0]
    assert list(shown) == completion.field_names("show")
    result = run_cli("--data", str(tables), "show", "1", "--dataset", "wujin-2019", "-f", "json")
    assert list(json.loads(result.stdout)[0]) == completion.field_names("show", several=True)


def test_matrix_fields_are_its_columns() -> None:
    columns = list(directory("matrix")[0])
    offered_fields = completion.values(completion.Request("field", "", "matrix"))
    assert sorted(v for v, _ in offered_fields) == sorted(columns)
    got = completion.values(completion.Request("field", "leader,发改", "matrix"))
    assert [value for value, _ in got] == ["leader,发改局"]


def unit_counts(data: str, role: str) -> list[completion.Item]:
    result = run_cli("--data", data, "units", "--role", role, "-f", "json")
    rows = json.loads(result.stdout) if result.exit_code == 0 else []
    return [(str(r["name"]), f"{r['tasks']} 条任务") for r in rows]


def test_partner_units_complete_after_list_partner_and_role(tmp_path: Path) -> None:
    partners = tmp_path / "partners.yaml"
    text = DATASET.read_text(encoding="utf-8")
    partners.write_text(text.replace("partner_units: []", "partner_units: [统计局]", 2), "utf-8")
    data = str(partners)

    def complete(line: str) -> list[completion.Item]:
        *words, typed = line.split(" ")
        wanted = completion_protocol.request(["--data", data, *words], typed)
        assert wanted is not None, line
        return completion.values(wanted)

    assert unit_counts(data, "partner"), "the fixture has partner units"
    assert complete("list -p ") == unit_counts(data, "partner")
    assert complete("by-unit --role partner ") == unit_counts(data, "partner")
    lead = [item for item in unit_counts(data, "lead") if "统" in item[0]]
    assert complete("by-unit 统") == sorted(lead, key=lambda item: not item[0].startswith("统"))
    any_role = [item for item in unit_counts(data, "any") if "统" in item[0]]
    assert sorted(complete("by-unit --role any 统")) == sorted(any_role)
    fields = [v for v, _ in complete("list --explode --fields lead")]
    assert fields[:2] == ["leader", "lead_unit"]


def test_folder_files_are_read_as_the_collection_reads_them(tmp_path: Path) -> None:
    from dutycli.store.collection import dataset_paths

    tables = two_tables(tmp_path / "tables")
    for name in ("aliases.yaml", ".wujin-2019.yaml.tmp1", "notes.txt", "B.YML", "a.yml"):
        (tables / name).write_text("{}", encoding="utf-8")
    (tables / "sub.yaml").mkdir()
    assert completion.dataset_files(str(tables)) == [str(p) for p in dataset_paths(tables)]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_folder_of_datasets_completes_from_all_or_the_chosen(shell: str, tmp_path: Path) -> None:
    tables = two_tables(tmp_path / "tables")
    data = f"dutycli --data {tables}"
    got = offered(shell, f"{data} by-unit 发", tmp_path)
    assert sorted(v for v, _ in got) == ["发展和改革局", "发改局"]
    got = offered(shell, f"{data} by-unit --dataset wujin-2020 发", tmp_path)
    assert [v for v, _ in got] == ["发展和改革局"]
    got = offered(shell, f"{data} show --dataset wu", tmp_path)
    assert [v for v, _ in got] == ["wujin-2019", "wujin-2020"]
    got = offered(shell, f"{data} by-unit 发改局 --fields da", tmp_path)
    assert [v for v, _ in got] == ["dataset"]
    leaders = directory("leaders", "--data", str(tables))
    got = offered(shell, f"{data} by-leader 陆", tmp_path)
    if shell != "bash":
        assert got == [("陆秋明", f"{leaders[0]['tasks']} 条任务")]


def test_default_dataset_is_found_as_the_loader_finds_it() -> None:
    assert Path(locations.default_dataset()) == loader.default_path()
    assert loader.default_path().is_file() and loader.default_path().name == "wujin-2019.yaml"


def test_field_lists_complete_their_last_name() -> None:
    assert completion.field_items("list", "id,ta") == [("id,task", LABELS["task"])]
    offered_fields = [value for value, _ in completion.field_items("list", "id,")]
    assert "id,id" not in offered_fields and "id,goal" in offered_fields
    # Fields that start with the word come first, then those that contain it.
    assert next(v for v, _ in completion.field_items("list", "lead")) == "leaders"
    with_units = [f for f in TASK_FIELDS if "units" in f]  # none starts with it
    assert [v for v, _ in completion.field_items("list", "units")] == with_units
    inherited = [f for f in TASK_FIELDS if f.endswith("_inherited")]
    assert [v for v, _ in completion.field_items("list", "inh")] == inherited


# --- Parquet and Arrow IPC datasets ------------------------------------------------------


@pytest.fixture(scope="module")
def columnar(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped table exported as Parquet and IPC, and a folder mixing YAML and Parquet.

    ``yaml_folder`` is the same folder with both tables as YAML (see two_tables).
    """
    folder = tmp_path_factory.mktemp("columnar")
    paths = {"yaml_folder": two_tables(folder / "yaml")}
    for name, suffix in (("parquet", ".parquet"), ("ipc", ".arrow")):
        paths[name] = folder / f"wujin-2019{suffix}"  # the dataset name of the YAML
        result = run_cli("export", "-o", str(paths[name]))
        assert result.exit_code == 0, result.stderr
    mixed = folder / "mixed"
    mixed.mkdir()
    shutil.copy(paths["yaml_folder"] / "wujin-2019.yaml", mixed)
    source = str(paths["yaml_folder"] / "wujin-2020.yaml")
    result = run_cli("--data", source, "export", "-o", str(mixed / "wujin-2020.parquet"))
    assert result.exit_code == 0, result.stderr
    paths["mixed"] = mixed
    return paths


def every_completion(data: str) -> dict[tuple[str, ...], list[completion.Item]]:
    """What completion offers for names, goals, ids and datasets, over many typed words."""
    got = {}
    for kind, role in [("unit", r) for r in ("lead", "partner", "any")] + [
        (kind, "lead") for kind in ("partner", "leader", "target", "task", "dataset")
    ]:
        for typed in ("", "发", "改", "1", "11", "营商", "陆", "wujin-2020"):
            for chosen in ([], ["wujin-2020"]):
                wanted = completion.Request(kind, typed, "list", data, chosen, role)
                key = (kind, role, typed, *chosen)
                got[key] = completion.values(wanted)
    got[("matrix",)] = completion.values(completion.Request("field", "", "matrix", data))
    return got


@pytest.mark.parametrize(
    ("columnar_data", "yaml_data"), [("parquet", ""), ("ipc", ""), ("mixed", "yaml_folder")]
)
def test_parquet_and_ipc_complete_as_their_yaml(
    columnar: dict[str, Path], columnar_data: str, yaml_data: str
) -> None:
    data = str(columnar[columnar_data])
    expected = every_completion(str(columnar[yaml_data]) if yaml_data else str(DATASET))
    got = every_completion(data)
    assert got == expected
    assert got["leader", "lead", ""], "names are offered"
    # And they are the names and counts the queries give for that data.
    leaders = directory("leaders", "--data", data)
    assert got["leader", "lead", ""] == [(str(r["name"]), f"{r['tasks']} 条任务") for r in leaders]


def test_a_columnar_file_is_told_by_its_bytes_as_the_program_tells_it(
    columnar: dict[str, Path], tmp_path: Path
) -> None:
    # A Parquet file under a YAML name: the queries read it as Parquet, so completion does too.
    renamed = tmp_path / "tasks.yaml"
    shutil.copy(columnar["parquet"], renamed)
    units = [str(row["name"]) for row in directory("units", "--data", str(renamed))]
    assert units == [str(row["name"]) for row in directory("units")]
    wanted = completion.Request("unit", "", "by-unit", str(renamed), [], "lead")
    assert [value for value, _ in completion.values(wanted)] == units


@pytest.mark.parametrize("shell", SHELLS)
def test_a_parquet_dataset_completes_in_the_shells(
    shell: str, columnar: dict[str, Path], tmp_path: Path
) -> None:
    data = str(columnar["parquet"])
    units = [str(row["name"]) for row in directory("units", "--data", data)]
    got = offered(shell, f"dutycli --data {data} by-unit 发", tmp_path)
    check_values(shell, got, units, "发")
    got = offered(shell, "dutycli by-unit 改", tmp_path, env={"DUTYCLI_DATA": data})
    check_values(shell, got, units, "改")


def test_a_cached_parquet_dataset_loads_neither_polars_nor_typer(
    columnar: dict[str, Path], tmp_path: Path
) -> None:
    data = tmp_path / "tasks.parquet"
    settled(Path(shutil.copy(columnar["parquet"], data)))
    environ = {
        "_DUTYCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": f"dutycli\n--data\n{data}\nby-unit\n发",
        "COMP_CWORD": "4",
    }
    first = protocol(environ, fast=True)  # reads the file with Polars, writes the cache
    assert first.stdout.decode().split() == ["发改局"] and first.stderr == b""
    assert not {"polars", "rich", "typer", "yaml"} & completion_modules(environ)
    assert protocol(environ, fast=True).stdout == first.stdout


def test_a_large_dataset_caches_names_but_no_ids(
    columnar: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polars as pl

    # The shipped table repeated until it has more tasks than completion keeps ids for.
    table = pl.read_parquet(columnar["parquet"])
    copies = summaries.MAX_IDS // table.height + 1
    large = pl.concat([table] * copies).with_columns(id=pl.int_range(1, pl.len() + 1))
    data = tmp_path / "large.parquet"
    large.write_parquet(data)
    settled(data)

    def offered_values(kind: str, typed: str, path: Path = data) -> list[completion.Item]:
        return completion.values(completion.Request(kind, typed, "list", str(path)))

    for _ in ("read", "cached"):
        units = offered_values("unit", "")
        small_units = offered_values("unit", "", DATASET)
        assert [name for name, _ in units] == [name for name, _ in small_units]
        counts = [int(label.split()[0]) for _, label in units]
        assert counts == [int(label.split()[0]) * copies for _, label in small_units]
        assert [v for v, _ in offered_values("leader", "陆")] == ["陆秋明"]
        assert offered_values("target", "1") and offered_values("dataset", "")
        assert offered_values("task", "") == [] and offered_values("task", "1") == []
    cache = Path(str(locations.cache_file("completion", str(data.resolve()), summaries.SUFFIX)))
    assert cache.stat().st_size < 64 * 1024
    summary = marshal.loads(cache.read_bytes()[4:])["summary"]
    assert summary["tasks"] == large.height > summaries.MAX_IDS
    assert summary["ids"] is None
    # Names and goals, as many as the shipped table has, not a row per task.
    shipped = summaries.file_summary(str(DATASET))
    assert shipped is not None
    assert [len(names) for names in summary["names"].values()] == [
        len(names) for names in shipped["names"].values()
    ]
    assert len(summary["goals"]) == len(directory("targets"))
    # A small file keeps its ids; the limit is the same for YAML.
    assert len(offered_values("task", "", columnar["parquet"])) == table.height
    monkeypatch.setattr(summaries, "MAX_IDS", table.height - 1)
    monkeypatch.setenv("DUTYCLI_CACHE_DIR", str(tmp_path / "other-cache"))
    assert offered_values("task", "", DATASET) == []
    assert offered_values("unit", "", DATASET) == small_units


@pytest.mark.parametrize("shell", SHELLS)
def test_a_name_in_pinyin_completes_to_the_name(shell: str, tmp_path: Path) -> None:
    got = offered(shell, "dutycli by-leader lqm", tmp_path)
    # fish keeps only the candidates its own matcher finds the typed word in: a limit of
    # fish (docs/completion), not of dutycli's answer, which is the same for every shell.
    assert [value for value, _ in got] == ([] if shell == "fish" else ["陆秋明"])
