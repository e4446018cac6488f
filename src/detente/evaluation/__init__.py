"""Scoring the coder and the actor resolver against gold data."""

from detente.evaluation.actors import ActorScore, score_actors
from detente.evaluation.events import GoldEvent, GoldItem, Score, read_gold, score_items

__all__ = [
    "ActorScore",
    "GoldEvent",
    "GoldItem",
    "Score",
    "read_gold",
    "score_actors",
    "score_items",
]
