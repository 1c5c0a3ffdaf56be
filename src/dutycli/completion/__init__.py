"""Shell completion. ``protocol`` answers a TAB on a data value without starting Typer;
``command_table`` is what it knows of the commands, generated from the app by ``generate``.

Every TAB re-runs dutycli: nothing here imports Typer, Polars, Rich or PyYAML on that path.
"""
