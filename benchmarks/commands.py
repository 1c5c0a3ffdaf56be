"""Every query command beside the DuckDB SQL that answers the same question.

Each row is a dutycli command line and the SQL DuckDB runs on the same Parquet file, writing
the same CSV (lists joined with 、, as dutycli writes them). ``bench.py commands`` times both
and compares the two CSV outputs as sorted rows (columns matched by name), so a row whose
answers differ is reported, never timed as if equal.

``{tasks}`` in the SQL is the Parquet file read once with its row order (``file_row_number``),
``{rows}`` the select list of a task row in dutycli's column order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dutycli.progress.store import ANSWER_FIELDS
from dutycli.schema import INHERITABLE_COLUMNS, TASK_FIELDS


@dataclass(frozen=True)
class Row:
    label: str
    args: list[str]  # dutycli's arguments after --data FILE
    sql: str  # DuckDB's query, before COPY … TO stdout
    needs_store: bool = False  # reads the progress store (--with-progress, progress status)
    # With ``needs_store``: "{store}" in ``args`` is the generated store (progress_store.py),
    # ``answers`` in the SQL its answers as Parquet (written once from the store: DuckDB here
    # cannot read SQLite), ``deadline_dates`` each distinct deadline's date.


def _task_columns(strict: bool = False) -> str:
    """dutycli's CSV columns of a task row: lists joined with 、 (``--strict``: inherited
    values left empty)."""
    out = []
    for name, kind in TASK_FIELDS.items():
        value = f"array_to_string({name}, '、')" if kind == "names" else name
        if strict and name in INHERITABLE_COLUMNS:
            empty = "''"
            value = f"CASE WHEN {name}_inherited THEN {empty} ELSE {value} END"
        out.append(f"{value} AS {name}")
    return ", ".join(out)


ROWS = _task_columns()


def _names_hold(column: str, value: str) -> str:
    """A list column holding a name that contains ``value`` (as dutycli matches names)."""
    return f"len(list_filter({column}, lambda x: contains(x, '{value}'))) > 0"


def _anywhere(pattern: str, regex: bool = False) -> str:
    """A keyword in the task text, the goal's name or the section (search, list -k)."""
    test = "regexp_matches({0}, '(?i){1}')" if regex else "contains({0}, '{1}')"
    return "(" + " OR ".join(test.format(c, pattern) for c in ("task", "goal", "section")) + ")"


def _directory(column: str) -> str:
    """leaders / units: every name, its tasks, how many of them only inherited it."""
    return f"""
        WITH mentions AS (
            SELECT id, unnest({column}) AS name, {column}_inherited AS inh FROM tasks),
        per_task AS (SELECT name, id, bool_and(inh) AS inh FROM mentions GROUP BY name, id)
        SELECT name, count(*) AS tasks, sum(inh::INT) AS inherited FROM per_task
        GROUP BY name ORDER BY tasks DESC, name"""


def _first_seen(column: str) -> str:
    """A goal's distinct names of ``column`` in the order they first appear, joined with 、."""
    return f"""(
        SELECT goal_no, string_agg(name, '、' ORDER BY first) AS {column} FROM (
            SELECT goal_no, name, min(file_row_number * 1000 + position) AS first FROM (
                SELECT goal_no, file_row_number,
                       unnest({column}) AS name, generate_subscripts({column}, 1) AS position
                FROM tasks)
            GROUP BY goal_no, name)
        GROUP BY goal_no) AS {column}_of"""


_STATS_TOTALS = """
    SELECT 'dataset' AS section, name, count, NULL::BIGINT AS explicit, NULL::BIGINT AS inherited
    FROM (
        SELECT 1 AS o, 'goals' AS name, (SELECT count(DISTINCT goal_no) FROM tasks) AS count
        UNION ALL SELECT 2, 'tasks', (SELECT count(*) FROM tasks)
        UNION ALL SELECT 3, 'leaders', (SELECT count(DISTINCT x) FROM (SELECT unnest(leaders) x FROM tasks))
        UNION ALL SELECT 4, 'units', (SELECT count(DISTINCT x) FROM (SELECT unnest(lead_units) x FROM tasks))
        UNION ALL SELECT 5, 'tasks_without_leader', (SELECT count(*) FROM tasks WHERE len(leaders) = 0)
        UNION ALL SELECT 6, 'tasks_without_unit', (SELECT count(*) FROM tasks WHERE len(lead_units) = 0)
        UNION ALL SELECT 7, 'tasks_with_several_leaders', (SELECT count(*) FROM tasks WHERE len(leaders) > 1)
        UNION ALL SELECT 8, 'tasks_with_several_units', (SELECT count(*) FROM tasks WHERE len(lead_units) > 1)
    )"""


