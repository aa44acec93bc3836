"""Context independence: a question marked `complete: true` in the question sets gets the same answer (text and
found) whatever came before it in its conversation. A question that names no year may keep the conversation's
year, but its answer must then state that year.

Three checks, shared by tests/test_context_independence.py, bench/context_independence.py and
bench/known_failures.py:
- after one primer turn (tests/context_primers.yaml): [primer, question] in a fresh conversation;
- in one shuffled run of all the sets' single-turn questions, in one conversation;
- (in the test) a hypothesis property over short random sequences of primers.
Today's violations are listed in tests/context_independence.known.yaml (question -> primers; questions of
the shuffled run).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PRIMERS_PATH = HERE / "context_primers.yaml"
KNOWN_PATH = HERE / "context_independence.known.yaml"
SHUFFLE_SEED = 20261203  # the order of the one run of all the sets' single questions


acc: Any  # tests/accuracy.py: set by accuracy.load_sibling(), which imports this module

YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_ORDINAL = re.compile(r"\b(\d{1,2} ?(e|eme|er|ere|th|st|nd|rd)|premiere?|deuxieme|seconde?|troisieme|quatrieme|"
                      r"cinquieme|sixieme|septieme|huitieme|neuvieme|dixieme|first|second|third|fourth|fifth|"
                      r"sixth|seventh|eighth|ninth|tenth|derniere?|latest|last)\b.{0,12}\b(edition|barometre)")


def names_year(question: str) -> bool:
    """The question names its edition: a year, or an ordinal ("la 8e édition", "the ninth edition")."""
    folded = acc.fold(question)
    return bool(YEAR.search(folded) or _ORDINAL.search(folded))


# --------------------------------------------------------------------------- what is checked

@dataclass(frozen=True)
class Question:
    """A complete turn of a set: `key` is '<set>:<item id>' (plus '#<turn>' past the first turn)."""

    key: str
    text: str
    names_year: bool


@dataclass(frozen=True)
class Primer:
    id: str
    text: str


def complete_questions(paths: Iterable[Path] | None = None) -> list[Question]:
    """Every turn marked complete in the sets, in file order."""
    found = []
    for path in paths if paths is not None else acc.set_paths():
        for item in acc.load_set(path):
            for number, turn in enumerate(item.turns, 1):
                if turn.complete:
                    key = f"{path.stem}:{item.id}" + (f"#{number}" if number > 1 else "")
                    found.append(Question(key, turn.question, names_year(turn.question)))
    return found


def load_primers(path: Path = PRIMERS_PATH) -> list[Primer]:
    raw = acc.load_yaml(path)
    primers = [Primer(str(p["id"]), str(p["q"])) for p in raw]
    if len({p.id for p in primers}) != len(primers):
        raise ValueError(f"{path}: duplicate primer id")
    return primers


def same_answer(question: Question, alone: Any, reply: Any) -> bool:
    """The reply after some context is the alone answer (text and found), or, for a question that names no
    year, an answer about another year that states it."""
    if reply.text == alone.text and reply.found == alone.found:
        return True
    return (not question.names_year and reply.year is not None and reply.year != alone.year
            and str(reply.year) in reply.text)


class Asker:
    """Asks questions of one engine in fresh conversations, remembering each question's alone answer."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._alone: dict[str, Any] = {}

    def conversation(self, questions: Sequence[str]) -> list[Any]:
        from barometre_data.engine import ConversationState

        state = ConversationState()
        return [self.engine.answer(q, state) for q in questions]

    def alone(self, question: Question) -> Any:
        if question.text not in self._alone:
            self._alone[question.text] = self.conversation([question.text])[0]
        return self._alone[question.text]

    def holds_after(self, primers: Sequence[Primer], question: Question) -> bool:
        reply = self.conversation([*(p.text for p in primers), question.text])[-1]
        return same_answer(question, self.alone(question), reply)


# --------------------------------------------------------------------------- the checks

def pairs(questions: Sequence[Question], primers: Sequence[Primer],
          per_question: int | None = None) -> list[tuple[Question, Primer]]:
    """(question, primer) pairs: every primer for every question, or `per_question` primers each, rotating so
    that every primer meets as many questions."""
    if per_question is None or per_question >= len(primers):
        return [(q, p) for q in questions for p in primers]
    return [(q, primers[(i * per_question + k) % len(primers)])
            for i, q in enumerate(questions) for k in range(per_question)]


def after_primer_violations(asker: Asker, checked: Iterable[tuple[Question, Primer]]) -> set[tuple[str, str]]:
    """(question key, primer id) of the pairs whose answer changes."""
    return {(q.key, p.id) for q, p in checked if not asker.holds_after([p], q)}


def shuffled_run_violations(asker: Asker, paths: Iterable[Path] | None = None,
                            seed: int = SHUFFLE_SEED) -> tuple[set[str], int]:
    """All single-turn questions of all the sets in one conversation, shuffled: (keys of the complete ones
    whose answer differs from their alone answer, complete questions checked)."""
    turns: list[tuple[str, str, bool]] = []  # (key, question, complete)
    for path in paths if paths is not None else acc.set_paths():
        for item in acc.single_turn(acc.load_set(path)):
            turns.append((f"{path.stem}:{item.id}", item.turns[0].question, item.turns[0].complete))
    random.Random(seed).shuffle(turns)
    replies = asker.conversation([question for _, question, _ in turns])
    violations, checked = set(), 0
    for (key, text, complete), reply in zip(turns, replies):
        if complete:
            checked += 1
            question = Question(key, text, names_year(text))
            if not same_answer(question, asker.alone(question), reply):
                violations.add(key)
    return violations, checked


# --------------------------------------------------------------------------- known violations

@dataclass
class Known:
    after_primer: dict[str, set[str]]  # question key -> primer ids
    shuffled: set[str]  # question keys

    def pairs(self) -> set[tuple[str, str]]:
        return {(q, p) for q, primers in self.after_primer.items() for p in primers}


def load_known(path: Path = KNOWN_PATH) -> Known:
    if not path.exists():
        return Known({}, set())
    raw = acc.load_yaml(path) or {}
    return Known({q: set(p) for q, p in (raw.get("after_primer") or {}).items()}, set(raw.get("shuffled") or []))


def _set_order(key: str) -> tuple[bool, int, str]:
    stem = key.split(":")[0]
    return (stem != "public", len(stem), key)


def write_known(known: Known, checks: int, shuffled_checks: int, path: Path = KNOWN_PATH) -> None:
    violations = len(known.pairs())
    lines = [
        "# Complete questions whose answer changes with what came before them, today",
        "# (tests/test_context_independence.py; the list only shrinks as the engine learns what to inherit).",
        "# after_primer: question (<set>:<item id>) -> primers of tests/context_primers.yaml after which its",
        f"#   answer changes: {violations} violations of {checks} checks.",
        "# shuffled: questions answered differently in one shuffled run of all the sets' single questions:",
        f"#   {len(known.shuffled)} of {shuffled_checks}.",
        "# Generated: .venv/bin/python bench/known_failures.py --only context --write (never edit by hand).",
        "after_primer:",
    ]
    for question in sorted(known.after_primer, key=_set_order):
        lines.append(f"  {json.dumps(question)}: [{', '.join(sorted(known.after_primer[question]))}]")
    lines.append("shuffled:" + ("" if known.shuffled else " []"))
    lines += [f"  - {json.dumps(question)}" for question in sorted(known.shuffled, key=_set_order)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
