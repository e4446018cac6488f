"""Coder hybrid.v1: the MiniLM second opinion where the rules coded nothing."""

from __future__ import annotations

import json
import pickle
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from detente import code_text, load_settings
from detente.coder import build_pipeline, resolve_coder
from detente.coding import second_opinion
from detente.coding.codebook import load_codebook
from detente.coding.second_opinion import SecondOpinion, choose_dyad
from detente.embeddings import embeddings_available
from detente.embeddings.classifier import NONE, TypeClassifier, load_training
from detente.embeddings.training import MODEL_PATH, load_models, save_models
from detente.errors import ConfigError
from detente.models import Actor, Article, Mention, Sentence
from detente.text.nlp import parse_texts

HYBRID = load_settings(coder="coding.hybrid.v1")
RULES = load_settings(coder="coding.rules.v1")
needs_extra = pytest.mark.skipif(
    not embeddings_available(), reason="needs the [embeddings] extra (make dev installs it)"
)
PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip


def _rows(text: str, settings: object) -> list[tuple[str, str, str, str, str]]:
    events = code_text(text, date="2024-03-01", settings=settings)  # type: ignore[arg-type]
    return sorted(
        (e.source.country, e.target.country if e.target else "", e.cameo, e.mode, e.coder)
        for e in events
    )


def test_second_opinion_training_file_covers_every_type_and_mode() -> None:
    examples = load_training()
    assert len(examples) >= 1500
    types = Counter(e.plover for e in examples)
    assert set(types) == PLOVER_TYPES | {NONE}
    assert {e.mode for e in examples} == {
        "asserted", "future", "hypothetical", "negated", "prescriptive",
    }  # fmt: skip
    for example in examples:
        if example.plover != NONE:
            # The dyad is marked: both actors are literal spans of the sentence.
            assert example.source_text in example.text and example.target_text in example.text
            assert load_codebook().plover(example.cameo) == example.plover, example.text


