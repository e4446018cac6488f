"""``python -m detente``: the same command line as ``detente``."""

from detente.cli import main

main()
