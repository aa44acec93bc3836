"""The public question set: load it, run it (engine in-process, or the `barometre chat --json` CLI),
check each turn against its expectations and score accuracy per kind and per language.

Used by tests/test_accuracy.py (thresholds) and bench/accuracy.py (figures and failures).
The set's format is described in tests/questions/README.md.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SET_PATH = ROOT / "tests" / "questions" / "public.yaml"
DATA_DIR = ROOT / "data"
CLI_COMMAND = (str(ROOT / ".venv" / "bin" / "barometre"), "chat", "--json")

KINDS = ("laureate", "palmares", "structure", "score", "ranking", "series", "method", "years", "followup",
         "ambiguity", "honesty", "english")
LANGS = ("fr", "en")
INTENTS = ("laureate", "palmares", "structure", "score", "ranking", "series", "method", "help", "clarify",
           "unknown")
_ITEM_KEYS = {"id", "kind", "lang", "turns", "note"}
_TURN_KEYS = {"q", "repeat", "expect"}
_EXPECT_KEYS = {"found", "year", "contains", "any_of", "not_contains", "min_suggestions", "intent"}


class QuestionSetError(ValueError):
    """The set file is malformed; the message names the file, the item and the reason."""


# --------------------------------------------------------------------------- the set

@dataclass(frozen=True)
class Expect:
    found: bool
    year: int | None = None
    contains: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    min_suggestions: int = 0
    intent: str | None = None


@dataclass(frozen=True)
class Turn:
    question: str
    expect: Expect


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    lang: str
    turns: tuple[Turn, ...]
    note: str | None = None


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value) or not value:
        raise QuestionSetError(f"{where}: {key} must be a non-empty list of strings")
    return tuple(str(v) for v in value)


def _expect(raw: Any, where: str) -> Expect:
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{where}: expect must be a mapping")
    unknown = set(raw) - _EXPECT_KEYS
    if unknown:
        raise QuestionSetError(f"{where}: unknown expectation(s) {sorted(unknown)}")
    if not isinstance(raw.get("found"), bool):
        raise QuestionSetError(f"{where}: expect.found (true/false) is required")
    year = raw.get("year")
    if year is not None and not isinstance(year, int):
        raise QuestionSetError(f"{where}: year must be an integer")
    intent = raw.get("intent")
    if intent is not None and intent not in INTENTS:
        raise QuestionSetError(f"{where}: intent {intent!r} is not one of {', '.join(INTENTS)}")
    min_suggestions = raw.get("min_suggestions", 0)
    if not isinstance(min_suggestions, int) or min_suggestions < 0:
        raise QuestionSetError(f"{where}: min_suggestions must be a non-negative integer")
    lists = {key: _strings(raw[key], where, key) for key in ("contains", "any_of", "not_contains") if key in raw}
    return Expect(found=raw["found"], year=year, intent=intent, min_suggestions=min_suggestions, **lists)


def _turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict) or "q" not in raw or "expect" not in raw:
        raise QuestionSetError(f"{where}: a turn needs q and expect")
    unknown = set(raw) - _TURN_KEYS
    if unknown:
        raise QuestionSetError(f"{where}: unknown turn key(s) {sorted(unknown)}")
    if not isinstance(raw["q"], str) or not raw["q"]:
        raise QuestionSetError(f"{where}: q must be a non-empty string")
    repeat = raw.get("repeat", 1)
    if not isinstance(repeat, int) or repeat < 1:
        raise QuestionSetError(f"{where}: repeat must be a positive integer")
    question = raw["q"] * repeat
    if "\n" in question or "\r" in question or not question.strip():
        raise QuestionSetError(f"{where}: a question is one non-blank line (the CLI reads one per line)")
    return Turn(question, _expect(raw["expect"], where))


def parse_set(documents: Any, source: str = "<set>") -> list[Item]:
    """Validate the parsed YAML of a set; raise QuestionSetError naming the item and the reason."""
    if not isinstance(documents, list):
        raise QuestionSetError(f"{source}: the set must be a list of items")
    items: list[Item] = []
    seen: set[str] = set()
    for index, raw in enumerate(documents):
        where = f"{source}: item #{index + 1}"
        if not isinstance(raw, dict):
            raise QuestionSetError(f"{where}: an item must be a mapping")
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not item_id:
            raise QuestionSetError(f"{where}: id is required")
        where = f"{source}: item {item_id!r}"
        if item_id in seen:
            raise QuestionSetError(f"{where}: duplicate id")
        seen.add(item_id)
        unknown = set(raw) - _ITEM_KEYS
        if unknown:
            raise QuestionSetError(f"{where}: unknown key(s) {sorted(unknown)}")
        if raw.get("kind") not in KINDS:
            raise QuestionSetError(f"{where}: kind {raw.get('kind')!r} is not one of {', '.join(KINDS)}")
        if raw.get("lang") not in LANGS:
            raise QuestionSetError(f"{where}: lang {raw.get('lang')!r} is not one of {', '.join(LANGS)}")
        turns = raw.get("turns")
        if not isinstance(turns, list) or not turns:
            raise QuestionSetError(f"{where}: turns must be a non-empty list")
        items.append(Item(
            id=item_id,
            kind=raw["kind"],
            lang=raw["lang"],
            turns=tuple(_turn(t, f"{where} turn {n + 1}") for n, t in enumerate(turns)),
            note=raw.get("note"),
        ))
    return items


def load_set(path: Path = SET_PATH) -> list[Item]:
    with open(path, encoding="utf-8") as handle:
        return parse_set(yaml.safe_load(handle), str(path))


# --------------------------------------------------------------------------- checking a reply

@dataclass(frozen=True)
class Reply:
    """What a turn is judged on; built from an engine Answer or from one line of `chat --json`."""

    text: str
    found: bool
    intent: str | None = None
    year: int | None = None
    suggestions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @classmethod
    def from_answer(cls, answer: Any) -> "Reply":
        return cls(answer.text, bool(answer.found), answer.intent, answer.year, tuple(answer.suggestions),
                   tuple(answer.sources))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Reply":
        return cls(str(data.get("answer", "")), bool(data.get("found")), data.get("intent"), data.get("year"),
                   tuple(data.get("suggestions") or ()), tuple(data.get("sources") or ()))


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_SEPARATORS = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014'\u2019\u2018`]")
_DIGIT_GROUP = re.compile(r"(?<=\d)[ ,.](?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")


def fold(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, '68,5' -> '68.5', '50 000' -> '50000'."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _SPACES.sub(" ", _SEPARATORS.sub(" ", text))
    text = _DIGIT_GROUP.sub("", text)
    text = _DECIMAL_COMMA.sub(".", text)
    return _SPACES.sub(" ", text).strip()


def check(expect: Expect, reply: Reply) -> list[str]:
    """The expectations a reply misses (empty when the turn passes)."""
    failures: list[str] = []
    if reply.found is not expect.found:
        failures.append(f"found={reply.found}, expected {expect.found}")
    if expect.year is not None and reply.year != expect.year:
        failures.append(f"year={reply.year}, expected {expect.year}")
    if expect.intent is not None and reply.intent != expect.intent:
        failures.append(f"intent={reply.intent}, expected {expect.intent}")
    text = fold(reply.text)
    missing = [f for f in expect.contains if fold(f) not in text]
    if missing:
        failures.append(f"missing {missing}")
    if expect.any_of and not any(fold(f) in text for f in expect.any_of):
        failures.append(f"none of {list(expect.any_of)}")
    present = [f for f in expect.not_contains if fold(f) in text]
    if present:
        failures.append(f"must not contain {present}")
    if len(reply.suggestions) < expect.min_suggestions:
        failures.append(f"{len(reply.suggestions)} suggestion(s), expected >= {expect.min_suggestions}")
    return failures


# --------------------------------------------------------------------------- running

# A conversation runner takes the questions of one conversation, in order, and returns one Reply per
# question, or an error message (str) for a question that got no reply.
ConversationRunner = Callable[[Sequence[str]], list["Reply | str"]]


@dataclass
class TurnResult:
    item: Item
    index: int  # 0-based turn number in the item
    reply: Reply | None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def turn(self) -> Turn:
        return self.item.turns[self.index]

    def describe(self, width: int = 300) -> str:
        question = self.turn.question
        if len(question) > 80:
            question = f"{question[:60]}… ({len(question)} chars)"
        answer = "<no reply>" if self.reply is None else self.reply.text.replace("\n", " ")
        if len(answer) > width:
            answer = answer[:width] + "…"
        head = f"[{self.item.kind}] {self.item.id} turn {self.index + 1}: {question!r}"
        got = "" if self.reply is None else (
            f"\n    got: found={self.reply.found} intent={self.reply.intent} year={self.reply.year} "
            f"suggestions={len(self.reply.suggestions)}")
        return f"{head}\n    why: {'; '.join(self.failures)}{got}\n    answer: {answer}"


@dataclass
class Report:
    results: list[TurnResult]

    def _tally(self, key: Callable[[TurnResult], str]) -> dict[str, tuple[int, int]]:
        tally: dict[str, list[int]] = {}
        for result in self.results:
            counts = tally.setdefault(key(result), [0, 0])
            counts[0] += result.passed
            counts[1] += 1
        return {k: (v[0], v[1]) for k, v in tally.items()}

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """kind -> (passed turns, turns), in KINDS order."""
        tally = self._tally(lambda r: r.item.kind)
        return {kind: tally[kind] for kind in KINDS if kind in tally}

    def by_lang(self) -> dict[str, tuple[int, int]]:
        tally = self._tally(lambda r: r.item.lang)
        return {lang: tally[lang] for lang in LANGS if lang in tally}

    def accuracy(self, kind: str | None = None) -> float:
        chosen = [r for r in self.results if kind is None or r.item.kind == kind]
        return sum(r.passed for r in chosen) / len(chosen) if chosen else 0.0

    def failures(self, kind: str | None = None) -> list[TurnResult]:
        return [r for r in self.results if not r.passed and (kind is None or r.item.kind == kind)]

    def found_without_source(self) -> list[TurnResult]:
        return [r for r in self.results if r.reply is not None and r.reply.found and not r.reply.sources]


def run(items: Iterable[Item], conversation: ConversationRunner, jobs: int = 1) -> Report:
    """Run every item as one conversation and check each turn. `jobs` > 1 runs conversations in
    parallel threads (for the CLI runner, whose conversations are separate processes)."""
    items = list(items)
    questions = [[t.question for t in item.turns] for item in items]
    if jobs > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            all_replies = list(pool.map(conversation, questions))
    else:
        all_replies = [conversation(q) for q in questions]
    results: list[TurnResult] = []
    for item, replies in zip(items, all_replies):
        for index, turn in enumerate(item.turns):
            got = replies[index] if index < len(replies) else "no reply"
            if isinstance(got, Reply):
                results.append(TurnResult(item, index, got, check(turn.expect, got)))
            else:
                results.append(TurnResult(item, index, None, [got]))
    return Report(results)


def load_knowledge(data_dir: Path = DATA_DIR) -> Any:
    """The knowledge snapshot the set runs against, from data/ through the validating loader (the one
    place to change if the loader's API changes). A bad data file raises loader.DataErrors."""
    from barometre_data.loader import load_dir

    return load_dir(data_dir).knowledge()


def engine_runner(knowledge: Any) -> ConversationRunner:
    """Conversations through the engine in-process: one Engine, one ConversationState per conversation.
    An exception fails that turn (and is reported) without stopping the run."""
    from barometre_data.engine import ConversationState, Engine

    engine = Engine(knowledge)

    def conversation(questions: Sequence[str]) -> list[Reply | str]:
        state = ConversationState()
        replies: list[Reply | str] = []
        for question in questions:
            try:
                replies.append(Reply.from_answer(engine.answer(question, state)))
            except Exception as error:  # noqa: BLE001 - a crash is a failed turn, reported with its type
                replies.append(f"engine raised {type(error).__name__}: {error}")
        return replies

    return conversation


def cli_runner(command: Sequence[str] = CLI_COMMAND, timeout: float = 120.0,
               cwd: Path = ROOT) -> ConversationRunner:
    """Conversations through the CLI contract: one `barometre chat --json` process per conversation,
    one question per stdin line, one JSON object per stdout line."""

    def conversation(questions: Sequence[str]) -> list[Reply | str]:
        try:
            done = subprocess.run(list(command), input="\n".join(questions) + "\n", capture_output=True,
                                  text=True, encoding="utf-8", timeout=timeout, cwd=cwd, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            return [f"CLI failed: {error}"] * len(questions)
        replies: list[Reply | str] = []
        for line in done.stdout.splitlines():
            if not line.strip():
                continue
            try:
                replies.append(Reply.from_json(json.loads(line)))
            except (json.JSONDecodeError, AttributeError) as error:
                replies.append(f"CLI printed a line that is not a JSON object ({error}): {line[:120]!r}")
        if len(replies) < len(questions):
            tail = done.stderr.strip().splitlines()[-3:]
            why = f"CLI exit {done.returncode}, {len(replies)} reply line(s) for {len(questions)} questions"
            replies += [f"{why}; stderr: {' | '.join(tail)}"] * (len(questions) - len(replies))
        return replies

    return conversation
