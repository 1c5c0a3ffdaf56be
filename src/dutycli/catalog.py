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
    #
    #
    # --- the terminal: layout, pager, colour -----------------------------------------------
    "A narrow terminal: {columns} are read from 原文 (--width or -f csv shows them)": "终端较窄：{columns}见原文（--width 或 -f csv 可显示这些列）",
    #
    # --- documents ---------------------------------------------------------------------------
    #
    #
}
