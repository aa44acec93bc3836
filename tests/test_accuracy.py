"""Accuracy of the question engine on the public question set (tests/questions/public.yaml) and on a
second set written independently, without sight of the engine or of the first set
(tests/questions/independent.yaml).

The sets' well-formedness is checked; the accuracy tests run the sets through the engine in-process.
Figures and the full list of failures: `.venv/bin/python bench/accuracy.py [--set PATH]`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest


def _load_runner():
    """tests/accuracy.py, imported by path so it works whatever pytest's import mode is."""
    name = "barometre_accuracy"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("accuracy.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


acc = _load_runner()

# Minimum share of passed turns per kind, and overall (the lead tunes these).
MIN_ACCURACY = {kind: 0.95 for kind in acc.KINDS}
MIN_OVERALL = 0.97
# sets written by other authors from data/ alone, without sight of the engine or of the public set
INDEPENDENT_SETS = sorted((Path(__file__).with_name("questions")).glob("independent*.yaml"))
SHOWN_FAILURES = 25


# --------------------------------------------------------------------------- the set itself

def test_public_set_is_well_formed():
    items = acc.load_set()  # raises QuestionSetError naming the item on any malformed entry
    ids = [item.id for item in items]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    turns_per_kind = Counter()
    for item in items:
        assert item.kind in acc.KINDS and item.lang in acc.LANGS
        turns_per_kind[item.kind] += len(item.turns)
    assert sum(turns_per_kind.values()) >= 200
    too_few = {kind: turns_per_kind[kind] for kind in acc.KINDS if turns_per_kind[kind] < 15}
    assert not too_few, f"kinds with fewer than 15 turns: {too_few}"
    assert sum(len(i.turns) for i in items if i.lang == "en") >= 15
    assert all(len(i.turns) >= 2 for i in items if i.kind == "followup")


def test_ambiguity_turns_ask_back_and_out_of_scope_turns_state_no_fact():
    """The set itself must encode the two promises: clarify with choices, and say nothing invented."""
    items = acc.load_set()
    clarify = [t for i in items for t in i.turns if t.expect.intent == "clarify"]
    assert clarify and all(not t.expect.found and t.expect.min_suggestions >= 2 for t in clarify)
    honesty = [t for i in items if i.kind == "honesty" for t in i.turns]
    assert all(not t.expect.found for t in honesty)
    assert sum(bool(t.expect.not_contains) for t in honesty) >= 15


def test_malformed_set_is_rejected_with_the_item_named():
    bad = [{"id": "x-1", "kind": "score", "lang": "fr", "turns": [{"q": "score 2020", "expect": {"year": 2020}}]}]
    with pytest.raises(acc.QuestionSetError, match="x-1.*found"):
        acc.parse_set(bad, "bad.yaml")
    dup = [{"id": "a", "kind": "score", "lang": "fr", "turns": [{"q": "q", "expect": {"found": True}}]}] * 2
    with pytest.raises(acc.QuestionSetError, match="duplicate id"):
        acc.parse_set(dup, "dup.yaml")
    unknown_kind = [{"id": "b", "kind": "weather", "lang": "fr", "turns": [{"q": "q", "expect": {"found": True}}]}]
    with pytest.raises(acc.QuestionSetError, match="kind"):
        acc.parse_set(unknown_kind, "kind.yaml")


def test_checks_fold_case_accents_and_number_formats():
    expect = acc.Expect(found=True, year=2019, contains=("68.5", "Besançon", "50 000"), not_contains=("Saumur",))
    good = acc.Reply("Score 68,5/100 ; BESANCON ; villes de plus de 50\u202f000 habitants", True, "score", 2019)
    assert acc.check(expect, good) == []
    bad = acc.Reply("Saumur : 62/100", False, "score", 2020)
    reasons = " ".join(acc.check(expect, bad))
    assert "found" in reasons and "year" in reasons and "missing" in reasons and "must not contain" in reasons


# --------------------------------------------------------------------------- accuracy of the engine

@pytest.fixture(scope="module")
def knowledge():
    return acc.load_knowledge()


@pytest.fixture(scope="module")
def report(knowledge):
    return acc.run(acc.load_set(), acc.engine_runner(knowledge))


def _failures(report, kind=None) -> str:
    failed = report.failures(kind)
    shown = "\n".join(r.describe() for r in failed[:SHOWN_FAILURES])
    more = f"\n… and {len(failed) - SHOWN_FAILURES} more" if len(failed) > SHOWN_FAILURES else ""
    return f"{len(failed)} failed turn(s):\n{shown}{more}"


@pytest.mark.parametrize("kind", acc.KINDS)
def test_accuracy_per_kind(report, kind):
    passed, total = report.by_kind()[kind]
    assert passed / total >= MIN_ACCURACY[kind], (
        f"{kind}: {passed}/{total} = {passed / total:.0%} < {MIN_ACCURACY[kind]:.0%}\n{_failures(report, kind)}")


def test_accuracy_overall(report):
    accuracy = report.accuracy()
    assert accuracy >= MIN_OVERALL, f"overall {accuracy:.1%} < {MIN_OVERALL:.0%}\n{_failures(report)}"


@pytest.mark.parametrize("path", INDEPENDENT_SETS, ids=lambda p: p.stem)
def test_accuracy_on_the_independent_sets(knowledge, path):
    report = acc.run(acc.load_set(path), acc.engine_runner(knowledge))
    accuracy = report.accuracy()
    assert accuracy >= MIN_OVERALL, f"overall {accuracy:.1%} < {MIN_OVERALL:.0%}\n{_failures(report)}"
    assert not report.found_without_source()
