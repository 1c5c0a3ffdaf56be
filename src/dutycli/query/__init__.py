"""Queries: pure functions from a task frame (and arguments) to a frame. Nothing here prints."""
