"""A result as one self-contained web page: grouped, filterable, printable.

One HTML5 file with its styles and its script inline: it loads nothing (a Content-Security-
Policy forbids any network load), so it opens the same from a USB stick, a mail attachment or
an intranet share. It shows the document's title and subtitle, then one table: a heading row
per group (by goal unless asked otherwise), then the group's rows.

- A filter box narrows the rows as one types (every word typed, in any case, must occur in the
  row's text or its group's heading) and says ``显示 N / M 条``; groups left empty are hidden. A
  link ending in ``#q=关键词`` opens the page filtered. Without JavaScript every row shows and
  the box is not shown.
- Under 600 px (a phone) each row is a card whose cells carry their column's label; on a wide
  screen (a projector) the text grows and the table uses the width.
- Printed (and as PDF): A4 landscape, the header row on every page, rows kept whole, page
  numbers at the foot, the filter box left out (a filter in use is named above the table).

Data is text, never markup: every cell, heading and title is HTML-escaped, control characters
are shown as visible escapes (``\\x1b``), line breaks become ``<br>``. The script holds no data:
it reads the rows from the page.
"""

from __future__ import annotations

import html

from dutycli.output.document import Document, group_title
from dutycli.output.text import escape_controls

# The fonts a page asks for, Chinese ones first; none is downloaded.
FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Hiragino Sans GB", SimSun, sans-serif'
)
# Nothing is loaded from anywhere: only the page's own inline style and script run.
POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
# Below this width a row is a card.
PHONE_WIDTH = 600

STYLE = """
:root { color-scheme: light; --line: #b9c0c8; --head: #e8edf3; --group: #f4f6f9; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; padding: 1rem 1.25rem 2rem; font-family: FONTS;
  font-size: 16px; line-height: 1.6; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.6em; margin: 0.2em 0 0.1em; line-height: 1.3; }
.subtitle { margin: 0 0 0.8em; color: #444; }
.note { margin: 0.4em 0; }
.filter { display: flex; flex-wrap: wrap; gap: 0.5em 1em; align-items: center; margin: 0 0 0.8em; }
.filter[hidden], .filter-note[hidden], tr[hidden], tbody[hidden] { display: none !important; }
.filter input { font: inherit; flex: 1 1 16em; max-width: 32em; padding: 0.35em 0.6em;
  border: 1px solid #8a939d; border-radius: 4px; }
.filter output { color: #444; white-space: nowrap; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 0.35em 0.5em; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; }
thead th { background: var(--head); position: sticky; top: 0; z-index: 1; }
.group-heading th { background: var(--group); font-size: 1.05em; padding: 0.45em 0.5em; }
.k-number { text-align: center; width: 3.5em; }
td.k-number { white-space: nowrap; } /* a count never breaks; its label may */
.k-names { width: 9em; word-break: keep-all; overflow-wrap: normal; } /* a name breaks after 、, never inside */
.c-task { min-width: 18em; }
td.cont { color: #6b7480; border-top-color: transparent; }
.filtering td.cont { color: inherit; border-top-color: var(--line); }
.filter-note { margin: 0 0 0.5em; color: #444; }
@media screen { .filter-note { display: none; } }
.empty { color: #666; font-style: italic; }
@media (min-width: 1400px) { body { font-size: 19px; } }
@media (min-width: 2200px) { body { font-size: 24px; } }
@media (max-width: PHONEpx) {
  body { padding: 0.6rem; font-size: 16px; }
  h1 { font-size: 1.3em; }
  table, thead, tbody, tr, th, td { display: block; }
  table, th, td, .k-number, .k-names, .c-task { width: auto; min-width: 0; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr.row { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 0.6em; padding: 0.3em 0.6em; }
  td { border: 0; padding: 0.15em 0; text-align: left; }
  td.cont { color: inherit; }
  td[data-label]::before { content: attr(data-label) "："; color: #555; font-weight: bold; }
  td.c-task::before { display: block; }
  .group-heading th { border: 0; margin: 1em 0 0.5em; padding: 0.3em 0.5em; }
}
@page { size: A4 landscape; margin: 12mm 10mm 14mm;
  @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页";
    font-family: FONTS; font-size: 9pt; color: #555; } }
@media print {
  body { font-size: 10.5pt; padding: 0; line-height: 1.45; max-width: none; }
  h1 { font-size: 16pt; }
  .filter { display: none !important; }
  thead { display: table-header-group; }
  thead th { position: static; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .group-heading { break-after: avoid; page-break-after: avoid; }
  th, td { border-color: #777; }
  thead th, .group-heading th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".replace("FONTS", FONTS).replace("PHONE", str(PHONE_WIDTH))

# The filter: reads the rows from the page (no data in the script), hides what does not match.
SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("rows");
  var box = document.getElementById("filter");
  var input = document.getElementById("q");
  var shown = document.getElementById("shown");
  var note = document.getElementById("filter-note");
  if (!table || !box || !input || !shown || !note) { return; }
  var total = Number(table.getAttribute("data-total"));
  var groups = Array.prototype.map.call(table.tBodies, function (body) {
    var heading = body.querySelector("tr.group-heading");
    var prefix = heading ? heading.textContent + "\\n" : "";
    var rows = Array.prototype.map.call(body.querySelectorAll("tr.row"), function (tr) {
      return { tr: tr, index: tr.getAttribute("data-i"),
               text: (prefix + tr.textContent).toLowerCase() };
    });
    return { body: body, rows: rows };
  });
  function apply() {
    var query = input.value.trim();
    var words = query.toLowerCase().split(/\\s+/).filter(Boolean);
    var seen = new Set();
    groups.forEach(function (group) {
      var any = false;
      group.rows.forEach(function (row) {
        var match = words.every(function (word) { return row.text.indexOf(word) !== -1; });
        row.tr.hidden = !match;
        if (match) { any = true; seen.add(row.index); }
      });
      group.body.hidden = !any && group.rows.length > 0;
    });
    table.classList.toggle("filtering", words.length > 0);
    shown.textContent = "显示 " + seen.size + " / " + total + " 条";
    note.hidden = words.length === 0;
    note.textContent = "筛选：" + query + "（显示 " + seen.size + " / " + total + " 条）";
    try {
      var where = location.pathname + location.search;
      history.replaceState(null, "", words.length ? "#q=" + encodeURIComponent(query) : where);
    } catch (ignored) { /* a page opened where history cannot be changed */ }
  }
  input.addEventListener("input", apply);
  box.hidden = false;
  var asked = /^#q=(.*)$/.exec(location.hash);
  if (asked) {
    try { input.value = decodeURIComponent(asked[1]); } catch (ignored) { input.value = asked[1]; }
    input.dispatchEvent(new Event("input"));
  } else {
    apply();
  }
})();
"""


