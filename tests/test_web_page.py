"""The web page (-o FILE.html): one self-contained file, grouped, filterable, printable, and
data that is only ever text. In-process and fast; tests/test_browser.py opens it in Chromium.
The PDF's browser is checked here with stand-ins: missing, failing, hanging."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from dutycli.output import pdf
from dutycli.store import yaml_file

from .conftest import DATASET, dutycli_executable, run_cli
from .test_office import assert_ended


@dataclass
class Row:
    index: str
    hidden: bool
    cells: list[str]
    labels: list[str]
    classes: list[str]


@dataclass
class Body:
    heading: str | None
    hidden: bool
    rows: list[Row] = field(default_factory=list)


@dataclass
class Page:
    """What a reader of the page sees: the text of its title, boxes, header, groups and rows."""

    h1: str = ""
    subtitle: str = ""
    header: list[str] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    shown: str = ""
    filter_hidden: bool = True
    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def visible_rows(self) -> list[Row]:
        return [r for b in self.bodies if not b.hidden for r in b.rows if not r.hidden]


class Reader(HTMLParser):
    """Reads a page as a browser's DOM would hold it: text is text, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.into: str | None = None  # where text goes: h1, subtitle, th, td, shown, script…
        self.text: list[str] = []
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.page.tags.append((tag, found))
        classes = found.get("class", "").split()
        if tag == "br" and self.into:
            self.text.append("\n")
        elif tag == "tbody":
            self.page.bodies.append(Body(None, "hidden" in found))
        elif tag == "tr" and "row" in classes:
            hidden = "hidden" in found
            self.page.bodies[-1].rows.append(Row(found.get("data-i", ""), hidden, [], [], []))
        elif tag == "div" and found.get("id") == "filter":
            self.page.filter_hidden = "hidden" in found
        elif tag in ("h1", "th", "td", "script", "style", "output") or (
            tag == "p" and "subtitle" in classes
        ):
            self.into, self.text, self.attrs = tag, [], found

    def handle_endtag(self, tag: str) -> None:
        if self.into is None or tag != self.into:
            return
        text, attrs, page = "".join(self.text), self.attrs, self.page
        self.into = None
        if tag == "h1":
            page.h1 = text
        elif tag == "p":
            page.subtitle = text
        elif tag == "script":
            page.scripts.append(text)
        elif tag == "style":
            page.styles.append(text)
        elif tag == "output":
            page.shown = text
        elif tag == "th" and attrs.get("scope") == "col":
            page.header.append(text)
        elif tag == "th":
            page.bodies[-1].heading = text
        elif tag == "td" and page.bodies and page.bodies[-1].rows:
            row = page.bodies[-1].rows[-1]
            row.cells.append(text)
            row.labels.append(attrs.get("data-label", ""))
            row.classes.append(attrs.get("class", ""))

    def handle_data(self, data: str) -> None:
        if self.into:
            self.text.append(data)


