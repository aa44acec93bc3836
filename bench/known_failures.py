"""The known-failure lists the tests compare against, regenerated from the engine as it is now.

    .venv/bin/python bench/known_failures.py            # what would change, per list (nothing written)
    .venv/bin/python bench/known_failures.py --write    # rewrite the lists
    .venv/bin/python bench/known_failures.py --only accuracy --write

Lists: the question sets' sidecars (tests/questions/<set>.known.yaml: turns failing alone, together or
shuffled). Read the diff before committing: a turn that appears is a regression unless the change meant it.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, filename: str):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / filename)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


acc = _load("barometre_accuracy", "accuracy.py")


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the lists (default: show the changes)")
    parser.add_argument("--only", choices=("accuracy",), action="append", help="only these lists")
    args = parser.parse_args(argv)
    only = set(args.only or ("accuracy",))
    runner = acc.engine_runner(acc.load_knowledge())
    if "accuracy" in only:
        accuracy_lists(runner, args.write)
    if not args.write:
        print("(nothing written; --write rewrites the lists)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
