"""The clerk's language: every message, help text and Click word of dutycli has its Chinese in
the one catalog, and the real CLI speaks Chinese under a Chinese locale, English otherwise."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from typer.main import get_command

from dutycli import i18n
from dutycli.catalog import ZH
from dutycli.cli import help_text
from dutycli.cli.app import app
from dutycli.output.text import display_width

from .conftest import ROOT, run_cli, run_process

SOURCE = ROOT / "src" / "dutycli"
MODULES = sorted(SOURCE.rglob("*.py"))

# Exceptions that never reach the user: a programmer's mistake in declaring the app, or a
# kind of completion dutycli itself asks for.
NOT_FOR_THE_USER = {("cli/registry.py", "ValueError"), ("completion/values.py", "ValueError")}
# Modules that translate the templates of a table of their own (checked below, table by table).
TEMPLATE_TABLES = {"cli/typer_internals.py", "sources/table.py"}
# The import report's lines and counts: each built by t() where it is written.
REPORT = "sources/report.py"


# English grammar a Chinese message has no use for ("a"/"an").
GRAMMAR = {"article"}


def fields(template: str) -> set[str]:
    found = string.Formatter().parse(template)
    return {name for _, name, _, _ in found if name is not None} - GRAMMAR


def call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def is_text(node: ast.expr) -> bool:
    """A message written in place: a string, an f-string, one built with + or %, or either of
    two such (``a if b else c``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return is_text(node.left) or is_text(node.right)
    if isinstance(node, ast.IfExp):  # one message or another, chosen in place ("" is none)
        branches = (node.body, node.orelse)
        return any(
            is_text(b) and not (isinstance(b, ast.Constant) and b.value == "") for b in branches
        )
    return False


def is_message(node: ast.expr) -> bool:
    """Text written in place, the empty string aside (a note's placeholder)."""
    return is_text(node) and not (isinstance(node, ast.Constant) and node.value == "")


def note_text(node: ast.Call) -> list[ast.expr]:
    """A ``Note(line, kind, text, …)``'s text, given in place or by name."""
    return [*node.args[2:3], *(k.value for k in node.keywords if k.arg == "text")]


def walk_sources() -> tuple[list[tuple[str, int, str]], list[str]]:
    """Every ``t("…")`` template (where, line, template), and every message that skips ``t``."""
    templates: list[tuple[str, int, str]] = []
    bare: list[str] = []
    for path in MODULES:
        where = path.relative_to(SOURCE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name, first = call_name(node), node.args[0]
            if name == "t" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                templates.append((where, node.lineno, first.value))
            elif name == "t" and where not in TEMPLATE_TABLES:  # their tables: below
                bare.append(f"{where}:{node.lineno}: t() of a non-literal")
            elif name == "Note" and any(is_message(text) for text in note_text(node)):
                bare.append(f"{where}:{node.lineno}: Note(...) text not built by t()")
            elif (name.endswith("Error") or name == "note") and is_text(first):
                if (where, name) in NOT_FOR_THE_USER:
                    continue
                bare.append(f"{where}:{node.lineno}: {name}(...) not built by t()")
        if where == REPORT:
            bare += report_text(path)
    return templates, bare


def report_text(path: Path) -> list[str]:
    """Lines of the import report written in place: a string or f-string with a letter that is
    neither a ``t()`` template nor a docstring nor the key of a field or kind."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and call_name(node) in ("t", "counted", "field_name"):
            allowed |= {id(a) for a in node.args}
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr):
                allowed.add(id(first.value))
        if isinstance(node, ast.JoinedStr):  # judged whole, below
            allowed |= {id(v) for v in node.values}
        # Module constants: tuples of field names.
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Tuple):
            allowed |= {id(e) for e in node.value.elts}
    found = []
    for node in ast.walk(tree):
        if id(node) in allowed or not isinstance(node, ast.Constant | ast.JoinedStr):
            continue
        if isinstance(node, ast.JoinedStr):
            words = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node.value, str):
            words = node.value
        else:
            continue
        if re.search(r"[A-Za-z]{3}", words) and not re.fullmatch(r"[a-z_]+", words):
            found.append(f"{REPORT}:{node.lineno}: {words!r} not built by t()")
    return found


TEMPLATES, BARE = walk_sources()


def help_texts() -> list[str]:
    """Every help text of the app: its own, each command's docstring, each option's help."""
    import typer._click as click

    group = get_command(app)
    ctx = click.Context(group, info_name="dutycli")
    found = [group.help, group.epilog, *(getattr(p, "help", None) for p in group.get_params(ctx))]
    commands = list(group.commands.values())  # type: ignore[attr-defined]
    for command in [*commands]:
        if sub := getattr(command, "commands", None):  # a group (progress): its commands
            found.append(command.help)
            commands += list(sub.values())
    for command in commands:
        params = command.get_params(ctx)
        found += [command.help, command.epilog, *(getattr(p, "help", None) for p in params)]
    return sorted({text for text in found if text})


def test_the_walk_finds_the_messages() -> None:
    assert len(TEMPLATES) > 150
    assert any(template == "no rows found" for _, _, template in TEMPLATES)


def test_every_message_is_built_by_t() -> None:
    assert BARE == []


def test_every_message_has_its_chinese_with_the_same_fields() -> None:
    missing = [f"{w}:{line}: {m!r}" for w, line, m in TEMPLATES if m not in ZH]
    assert missing == []
    differ = [m for _, _, m in TEMPLATES if m in ZH and fields(m) != fields(ZH[m])]
    assert differ == []


def test_the_walk_catches_a_note_and_a_report_line_without_t(tmp_path: Path) -> None:
    source = tmp_path / "report.py"
    source.write_text(
        'def lines(n):\n    """Doc."""\n    return [f"{n} names joined", t("{n} ok", n=n)]\n',
        encoding="utf-8",
    )
    assert report_text(source) == [f"{REPORT}:3: ' names joined' not built by t()"]
    for written in ('f"a paragraph {x!r} is not read"', 'text="a table is not read"'):
        note = ast.parse(f'Note(1, "outside", {written})').body[0]
        assert isinstance(note, ast.Expr) and isinstance(note.value, ast.Call)
        assert any(is_message(text) for text in note_text(note.value))
    translated = ast.parse('Note(1, "outside", t("a table is not read"))').body[0]
    assert isinstance(translated, ast.Expr) and isinstance(translated.value, ast.Call)
    assert not any(is_message(text) for text in note_text(translated.value))


def test_the_catalogs_sections_share_no_english() -> None:
    """catalog_sources.py and catalog_progress.py are merged into ZH after the rest: a key in
    two of them would change the Chinese of a message elsewhere."""
    from dutycli.catalog_progress import ZH_PROGRESS
    from dutycli.catalog_sources import ZH_SOURCES

    tree = ast.parse((SOURCE / "catalog.py").read_text(encoding="utf-8"))
    own = {
        key.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant)
    }
    assert len(own) > 200 and len(ZH_SOURCES) > 50
    assert own & set(ZH_SOURCES) == set()
    assert own & set(ZH_PROGRESS) == set() and set(ZH_SOURCES) & set(ZH_PROGRESS) == set()


def test_the_tables_of_templates_have_their_chinese() -> None:
    from dutycli.sources.table import COUNTED, NOTE_KINDS

    templates = [t for pair in (*COUNTED.values(), *NOTE_KINDS.values()) for t in pair]
    assert len(templates) > 20
    assert [template for template in templates if template not in ZH] == []


def test_every_click_word_and_sentence_has_its_chinese() -> None:
    from dutycli.cli import typer_internals as internals

    words = [*internals._HELP_WORDS]
    for sentences in (internals._CLICK_SENTENCES, internals._CLICK_REASONS):
        words += [template for _, template in sentences if template[0].isupper() or "{" in template]
    assert len(words) > 20
    assert [word for word in words if word not in ZH] == []


def test_every_help_text_has_its_chinese() -> None:
    texts = help_texts()
    assert len(texts) > 50
    assert [text for text in texts if text not in ZH] == []


def test_the_catalog_is_chinese_and_keeps_its_fields() -> None:
    assert [k for k, v in ZH.items() if fields(k) != fields(v)] == []
    # Each entry is Chinese (a CJK character or full-width mark), or Click's two-word fallback.
    assert [v for v in ZH.values() if not re.search(r"[\u3000-\u9fff\uff00-\uffef]", v)] == []


def test_the_language_is_chosen_by_dutycli_lang_then_the_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # LC_ALL overrides LANG
    assert i18n.language() == "en"
    monkeypatch.setenv("DUTYCLI_LANG", "zh")
    assert i18n.language() == "zh"
    monkeypatch.setenv("DUTYCLI_LANG", "en")
    monkeypatch.setenv("LC_ALL", "zh_TW.UTF-8")
    assert i18n.language() == "en"
    assert i18n.t("no rows found") == "no rows found"
    monkeypatch.delenv("DUTYCLI_LANG")
    assert i18n.t("no rows found") == "没有找到任务"


# --- every command's help: examples, no artefacts, in both languages -----------------------

COMMANDS = list(help_text.EXAMPLES)
ARTEFACTS = re.compile(r"[{}]|<(str|int|float|list|path|bool)\b|<[a-z|]+>|\brange>")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_command_has_examples_and_help_texts(language: str) -> None:
    commands = get_command(app).commands  # type: ignore[attr-defined]
    # A group (dutycli progress) and each of its commands (progress forms) by its whole name.
    grouped = [f"{n} {s}" for n, c in commands.items() for s in getattr(c, "commands", {})]
    assert set(COMMANDS) == {*commands, *grouped}
    heading = "示例：" if language == "zh" else "Examples:"
    for name in ["", *COMMANDS]:
        shown = run_cli(*name.split(), "--help", env={"DUTYCLI_LANG": language, "COLUMNS": "100"})
        assert shown.exit_code == 0, name
        text = shown.stdout
        assert not ARTEFACTS.search(text), (name, ARTEFACTS.search(text))
        # A summary is never cut with "..."; an argument that takes several is UNIT... (and …).
        assert "..." not in re.sub(r"\b[A-Z]+\.\.\.|\[ARGS\]\.\.\.", "", text), name
        lines = text.rstrip("\n").split("\n")
        examples = [line.strip() for line in lines[lines.index(heading) + 1 :]]
        assert 2 <= len(examples) <= 3 and all(e.startswith("dutycli ") for e in examples), name
        assert examples == list(help_text.EXAMPLES.get(name, help_text.APP_EXAMPLES))
        if language == "zh":
            assert text.startswith("用法：dutycli")
            assert "选项：" in text and "显示本帮助后退出。" in text
            assert "Show this message" not in text
        else:
            assert text.startswith("Usage: dutycli") and "Options:" in text


def test_the_examples_run_on_the_real_table() -> None:
    """Every example that needs no file of its own finds rows on the shipped table."""
    for name, examples in help_text.EXAMPLES.items():
        for example in examples:
            args = example.split()[1:]
            if any("/" in a or "." in a.strip("'") for a in args) or name in ("diff", "import"):
                continue
            if name.startswith("progress"):  # forms and filled forms: tests/test_progress_forms
                continue
            args = [a.strip("'") for a in args]
            outcome = run_cli(*args, "-f", "md") if "-f" not in args else run_cli(*args)
            assert outcome.exit_code == 0, (example, outcome.stderr)


def test_help_uses_the_terminals_width() -> None:
    wide = run_cli("--help", env={"COLUMNS": "200"}).stdout
    assert max(len(line) for line in wide.split("\n")) > 100
    narrow = run_cli("by-unit", "--help", env={"COLUMNS": "60", "DUTYCLI_LANG": "zh"}).stdout
    # Every line of text fits; only an option's name (-f, --format [table|csv|…]) may not.
    texts = [line for line in narrow.split("\n") if not line.lstrip().startswith("-")]
    assert max(display_width(line) for line in texts) <= 60


def test_wrapping_never_starts_a_line_with_a_closing_mark() -> None:
    lines = help_text.wrap("牵头单位（用 --role 可改为配合单位）中含有所查单位的任务。" * 3, 20)
    assert all(line[0] not in "，。）、：" for line in lines)
    assert all(display_width(line) <= 20 for line in lines)


# --- messages in both languages, in process ---------------------------------------------

CASES = {
    "usage error": (
        ("by-unit",),
        "Missing argument 'UNIT...'. (see 'dutycli by-unit --help')",
        "缺少参数 'UNIT...'。（见 'dutycli by-unit --help'）",
    ),
    "bad choice": (
        ("by-unit", "发改局", "--role", "x"),
        "Invalid value for '--role': 'x' is not one of 'lead', 'partner', 'any'.",
        "'--role' 的值无效：'x' 不是 'lead', 'partner', 'any' 之一。",
    ),
    "query error": (
        ("by-unit", "法改局"),
        "no unit matches '法改局'; did you mean 司法局, 发改局?",
        "没有单位与 '法改局' 相符；是不是 司法局、发改局？",
    ),
    "no rows": (("search", "没有这个词"), "no rows found", "没有找到任务"),
    "a note": (
        ("by-unit", "纪委"),
        "'纪委' matches 2 units: 纪委, 纪委监委",
        "'纪委' 与 2 个单位相符：纪委、纪委监委",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_messages_in_both_languages(case: str, language: str) -> None:
    args, english, chinese = CASES[case]
    outcome = run_cli(*args, "-f", "table", env={"DUTYCLI_LANG": language})
    assert (chinese if language == "zh" else english) in outcome.stderr
    assert outcome.stderr.startswith("dutycli: ")
    assert outcome.stderr.count("\n") >= 1 and "Traceback" not in outcome.stderr


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_bare_summary_in_both_languages(language: str) -> None:
    shown = run_cli(env={"DUTYCLI_LANG": language}).stdout
    if language == "zh":
        assert "122 条任务" in shown and "试试：" in shown and "某单位牵头的任务" in shown
    else:
        assert "122 tasks" in shown and "Try:" in shown and "tasks a unit leads" in shown


def test_a_data_error_in_both_languages(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("dutycli_dataset: 1\ntasks: 3\n", encoding="utf-8")
    english = run_cli("--data", str(broken), "units", env={"DUTYCLI_LANG": "en"})
    chinese = run_cli("--data", str(broken), "units", env={"DUTYCLI_LANG": "zh"})
    assert english.exit_code == chinese.exit_code == 2
    assert "'tasks' must be a list" in english.stderr
    assert "'tasks' 必须是列表" in chinese.stderr


# --- the real CLI under a Chinese and an English locale (a handful of processes) -----------


@pytest.mark.parametrize(
    ("locale", "usage", "missing", "no_rows"),
    [
        (
            "zh_CN.UTF-8",
            "用法：dutycli by-unit [OPTIONS] UNIT",
            "缺少参数 'UNIT...'",
            "没有找到任务",
        ),
        (
            "C.UTF-8",
            "Usage: dutycli by-unit [OPTIONS] UNIT",
            "Missing argument 'UNIT...'",
            "no rows found",
        ),
    ],
)
def test_the_real_cli_speaks_the_locales_language(
    locale: str, usage: str, missing: str, no_rows: str
) -> None:
    env = {"LANG": locale, "LC_ALL": "", "LC_MESSAGES": ""}
    shown = run_process("by-unit", "--help", env=env)
    assert shown.exit_code == 0 and shown.stdout.startswith(usage)
    failed = run_process("by-unit", env=env)
    assert failed.exit_code == 2 and missing in failed.stderr and failed.stderr.count("\n") == 1
    nothing = run_process("search", "没有这个词", "-f", "table", env=env)
    assert nothing.exit_code == 1 and no_rows in nothing.stderr
