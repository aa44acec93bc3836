"""Accuracy of the question engine on the question sets: the public set (tests/questions/public.yaml) and
the sets written independently, without sight of the engine or of the other sets (independent*.yaml).

The sets' well-formedness is checked; each set runs through the engine in-process in every mode (each item
alone; all single-turn items in one conversation, in file order and shuffled) and must fail exactly the
turns its known-failures sidecar (<set>.known.yaml) lists: a new failure fails, and so does a listed turn
that passes (remove it from the list). Figures and the full list of failures:
`.venv/bin/python bench/accuracy.py [--set PATH]`; regenerate the lists: `bench/known_failures.py --write`.
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import load_accuracy

acc = load_accuracy()

SETS = acc.set_paths()
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
    marker = [{"id": "c", "kind": "score", "lang": "fr",
               "turns": [{"q": "q", "complete": "yes", "expect": {"found": True}}]}]
    with pytest.raises(acc.QuestionSetError, match="'c'.*complete"):
        acc.parse_set(marker, "marker.yaml")


def test_checks_fold_case_accents_and_number_formats():
    expect = acc.Expect(found=True, year=2019, contains=("68.5", "Besançon", "50 000"), not_contains=("Saumur",))
    good = acc.Reply("Score 68,5/100 ; BESANCON ; villes de plus de 50\u202f000 habitants", True, "score", 2019)
    assert acc.check(expect, good) == []
    bad = acc.Reply("Saumur : 62/100", False, "score", 2020)
    reasons = " ".join(acc.check(expect, bad))
    assert "found" in reasons and "year" in reasons and "missing" in reasons and "must not contain" in reasons


def test_known_failures_lists_name_real_turns(tmp_path):
    for path in SETS:
        acc.load_known(path, acc.load_set(path))  # raises naming the sidecar and the entry
    items = [acc.Item("real", "score", "fr", (acc.Turn("q", acc.Expect(found=True)),))]
    (tmp_path / "x.known.yaml").write_text("- {id: real, turn: 1, modes: [together]}\n", encoding="utf-8")
    assert acc.load_known(tmp_path / "x.yaml", items) == {"alone": set(), "together": {("real", 1)},
                                                          "shuffled": set()}
    (tmp_path / "x.known.yaml").write_text("- {id: ghost, turn: 1, modes: [alone]}\n", encoding="utf-8")
    with pytest.raises(acc.QuestionSetError, match="x.known.yaml.*no item 'ghost' turn 1"):
        acc.load_known(tmp_path / "x.yaml", items)
    (tmp_path / "x.known.yaml").write_text("- {id: real, turn: 1, modes: [sometimes]}\n", encoding="utf-8")
    with pytest.raises(acc.QuestionSetError, match="modes"):
        acc.load_known(tmp_path / "x.yaml", items)


def test_together_mode_runs_single_questions_in_one_conversation():
    """The runner really shares one conversation between single-turn items (and keeps follow-ups apart)."""
    expect = acc.Expect(found=True)
    items = [acc.Item(f"s{n}", "score", "fr", (acc.Turn(f"q{n}", expect),)) for n in range(5)]
    items.append(acc.Item("multi", "followup", "fr", (acc.Turn("m1", expect), acc.Turn("m2", expect))))
    conversations: list[list[str]] = []

    def recording(questions):
        conversations.append(list(questions))
        return [acc.Reply(q, True) for q in questions]

    reports = acc.run_modes(items, recording)
    assert [r.item.id for r in reports["shuffled"].results] == [i.id for i in items for _ in i.turns]
    assert conversations[-2] == ["q0", "q1", "q2", "q3", "q4"]  # together: file order
    assert sorted(conversations[-1]) == conversations[-2] != conversations[-1]  # shuffled
    assert ["m1", "m2"] in conversations and len(conversations) == 6 + 2


# --------------------------------------------------------------------------- accuracy of the engine

@pytest.fixture(scope="module")
def knowledge():
    return acc.load_knowledge()


@pytest.fixture(scope="module")
def runner(knowledge):
    return acc.engine_runner(knowledge)


def _describe(results, limit=SHOWN_FAILURES) -> str:
    shown = "\n".join(r.describe() for r in results[:limit])
    more = f"\n… and {len(results) - limit} more" if len(results) > limit else ""
    return f"{shown}{more}"


def _figure(report) -> str:
    passed, total = sum(r.passed for r in report.results), len(report.results)
    return f"{passed}/{total} {passed / total:.1%}"


@pytest.fixture(scope="module")
def reports(runner):
    """set path -> mode -> Report, each set run once (lazily) for every test of this module."""
    runs = {}

    def of(path):
        if path not in runs:
            runs[path] = acc.run_modes(acc.load_set(path), runner)
        return runs[path]

    return of


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_every_turn_passes_but_the_known_failures(reports, figures, path):
    items = acc.load_set(path)
    by_mode = reports(path)
    known = acc.load_known(path, items)
    figures.append(f"accuracy {path.stem:<14} " + "  ".join(
        f"{mode} {_figure(report)}" for mode, report in by_mode.items()))
    problems = []
    for mode, report in by_mode.items():
        new, stale = acc.compare_known(report, known[mode])
        if new:
            problems.append(f"{mode}: {len(new)} turn(s) fail that {acc.known_path(path).name} does not "
                            f"list:\n{_describe(new)}")
        if stale:
            problems.append(f"{mode}: {len(stale)} listed turn(s) now pass: remove them from "
                            f"{acc.known_path(path).name} (bench/known_failures.py --write): "
                            + ", ".join(f"{r.item.id} turn {r.index + 1}" for r in stale))
    assert not problems, "\n".join(problems)
    unsourced = by_mode["alone"].found_without_source()
    assert not unsourced, f"found answers without a source URL:\n{_describe(unsourced)}"


def test_figures_per_kind(reports, figures):
    """Accuracy per kind over every set, in each mode (printed at the end of the run)."""
    for mode in acc.MODES:
        tallies = [reports(path)[mode].by_kind() for path in SETS]
        cells = []
        for kind in acc.KINDS:
            passed = sum(t.get(kind, (0, 0))[0] for t in tallies)
            total = sum(t.get(kind, (0, 0))[1] for t in tallies)
            if total:
                cells.append(f"{kind} {passed}/{total}")
        figures.append(f"accuracy by kind, all sets, {mode}: " + ", ".join(cells))
    assert all(reports(path)["alone"].results for path in SETS)
