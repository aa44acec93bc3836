"""The intent rules (engine/rules.py): each rule is the first to claim its own example question, and
does not claim its near miss. A rule whose example another rule takes first is dead or misplaced."""

from __future__ import annotations

import pytest

from barometre_data.engine import ConversationState, Engine
from barometre_data.engine.parser import parse
from barometre_data.engine.rules import RULES

def rule_for(engine: Engine, question: str, after: str | None = None) -> str | None:
    state = ConversationState()
    if after:
        engine.answer(after, state)
    resolved = engine.dialogue.resolve(parse(question, engine.lexicon, engine.matcher), state)
    return resolved.query.rule if resolved.query is not None else None


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_each_rule_claims_its_example_first(engine: Engine, rule) -> None:
    assert rule_for(engine, rule.example, rule.after) == rule.name


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_each_rule_leaves_its_near_miss(engine: Engine, rule) -> None:
    assert rule_for(engine, rule.near_miss, rule.after) != rule.name


def test_rule_names_are_unique() -> None:
    assert len({r.name for r in RULES}) == len(RULES)
