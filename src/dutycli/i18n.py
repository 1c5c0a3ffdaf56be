"""The language dutycli speaks to its user, and ``t``: a message in that language.

Every message, note, error and help text is written in English in the code and looked up in
the one catalog (``catalog.ZH``) when the interface is Chinese. The language is chosen by
``DUTYCLI_LANG`` (``zh`` or ``en``), else by the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``:
``zh_*`` is Chinese), else English. Standard library only: help and TAB import this.
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "zh")


def language() -> str:
    """``zh`` or ``en``, asked of the environment each time (a test may change it)."""
    chosen = os.environ.get("DUTYCLI_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:  # the first one set decides, as the C library reads them
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def t(message: str, /, **values: object) -> str:
    """``message`` (an English template with ``{name}`` fields) in the user's language, filled
    with ``values``. A message missing from the catalog is English (a test forbids that)."""
    template = message
    if language() == "zh":
        from dutycli.catalog import ZH

        template = ZH.get(message, message)
    return template.format(**values) if values else template
