"""Load test of `detente serve`: latency under mixed reads and writes, and what oversized
unauthenticated bodies cost the server.

    python bench/load.py [--requests 2000] [--clients 20] [--write-share 0.1]
                         [--articles 20000] [--max-seconds 300] [--big-bodies 6]
                         [--server-args "--write-rate 20 --write-burst 40"]

Everything stays on 127.0.0.1 and stops by itself (after ``--requests`` requests, or
``--max-seconds`` plus the requests then in flight, each limited to 120 s).  It seeds a
temporary store with ``--articles`` synthetic articles (about 2.5 events each), starts
``python -m detente serve`` on a free loopback port with a random token, and then

1. sends ``--big-bodies`` POSTs of 100 MB at once without a token, sampling the server's
   resident memory (``/proc/PID/status``) and ``/health`` latency while they run;
2. asks once for ``/`` and ``/api/shifts`` (the first answers wait for the computations
   the server starts at boot; their times are printed apart);
3. runs ``--clients`` concurrent clients for ``--requests`` requests in all (or until
   ``--max-seconds``): reads of /api/events, /api/shifts, /, /api/dyads/A/B/index and /series,
   /api/graph and /api/search, and POSTs of new articles (``--write-share`` of requests) that
   the server codes with the real pipeline.

It prints the machine (cores, memory), p50/p99 latency of reads and writes, answers by
status, and the server's memory before and after.  A 429 or 503 is the server refusing load
as designed, counted apart from errors.  ``--server-args`` go to `detente serve` (pass "" to
run a server without the limit options, e.g. an older checkout on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import secrets
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from detente.models import Actor, Article, Event, Sentence
from detente.store import Store

HOST = "127.0.0.1"  # never anything else
MB = 1_000_000
COUNTRIES = [
    ("CHN", "China"), ("JPN", "Japan"), ("USA", "Washington"), ("RUS", "Moscow"),
    ("IND", "India"), ("PAK", "Pakistan"), ("DEU", "Germany"), ("FRA", "France"),
    ("GBR", "Britain"), ("IRN", "Iran"), ("ISR", "Israel"), ("TUR", "Turkey"),
    ("KOR", "Seoul"), ("PRK", "Pyongyang"), ("UKR", "Ukraine"), ("POL", "Poland"),
    ("BRA", "Brazil"), ("ARG", "Argentina"), ("EGY", "Egypt"), ("SAU", "Saudi Arabia"),
    ("AUS", "Australia"), ("IDN", "Indonesia"), ("VNM", "Vietnam"), ("PHL", "Manila"),
    ("NGA", "Nigeria"), ("ZAF", "South Africa"), ("MEX", "Mexico"), ("CAN", "Canada"),
    ("ITA", "Italy"), ("ESP", "Spain"),
]  # fmt: skip
# (trigger, cameo, plover, quad class, Goldstein)
VERBS = [
    ("held talks with", "043", "CONSULT", 1, 2.8), ("signed a deal with", "057", "AGREE", 1, 8.0),
    ("praised", "051", "SUPPORT", 1, 3.4), ("sent aid to", "073", "AID", 2, 7.4),
    ("accused", "112", "ACCUSE", 3, -2.0), ("rejected", "120", "REJECT", 3, -4.0),
    ("threatened", "138", "THREATEN", 3, -7.0), ("sanctioned", "163", "SANCTION", 4, -8.0),
    ("seized boats of", "171", "COERCE", 4, -9.2),
]  # fmt: skip
WRITE_TEXTS = [
    "{a} and {b} held talks in the capital on Monday. {b} accused {a} of violating its airspace.",
    "{a} signed a trade agreement with {b} on Tuesday.",
    "{a} imposed sanctions on {b} after the vote. {b} rejected the sanctions.",
    "The foreign minister of {a} met her counterpart from {b} to discuss the border.",
]
NAMES = {
    "CHN": "China", "JPN": "Japan", "USA": "the United States", "RUS": "Russia",
    "IND": "India", "PAK": "Pakistan", "DEU": "Germany", "FRA": "France",
}  # fmt: skip


# -- seeding ----------------------------------------------------------------------------------


def seed(path: Path, n_articles: int, rng: random.Random) -> int:
    """Write ``n_articles`` synthetic articles with events to a new store; return events."""
    start = dt.date(2022, 1, 1)
    hot = [(COUNTRIES[i], COUNTRIES[i + 1]) for i in range(0, 20, 2)]  # busy dyads
    events = 0
    with Store(path) as store:
        batch: list[Article] = []
        for n in range(n_articles):
            day = start + dt.timedelta(days=rng.randrange(3 * 365))
            sents, evs, pos = [], [], 0
            for i in range(rng.choice((1, 2, 2, 3, 4))):
                (a, a_text), (b, b_text) = (
                    rng.choice(hot) if rng.random() < 0.6 else rng.sample(COUNTRIES, 2)
                )
                if rng.random() < 0.5:
                    (a, a_text), (b, b_text) = (b, b_text), (a, a_text)
                trigger, cameo, plover, quad, goldstein = rng.choice(VERBS)
                text = f"{a_text} {trigger} {b_text}."
                sents.append(Sentence(i, pos, pos + len(text), text))
                at = pos + len(a_text) + 1
                evs.append(
                    Event(
                        article_id=f"s{n}", sentence_index=i, sentence=text, trigger=trigger,
                        trigger_start=at, trigger_end=at + len(trigger),
                        source=Actor(a_text, a, "GOV", a_text),
                        target=Actor(b_text, b, "GOV", b_text),
                        cameo=cameo, cameo_root=cameo[:2], plover=plover, quad_class=quad,
                        goldstein=goldstein, date=day,
                    )
                )  # fmt: skip
                pos += len(text) + 1
            body = " ".join(s.text for s in sents)
            batch.append(Article(f"s{n}", body, day, sents=tuple(sents), events=tuple(evs)))
            events += len(evs)
            if len(batch) == 2000:
                store.add_articles(batch)
                batch = []
        store.add_articles(batch)
    return events


# -- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def rss_mb(pid: int) -> tuple[float, float]:
    """The process's resident memory now and at its peak, in MB (Linux ``/proc``)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return (int(fields["VmRSS"].split()[0]) / 1000, int(fields["VmHWM"].split()[0]) / 1000)


