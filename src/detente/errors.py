"""One exception tree for detente.

    DetenteError                 base of everything detente raises on purpose
    ├── InputError               a record or file cannot be read as an article
    ├── ConfigError              a setting, model or registry name is wrong
    ├── DataError                packaged or user data (KB, lexicon, codebook) is invalid
    ├── CodingError              a stage failed on an article
    └── StoreError               the database cannot be opened, migrated or written
        └── StoreLockedError     another process holds the database file

Messages name the bad value and say what to do next.
"""

from __future__ import annotations

__all__ = [
    "CodingError",
    "ConfigError",
    "DataError",
    "DetenteError",
    "InputError",
    "StoreError",
    "StoreLockedError",
]


class DetenteError(Exception):
    """Raised for every failure detente reports on purpose."""


class InputError(DetenteError):
    """Raised when a record, file or stream cannot be read as an article."""

    def __init__(self, message: str, *, origin: str = "") -> None:
        super().__init__(f"{origin}: {message}" if origin else message)
        self.origin = origin
        self.reason = message


class ConfigError(DetenteError):
    """Raised when a setting, model name or registry name is wrong."""


class DataError(DetenteError):
    """Raised when a data file (actor KB, verb lexicon, codebook) is invalid."""


class CodingError(DetenteError):
    """Raised when a pipeline stage fails on an article."""


class StoreError(DetenteError):
    """Raised when the database cannot be opened, migrated, read or written."""


class StoreLockedError(StoreError):
    """Raised when another process holds the DuckDB file."""
