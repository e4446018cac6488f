"""Score the coder on gold JSONL files: precision, recall, F1 and mode accuracy.

    python bench/evaluate.py ../shared/eval/dev.jsonl [--errors]

Figures are at (source country, target country, PLOVER type), matched per item.
"""

from __future__ import annotations

import argparse
import json
import time

from detente.evaluation import read_gold, score_actors, score_items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("gold", nargs="+")
    parser.add_argument("--errors", action="store_true", help="list misses and false events")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--actors", action="store_true", help="score actor resolution instead")
    args = parser.parse_args()
    for path in args.gold:
        if args.actors:
            actors = score_actors(path)
            print(
                f"{path}: {actors.actors} gold actors | country {actors.country_accuracy:.3f} | "
                f"country+sector {actors.sector_accuracy:.3f} "
                f"({actors.sector_scored} with a sector)"
            )
            if args.errors:
                for error in actors.errors:
                    print(f"- {error}")
            continue
        started = time.perf_counter()
        score = score_items(read_gold(path))
        seconds = time.perf_counter() - started
        figures = score.to_dict() | {"file": path, "seconds": round(seconds, 1)}
        if args.json:
            print(json.dumps(figures))
        else:
            print(
                f"{path}: items {score.items}, gold {score.gold}, system {score.system}, "
                f"matched {score.matched} | P {score.precision:.3f} R {score.recall:.3f} "
                f"F1 {score.f1:.3f} | mode accuracy {score.mode_accuracy:.3f} "
                f"({score.mode_pairs} pairs) | {seconds:.1f}s"
            )
        if args.errors:
            for error in score.errors:
                print(f"- {error['id']}: {error['text'][:160]}")
                print(f"    missed {error['missed']}  false {error['false']}")


if __name__ == "__main__":
    main()