def test_second_opinion_bad_training_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_text('{"text": "a", "plover": "NONE"}\n{"text": "b"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"train.jsonl:2: bad training example"):
        load_training(path)


def test_second_opinion_classifier_learns(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    centres = np.eye(3, 8) * 3
    vectors = np.vstack([c + 0.1 * rng.standard_normal((20, 8)) for c in centres])
    labels = ["AID"] * 20 + ["NONE"] * 20 + ["SANCTION"] * 20
    model = TypeClassifier.train(vectors, labels, steps=300)
    assert model.labels == ("AID", "NONE", "SANCTION")
    assert model.weights.dtype == np.float32 and model.weights.shape == (9, 3)
    assert [label for label, _ in model.predict(centres)] == ["AID", "NONE", "SANCTION"]
    assert all(p > 0.9 for _, p in model.predict(centres))


@needs_extra
def test_second_opinion_model_file_round_trips_and_refuses_strangers(tmp_path: Path) -> None:
    models = load_models()
    path = tmp_path / "m.safetensors"
    save_models(models, path)
    assert path.read_bytes() == MODEL_PATH.read_bytes()
    again = load_models(path)
    assert again.types.labels == models.types.labels and again.codes == models.codes
    assert np.array_equal(again.modes.weights, models.modes.weights)
    with pytest.raises(ConfigError, match=r"missing\.safetensors is missing; run `detente train`"):
        load_models(tmp_path / "missing.safetensors")
    save_models(replace(models, metadata={**models.metadata, "encoder": "minilm-int8"}), path)
    with pytest.raises(ConfigError, match=r"trained for another encoder \('minilm-int8'"):
        load_models(path)
    save_models(replace(models, metadata={**models.metadata, "weights_sha256": "0" * 64}), path)
    with pytest.raises(ConfigError, match="trained on other MiniLM weights than the installed"):
        load_models(path)


def test_second_opinion_dyad_is_the_doer_and_the_other_country() -> None:
    def dyad(text: str, spans: list[tuple[str, str]]) -> tuple[str, str] | None:
        (tokens,) = parse_texts([text], model=RULES.spacy_model)
        sent = Sentence(0, 0, len(text), text, tokens)
        mentions = [
            Mention(name, text.index(name), text.index(name) + len(name), 0, Actor(name, code))
            for name, code in spans
        ]
        found = choose_dyad(sent, mentions)
        return (found[0].country, found[1].country) if found else None

    assert dyad("Chile was praised by Norway.", [("Chile", "CHL"), ("Norway", "NOR")]) == (
        "NOR",
        "CHL",
    )
    assert dyad("Talks with Chile pleased Norway.", [("Chile", "CHL"), ("Norway", "NOR")]) == (
        "CHL",
        "NOR",
    )
    assert dyad("Norway and Oslo agree.", [("Norway", "NOR"), ("Oslo", "NOR")]) is None


@needs_extra
def test_second_opinion_codes_what_the_rules_miss() -> None:
    text = (
        "Norway's foreign minister and his Chilean counterpart compared notes on Antarctic "
        "fisheries over dinner in Oslo."
    )
    assert _rows(text, RULES) == []
    assert _rows(text, HYBRID) == [("NOR", "CHL", "040", "asserted", "minilm.v1")]
    (event,) = code_text(text, date="2024-03-01", settings=HYBRID)
    # Less sure than a rule, and no trigger word to point at.
    assert (event.trigger, event.confidence < 0.5, event.plover) == ("", True, "CONSULT")


@needs_extra
def test_second_opinion_leaves_coded_and_one_country_sentences_alone() -> None:
    coded = "Austria sided with Hungary in the quarrel over the pipeline."
    assert (
        _rows(coded, HYBRID)
        == _rows(coded, RULES)
        == [("AUT", "HUN", "051", "asserted", "rules.v1")]
    )
    assert _rows("Norway's parliament compared notes on fisheries in Oslo.", HYBRID) == []


@needs_extra
def test_second_opinion_never_asserts_what_the_rules_call_prescriptive() -> None:
    (tokens,) = parse_texts(["Norway should compare notes with Chile."], model=RULES.spacy_model)
    assert second_opinion._sentence_mode(tokens, "asserted") == "prescriptive"
    (plain,) = parse_texts(["Norway compared notes with Chile."], model=RULES.spacy_model)
    assert second_opinion._sentence_mode(plain, "hypothetical") == "hypothetical"
    assert second_opinion._sentence_mode(plain, "asserted") == "asserted"


@needs_extra
def test_second_opinion_stage_pickles_for_worker_processes(tmp_path: Path) -> None:
    stage = SecondOpinion(threshold=0.7, model_path=tmp_path / "m.safetensors")
    copy = pickle.loads(pickle.dumps(stage))
    assert (copy.threshold, copy.model_path, copy._models) == (
        0.7,
        tmp_path / "m.safetensors",
        None,
    )
    article = Article(id="a", text="Peru and Chile compared notes in Lima.")
    assert pickle.loads(pickle.dumps(build_pipeline(HYBRID)))(article).id == "a"


def test_second_opinion_auto_falls_back_to_rules_without_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import detente.coder

    monkeypatch.setattr(detente.coder, "embeddings_available", lambda: False)
    assert resolve_coder("auto") == "coding.rules.v1"
    assert resolve_coder("coding.rules.v1") == "coding.rules.v1"
    with pytest.raises(ConfigError, match=r"pip install 'detente\[embeddings\]'"):
        build_pipeline(HYBRID)


@needs_extra
def test_second_opinion_cli_coder_option(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path
) -> None:
    text = (
        "Kenya imposed sanctions on Uganda. Norway's foreign minister and his Chilean "
        "counterpart compared notes on Antarctic fisheries over dinner in Oslo."
    )
    source = tmp_path / "a.txt"
    source.write_text(text, encoding="utf-8")

    def coders(*flags: str) -> list[str]:
        result = runner.invoke(cli_app, ["code", str(source), "--date", "2024-03-01", *flags])
        assert result.exit_code == 0, result.output
        return [json.loads(line)["coder"] for line in result.stdout.splitlines()]

    assert coders("--coder", "coding.rules.v1") == ["rules.v1"]
    assert coders("--coder", "coding.hybrid.v1") == ["rules.v1", "minilm.v1"]
    assert coders() == ["rules.v1", "minilm.v1"]  # auto picks the hybrid with the extra
    wrong = runner.invoke(cli_app, ["code", str(source), "--coder", "coding.magic.v9"])
    assert wrong.exit_code == 2
    assert "no stages named 'coding.magic.v9'; available:" in wrong.stderr


def test_second_opinion_leaves_statements_about_a_relationship_alone() -> None:
    def parsed(text: str) -> Sentence:
        (tokens,) = parse_texts([text], model=RULES.spacy_model)
        return Sentence(0, 0, len(text), text, tokens)

    assert second_opinion._stative(parsed("Chile-Peru relations are warmer than ever.").tokens)
    assert not second_opinion._stative(parsed("Peru is ready to talk to Chile.").tokens)
    text = "The Sino-Vietnamese partnership worried Japan's planners."
    sino = Mention("Sino", 4, 8, 0, Actor("Sino", "CHN"))
    assert second_opinion._modifier_only(parsed(text), sino)
    ships = "Chinese warships shadowed a Japanese destroyer."
    chinese = Mention("Chinese", 0, 7, 0, Actor("Chinese", "CHN"))
    assert not second_opinion._modifier_only(parsed(ships), chinese)
    japan = Mention("Japan", text.index("Japan"), text.index("Japan") + 5, 0, Actor("", "JPN"))
    assert choose_dyad(parsed(text), [sino, japan]) is None
