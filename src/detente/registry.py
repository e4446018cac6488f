"""Registries of swappable parts under versioned names ("stage.coding.v1").

Built-in parts register through the same door a plugin would use: a decorator, or an entry
point in the ``detente.<registry>`` group that is loaded lazily, on the first lookup.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, TypeVar

from detente.errors import ConfigError

LOGGER = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class Registry:
    """A named table of factories; unknown names raise a ConfigError listing the known ones."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, Callable[..., Any]] = {}
        self._entry_points_loaded = False

    def register(self, name: str) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            if name in self._items and self._items[name] is not func:
                raise ConfigError(f"{self.name} registry already has {name!r}; pick a new version")
            self._items[name] = func
            return func

        return decorator

    def get(self, name: str) -> Callable[..., Any]:
        self._load_entry_points()
        try:
            return self._items[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._items, n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ConfigError(
                f"no {self.name} named {name!r}; available: {', '.join(self.names())}.{hint}"
            ) from None

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self._items)

    def _load_entry_points(self) -> None:
        # Lazily, so importing detente never imports third-party plugins.
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        for point in entry_points(group=f"detente.{self.name}"):
            if point.name not in self._items:
                try:
                    self._items[point.name] = point.load()
                except Exception:  # a broken plugin must not break detente
                    LOGGER.exception("could not load %s plugin %s", self.name, point.name)


stages = Registry("stages")
