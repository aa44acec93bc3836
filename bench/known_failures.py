"""The known-failure lists the tests compare against, regenerated from the engine as it is now.

    .venv/bin/python bench/known_failures.py            # what would change, per list (nothing written)
    .venv/bin/python bench/known_failures.py --write    # rewrite the lists
    .venv/bin/python bench/known_failures.py --only accuracy --write

Lists (--only, repeatable):
- accuracy: the question sets' sidecars, tests/questions/<set>.known.yaml (turns failing alone, together or
  shuffled);
- random: tests/random_input.known.yaml (random strings answered with found=true, by seed and index);
- context: tests/context_independence.known.yaml (complete questions answered differently after a primer
  turn, every question after every primer, or in one shuffled run of all the sets' single questions).
Read the diff before committing: an entry that appears is a regression unless the change meant it.
"""

from __future__ import annotations

import argparse
import sys

from testmods import load  # bench/ is on sys.path when a bench script runs

acc = load("accuracy.py")
rnd = load("random_input.py")
ctx = load("context_independence.py")
LISTS = ("accuracy", "random", "context")


def accuracy_lists(runner, write: bool) -> None:
    for path in acc.set_paths():
        items = acc.load_set(path)
        reports = acc.run_modes(items, runner)
        entries = acc.known_entries(reports)
        now = {(e["id"], e["turn"], mode) for e in entries for mode in e["modes"]}
        known = acc.load_known(path)
        before = {(i, t, mode) for mode, keys in known.items() for i, t in keys}
        added, removed = sorted(now - before), sorted(before - now)
        print(f"{acc.known_path(path).name:<28} {len(entries):>3} turn(s) listed"
              f"  +{len(added)} -{len(removed)} (id, turn, mode)")
        for key in added:
            print(f"    + {key[0]} turn {key[1]} {key[2]}")
        for key in removed:
            print(f"    - {key[0]} turn {key[1]} {key[2]}")
        if write:
            acc.write_known(path, entries)


def random_list(engine, write: bool) -> None:
    known = rnd.load_known()
    runs = [rnd.run_random(engine, seed) for seed in rnd.SEEDS]
    for run in runs:
        before = known.get(run.seed, set())
        added, removed = sorted(set(run.offenders) - before), sorted(before - set(run.offenders))
        print(f"{rnd.KNOWN_PATH.name} seed {run.seed}: {len(run.offenders)} offender(s)  +{len(added)} "
              f"-{len(removed)}" + (f", {len(run.crashes)} CRASH(ES): {run.crashes[:3]}" if run.crashes else ""))
        if added:
            print(rnd.describe(run, added, 5))
    if write:
        rnd.write_known(runs)


def context_list(engine, write: bool) -> None:
    asker = ctx.Asker(engine)
    checked = ctx.pairs(ctx.complete_questions(), ctx.load_primers())
    violations = ctx.after_primer_violations(asker, checked)
    shuffled, shuffled_checked = ctx.shuffled_run_violations(asker)
    before = ctx.load_known()
    added, removed = sorted(violations - before.pairs()), sorted(before.pairs() - violations)
    print(f"{ctx.KNOWN_PATH.name}: {len(violations)} violations of {len(checked)} checks after one primer  "
          f"+{len(added)} -{len(removed)} (question, primer); shuffled run: {len(shuffled)} of {shuffled_checked}"
          f"  +{len(shuffled - before.shuffled)} -{len(before.shuffled - shuffled)}")
    for question, primer in added[:30]:
        print(f"    + {question} after {primer}")
    if len(added) > 30:
        print(f"    … and {len(added) - 30} more (bench/context_independence.py shows examples)")
    if write:
        after_primer: dict[str, set[str]] = {}
        for question, primer in violations:
            after_primer.setdefault(question, set()).add(primer)
        ctx.write_known(ctx.Known(after_primer, shuffled), len(checked), shuffled_checked)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the lists (default: show the changes)")
    parser.add_argument("--only", choices=LISTS, action="append", help="only these lists (repeatable)")
    args = parser.parse_args(argv)
    only = set(args.only or LISTS)
    from barometre_data.engine import Engine

    knowledge = acc.load_knowledge()
    if "accuracy" in only:
        accuracy_lists(acc.engine_runner(knowledge), args.write)
    if "random" in only:
        random_list(Engine(knowledge), args.write)
    if "context" in only:
        context_list(Engine(knowledge), args.write)
    if not args.write:
        print("(nothing written; --write rewrites the lists)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
