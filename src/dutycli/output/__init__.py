"""Output: choosing the format, the streams, flat formats, xlsx, terminal tables and pictures.

The one place that knows formats and terminals. Rich is imported only for a terminal table.
"""
