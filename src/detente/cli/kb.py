"""``detente kb``: inspect the actor knowledge base and refresh its people from Wikidata."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import typer

from detente.actors.kb import DATA_DIR, clear_kb_cache, load_kb
from detente.actors.overlay import apply_overlay, overlay_path, read_overlay, write_overlay
from detente.actors.wikidata import (
    ImportStats,
    load_positions,
    people_from_entities,
    read_entities,
)
from detente.cli.app import app, progress, run, stderr, stdout

kb_app = typer.Typer(
    help="Inspect the actor knowledge base and add people from a Wikidata dump.",
    no_args_is_help=True,
)
app.add_typer(kb_app, name="kb")


@kb_app.command("import-wikidata")
def import_wikidata_command(
    dump: str = typer.Argument(..., help="Wikidata JSON dump: .json, .json.gz or .json.bz2."),
    positions: str = typer.Option(
        None, "--positions", help="Position table YAML (default: the packaged one)."
    ),
    overlay: str = typer.Option(
        None, "--overlay", help="Overlay file to write (default: the user KB overlay)."
    ),
    surnames: bool = typer.Option(
        False, "--surnames", help="Also add each person's bare surname as a name variant."
    ),
) -> None:
    """Add or update the office-holders of a Wikidata dump in the user's KB overlay."""

    def body() -> None:
        table = load_positions(Path(positions) if positions else None)
        stats = ImportStats()
        entities = progress(read_entities(Path(dump), stats), label="reading the dump")
        people = list(people_from_entities(entities, table, stats=stats, surnames=surnames))
        for number, reason in stats.malformed_lines:
            stderr.print(f"[yellow]malformed[/] line {number}: {reason}", highlight=False)
        if stats.malformed > len(stats.malformed_lines):
            more = stats.malformed - len(stats.malformed_lines)
            stderr.print(f"... and {more} more malformed lines", highlight=False)
        stdout.print(f"entities read: {stats.entities}", highlight=False)
        stdout.print(f"people imported: {stats.people} ({stats.roles} roles)", highlight=False)
        stdout.print(f"skipped (no known position): {stats.skipped_no_position}", highlight=False)
        stdout.print(f"skipped (no English label): {stats.skipped_no_label}", highlight=False)
        stdout.print(
            f"skipped (known position, no start date or country): {stats.skipped_no_role}",
            highlight=False,
        )
        stdout.print(f"malformed lines: {stats.malformed}", highlight=False)
        target = Path(overlay) if overlay else overlay_path()
        if not people:
            stdout.print(f"overlay: {target} (unchanged: no people imported)", highlight=False)
            return
        result = write_overlay(people, path=target, source=f"Wikidata dump {Path(dump).name}")
        clear_kb_cache()
        stdout.print(
            f"overlay: {result.path} ({result.added} added, {result.updated} updated, "
            f"{result.total} people in all)",
            highlight=False,
        )

    run(body)


@kb_app.command("info")
def info_command() -> None:
    """Print the knowledge base's counts, the user overlay and the KB load time."""

    def body() -> None:
        started = time.perf_counter()
        packaged = load_kb(DATA_DIR)  # a fresh read, not the cached KB
        loaded = time.perf_counter()
        kb = apply_overlay(packaged)
        merged = time.perf_counter()
        path = overlay_path()
        overlay_people = len(read_overlay(packaged, path))
        by_role = Counter(role for p in kb.people.values() for role in {r.role for r in p.roles})
        stdout.print(f"countries: {len(kb.countries)}", highlight=False)
        stdout.print(f"organisations: {len(kb.organisations)}", highlight=False)
        stdout.print(f"agents: {len(kb.agents)}", highlight=False)
        stdout.print(f"groups: {len(kb.groups)}", highlight=False)
        stdout.print(
            f"people: {len(kb.people)} ({len(packaged.people)} packaged, "
            f"{overlay_people} in the overlay)",
            highlight=False,
        )
        stdout.print("people by role (top 15):", highlight=False)
        for role, count in sorted(by_role.items(), key=lambda item: (-item[1], item[0]))[:15]:
            stdout.print(f"  {count:5d}  {role}", highlight=False)
        state = f"{overlay_people} people" if path.is_file() else "none yet"
        stdout.print(f"overlay: {path} ({state})", highlight=False)
        stdout.print(
            f"KB load time: {(merged - started) * 1000:.0f} ms (packaged files "
            f"{(loaded - started) * 1000:.0f} ms, overlay {(merged - loaded) * 1000:.0f} ms)",
            highlight=False,
        )

    run(body)