def text(value: str) -> str:
    """Data as HTML text: escaped, control characters shown, line breaks as ``<br>``."""
    escaped = html.escape(escape_controls(value), quote=True)
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def attribute(value: str) -> str:
    """A value for inside a quoted attribute: one line, escaped."""
    return html.escape(escape_controls(value, keep_newlines=False), quote=True)


def render(document: Document) -> str:
    """The whole page, as text (the caller encodes it as UTF-8)."""
    heading = document.title or document.asked or "dutycli"
    subtitle = document.subtitle if document.title else document.count_line
    title = "　".join(part for part in (document.title, document.asked) if part) or heading
    total = len(document.rows)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="generator" content="dutycli">',
        f"<title>{text(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{text(heading)}</h1>",
        f'<p class="subtitle">{text(subtitle)}</p>',
        '<div class="filter" id="filter" role="search" hidden>',
        '<input type="search" id="q" placeholder="输入关键词筛选…" aria-label="筛选任务"'
        ' autocomplete="off">',
        f'<output id="shown" aria-live="polite">显示 {total} / {total} 条</output>',
        "</div>",
        '<p class="filter-note" id="filter-note" hidden></p>',
        f'<table id="rows" class="duty" data-total="{total}">',
        *_head(document),
        *_groups(document),
        "</table>",
        *(f'<p class="note">{text(line)}</p>' for line in document.notes),
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _classes(document: Document, position: int) -> str:
    column = document.columns[position]
    return f"k-{document.kinds[position]} c-{attribute(column)}"


def _head(document: Document) -> list[str]:
    cells = "".join(
        f'<th scope="col" class="{_classes(document, position)}">{text(label)}</th>'
        for position, label in enumerate(document.labels)
    )
    return [f"<thead><tr>{cells}</tr></thead>"]


def _groups(document: Document) -> list[str]:
    span = max(len(document.columns), 1)
    labels = [attribute(label) for label in document.labels]
    lines: list[str] = []
    for group in document.groups:
        lines.append('<tbody class="group">')
        if group.heading:
            heading = text(group_title(document.group_by, group))
            lines.append(
                f'<tr class="group-heading"><th colspan="{span}" scope="colgroup">'
                f"{heading}</th></tr>"
            )
        for index, merged in zip(group.rows, group.merged, strict=True):
            cells = []
            for position, value in enumerate(document.rows[index]):
                classes = _classes(document, position)
                if merged[position]:
                    classes += " cont"
                cells.append(
                    f'<td class="{classes}" data-label="{labels[position]}">{text(value)}</td>'
                )
            lines.append(f'<tr class="row" data-i="{index}">{"".join(cells)}</tr>')
        lines.append("</tbody>")
    if not document.rows:
        lines.append(f'<tbody><tr><td class="empty" colspan="{span}">（无）</td></tr></tbody>')
    return lines
