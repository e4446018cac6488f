"""kill -9 an ingest at several points, finish it, and count what was lost or doubled.

    python bench/crash_ingest.py [--articles 3000] [--kills 5] [--seed 1]

Writes a JSONL of generated short articles, ingests it once cleanly (the reference), then
ingests it into a second database, SIGKILLing the process after a random delay ``--kills``
times (each run resumes where the stored articles end) before a last run to completion.
Prints articles, sentences and events lost, duplicated and unexpected against the reference,
which must all be 0.  Local files only; state the hardware with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from detente.store import Store

COUNTRIES = ("China", "Japan", "Russia", "Ukraine", "France", "Germany", "India", "Brazil")
VERBS = ("condemned", "met", "accused", "praised", "threatened", "criticised")


def write_articles(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for i in range(count):
            a, b = COUNTRIES[i % 8], COUNTRIES[(i * 3 + 1) % 8]
            b = COUNTRIES[(i + 4) % 8] if a == b else b
            text = f"{a} {VERBS[i % 6]} {b} on Monday. Officials in {b} answered {a} ({i})."
            record = {"id": f"a{i:05d}", "text": text, "date": f"2024-{1 + i % 12:02d}-10"}
            stream.write(json.dumps(record) + "\n")


def command(docs: Path, db: Path) -> list[str]:
    args = ["ingest", str(docs), "--db", str(db), "--coder", "coding.rules.v1"]
    return [sys.executable, "-m", "detente", *args]


def contents(db: Path) -> dict[str, Counter[str]]:
    queries = {
        "articles": "SELECT id FROM articles",
        "sentences": "SELECT article_id || ':' || idx FROM sentences",
        "events": "SELECT event_id FROM events",
    }
    with Store(db, read_only=True) as store:
        cur = store.cursor()
        try:
            return {
                name: Counter(r[0] for r in cur.execute(sql).fetchall())
                for name, sql in queries.items()
            }
        finally:
            cur.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DETENTE_")}
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env["DETENTE_HOME"] = str(tmp / "home")
        docs = tmp / "docs.jsonl"
        write_articles(docs, args.articles)
        started = time.perf_counter()
        subprocess.run(
            command(docs, tmp / "clean.duckdb"), env=env, check=True, capture_output=True
        )
        clean_seconds = time.perf_counter() - started
        print(f"clean run: {args.articles} articles in {clean_seconds:.0f} s")
        crash_db = tmp / "crash.duckdb"
        for kill in range(1, args.kills + 1):
            # Start-up (loading the models) takes about 4 s: kill somewhere in the work after it.
            delay = rng.uniform(5.0, max(6.0, 0.5 * clean_seconds))
            proc = subprocess.Popen(command(docs, crash_db), env=env, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stored = sum(contents(crash_db)["articles"].values()) if crash_db.exists() else 0
            print(f"kill {kill}: SIGKILL after {delay:.1f} s; {stored} articles stored")
        subprocess.run(command(docs, crash_db), env=env, check=True, capture_output=True)
        clean, crashed = contents(tmp / "clean.duckdb"), contents(crash_db)
        for name in clean:
            lost = sum(1 for key in clean[name] if key not in crashed[name])
            doubled = sum(n - 1 for n in crashed[name].values() if n > 1)
            extra = sum(1 for key in crashed[name] if key not in clean[name])
            total = sum(crashed[name].values())
            print(
                f"{name}: {total} stored | lost {lost} | duplicated {doubled} | unexpected {extra}"
            )


if __name__ == "__main__":
    main()
