"""Random input is not a question: how many random strings (tests/random_input.py's generator), asked one after
the other in one conversation, get an answer with found=true, per seed, with examples.

    .venv/bin/python bench/random_input.py                      # both seeds, 10,000 strings each
    .venv/bin/python bench/random_input.py --seed 42 --count 50000 --examples 30
"""

from __future__ import annotations

import argparse
import sys
import time

from testmods import load  # bench/ is on sys.path when a bench script runs

acc = load("accuracy.py")
rnd = load("random_input.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", help=f"seeds (default: {rnd.SEEDS})")
    parser.add_argument("--count", type=int, default=rnd.COUNT, help="strings per seed (default: %(default)s)")
    parser.add_argument("--examples", type=int, default=10, help="offenders shown per seed")
    args = parser.parse_args(argv)

    from barometre_data.engine import Engine

    engine = Engine(acc.load_knowledge())
    known = rnd.load_known()
    for seed in args.seed or rnd.SEEDS:
        started = time.perf_counter()
        run = rnd.run_random(engine, seed, args.count)
        elapsed = time.perf_counter() - started
        listed = known.get(seed, set()) if args.count == rnd.COUNT else set()
        print(f"seed {seed}: {len(run.offenders)} of {run.count} strings answered with found=true "
              f"({len(run.offenders) / run.count:.1%}), {len(run.crashes)} crash(es), "
              f"{len([i for i in run.offenders if i not in listed])} not in the known list, {elapsed:.1f} s")
        by_length: dict[int, int] = {}
        for index in run.offenders:
            by_length[len(run.examples[index][0])] = by_length.get(len(run.examples[index][0]), 0) + 1
        print("  offenders by length: " + ", ".join(f"{n} chars: {by_length.get(n, 0)}" for n in rnd.LENGTHS))
        if args.examples:
            print(rnd.describe(run, run.offenders, args.examples))
        for index, error in run.crashes[:5]:
            print(f"  crash #{index}: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