def _stats_section(section: str, column: str) -> str:
    return f"""
    SELECT '{section}' AS section, name, tasks AS count, tasks - inherited AS explicit, inherited
    FROM ({_directory(column)})"""


# The progress store's answers (progress/status.py): of each task and lead unit the latest
# period's latest version (--with-progress without --period), as one GROUP BY: max_by with
# (period, version) as the key.
_LATEST_PERIOD = """
    latest AS (SELECT task_id, unit, max(period) AS period,
        max_by(status, (period, version)) AS status,
        max_by(progress, (period, version)) AS progress
        FROM answers GROUP BY dataset, unit, task_id)"""


def _joined(column: str) -> str:
    """status._joined: one value the units share as it is, else 发改局：…；商务局：… by unit."""
    return (
        f"CASE WHEN min({column}) = max({column}) THEN min({column}) "
        f"ELSE string_agg(unit || '：' || {column}, '；' ORDER BY unit) END AS {column}"
    )


def _with_progress(where: str) -> str:
    """A list of tasks with --with-progress: each task's period, status and progress."""
    return f"""WITH {_LATEST_PERIOD},
        by_task AS (SELECT task_id AS id, max(period) AS period, {_joined("status")},
            {_joined("progress")} FROM latest GROUP BY task_id)
        SELECT {ROWS}, coalesce(b.period, '') AS period, coalesce(b.status, '') AS status,
            coalesce(b.progress, '') AS progress
        FROM tasks LEFT JOIN by_task AS b USING (id) WHERE {where}"""


def _status(period: str, as_of: str) -> str:
    """progress status: a row per task and lead unit, its unit's latest answer of ``period``,
    the deadline's date (``deadline_dates``, read in Python) and overdue by ``as_of``."""
    fields = ", ".join(f"coalesce(a.{f}, '') AS {f}" for f in ANSWER_FIELDS)
    latest = ", ".join(f"max_by({f}, version) AS {f}" for f in (*ANSWER_FIELDS, "version"))
    return f"""WITH latest AS (SELECT task_id, unit, {latest} FROM answers
            WHERE period = '{period}' GROUP BY dataset, unit, task_id),
        task_units AS (SELECT t.*, u.lead_unit FROM tasks AS t
            CROSS JOIN unnest(t.lead_units) AS u(lead_unit)
            WHERE u.lead_unit IS NOT NULL AND u.lead_unit <> '')
        SELECT r.id, r.goal_no, r.goal, r.task, r.lead_unit,
            array_to_string(r.leaders, '、') AS leaders, r.deadline, d.deadline_date,
            (d.due IS NOT NULL AND d.due < DATE '{as_of}'
                AND coalesce(a.status, '') <> '已完成') AS overdue,
            {fields}, '{period}' AS period, a.version
        FROM task_units AS r
        LEFT JOIN latest AS a ON a.task_id = r.id AND a.unit = r.lead_unit
        LEFT JOIN deadline_dates AS d ON d.deadline = coalesce(r.deadline, '')"""


STORE = ["--store", "{store}"]


