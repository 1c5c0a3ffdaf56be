"""The one message catalog: every English message of dutycli and its Chinese.

Keys are the English templates exactly as the code passes them to ``i18n.t``, ``{fields}``
included; a Chinese template uses the same fields. tests/test_i18n.py fails when a message of
the code has no entry here, or an entry's fields differ.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # --- results --------------------------------------------------------------------------
    "no rows found": "没有找到任务",
    #
    # --- names: matching, pinyin, hints between commands ----------------------------------
    "{names}: a leader, not a command; try: {command}": "{names}：是分管领导，不是命令。请用：{command}",
    "{names}: a unit, not a command; try: {command}": "{names}：是牵头单位，不是命令。请用：{command}",
    "{names}: a partner unit, not a command; try: {command}": "{names}：是配合单位，不是命令。请用：{command}",
    "{names}: a goal, not a command; try: {command}": "{names}：是目标，不是命令。请用：{command}",
    "{typed}: a leader's name, not in the task texts; try: {command}": "{typed}：是分管领导的名字，任务内容里没有。请用：{command}",
    "{typed}: a unit's name, not in the task texts; try: {command}": "{typed}：是牵头单位的名称，任务内容里没有。请用：{command}",
    "{typed}: a partner unit's name, not in the task texts; try: {command}": "{typed}：是配合单位的名称，任务内容里没有。请用：{command}",
    "--header applies to {formats} (the others name columns in Chinese), not {fmt}": "--header 只用于 {formats}（其他格式的列名本来就是中文），不用于 {fmt}",
    #
    #
    # --- the terminal: layout, pager, colour -----------------------------------------------
    #
    #
    # --- documents ---------------------------------------------------------------------------
    #
    #
}
