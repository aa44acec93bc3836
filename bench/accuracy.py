"""Accuracy of the question engine on the question sets: each single question asked alone, and all of a
set's single questions asked one after the other in ONE conversation (file order, then shuffled), per set,
per kind and per language, then the failed turns with the answer given (marked NEW when the set's
known-failures list does not name them) and the listed turns that now pass.

    .venv/bin/python bench/accuracy.py                       # every set, engine in-process, data/ of this checkout
    .venv/bin/python bench/accuracy.py --set tests/questions/public.yaml
    .venv/bin/python bench/accuracy.py --cli --jobs 4        # through `barometre chat --json` (one process per
                                                             # conversation: one for a set's together run)
    .venv/bin/python bench/accuracy.py --kind followup --kind honesty --failures 0
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from testmods import load  # bench/ is on sys.path when a bench script runs

acc = load("accuracy.py")


def _cell(passed: int, total: int) -> str:
    return f"{passed:>4}/{total:<4} {passed / total:6.1%}" if total else f"{'-':>17}"


def _row(label: str, tallies: list[tuple[int, int]]) -> str:
    return f"  {label:<14}" + "  ".join(_cell(*t) for t in tallies)


def _sum(tallies: list[dict[str, tuple[int, int]]], key: str) -> tuple[int, int]:
    return (sum(t.get(key, (0, 0))[0] for t in tallies), sum(t.get(key, (0, 0))[1] for t in tallies))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", action="store_true", help="run each conversation through the CLI")
    parser.add_argument("--command", default=" ".join(acc.CLI_COMMAND),
                        help="the CLI command (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="CLI conversations run in parallel (default: 1)")
    parser.add_argument("--set", type=Path, action="append",
                        help="a question set (repeatable; default: every set of tests/questions)")
    parser.add_argument("--data", type=Path, default=acc.DATA_DIR, help="data directory (in-process runs)")
    parser.add_argument("--kind", action="append", choices=acc.KINDS, help="only these kinds (repeatable)")
    parser.add_argument("--mode", action="append", choices=acc.MODES,
                        help="only these modes (repeatable; default: all)")
    parser.add_argument("--failures", type=int, default=1000,
                        help="how many failures to list per set and mode (default: all)")
    args = parser.parse_args(argv)

    modes = tuple(m for m in acc.MODES if m in (args.mode or acc.MODES))
    if "alone" not in modes:
        modes = ("alone", *modes)  # multi-turn items come from the alone run
    if args.cli:
        runner, how = acc.cli_runner(shlex.split(args.command)), f"CLI: {args.command}"
    else:
        try:
            runner = acc.engine_runner(acc.load_knowledge(args.data))
        except ImportError as error:
            print(f"the engine cannot be imported yet ({error}); try --cli", file=sys.stderr)
            return 2
        how = f"engine in-process, data {args.data}"

    print(f"Modes: alone = each item in its own conversation; together = all single-turn items of a set in one "
          f"conversation, file order;\n       shuffled = the same, shuffled (seed {acc.SHUFFLE_SEED}); "
          f"multi-turn items are their own conversation in every mode. ({how})")
    print(f"\n  {'set':<14}" + "  ".join(f"{m:>17}" for m in modes) + "    time")
    runs = []
    for path in args.set or acc.set_paths():
        items = acc.load_set(path)
        if args.kind:
            items = [i for i in items if i.kind in args.kind]
        if not items:
            continue
        started = time.perf_counter()
        reports = acc.run_modes(items, runner, modes, jobs=args.jobs if args.cli else 1)
        elapsed = time.perf_counter() - started
        runs.append((path, items, reports))
        tallies = [(sum(r.passed for r in rep.results), len(rep.results)) for rep in reports.values()]
        print(_row(path.stem, tallies) + f"  {elapsed:5.1f} s")
    if len(runs) > 1:
        print(_row("all sets", [(sum(sum(r.passed for r in rs[m].results) for _, _, rs in runs),
                                 sum(len(rs[m].results) for _, _, rs in runs)) for m in modes]))

    by_kind = {m: [rs[m].by_kind() for _, _, rs in runs] for m in modes}
    by_lang = {m: [rs[m].by_lang() for _, _, rs in runs] for m in modes}
    print(f"\nBy kind (all sets shown):\n  {'':<14}" + "  ".join(f"{m:>17}" for m in modes))
    for kind in acc.KINDS:
        if any(kind in t for t in by_kind["alone"]):
            print(_row(kind, [_sum(by_kind[m], kind) for m in modes]))
    print("By language:")
    for lang in acc.LANGS:
        if any(lang in t for t in by_lang["alone"]):
            print(_row(lang, [_sum(by_lang[m], lang) for m in modes]))

    unsourced = [r for _, _, rs in runs for r in rs["alone"].found_without_source()]
    print(f"Found answers without a source URL: {len(unsourced)}"
          + (f" ({', '.join(sorted({r.item.id for r in unsourced}))})" if unsourced else ""))

    for path, items, reports in runs:
        known = acc.load_known(path)
        for mode, report in reports.items():
            if mode != "alone":  # multi-turn items are shown once, with the alone run
                failed = [r for r in report.failures() if len(r.item.turns) == 1]
            else:
                failed = report.failures()
            stale = acc.compare_known(report, known[mode])[1]
            if (failed and args.failures) or stale:
                new = sum((r.item.id, r.index + 1) not in known[mode] for r in failed)
                print(f"\n{path.stem}, {mode}: {len(failed)} failed turn(s), {new} NEW (not in "
                      f"{acc.known_path(path).name})" + (" (single-turn items only)" if mode != "alone" else ""))
                for result in failed[:args.failures]:
                    mark = "" if (result.item.id, result.index + 1) in known[mode] else "NEW "
                    print(mark + result.describe(width=500))
                for result in stale:
                    print(f"STALE (passes, listed): {result.item.id} turn {result.index + 1}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
