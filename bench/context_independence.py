"""Context independence of the complete questions (tests/context_independence.py): every complete question of
the sets asked after every primer turn, and all the sets' single questions in one shuffled conversation;
prints violations / checks, per primer and per set, with examples.

    .venv/bin/python bench/context_independence.py
    .venv/bin/python bench/context_independence.py --primer sociaux --examples 20
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from testmods import load  # bench/ is on sys.path when a bench script runs

acc = load("accuracy.py")
ctx = load("context_independence.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--primer", action="append", help="only primers whose id contains this (repeatable)")
    parser.add_argument("--examples", type=int, default=3, help="examples shown per primer")
    args = parser.parse_args(argv)

    from barometre_data.engine import Engine

    asker = ctx.Asker(Engine(acc.load_knowledge()))
    questions = ctx.complete_questions()
    primers = [p for p in ctx.load_primers() if not args.primer or any(s in p.id for s in args.primer)]
    started = time.perf_counter()
    checked = ctx.pairs(questions, primers)
    violations = ctx.after_primer_violations(asker, checked)
    elapsed = time.perf_counter() - started
    known = ctx.load_known()
    print(f"After one primer: {len(violations)} violations of {len(checked)} checks "
          f"({len(violations) / len(checked):.1%}; {len(questions)} complete questions x {len(primers)} primers; "
          f"{len(violations - known.pairs())} not in {ctx.KNOWN_PATH.name}) in {elapsed:.1f} s")
    touched = {q for q, _ in violations}
    print(f"  complete questions answered differently after at least one primer: {len(touched)} of {len(questions)}")
    by_primer = Counter(p for _, p in violations)
    by_set = Counter(q.split(":")[0] for q, _ in violations)
    print("By primer (violations of %d questions):" % len(questions))
    texts = {q.key: q for q in questions}
    for primer in primers:
        print(f"  {by_primer[primer.id]:>5}  {primer.id:<26} {primer.text!r}")
        shown = sorted(q for q, p in violations if p == primer.id)[:args.examples]
        for key in shown:
            question = texts[key]
            alone = asker.alone(question)
            after = asker.conversation([primer.text, question.text])[-1]
            print(f"           {key}: {question.text!r}\n             alone: found={alone.found} "
                  f"{alone.text[:110]!r}\n             after: found={after.found} {after.text[:110]!r}")
    print("By set: " + ", ".join(f"{s} {n}" for s, n in sorted(by_set.items())))

    started = time.perf_counter()
    shuffled, shuffled_checked = ctx.shuffled_run_violations(asker)
    print(f"\nOne shuffled run of all the sets' single questions (seed {ctx.SHUFFLE_SEED}): {len(shuffled)} "
          f"violations of {shuffled_checked} complete questions ({len(shuffled - known.shuffled)} not listed) "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
