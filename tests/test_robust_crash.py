"""A killed ingest loses nothing and duplicates nothing: ``detente ingest`` is SIGKILLed after
it has committed its first batch, run again to completion, and the store then holds exactly
what one clean run stores."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from detente.store import Store

WriteJsonl = Callable[..., Path]
N_ARTICLES = 300
COUNTRIES = ("China", "Japan", "Russia", "Ukraine", "France", "Germany", "India", "Brazil")
VERBS = ("condemned", "met", "accused", "praised", "threatened", "criticised")


def _records() -> list[dict[str, str]]:
    records = []
    for i in range(N_ARTICLES):
        a, b = COUNTRIES[i % 8], COUNTRIES[(i * 3 + 1) % 8]
        if a == b:
            b = COUNTRIES[(i + 4) % 8]
        text = (
            f"{a} {VERBS[i % 6]} {b} on Monday. "
            f"Officials in {b} said talks with {a} would continue ({i})."
        )
        records.append({"id": f"a{i:03d}", "text": text, "date": f"2024-{1 + i % 12:02d}-10"})
    return records


def _ingest(docs: Path, db: Path, *, verbose: bool = False) -> list[str]:
    flags = ["-v"] if verbose else []
    args = ["ingest", str(docs), "--db", str(db), "--coder", "coding.rules.v1"]
    return [sys.executable, "-m", "detente", *flags, *args]


def _env() -> dict[str, str]:
    """This environment without the caller's DETENTE_* settings (the test's KB home stays)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DETENTE_") or key == "DETENTE_HOME"
    }


def _contents(db: Path) -> tuple[list[str], list[str], list[str]]:
    """Article ids, sentence keys and event ids, sorted, duplicates kept."""
    with Store(db, read_only=True) as store:
        cur = store.cursor()
        try:
            articles = [r[0] for r in cur.execute("SELECT id FROM articles ORDER BY id").fetchall()]
            sents = [
                f"{r[0]}:{r[1]}"
                for r in cur.execute(
                    "SELECT article_id, idx FROM sentences ORDER BY article_id, idx"
                ).fetchall()
            ]
            events = [
                r[0]
                for r in cur.execute("SELECT event_id FROM events ORDER BY event_id").fetchall()
            ]
        finally:
            cur.close()
    return articles, sents, events


@pytest.mark.slow
def test_robust_crash_killed_ingest_resumes_without_loss_or_duplicates(
    tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    docs = write_jsonl(tmp_path / "docs.jsonl", _records())
    env, clean_db, crash_db = _env(), tmp_path / "clean.duckdb", tmp_path / "crash.duckdb"
    clean = subprocess.run(
        _ingest(docs, clean_db), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert clean.returncode == 0, clean.stderr
    assert clean.stderr.splitlines()[-1].startswith(f"{N_ARTICLES} articles added, 0 already")

    proc = subprocess.Popen(
        _ingest(docs, crash_db, verbose=True),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    try:
        # Logged once a batch is committed: kill it there, with more still to code.
        committed = any("stored 100 articles so far" in line for line in proc.stderr)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stderr.close()
    assert committed
    assert proc.returncode == -signal.SIGKILL

    resumed = subprocess.run(
        _ingest(docs, crash_db), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    counts = re.fullmatch(
        r"(\d+) articles added, (\d+) already stored, \d+ events; database .*",
        resumed.stderr.splitlines()[-1],
    )
    assert counts is not None, resumed.stderr
    added, stored = int(counts[1]), int(counts[2])
    assert added + stored == N_ARTICLES
    assert 100 <= stored < N_ARTICLES

    articles, sents, events = _contents(crash_db)
    assert articles == [f"a{i:03d}" for i in range(N_ARTICLES)]  # each once, none lost
    assert len(set(sents)) == len(sents) == 2 * N_ARTICLES
    assert len(set(events)) == len(events)
    assert (articles, sents, events) == _contents(clean_db)