COMMANDS: list[Row] = [
    Row(
        "by-unit 发改局",
        ["by-unit", "发改局"],
        f"SELECT {ROWS} FROM tasks WHERE {_names_hold('lead_units', '发改局')}",
    ),
    Row(
        "by-leader 陆秋明",
        ["by-leader", "陆秋明"],
        f"SELECT {ROWS} FROM tasks WHERE {_names_hold('leaders', '陆秋明')}",
    ),
    Row("by-target 4", ["by-target", "4"], f"SELECT {ROWS} FROM tasks WHERE goal_no = 4"),
    Row(
        "by-target 营商环境",
        ["by-target", "营商环境"],
        f"SELECT {ROWS} FROM tasks WHERE goal_no IN "
        "(SELECT DISTINCT goal_no FROM tasks WHERE contains(goal, '营商环境'))",
    ),
    Row(
        "search 石墨烯 (task texts only)",
        ["search", "石墨烯"],
        f"SELECT {ROWS} FROM tasks WHERE {_anywhere('石墨烯')}",
    ),
    Row(
        "search 经济 (also in goal names)",
        ["search", "经济"],
        f"SELECT {ROWS} FROM tasks WHERE {_anywhere('经济')}",
    ),
    Row(
        "search 经济 发展 (both)",
        ["search", "经济", "发展"],
        f"SELECT {ROWS} FROM tasks WHERE {_anywhere('经济')} AND {_anywhere('发展')}",
    ),
    Row(
        "search 石墨烯 经济 --any",
        ["search", "石墨烯", "经济", "--any"],
        f"SELECT {ROWS} FROM tasks WHERE {_anywhere('石墨烯')} OR {_anywhere('经济')}",
    ),
    Row(
        "search --regex '石墨.?烯'",
        ["search", "--regex", "石墨.?烯"],
        f"SELECT {ROWS} FROM tasks WHERE {_anywhere('石墨.?烯', regex=True)}",
    ),
    Row(
        "list -u 发改局 -l 陆秋明 -k 经济",
        ["list", "-u", "发改局", "-l", "陆秋明", "-k", "经济"],
        f"SELECT {ROWS} FROM tasks WHERE {_names_hold('lead_units', '发改局')} "
        f"AND {_names_hold('leaders', '陆秋明')} AND {_anywhere('经济')}",
    ),
    Row(
        "by-unit 发改局 --strict",
        ["by-unit", "发改局", "--strict"],
        f"SELECT {_task_columns(strict=True)} FROM tasks "
        f"WHERE NOT lead_units_inherited AND {_names_hold('lead_units', '发改局')}",
    ),
    Row(
        "by-unit 发改局 --explode",
        ["by-unit", "发改局", "--explode"],
        "SELECT "
        + ROWS.replace("array_to_string(leaders, '、') AS leaders", "leader").replace(
            "array_to_string(lead_units, '、') AS lead_units", "lead_unit"
        )
        + " FROM (SELECT * FROM tasks WHERE "
        + _names_hold("lead_units", "发改局")
        + ") AS found"
        " CROSS JOIN unnest(CASE WHEN len(leaders) = 0 THEN [NULL] ELSE leaders END) AS l(leader)"
        " CROSS JOIN unnest(CASE WHEN len(lead_units) = 0 THEN [NULL] ELSE lead_units END)"
        " AS u(lead_unit)",
    ),
    Row("leaders", ["leaders"], _directory("leaders")),
    Row("units", ["units"], _directory("lead_units")),
    Row(
        "targets",
        ["targets"],
        f"""SELECT g.goal_no, g.goal, g.tasks, leaders, lead_units FROM (
            SELECT goal_no, first(goal ORDER BY file_row_number) AS goal, count(*) AS tasks
            FROM tasks GROUP BY goal_no) AS g
        LEFT JOIN {_first_seen("leaders")} USING (goal_no)
        LEFT JOIN {_first_seen("lead_units")} USING (goal_no)
        ORDER BY g.goal_no""",
    ),
    Row(
        "stats",
        ["stats"],
        f"{_STATS_TOTALS} UNION ALL {_stats_section('leader', 'leaders')} "
        f"UNION ALL {_stats_section('unit', 'lead_units')}",
    ),
    Row(
        "matrix",
        ["matrix"],
        """WITH pairs AS (
            SELECT DISTINCT id, leader, unit FROM tasks
            CROSS JOIN unnest(leaders) AS l(leader) CROSS JOIN unnest(lead_units) AS u(unit)),
        wide AS (PIVOT pairs ON unit USING count(*) GROUP BY leader)
        SELECT leader, COALESCE(COLUMNS(* EXCLUDE (leader)), 0) FROM wide""",
    ),
    Row(
        "by-unit 发改局 --with-progress (DuckDB: the store exported to Parquet)",
        ["by-unit", "发改局", "--with-progress", *STORE],
        _with_progress(_names_hold("lead_units", "发改局")),
        needs_store=True,
    ),
    Row(
        "search 石墨烯 --with-progress (DuckDB: the store exported to Parquet)",
        ["search", "石墨烯", "--with-progress", *STORE],
        _with_progress(_anywhere("石墨烯")),
        needs_store=True,
    ),
    Row(
        "list -u 发改局 -l 陆秋明 -k 经济 --with-progress (DuckDB: the store exported to Parquet)",
        ["list", "-u", "发改局", "-l", "陆秋明", "-k", "经济", "--with-progress", *STORE],
        _with_progress(
            f"{_names_hold('lead_units', '发改局')} AND {_names_hold('leaders', '陆秋明')} "
            f"AND {_anywhere('经济')}"
        ),
        needs_store=True,
    ),
    Row(
        "progress status --period 2019Q1 (DuckDB: the store exported to Parquet, "
        "deadlines read in Python)",
        ["progress", "status", "--period", "2019Q1", *STORE],
        _status("2019Q1", "2019-03-31"),
        needs_store=True,
    ),
]


