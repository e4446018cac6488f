"""Coding throughput: articles and sentences per second through the whole pipeline.

    python bench/throughput.py [--repeat 20] [--workers 1]

Codes the bundled sample articles ``--repeat`` times (each copy with a new id) and prints
articles/s, sentences/s, events/s, the share of sentences that were parsed (the prefilter's
saving) and the ratio of parsed to all sentences.  State the machine with every figure: the
numbers in docs were taken on 2 cores and 24 GiB.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import replace
from importlib.resources import files

from detente.coder import code_articles
from detente.ingest.sources import read_articles
from detente.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    samples = list(read_articles([str(files("detente") / "data" / "samples" / "articles.jsonl")]))
    articles = [replace(a, id=f"{a.id}-{n}") for n in range(args.repeat) for a in samples]
    settings = load_settings(n_process=args.workers)
    list(code_articles(articles[:2], settings=settings))  # load the model and data once
    started = time.perf_counter()
    done = list(code_articles(articles, settings=settings))
    seconds = time.perf_counter() - started
    sents = sum(len(a.sents) for a in done)
    parsed = sum(1 for a in done for s in a.sents if s.parsed)
    events = sum(len(a.events) for a in done)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{len(done)} articles, {sents} sentences ({parsed} parsed), {events} events")
    print(f"coding took {seconds:.2f}s")
    print(
        f"articles/s {len(done) / seconds:.1f} | sentences/s {sents / seconds:.1f} | "
        f"events/s {events / seconds:.1f} | parsed share {parsed / sents:.2f} "
        f"(prefilter skips {1 - parsed / sents:.0%} of sentences)"
    )


if __name__ == "__main__":
    main()
