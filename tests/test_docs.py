"""Docs are generated or checked from code."""

from pathlib import Path

from detente.cli.reference import render_reference
from detente.models import Actor, Event

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == render_reference(), (
        "docs/cli.md is stale: run `python -m detente.cli.reference > docs/cli.md`"
    )


def test_docs_event_fields_documented() -> None:
    event = Event(
        article_id="a", sentence_index=0, sentence="s", trigger="t", trigger_start=0, trigger_end=1,
        source=Actor("x", "CHN"), target=None, cameo="010", cameo_root="01", plover="",
        quad_class=1, goldstein=0.0,
    )  # fmt: skip
    documented = (DOCS / "events.md").read_text(encoding="utf-8")
    missing = [name for name in event.to_dict() if f"| `{name}` |" not in documented]
    assert missing == []


def test_docs_every_setting_documented() -> None:
    from detente.settings import Settings

    documented = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, help_text in Settings.help().items():
        assert f"| `{name}` |" in documented, name
        assert help_text in documented, name