DUCKDB_SCRIPT = """
import sys, duckdb
path, sql = sys.argv[1:3]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute(
    "CREATE VIEW tasks AS SELECT * FROM read_parquet(?, file_row_number = true)".replace(
        "?", "'" + path.replace("'", "''") + "'"
    )
)
con.execute(f"COPY ({sql}) TO '/dev/stdout' (FORMAT csv, HEADER)")
"""


# With the progress store (``Row.needs_store``): its answers as a view of their Parquet
# export, and each distinct deadline text read once by dutycli's own reader (deadlines.py:
# regular expressions over Chinese dates that SQL cannot express; a table of a few rows).
DUCKDB_PROGRESS_SCRIPT = """
import sys, datetime, duckdb
from dutycli.progress import deadlines
path, sql, answers, year = sys.argv[1:5]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
quoted = lambda p: "'" + p.replace("'", "''") + "'"
con.execute(f"CREATE VIEW tasks AS SELECT * FROM read_parquet({quoted(path)}, file_row_number = true)")
con.execute(f"CREATE VIEW answers AS SELECT * FROM read_parquet({quoted(answers)})")
if "deadline_dates" in sql:
    texts = [r[0] for r in con.execute("SELECT DISTINCT coalesce(deadline, '') FROM tasks").fetchall()]
    read = [(text, deadlines.parse(text, int(year))) for text in texts]
    con.execute("CREATE TABLE deadline_dates (deadline VARCHAR, deadline_date VARCHAR, due DATE)")
    con.executemany(
        "INSERT INTO deadline_dates VALUES (?, ?, ?)",
        [(t, deadlines.shown(p), p if isinstance(p, datetime.date) else None) for t, p in read],
    )
con.execute(f"COPY ({sql}) TO '/dev/stdout' (FORMAT csv, HEADER)")
"""


def ensure_store(parquet: Path, out: Path) -> tuple[Path, Path]:
    """The progress store of a generated dataset (progress_store.py) and its answers as
    Parquet (``dutycli progress export``), each written when missing."""
    import subprocess
    import sys

    from bench import HERE, child_env

    name = parquet.name.split(".")[0]
    store, answers = out / f"{name}.progress.sqlite", out / f"{name}.answers.parquet"
    if not store.exists():
        script = str(HERE / "progress_store.py")
        subprocess.run([sys.executable, script, str(parquet), "-o", str(store)], check=True)
        answers.unlink(missing_ok=True)
    if not answers.exists():
        # The columns DuckDB's SQL reads, as dutycli reads them (store.answers_of, a slice at a
        # time): `dutycli progress export` holds every column of every answer as Python rows,
        # gigabytes at 10M tasks.
        script = (
            "import sys; from pathlib import Path; from dutycli.progress import store; "
            "store.answers_of(Path(sys.argv[1]), [sys.argv[2]], None, store.ANSWER_FIELDS)"
            ".write_parquet(sys.argv[3])"
        )
        command = [sys.executable, "-c", script, str(store), name, str(answers)]
        subprocess.run(command, check=True, env=child_env(DUTYCLI_NO_CACHE="1"))
    return store, answers


