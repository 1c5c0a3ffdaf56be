"""Datasets on disk: YAML, Parquet and Arrow IPC files, exports read back, the cache, and
loading one file or a folder of them as one Polars frame (``collection``)."""
