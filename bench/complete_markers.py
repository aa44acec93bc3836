"""Propose `complete: true` markers for the single-turn items of the question sets, then apply the reviewed ones.

A turn is complete on its own when it names what it asks and its year, or needs no year (a definition, a method
fact stated for all editions, a trend across editions, an out-of-scope or hostile input): it must get the same
answer whatever came before it (tests/test_context_independence.py). The script only proposes; a person reads
every proposal and keeps the sure ones.

    .venv/bin/python bench/complete_markers.py > /tmp/proposals.txt   # one line per proposal: set id class question
    # read it, delete the lines you do not accept
    .venv/bin/python bench/complete_markers.py --apply /tmp/proposals.txt

Classes: `year` (names a year or an edition's ordinal and no follow-up cue), `noyear` (names no year, expects
no year; e.g. out of scope, a definition, a trend: review these closely).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from testmods import load  # bench/ is on sys.path when a bench script runs

acc = load("accuracy.py")
ctx = load("context_independence.py")
names_year = ctx.names_year
YEAR = ctx.YEAR

FOLLOW_UP = re.compile(r"^(et|and|ok|what about|how about|meme|pareil|idem|aussi|also|plus|then|du coup|sinon)\b|"
                       r"\b(son|sa|ses|leur|leurs|its|their|cette annee|that year|celle ci|celui ci|ceux ci|la meme|"
                       r"le meme|same|precedente?|previous|suivante?|next|avant|d avant|apres|l an dernier|"
                       r"last year|encore|again)\b")


def proposals(path: Path) -> list[tuple[str, str, str]]:
    """(item id, class, question) for the single-turn items proposed as complete."""
    found = []
    for item in acc.single_turn(acc.load_set(path)):
        turn = item.turns[0]
        if turn.complete:
            continue
        folded = acc.fold(turn.question)
        if FOLLOW_UP.search(folded) or item.kind in ("followup", "ambiguity"):
            continue
        if names_year(turn.question):
            years = {int(y) for y in YEAR.findall(folded)}
            if turn.expect.year is not None and years and turn.expect.year not in years:
                continue  # the answer is about another year than the one named: read it by hand
            found.append((item.id, "year", turn.question))
        elif turn.expect.year is None:
            found.append((item.id, "noyear", turn.question))
    return found


def apply(path: Path, ids: set[str]) -> int:
    """Insert `complete: true` under the question of each listed single-turn item; returns how many."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    inserts: list[tuple[int, str]] = []
    for item in yaml.compose(text).value:
        fields = {key.value: value for key, value in item.value}
        if fields["id"].value not in ids or len(fields["turns"].value) != 1:
            continue
        turn = fields["turns"].value[0]
        if turn.flow_style:
            raise SystemExit(f"{path}: {fields['id'].value}: a flow-style turn; mark it by hand")
        q_key, q_value = next((k, v) for k, v in turn.value if k.value == "q")
        inserts.append((q_value.end_mark.line + 1, " " * q_key.start_mark.column + "complete: true\n"))
    for line, insert in sorted(inserts, reverse=True):
        lines.insert(line, insert)
    path.write_text("".join(lines), encoding="utf-8")
    return len(inserts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apply", type=Path, help="a reviewed proposals file: mark its items")
    args = parser.parse_args(argv)
    paths = {path.stem: path for path in acc.set_paths()}
    if args.apply:
        chosen: dict[str, set[str]] = {}
        for line in args.apply.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                stem, item_id = line.split()[:2]
                chosen.setdefault(stem, set()).add(item_id)
        for stem, ids in chosen.items():
            print(f"{stem}: {apply(paths[stem], ids)} marked")
        return 0
    for stem, path in paths.items():
        for item_id, kind, question in proposals(path):
            print(f"{stem} {item_id} {kind} {question[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
