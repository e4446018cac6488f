"""The ``detente`` command line: thin commands over the library (one module per command)."""

from detente.cli.app import app, main

__all__ = ["app", "main"]