def start_server(
    db: Path, token: str, extra: list[str], log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "detente", "serve", "--db", str(db), "--host", HOST,
               "--port", str(port), *extra]  # fmt: skip
    env = {**os.environ, "DETENTE_TOKEN": token}
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.1)
        if server.poll() is not None:
            break
    server.kill()
    raise SystemExit(f"the server did not start; its log:\n{log.read_text()}")


# -- load -------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})
    by_path: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)


def read_paths(rng: random.Random) -> Callable[[], str]:
    dyads = [(COUNTRIES[i][0], COUNTRIES[i + 1][0]) for i in range(0, 20, 2)]

    def pick() -> str:
        a, b = rng.choice(dyads)
        return rng.choice([
            f"/api/events?limit=50&offset={rng.randrange(0, 2000)}",
            f"/api/events?dyad={a}-{b}&undirected=true&limit=20",
            "/api/shifts",
            "/",
            f"/api/dyads/{a}/{b}/index",
            f"/api/dyads/{a}/{b}/series?freq=week",
            "/api/graph",
            "/api/search?q=sanctioned&limit=20",
        ])  # fmt: skip

    return pick


def write_body(rng: random.Random) -> list[dict[str, str]]:
    a, b = rng.sample(sorted(NAMES), 2)
    text = rng.choice(WRITE_TEXTS).format(a=NAMES[a], b=NAMES[b])
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(365))
    return [{"id": f"w-{secrets.token_hex(6)}", "date": day.isoformat(), "text": text}]


async def run_load(url: str, token: str, args: argparse.Namespace, rng: random.Random) -> Tally:
    tally = Tally()
    remaining = args.requests
    deadline = time.monotonic() + args.max_seconds
    pick = read_paths(rng)
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                write = rng.random() < args.write_share
                kind = "write" if write else "read"
                path = "/api/articles" if write else pick()
                started = time.perf_counter()
                try:
                    if write:
                        headers = {"Authorization": f"Bearer {token}"}
                        response = await client.post(path, json=write_body(rng), headers=headers)
                    else:
                        response = await client.get(path)
                except httpx.HTTPError as e:
                    tally.failures[f"{kind} {type(e).__name__}"] += 1
                    continue
                seconds = time.perf_counter() - started
                tally.statuses[f"{kind} {response.status_code}"] += 1
                if response.status_code == 200:
                    tally.latencies[kind].append(seconds)
                    group = path.split("?")[0]
                    group = (
                        "/api/dyads/A/B/" + group.rsplit("/", 1)[1] if "/dyads/" in group else group
                    )
                    tally.by_path.setdefault(group, []).append(seconds)

        await asyncio.gather(*(worker() for _ in range(args.clients)))
    return tally


@dataclass
class BigBodies:
    before: tuple[float, float]  # RSS and peak RSS, MB
    after: tuple[float, float]
    max_sampled: float
    seconds: float
    outcomes: dict[str, int]
    health: list[float]