def digest(path: str) -> tuple[list[str], int, int]:
    """A CSV file's columns (sorted), rows, and a sum of its rows' hashes (columns in name
    order): equal for the same rows in any order, read a row at a time (10M rows fit)."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        order = sorted(range(len(header)), key=header.__getitem__)
        count = total = 0
        for row in reader:
            count += 1
            total = (total + hash(tuple(row[i] for i in order))) % (1 << 64)
    return sorted(header), count, total


def same_rows(ours: str, theirs: str) -> str:
    """'' when two CSV files hold the same rows (any order; columns matched by name), else
    what differs."""
    our_header, our_count, our_sum = digest(ours)
    their_header, their_count, their_sum = digest(theirs)
    if our_header != their_header:
        return f"columns differ: {our_header} / {their_header}"
    if (our_count, our_sum) != (their_count, their_sum):
        return f"rows differ: {our_count} rows / {their_count} rows"
    return ""


def compare(ours: list[str], theirs: list[str], env: dict[str, str]) -> tuple[str, int]:
    """Run both once in a child process (the outputs held there, not in this process, whose
    size a child's peak memory would inherit) and compare: the verdict and dutycli's rows."""
    import json
    import subprocess
    import sys

    script = (
        "import json, subprocess, sys; from commands import check; "
        "print(json.dumps(check(*json.loads(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps([ours, theirs, env])],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent,
    )
    if done.returncode:
        raise SystemExit(f"bench: comparing failed: {done.stderr[-1000:]}")
    verdict, count = json.loads(done.stdout)
    return verdict, count


def check(ours: list[str], theirs: list[str], env: dict[str, str]) -> tuple[str, int]:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        outputs = [f"{folder}/dutycli.csv", f"{folder}/duckdb.csv"]
        done = []
        for command, output in zip((ours, theirs), outputs, strict=True):
            with open(output, "wb") as out:
                done.append(subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=env))
        mine, duck = done
        if mine.returncode not in (0, 1) or duck.returncode or duck.stderr:
            problem = (mine.stderr if mine.returncode not in (0, 1) else duck.stderr).decode()
            raise SystemExit(f"{' '.join(ours[3:])}: {problem[-800:]}")
        verdict = same_rows(*outputs) or "yes"
        return verdict, digest(outputs[0])[1]


def run(sizes: list[str], runs: int, out: Path, only: str | None = None) -> list[str]:
    """One table row per command and size: dutycli and DuckDB timed side by side."""
    import sys

    from bench import BIN, child_env, ensure_parquet, measure

    dutycli = str(BIN / "dutycli")
    env = child_env()
    lines = [
        f"Every command, Parquet input, CSV output to /dev/null; median of {runs} runs "
        "(DuckDB: the SQL below each table, on the same file):",
        "",
        "| tasks | command | rows out | dutycli s (CPU s) | peak MiB | DuckDB s (CPU s) | "
        "DuckDB peak MiB | dutycli ÷ DuckDB | same rows |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in sizes:
        parquet = ensure_parquet(size, out)
        for row in COMMANDS:
            if only and only not in row.label:
                continue
            ours = [dutycli, "--data", str(parquet), *row.args, "-f", "csv"]
            theirs = [sys.executable, "-c", DUCKDB_SCRIPT, str(parquet), row.sql]
            if row.needs_store:
                store, answers = ensure_store(parquet, out)
                ours = [arg.replace("{store}", str(store)) for arg in ours]
                theirs = [sys.executable, "-c", DUCKDB_PROGRESS_SCRIPT, str(parquet), row.sql]
                theirs += [str(answers), "2019"]
            verdict, count = compare(ours, theirs, env)
            samples = measure(
                {"dutycli": (ours, env), "duckdb": (theirs, env)}, {"dutycli": runs, "duckdb": runs}
            )
            mine, duck = samples["dutycli"], samples["duckdb"]
            lines.append(
                f"| {size} | `{row.label}` | {count} | {mine.median:.3f} ({mine.cpu:.2f}) | "
                f"{mine.peak_mib:.0f} | {duck.median:.3f} ({duck.cpu:.2f}) | "
                f"{duck.peak_mib:.0f} | {mine.median / duck.median:.2f} | {verdict} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    lines += [
        "",
        "DuckDB's SQL for each command (`tasks` is the Parquet file; `{task columns}` is "
        f"`{' '.join(ROWS.split())}`):",
        "",
    ]
    for row in COMMANDS:
        if only and only not in row.label:
            continue
        sql = " ".join(row.sql.replace(ROWS, "{task columns}").split())
        lines.append(f"- `{row.label}`: `{sql}`")
    return lines


def main(argv: list[str] | None = None) -> int:
    import argparse
    import os

    from bench import HERE, machine, report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M", help="any of 10k,100k,1M,10M")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--only", help="only the commands whose label holds this")
    parser.add_argument("--report", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    lines = [f"Machine: {machine()}; load average at start {load:.1f}", ""]
    lines += run(sizes, args.runs, args.out, args.only)
    report(lines, args.report)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
