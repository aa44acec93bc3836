"""Context independence: a question that is complete on its own (marked `complete: true` in the question
sets) gets the same answer text and `found` whatever came before it. One that names no year may keep the
conversation's year, but its answer must then state it. Checked (tests/context_independence.py):

(a) after one primer turn (tests/context_primers.yaml: every kind, both languages, "not in the data",
    several years, unknown values, "sociaux", off-topic): each complete question meets PRIMERS_PER_QUESTION
    primers here, rotating so every primer meets as many questions (bench/context_independence.py runs
    every question after every primer);
(b) in one shuffled run of all the sets' single questions in one conversation;
(c) a hypothesis property: after a short random sequence of primers, a complete question answers as alone,
    unless it is listed as changing after one of those primers.

Today's engine violates this often: the violations are listed in tests/context_independence.known.yaml so
the suite passes; a new violation fails, and so does a listed one that no longer happens (regenerate:
`.venv/bin/python bench/known_failures.py --only context --write`). The figures are printed at the end.
"""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import load_accuracy

acc = load_accuracy()
ctx = acc.load_sibling("context_independence.py")

PRIMERS_PER_QUESTION = 4
QUESTIONS = ctx.complete_questions()
PRIMERS = ctx.load_primers()
KNOWN = ctx.load_known()


def _shown(items, limit=20) -> str:
    items = sorted(items)
    return "\n".join(f"  {item}" for item in items[:limit]) + (
        f"\n  … and {len(items) - limit} more" if len(items) > limit else "")


# --------------------------------------------------------------------------- the material

def test_primers_cover_what_the_issue_names():
    assert 35 <= len(PRIMERS) <= 60
    texts = " | ".join(p.text for p in PRIMERS)
    for needed in ("score global 2021", "sécurité", "sociaux", "Besançon a été primée quelles années",
                   "tell me a joke", "quel temps"):
        assert needed in texts


def test_the_sets_mark_complete_questions():
    assert len(QUESTIONS) >= 1000
    assert len({q.key for q in QUESTIONS}) == len(QUESTIONS)
    assert sum(q.names_year for q in QUESTIONS) > 0.7 * len(QUESTIONS)


def test_known_violations_name_real_questions_and_primers():
    keys, primer_ids = {q.key for q in QUESTIONS}, {p.id for p in PRIMERS}
    assert set(KNOWN.after_primer) <= keys, sorted(set(KNOWN.after_primer) - keys)[:10]
    assert set().union(*KNOWN.after_primer.values()) <= primer_ids
    assert KNOWN.shuffled <= keys, sorted(KNOWN.shuffled - keys)[:10]


def test_the_rule_allows_a_kept_year_only_when_the_answer_states_it():
    with_year = ctx.Question("s:a", "score global 2016", True)
    without_year = ctx.Question("s:b", "evolution du score global", False)
    alone = acc.Reply("En 2020, 62/100", True, "score", 2020)
    other_year = acc.Reply("En 2016, 66/100", True, "score", 2016)
    silent_year = acc.Reply("66/100", True, "score", 2016)
    assert ctx.same_answer(with_year, alone, alone)
    assert not ctx.same_answer(with_year, alone, other_year)
    assert ctx.same_answer(without_year, alone, other_year)
    assert not ctx.same_answer(without_year, alone, silent_year)
    assert not ctx.same_answer(without_year, alone, acc.Reply("En 2020, 62/100", False, "score", 2020))
    assert ctx.names_year("la 8e édition") and ctx.names_year("the ninth edition") and not ctx.names_year("x")


# --------------------------------------------------------------------------- the engine

@pytest.fixture(scope="module")
def asker():
    from barometre_data.engine import Engine

    return ctx.Asker(Engine(acc.load_knowledge()))


def test_a_complete_question_answers_the_same_after_any_primer(asker, figures):
    checked = ctx.pairs(QUESTIONS, PRIMERS, PRIMERS_PER_QUESTION)
    violations = ctx.after_primer_violations(asker, checked)
    known = KNOWN.pairs() & {(q.key, p.id) for q, p in checked}
    figures.append(f"context independence after one primer: {len(violations)} violations of {len(checked)} "
                   f"checks ({PRIMERS_PER_QUESTION} of {len(PRIMERS)} primers per question; "
                   f"{len(KNOWN.pairs())} listed over every pair)")
    new, stale = violations - known, known - violations
    assert not new, (f"{len(new)} complete question(s) answered differently after a primer, not in "
                     f"{ctx.KNOWN_PATH.name} (question, primer):\n{_shown(new)}")
    assert not stale, (f"{len(stale)} listed violation(s) no longer happen: regenerate the list "
                       f"(bench/known_failures.py --only context --write):\n{_shown(stale)}")


def test_complete_questions_answer_the_same_in_one_shuffled_run_of_all_sets(asker, figures):
    violations, checked = ctx.shuffled_run_violations(asker)
    figures.append(f"context independence in one shuffled run of all sets: {len(violations)} violations of "
                   f"{checked} complete questions")
    new, stale = violations - KNOWN.shuffled, KNOWN.shuffled - violations
    assert not new, f"{len(new)} complete question(s) answered differently in the shuffled run:\n{_shown(new)}"
    assert not stale, (f"{len(stale)} listed question(s) now answer the same: regenerate the list "
                       f"(bench/known_failures.py --only context --write):\n{_shown(stale)}")


@settings(max_examples=150, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(primers=st.lists(st.sampled_from(PRIMERS), min_size=1, max_size=4),
       question=st.sampled_from(QUESTIONS))
def test_a_complete_question_answers_the_same_after_random_primers(asker, primers, question):
    """Unless listed as changing after one of these primers, the question answers as alone."""
    if any(p.id in KNOWN.after_primer.get(question.key, ()) for p in primers):
        return  # a known violation; (a) keeps the list honest
    assert asker.holds_after(primers, question), (
        f"{question.key} {question.text!r} answers differently after {[p.text for p in primers]}")
