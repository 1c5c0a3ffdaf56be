"""Reading source tables (Word, Excel, CSV/TSV, text) and normalizing them into a dataset.

Each reader (``text``, ``delimited``, ``word``, ``excel``) only finds cells and merges, as a
``table.SourceTable``; what the cells mean (goals, names, inheritance) is decided once, in
``normalize``, for every format alike. ``formats`` picks the reader by the file's suffix.
"""
