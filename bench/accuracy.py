"""Accuracy of the question engine on the public question set, per kind, per language and overall,
then the failed turns with the answer given.

    .venv/bin/python bench/accuracy.py               # engine in-process, data/ of this checkout
    .venv/bin/python bench/accuracy.py --cli         # one `barometre chat --json` process per conversation
    .venv/bin/python bench/accuracy.py --cli --jobs 4
    .venv/bin/python bench/accuracy.py --kind followup --kind honesty --failures 0
"""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_runner():
    name = "barometre_accuracy"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "accuracy.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


acc = _load_runner()


def _line(label: str, passed: int, total: int) -> str:
    return f"  {label:<11} {passed:>4}/{total:<4} {passed / total:6.1%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", action="store_true", help="run each conversation through the CLI")
    parser.add_argument("--command", default=" ".join(acc.CLI_COMMAND),
                        help="the CLI command (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="CLI conversations run in parallel (default: 1)")
    parser.add_argument("--set", type=Path, default=acc.SET_PATH, help="question set (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=acc.DATA_DIR, help="data directory (in-process runs)")
    parser.add_argument("--kind", action="append", choices=acc.KINDS, help="only these kinds (repeatable)")
    parser.add_argument("--failures", type=int, default=1000, help="how many failures to list (default: all)")
    args = parser.parse_args(argv)

    items = acc.load_set(args.set)
    if args.kind:
        items = [i for i in items if i.kind in args.kind]
    if args.cli:
        runner, how = acc.cli_runner(shlex.split(args.command)), f"CLI: {args.command}"
    else:
        try:
            runner = acc.engine_runner(acc.load_knowledge(args.data))
        except ImportError as error:
            print(f"the engine cannot be imported yet ({error}); try --cli", file=sys.stderr)
            return 2
        how = f"engine in-process, data {args.data}"

    started = time.perf_counter()
    report = acc.run(items, runner, jobs=args.jobs if args.cli else 1)
    elapsed = time.perf_counter() - started
    turns = len(report.results)

    print(f"Public question set: {len(items)} conversations, {turns} turns ({how}) in {elapsed:.1f} s")
    print("By kind:")
    for kind, (passed, total) in report.by_kind().items():
        print(_line(kind, passed, total))
    print("By language:")
    for lang, (passed, total) in report.by_lang().items():
        print(_line(lang, passed, total))
    passed_all = sum(r.passed for r in report.results)
    print(_line("overall", passed_all, turns) if turns else "  overall: no turns")
    unsourced = report.found_without_source()
    print(f"Found answers without a source URL: {len(unsourced)}"
          + (f" ({', '.join(sorted({r.item.id for r in unsourced}))})" if unsourced else ""))

    failed = report.failures()
    if failed and args.failures:
        print(f"\nFailures ({len(failed)}):")
        for result in failed[:args.failures]:
            print(result.describe(width=500))
    return 0


if __name__ == "__main__":
    sys.exit(main())