async def big_bodies(url: str, pid: int, count: int) -> BigBodies:
    """``count`` unauthenticated 100 MB POSTs at once, with memory and /health sampled."""

    async def chunks() -> AsyncIterator[bytes]:
        piece = b" " * MB
        for _ in range(100):
            yield piece

    samples: list[float] = []
    health: list[float] = []
    outcomes: Counter[str] = Counter()
    done = asyncio.Event()

    async def watch(client: httpx.AsyncClient) -> None:
        while not done.is_set():
            samples.append(rss_mb(pid)[0])
            started = time.perf_counter()
            await client.get("/health")
            health.append(time.perf_counter() - started)
            await asyncio.sleep(0.05)

    async def post(client: httpx.AsyncClient) -> None:
        headers = {"Content-Type": "application/json", "Content-Length": str(100 * MB)}
        try:
            response = await client.post("/api/articles", content=chunks(), headers=headers)
            outcomes[str(response.status_code)] += 1
        except httpx.HTTPError as e:  # the server closed the connection mid-upload
            outcomes[type(e).__name__] += 1

    before = rss_mb(pid)
    async with (
        httpx.AsyncClient(base_url=url, timeout=120) as client,
        httpx.AsyncClient(base_url=url, timeout=30) as probe,
    ):
        watcher = asyncio.create_task(watch(probe))
        started = time.perf_counter()
        await asyncio.gather(*(post(client) for _ in range(count)))
        seconds = time.perf_counter() - started
        done.set()
        await watcher
    after = rss_mb(pid)
    return BigBodies(before, after, max(samples, default=after[0]), seconds, dict(outcomes), health)


# -- report -----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f} ms"


def machine() -> str:
    mem = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} cores ({cpu}), {mem} RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--write-share", type=float, default=0.1)
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--big-bodies", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server-args", default="--write-rate 20 --write-burst 40")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="detente-load-") as tmp:
        db = Path(tmp) / "load.duckdb"
        started = time.perf_counter()
        events = seed(db, args.articles, rng)
        print(f"store: {args.articles} articles, {events} events "
              f"(seeded in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        token = secrets.token_urlsafe(16)
        extra = shlex.split(args.server_args)
        server, url = start_server(db, token, extra, Path(tmp) / "server.log")
        try:
            print(f"server: {url} (pid {server.pid}) {' '.join(extra)}")
            print(f"server memory at start: {rss_mb(server.pid)[0]:.0f} MB")
            if args.big_bodies:
                big = asyncio.run(big_bodies(url, server.pid, args.big_bodies))
                (rss0, hwm0), (rss1, hwm1) = big.before, big.after
                print(
                    f"\n{args.big_bodies} x 100 MB POST without a token, at once: "
                    f"{big.seconds:.2f} s, answers {big.outcomes}"
                )
                print(
                    f"  server RSS {rss0:.0f} -> {rss1:.0f} MB (most seen during: "
                    f"{big.max_sampled:.0f} MB; peak ever {hwm0:.0f} -> {hwm1:.0f} MB)"
                )
                print(
                    f"  /health meanwhile: n={len(big.health)} p50 {pct(big.health, 0.5)} "
                    f"max {pct(big.health, 1.0)}"
                )
            print("\nfirst answers (the server computes the overview and shifts once):")
            for path in ("/", "/api/shifts"):
                started = time.perf_counter()
                status = httpx.get(url + path, timeout=args.max_seconds).status_code
                print(f"  GET {path}: {status} in {time.perf_counter() - started:.2f} s")
            print(
                f"\nload: {args.clients} clients, {args.requests} requests, "
                f"{args.write_share:.0%} writes (1 new article each, coded by the server)"
            )
            started = time.perf_counter()
            tally = asyncio.run(run_load(url, token, args, rng))
            seconds = time.perf_counter() - started
            done = sum(tally.statuses.values()) + sum(tally.failures.values())
            print(f"  {done} requests in {seconds:.1f} s ({done / seconds:.0f}/s)")
            for kind in ("read", "write"):
                values = tally.latencies[kind]
                print(f"  {kind}s (200): n={len(values)} p50 {pct(values, 0.5)} "
                      f"p99 {pct(values, 0.99)} max {pct(values, 1.0)}")  # fmt: skip
            for path, values in sorted(tally.by_path.items()):
                print(f"    {path:<26} n={len(values):<4} p50 {pct(values, 0.5):>7} "
                      f"p99 {pct(values, 0.99):>7}")  # fmt: skip
            print(f"  answers: {dict(sorted(tally.statuses.items()))}")
            refused = sum(v for k, v in tally.statuses.items() if k.endswith((" 429", " 503")))
            errors = sum(
                v for k, v in tally.statuses.items()
                if not k.endswith((" 200", " 429", " 503"))
            ) + sum(tally.failures.values())  # fmt: skip
            print(f"  refused by design (429/503): {refused}; errors: {errors} "
                  f"{dict(tally.failures) or ''}")  # fmt: skip
            print(f"server memory at the end: {rss_mb(server.pid)[0]:.0f} MB")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
