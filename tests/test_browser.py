"""The web page and the PDF in a real browser: headless Chromium (or Chrome), where installed.

CI installs Debian's ``chromium`` and ``fonts-noto-cjk`` (.ci/run). The page of everything
陆秋明 oversees is opened with ``#q=…`` (the page types the words into its filter box on load,
as a shared link does) and its DOM read back: the filter narrows the rows in the browser. The
screenshots and the PDF are saved to a folder the test prints (``DUTYCLI_TEST_SHOTS`` chooses
it; else pytest's temporary folder): look at them.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from dutycli.errors import DutyError
from dutycli.output import pdf
from dutycli.store import yaml_file

from .conftest import DATASET, run_cli, run_process
from .test_web_page import Page, parse, tasks_of


def _browser() -> str | None:
    try:
        return pdf.find()
    except DutyError:
        return None


CHROME = _browser()
SHOTS = os.environ.get("DUTYCLI_TEST_SHOTS")
pytestmark = pytest.mark.skipif(CHROME is None, reason="no Chromium or Chrome installed")
# A task of 陆秋明's made to hold Latin letters, to filter in another case than it is written.
APP_TASK = 28


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = Path(SHOTS) if SHOTS else tmp_path_factory.mktemp("browser")
    where.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots and PDF: {where}")
    return where


@pytest.fixture(scope="module")
def page(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page of 陆秋明's tasks, one of them naming a 政务APP."""
    home = tmp_path_factory.mktemp("browser-home")
    document = yaml.load(DATASET.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for task in document["tasks"]:
        if task["id"] == APP_TASK:
            task["task"] += "推广政务APP。"
    data = home / "wujin.yaml"
    data.write_text(yaml_file.dump(document), encoding="utf-8")
    target = folder / "陆秋明.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUTYCLI_CACHE_DIR", str(home / "cache"))
        outcome = run_cli("--data", str(data), "by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 0, outcome.stderr
    return target


def chrome(folder: Path, *args: str, url: str) -> str:
    """Run the browser headless on ``url`` with a throw-away profile; its stdout."""
    assert CHROME is not None
    profile = folder / f"profile-{len(list(folder.glob('profile-*')))}"
    as_root = ["--no-sandbox"] if os.geteuid() == 0 else []
    command = [CHROME, "--headless", *as_root, f"--user-data-dir={profile}", "--disable-gpu"]
    done = subprocess.run(
        [*command, *args, url],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-500:]
    return done.stdout.decode("utf-8")


def filtered(page: Path, words: str, scratch: Path) -> Page:
    return parse(chrome(scratch, "--dump-dom", url=f"{page.as_uri()}#q={quote(words)}"))


def test_typing_in_the_box_narrows_the_rows(page: Path, tmp_path: Path) -> None:
    tasks = tasks_of("by-leader", "陆秋明")
    texts = [t["task"] + ("推广政务APP。" if t["id"] == str(APP_TASK) else "") for t in tasks]
    # "app" finds the one task that says APP: any case matches.
    read = filtered(page, "app", tmp_path)
    assert not read.filter_hidden  # the script runs: the box is there
    assert [r.cells[0] for r in read.visible_rows] == [t for t in texts if "APP" in t]
    assert read.shown == "显示 1 / 43 条"
    assert [b.heading for b in read.bodies if not b.hidden] == ["4　优化营商环境（5 条任务）"]
    # 政务: the rows whose text (task, leaders, units) or goal heading holds it.
    read = filtered(page, "政务", tmp_path)
    expected = [
        text
        for text, t in zip(texts, tasks, strict=True)
        if "政务" in t["goal"] + text + t["leaders"] + t["lead_units"]
    ]
    assert 1 < len(expected) < 43
    assert [r.cells[0] for r in read.visible_rows] == expected
    assert read.shown == f"显示 {len(expected)} / 43 条"
    # Two words: both must occur.
    read = filtered(page, "政务 一网通办", tmp_path)
    assert all("一网通办" in r.cells[0] for r in read.visible_rows)
    assert 0 < len(read.visible_rows) < len(expected)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshots_of_a_projector_and_a_phone(page: Path, folder: Path, tmp_path: Path) -> None:
    wide, phone = folder / "陆秋明-1400.png", folder / "陆秋明-phone-政务.png"
    chrome(tmp_path, f"--screenshot={wide}", "--window-size=1400,1000", url=page.as_uri())
    url = f"{page.as_uri()}#q={quote('政务')}"
    chrome(tmp_path, f"--screenshot={phone}", "--window-size=390,844", url=url)
    assert png_size(wide) == (1400, 1000) and png_size(phone) == (390, 844)
    # A page of Chinese text in one colour compresses well; boxes or a blank page differ.
    assert wide.stat().st_size > 50_000


def test_the_pdf_is_a4_landscape_with_pages(folder: Path, tmp_path: Path) -> None:
    target = folder / "陆秋明.pdf"
    outcome = run_process("by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stderr == f"dutycli: wrote {target} (43 rows, pdf)\n"
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", data))
    print(f"\n{target}: {pages} pages")
    assert 2 <= pages <= 8
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes and all(
        abs(float(w) - 841.9) < 2 and abs(float(h) - 595.3) < 2 for w, h in boxes
    )  # A4 landscape, in points