def parse(page: str) -> Page:
    reader = Reader()
    reader.feed(page)
    reader.close()
    return reader.page


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home and cache of the module's own, for the module's shared fixtures."""
    folder = tmp_path_factory.mktemp("web-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(folder))
        patch.setenv("DUTYCLI_CACHE_DIR", str(folder / "cache"))
        yield folder


def tasks_of(*args: str, data: Path = DATASET) -> list[dict[str, str]]:
    outcome = run_cli("--data", str(data), *args, "-f", "csv")
    return list(csv.DictReader(io.StringIO(outcome.stdout)))


@pytest.fixture(scope="module")
def lu(home: Path) -> tuple[str, list[dict[str, str]]]:
    """The page of everything 陆秋明 oversees, and the same tasks as CSV."""
    outcome = run_cli("--data", str(DATASET), "by-leader", "陆秋明", "-f", "html")
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout, tasks_of("by-leader", "陆秋明")


def test_the_page_is_one_file_that_loads_nothing(lu: tuple[str, Any]) -> None:
    page, _ = lu
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert '<meta charset="utf-8">' in page and '<meta name="viewport"' in page
    assert "default-src 'none'" in page  # the Content-Security-Policy: no network load
    assert not re.search(r"https?:|//[a-z]", page, re.IGNORECASE)
    read = parse(page)
    for tag, attrs in read.tags:
        assert not {"src", "href", "srcset", "action"} & attrs.keys(), (tag, attrs)
        assert tag not in ("link", "img", "iframe", "object", "embed", "base")
    assert "@import" not in page and "url(" not in page
    assert '"Noto Sans CJK SC"' in read.styles[0] and "SimSun" in read.styles[0]


def open_ended(task: dict[str, str]) -> bool:
    return task["lead_units_open_ended"] == "true"


def test_title_groups_and_counts_follow_the_query(lu: tuple[str, list[dict[str, str]]]) -> None:
    page, tasks = lu
    read = parse(page)
    assert read.h1 == "《2019年政府工作报告》目标任务责任分解表"
    assert read.subtitle == "分管领导：陆秋明　共 43 条任务"
    assert read.shown == "显示 43 / 43 条"
    # Grouped by goal: the goal is the group's heading, not a column.
    assert read.header == ["工作标准", "分管领导", "牵头单位"]
    goals: dict[str, list[dict[str, str]]] = {}
    for task in tasks:
        goals.setdefault(f"{task['goal_no']}　{task['goal']}", []).append(task)
    assert [b.heading for b in read.bodies] == [
        f"{goal}（{len(rows)} 条任务）" for goal, rows in goals.items()
    ]
    for body, rows in zip(read.bodies, goals.values(), strict=True):
        assert [r.cells for r in body.rows] == [
            [t["task"], t["leaders"], t["lead_units"] + ("等" if open_ended(t) else "")]
            for t in rows
        ]
        assert all(r.labels == read.header for r in body.rows)  # a phone card's labels
    indexes = [r.index for b in read.bodies for r in b.rows]
    assert sorted(indexes, key=int) == [str(i) for i in range(43)]
    # Without a script every row shows; the box that needs one does not.
    assert read.filter_hidden and not any(r.hidden for b in read.bodies for r in b.rows)
    # A leader merged down from the task just above (as the source wrote it) reads as one cell.
    row_of = {tasks[int(r.index)]["id"]: r for b in read.bodies for r in b.rows}
    assert "cont" in row_of["30"].classes[1] and "cont" in row_of["30"].classes[2]
    assert "cont" not in row_of["28"].classes[1]


def test_grouped_by_leader_a_task_is_under_each_of_its_leaders(home: Path) -> None:
    outcome = run_cli(
        "--data", str(DATASET), "by-unit", "财政局", "--group-by", "leader", "-f", "html"
    )
    tasks = tasks_of("by-unit", "财政局")
    read = parse(outcome.stdout)
    assert read.header == ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"]
    by_leader: dict[str, list[str]] = {}
    for task in tasks:
        for leader in task["leaders"].split("、"):
            by_leader.setdefault(leader, []).append(task["task"])
    headings = {b.heading: [r.cells[2] for r in b.rows] for b in read.bodies}
    assert headings == {
        f"分管领导：{leader}（{len(texts)} 条任务）": texts for leader, texts in by_leader.items()
    }
    assert len({r.index for b in read.bodies for r in b.rows}) == len(tasks)
    assert read.shown == f"显示 {len(tasks)} / {len(tasks)} 条"


HOSTILE = {
    28: "<script>alert(1)</script>结束</td></tr></table>继续",
    29: '引号" onmouseover="alert(2)" x=\'单\'',
    30: "\x1b[31m红色\x1b[0m与&lt;b&gt;实体&amp;\u202e反转",
    31: "第一行\n第二行",
}


@pytest.fixture(scope="module")
def hostile(home: Path) -> tuple[Path, Page, str]:
    document = yaml.load(DATASET.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    document["title"] = "<i>标题</i>&amp;"
    for task in document["tasks"]:
        if task["id"] in HOSTILE:
            task["task"] = HOSTILE[task["id"]]
        if task["goal_no"] == 4:
            task["goal"] = '优化"营商"<环境>'
    document["goals"][3]["name"] = '优化"营商"<环境>'
    path = home / "hostile.yaml"
    path.write_text(yaml_file.dump(document), encoding="utf-8")
    outcome = run_cli("--data", str(path), "by-leader", "陆秋明", "-f", "html")
    assert outcome.exit_code == 0, outcome.stderr
    return path, parse(outcome.stdout), outcome.stdout


def test_data_is_text_never_markup(hostile: tuple[Path, Page, str]) -> None:
    _, read, page = hostile
    assert read.h1 == "<i>标题</i>&amp;"
    texts = [r.cells[0] for b in read.bodies for r in b.rows]
    assert HOSTILE[28] in texts and HOSTILE[29] in texts
    assert "\\x1b[31m红色\\x1b[0m与&lt;b&gt;实体&amp;\\u202e反转" in texts  # shown, not obeyed
    assert "第一行\n第二行" in texts and "第一行<br>第二行" in page
    assert '4　优化"营商"<环境>（5 条任务）' in [b.heading for b in read.bodies]
    # Only the page's own script runs, and no element got an attribute from the data.
    assert len(read.scripts) == 1 and "alert" not in read.scripts[0]
    assert [t for t, _ in read.tags].count("script") == 1
    assert not [a for _, attrs in read.tags for a in attrs if a.startswith("on")]
    assert "\x1b" not in page and "\u202e" not in page
    assert page.count("<table") == 1 and page.count("</table>") == 1


def test_the_filter_and_the_layouts_for_phone_projector_and_print(
    lu: tuple[str, Any],
) -> None:
    read = parse(lu[0])
    script, style = read.scripts[0], read.styles[0]
    assert 'placeholder="输入关键词筛选…"' in lu[0]
    assert 'addEventListener("input"' in script and "toLowerCase" in script
    assert '"显示 " + seen.size + " / " + total + " 条"' in script
    assert "#q=" in script  # a link can open the page filtered
    assert "@media (max-width: 600px)" in style and "attr(data-label)" in style
    assert "@media (min-width: 1400px)" in style
    assert "@page { size: A4 landscape;" in style and "counter(pages)" in style
    printed = style[style.index("@media print") :]
    for rule in ("table-header-group", "break-inside: avoid", ".filter { display: none"):
        assert rule in printed


# === The PDF's browser, stood in for ===========================================================


def browser(folder: Path, body: str) -> Path:
    script = folder / "chromium"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def test_without_a_browser_the_pdf_error_names_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(pdf, "INSTALL_PATHS", ())
    target = tmp_path / "陆秋明.pdf"
    outcome = run_cli("by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 2 and not target.exists()
    assert outcome.stderr.count("\n") == 1
    assert "apt-get install chromium fonts-noto-cjk" in outcome.stderr
    assert "-o FILE.html" in outcome.stderr and "Chrome" in outcome.stderr
    monkeypatch.setenv("DUTYCLI_CHROME", str(tmp_path / "nothing"))
    outcome = run_cli("by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 2 and "DUTYCLI_CHROME=" in outcome.stderr


def test_a_browser_that_fails_is_one_line_with_what_it_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "echo '[1:1:ERROR:dbus/bus.cc] noise' >&2; echo 'Missing X server or $DISPLAY' >&2"
    monkeypatch.setenv("DUTYCLI_CHROME", str(browser(tmp_path, f"{said}; exit 1")))
    target = tmp_path / "x.pdf"
    outcome = run_cli("by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 2 and not target.exists()
    assert outcome.stderr == (
        "dutycli: chromium printed no PDF (exit code 1: Missing X server or $DISPLAY)\n"
    )


def test_a_pdf_cut_short_is_refused_and_the_target_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A browser that dies half-way through its PDF (no %%EOF) leaves the old file alone."""
    body = (
        'for a; do case "$a" in --print-to-pdf=*) printf "%%PDF-1.7 half" > "${a#*=}";; esac; done'
    )
    monkeypatch.setenv("DUTYCLI_CHROME", str(browser(tmp_path, f"{body}; exit 0")))
    target = tmp_path / "x.pdf"
    target.write_bytes(b"the old one")
    outcome = run_cli("by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 2 and target.read_bytes() == b"the old one"
    assert outcome.stderr == "dutycli: chromium printed an incomplete PDF (exit code 0)\n"


def test_a_browser_is_run_headless_in_a_folder_that_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "args"
    # Writes its arguments, then a "PDF" where --print-to-pdf says.
    body = (
        f'printf "%s\\n" "$@" > {log}; for a; do case "$a" in --print-to-pdf=*) '
        'printf "%%PDF-1.4 made\\n%%%%EOF\\n" > "${a#--print-to-pdf=}";; esac; done'
    )
    monkeypatch.setenv("DUTYCLI_CHROME", str(browser(tmp_path, body)))
    target = tmp_path / "x.pdf"
    outcome = run_cli("by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 0, outcome.stderr
    assert target.read_bytes() == b"%PDF-1.4 made\n%%EOF\n"
    args = log.read_text(encoding="utf-8").splitlines()
    assert "--headless" in args and "--no-pdf-header-footer" in args
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)
    profile = next(a for a in args if a.startswith("--user-data-dir="))
    folder = Path(profile.removeprefix("--user-data-dir=")).parent
    assert args[-1] == (folder / "page.html").as_uri()
    assert not folder.exists()  # the page, the profile and the PDF went with the folder


def test_a_browser_that_hangs_is_stopped_with_what_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = tmp_path / "child.pid"
    monkeypatch.setenv(
        "DUTYCLI_CHROME", str(browser(tmp_path, f"sleep 60 & echo $! > {pid}; wait"))
    )
    monkeypatch.setenv("DUTYCLI_CHROME_TIMEOUT", "0.5")
    started = time.monotonic()
    outcome = run_cli("by-leader", "陆秋明", "-o", str(tmp_path / "x.pdf"))
    assert time.monotonic() - started < 10
    assert outcome.exit_code == 2
    assert "did not print the PDF within 0.5 s" in outcome.stderr
    assert "DUTYCLI_CHROME_TIMEOUT" in outcome.stderr
    assert_ended(int(pid.read_text()))  # the browser's children were killed with it


@pytest.mark.skipif(os.name == "nt", reason="the stand-in browser is a sh script")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_kill_while_the_browser_prints_leaves_no_file_behind(
    stop: signal.Signals, tmp_path: Path
) -> None:
    """Killed or hung up while printing: the browser is ended, dutycli ends by the signal
    as usual, and neither the PDF nor its half-written temporary file is left in the folder."""
    pid = tmp_path / "browser.pid"
    hangs = browser(tmp_path, f"echo $$ > {pid}; exec sleep 60")
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen(
        [dutycli_executable(), "by-leader", "陆秋明", "-o", str(out / "陆秋明.pdf")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "DUTYCLI_CHROME": str(hangs), "TMPDIR": str(tmp_path)},
        # As from a terminal: a run under nohup (or in a shell's background) inherits the
        # signal ignored, and dutycli leaves an ignored signal ignored.
        preexec_fn=lambda: signal.signal(stop, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not pid.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid.exists(), "the stand-in browser did not start"
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == -stop and stderr == b""
    assert_ended(int(pid.read_text()))
    assert list(out.iterdir()) == []  # no 陆秋明.pdf, no .陆秋明.pdf.XXXXXXXX.tmp
    assert list(tmp_path.glob("dutycli-pdf-*")) == []


def test_counts_are_numbers_that_never_break(home: Path) -> None:
    """A matrix's unit columns and stats' 本行填写 are counts: centred and kept on one line
    (a narrow column once broke 14 into 1 / 4); their labels may still wrap."""
    for command, label in (("matrix", "工信局"), ("stats", "本行填写")):
        outcome = run_cli("--data", str(DATASET), command, "-f", "html")
        assert outcome.exit_code == 0, outcome.stderr
        page = parse(outcome.stdout)
        position = page.header.index(label)
        rows = [r for r in page.visible_rows if r.cells[position]]
        assert rows and all("k-number" in r.classes[position].split() for r in rows)
    assert "td.k-number { white-space: nowrap; }" in page.styles[0]
