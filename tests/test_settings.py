from pathlib import Path

import pytest

from detente.errors import ConfigError
from detente.settings import Settings, load_settings


def test_settings_defaults_have_help() -> None:
    assert all(Settings.help().values())
    assert load_settings().db == "detente.duckdb"


def test_settings_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "detente.toml"
    config.write_text('[detente]\ndb = "from-file.duckdb"\nbatch_size = 8\n')
    monkeypatch.setenv("DETENTE_BATCH_SIZE", "16")
    settings = load_settings(config, n_process=2)
    assert (settings.db, settings.batch_size, settings.n_process) == ("from-file.duckdb", 16, 2)


def test_settings_unknown_key(tmp_path: Path) -> None:
    config = tmp_path / "detente.toml"
    config.write_text("[detente]\nbatchsize = 8\n")
    with pytest.raises(ConfigError, match="unknown setting 'batchsize'"):
        load_settings(config)


def test_settings_bad_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_BATCH_SIZE", "many")
    with pytest.raises(ConfigError, match="batch_size='many'"):
        load_settings()
