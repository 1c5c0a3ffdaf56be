"""The command line: a thin Typer layer of arguments, calls and errors mapped to exit codes.

``app`` builds the Typer app from the commands in ``commands/``; ``registry`` declares the
options they share, once; ``typer_internals`` holds every use of Typer's private modules.
"""
