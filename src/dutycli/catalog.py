"""The one message catalog: every English message of dutycli and its Chinese.

Keys are the English templates exactly as the code passes them to ``i18n.t``, ``{fields}``
included; a Chinese template uses the same fields. tests/test_i18n.py fails when a message of
the code has no entry here, or an entry's fields differ.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # --- help: Click's words, usage errors, help texts (i18n) ------------------------------
    "Usage: ": "用法：",
    "{heading}:": "{heading}：",
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "Examples": "示例",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "No such command {name}.": "没有命令 {name}。",
    "No such command {name}; did you mean {close}?": "没有命令 {name}；是不是要用 {close}？",
    "Missing command.": "缺少命令。",
    "Missing argument {name}.": "缺少参数 {name}。",
    "Missing option {name}.": "缺少选项 {name}。",
    "No such option {option}.": "没有选项 {option}。",
    "No such option {option}; did you mean {close}?": "没有选项 {option}；是不是要用 {close}？",
    "Got unexpected extra argument(s) ({args})": "多余的参数（{args}）",
    "Option {option} requires an argument.": "选项 {option} 后面要跟一个值。",
    "Option {option} requires {count} arguments.": "选项 {option} 后面要跟 {count} 个值。",
    "Option {option} does not take a value.": "选项 {option} 不带值。",
    "Invalid value for {param}: {reason}": "{param} 的值无效：{reason}",
    "{value} is not one of {choices}.": "{value} 不是 {choices} 之一。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value} is not a valid {kind}.": "{value} 不是有效的 {kind}。",
    "not a whole number": "不是整数",
    "Input should be greater than or equal to {limit}": "应不小于 {limit}",
    "Input should be less than or equal to {limit}": "应不大于 {limit}",
    "{message} (see '{command} --help')": "{message}（见 '{command} --help'）",
    "{option} goes before the command: dutycli {option} … {command} …": "{option} 要放在命令前面：dutycli {option} … {command} …",
    "interrupted": "已中断",
    "Query a responsibility breakdown table (目标任务责任分解表): who leads which task.\n\nOutput is a table in a terminal and CSV in a pipe; --format chooses.": "查询目标任务责任分解表：哪项任务由谁分管、由哪个单位牵头。\n\n在终端里输出表格，在管道里输出 CSV；用 --format 选择格式。",
    "Exit codes: 0 rows found; 1 no rows; 2 usage or data error; 130 interrupted.": "退出码：0 找到任务；1 没有找到；2 用法或数据错误；130 已中断。",
    "Dataset file (YAML, Parquet or Arrow IPC), or a folder of them, to query [default: the shipped 2019 武进区 table].": "要查询的数据集文件（YAML、Parquet 或 Arrow IPC），或存放这些文件的文件夹［默认：随附的 2019 年武进区分解表］。",
    "Name aliases file [default: aliases.yaml beside the dataset(s), if any].": "名称别名文件［默认：数据集旁的 aliases.yaml（如有）］。",
    "Show the version and exit.": "显示版本号后退出。",
    "Install completion for the current shell.": "为当前 shell 安装 TAB 补全。",
    "Show completion for the current shell, to copy it or customize the installation.": "显示当前 shell 的 TAB 补全脚本，以便复制或自行安装。",
    "Show this message and exit.": "显示本帮助后退出。",
    "Tasks whose lead units (or partner units, with --role) include a matching unit.": "牵头单位（用 --role 可改为配合单位）中含有所查单位的任务。",
    "Unit name or part of one, e.g. 发改局 or 纪委.": "单位名称或其一部分，如 发改局、纪委。",
    "Lead units (牵头), partner units (配合), or either (any).": "牵头单位（lead）、配合单位（partner）或两者皆可（any）。",
    "Match whole names only, not parts of names.": "只匹配完整名称，不匹配名称的一部分。",
    "Use only values written in each row, not those inherited from merged cells.": "只用每行自己写明的值，不用从合并单元格继承的值。",
    "Only this dataset (file name without .yaml) of a --data folder; repeat for more.": "只查 --data 文件夹中的这个数据集（不带 .yaml 的文件名）；可重复给出多个。",
    "table, csv, tsv, json, jsonl, md, xlsx, docx, html or pdf [default: from the --output suffix, else table in a terminal and csv otherwise]": "table、csv、tsv、json、jsonl、md、xlsx、docx、html 或 pdf［默认：按 --output 的后缀；否则终端里为 table，其他为 csv］",
    "Comma-separated fields to output, e.g. id,task,lead_units.": "要输出的字段，用逗号分隔，如 id,task,lead_units。",
    "Every field in xlsx, docx, html, pdf and .txt too (they show the table's own columns).": "xlsx、docx、html、pdf 和 .txt 也输出全部字段（它们默认只显示分解表自己的列）。",
    "One row per task × leader × lead unit (fields leader, lead_unit), for pivot tables.": "每个 任务×领导×牵头单位 一行（字段 leader、lead_unit），便于做数据透视表。",
    "goal, leader or unit: a heading per group with its count, then its rows (table, .txt, md, docx, html, pdf) [default: html and pdf by goal, the others none]": "goal、leader 或 unit：每组一个标题和条数，下面是该组的行（table、.txt、md、docx、html、pdf）［默认：html 和 pdf 按目标分组，其他不分组］",
    "Width of a table in characters [default: the terminal's; 100 in a .txt file].": "表格宽度（字符数）［默认：终端宽度；.txt 文件为 100］。",
    "Write to FILE (replaced if it exists) instead of standard output; .csv .tsv .json .jsonl .md .xlsx .docx .html .pdf .txt choose the format.": "写入文件 FILE（已有则替换），而不是标准输出；后缀 .csv .tsv .json .jsonl .md .xlsx .docx .html .pdf .txt 决定格式。",
    "CSV/TSV for Excel and WPS: a UTF-8 BOM, and a ' before cells starting with = + - @ tab or CR so they are not run as formulas.": "给 Excel 和 WPS 用的 CSV/TSV：加 UTF-8 BOM，并在以 = + - @ 制表符或回车开头的单元格前加 '，使其不被当作公式执行。",
    "Tasks whose leaders in charge include a matching name.": "分管领导中含有所查姓名的任务。",
    "Leader name or part of one, e.g. 陆秋明 or 张.": "领导姓名或其一部分，如 陆秋明、张。",
    "Tasks of a goal (目标), by its number or part of its name.": "某个目标下的任务，按目标序号或名称的一部分查。",
    "Goal number (4, or 四 as headings number them) or part of a goal name (营商环境).": "目标序号（4，或标题里写的 四）或目标名称的一部分（营商环境）。",
    "Tasks whose text (or goal name, or section) contains every keyword; Latin letters ignore case.": "任务内容（或目标名称、类别）包含全部关键词的任务；拉丁字母不分大小写。",
    "Words the task text, goal name or section must contain.": "任务内容、目标名称或类别必须包含的词。",
    "Match tasks containing any keyword, not all.": "包含任一关键词即可，而不是全部。",
    "Read keywords as regular expressions.": "把关键词当作正则表达式。",
    "Every task, narrowed by any mix of filters (different filters AND, a repeated one OR).": "全部任务，可用多种筛选条件任意组合缩小范围（不同条件同时满足，同一条件重复给出时满足其一即可）。",
    "Lead unit (repeat for more; any of them matches).": "牵头单位（可重复给出，满足其一即可）。",
    "Partner unit, 配合单位 (repeat for more; any of them matches).": "配合单位（可重复给出，满足其一即可）。",
    "Leader (repeat for more; any of them matches).": "分管领导（可重复给出，满足其一即可）。",
    "Goal number or name part (repeat for more; any of them matches).": "目标序号或名称的一部分（可重复给出，满足其一即可）。",
    "Keyword in task text (repeat for more; any of them matches).": "任务内容中的关键词（可重复给出，满足其一即可）。",
    "Section (类别) or part of one (repeat for more; any of them matches).": "类别或其一部分（可重复给出，满足其一即可）。",
    "Item number (任务序号), exactly (repeat for more; any of them matches).": "任务序号，须完全相同（可重复给出，满足其一即可）。",
    "One task in full, with where each leader and unit value came from.": "一项任务的全部内容，并注明每个领导和单位的值从何而来。",
    "Task id (the 编号 column).": "任务编号（编号 列）。",
    "Every leader with the number of tasks (and how many were inherited), most first.": "每位分管领导及其任务数（以及其中继承的条数），多者在前。",
    "Every lead unit (or partner unit, with --role) with its task count, most first.": "每个牵头单位（用 --role 可改为配合单位）及其任务数，多者在前。",
    "Every goal (目标) with its task count, leaders and lead units.": "每个目标及其任务数、分管领导和牵头单位。",
    "The dataset at a glance: totals, and bar charts of tasks per leader and per unit.": "数据集概览：总数，以及各领导、各单位任务数的条形图。",
    "Only the N leaders and N units with most tasks; 0 for all [default: 15 in the terminal, all otherwise].": "只显示任务最多的 N 位领导和 N 个单位；0 为全部［默认：终端里 15，其他全部］。",
    "Leaders × lead units: how many tasks each pair shares (a pivot table in CSV and xlsx).": "领导 × 牵头单位：每一对共同承担多少项任务（CSV 和 xlsx 中为数据透视表）。",
    "Show only the N units with most tasks in the terminal; 0 for all [default: 12]. Files and pipes always get every unit.": "终端里只显示任务最多的 N 个单位；0 为全部［默认：12］。文件和管道总是得到全部单位。",
    "Quantitative targets in the task texts (增长7%左右, 新增1160家…), one row per number.": "任务内容中的量化指标（增长7%左右、新增1160家…），每个数字一行。",
    "The loaded datasets (--data file or folder) with their goal, task, leader and unit counts.": "已载入的数据集（--data 文件或文件夹）及其目标、任务、领导和单位数。",
    "Tasks added, removed, or whose leaders, units, section or item number changed\nbetween two datasets.\n\nTasks are paired by text similarity within the same goal; names are compared through\nthe aliases (--aliases, else aliases.yaml beside OLD). Exit 0 when there are\ndifferences, 1 when there are none.": "两个数据集之间新增、删除，或分管领导、单位、类别、任务序号有变化的任务。\n\n同一目标内按任务内容的相似度配对；名称经别名比较（--aliases，否则为 OLD 旁的 aliases.yaml）。有差异时退出码为 0，没有差异时为 1。",
    "The earlier dataset: a file, or a dataset name in --data.": "较早的数据集：一个文件，或 --data 中的数据集名。",
    "The later dataset: a file, or a dataset name in --data.": "较晚的数据集：一个文件，或 --data 中的数据集名。",
    "How similar (0-1) two task texts must be to count as the same task.": "两条任务内容相似到什么程度（0-1）才算同一项任务。",
    "Normalize a source table into a dataset, reporting what was normalized on stderr.": "把原始分解表规范化为数据集，并在标准错误上报告做了哪些规范化。",
    "Source table: .docx, .xlsx, .html, .csv, .tsv, .txt (text copied out of a Word table), or .doc, .wps, .xls, .et (converted by LibreOffice).": "原始分解表：.docx、.xlsx、.html、.csv、.tsv、.txt（从 Word 表格复制出的文字），或 .doc、.wps、.xls、.et（由 LibreOffice 转换）。",
    "Dataset to write, in the format its suffix names: .yaml, .parquet or .arrow (another suffix is refused) [default: YAML on standard output].": "要写入的数据集，格式由后缀决定：.yaml、.parquet 或 .arrow（其他后缀会被拒绝）［默认：YAML 输出到标准输出］。",
    "Replace an existing output file.": "替换已有的输出文件。",
    "Print the normalization report only; write nothing.": "只显示规范化报告，不写入任何文件。",
    "Report every normalized cell, not just the totals.": "报告每个被规范化的单元格，而不只是总数。",
    "Excel sheet to read [default: the first with a recognizable header].": "要读取的 Excel 工作表［默认：第一个有可识别表头的工作表］。",
    "Read the column headed LABEL as FIELD (task, lead_units, leaders, goal, goal_no, item_no, section, partner_units, deadline; or 工作标准, 牵头单位 …), for a header label dutycli does not know. Repeatable.": "把表头为 LABEL 的列当作字段 FIELD 读取（task、lead_units、leaders、goal、goal_no、item_no、section、partner_units、deadline；或 工作标准、牵头单位 …），用于 dutycli 不认识的表头。可重复。",
    "Write the dataset (--data) as Parquet, Arrow IPC or YAML; Parquet queries large tables fastest.": "把数据集（--data）写成 Parquet、Arrow IPC 或 YAML；Parquet 查询大表最快。",
    "File to write, e.g. tasks.parquet; - writes to stdout (with --format).": "要写入的文件，如 tasks.parquet；- 表示写到标准输出（配合 --format）。",
    "parquet, ipc (Arrow IPC / Feather) or yaml [default: from the suffix of -o]": "parquet、ipc（Arrow IPC / Feather）或 yaml［默认：按 -o 的后缀］",
    "{count} datasets: {names}": "{count} 个数据集：{names}",
    #
    # --- results --------------------------------------------------------------------------
    "no rows found": "没有找到任务",
    #
    # --- names: matching, pinyin, hints between commands ----------------------------------
    #
    #
    # --- the terminal: layout, pager, colour -----------------------------------------------
    #
    #
    # --- documents ---------------------------------------------------------------------------
    #
    #
}
