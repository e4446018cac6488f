"""Coding throughput: articles and sentences per second through the whole pipeline.

    python bench/throughput.py [--repeat 20] [--workers 1] [--coder NAME ...]

Codes the bundled sample articles ``--repeat`` times (each copy with a new id) with each
coder (default: ``coding.rules.v1`` and, when the ``[embeddings]`` extra is installed,
``coding.hybrid.v1``) and prints articles/s, sentences/s, events/s, the share of sentences
that were parsed (the prefilter's saving) and the ratio of each coder's speed to the first.
State the machine with every figure: the numbers in docs were taken on 2 cores and 24 GiB.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import replace
from importlib.resources import files

from detente.coder import code_articles
from detente.embeddings import embeddings_available
from detente.ingest.sources import read_articles
from detente.models import Article
from detente.settings import load_settings


def measure(coder: str, articles: list[Article], workers: int) -> float:
    """Code ``articles`` with ``coder``, print its figures and return sentences per second."""
    settings = load_settings(n_process=workers, coder=coder)
    list(code_articles(articles[:2], settings=settings))  # load the models and data once
    started = time.perf_counter()
    done = list(code_articles(articles, settings=settings))
    seconds = time.perf_counter() - started
    sents = sum(len(a.sents) for a in done)
    parsed = sum(1 for a in done for s in a.sents if s.parsed)
    events = sum(len(a.events) for a in done)
    print(f"[{coder}] {len(done)} articles, {sents} sentences ({parsed} parsed), {events} events")
    print(
        f"  coding took {seconds:.2f}s | articles/s {len(done) / seconds:.1f} | "
        f"sentences/s {sents / seconds:.1f} | events/s {events / seconds:.1f} | "
        f"prefilter skips {1 - parsed / sents:.0%} of sentences"
    )
    return sents / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--coder", action="append", help="coder to measure (repeatable)")
    args = parser.parse_args()
    coders = args.coder or ["coding.rules.v1"] + (
        ["coding.hybrid.v1"] if embeddings_available() else []
    )
    samples = list(read_articles([str(files("detente") / "data" / "samples" / "articles.jsonl")]))
    articles = [replace(a, id=f"{a.id}-{n}") for n in range(args.repeat) for a in samples]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    speeds = [(coder, measure(coder, articles, args.workers)) for coder in coders]
    first, base = speeds[0]
    for coder, speed in speeds[1:]:
        print(f"{coder} runs at {speed / base:.2f}x the sentences/s of {first}")


if __name__ == "__main__":
    main()
