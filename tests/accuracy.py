"""The question sets: load them, run them (engine in-process, or the `barometre chat --json` CLI),
check each turn against its expectations and score accuracy per kind and per language.

Single questions run in three modes (MODES): `alone` (each item in its own conversation), `together` (all
single-turn items of a set in ONE conversation, file order, as one person asks a string of questions in a
channel) and `shuffled` (the same, in an order shuffled with SHUFFLE_SEED). Multi-turn items are always
their own conversation. Each set may have a sidecar `<set>.known.yaml` naming the turns that fail today
(item id, turn number, modes); `compare_known` tells the new failures and the stale entries.

Used by tests/test_accuracy.py, tests/test_context_independence.py, bench/accuracy.py and
bench/known_failures.py. The sets' format is described in tests/questions/README.md.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS_DIR = ROOT / "tests" / "questions"
SET_PATH = QUESTIONS_DIR / "public.yaml"
DATA_DIR = ROOT / "data"
CLI_COMMAND = (str(ROOT / ".venv" / "bin" / "barometre"), "chat", "--json")

KINDS = ("laureate", "palmares", "structure", "score", "ranking", "series", "method", "years", "followup",
         "ambiguity", "honesty", "english")
LANGS = ("fr", "en")
INTENTS = ("laureate", "palmares", "structure", "score", "ranking", "series", "method", "help", "clarify",
           "unknown")
_ITEM_KEYS = {"id", "kind", "lang", "turns", "note"}
_TURN_KEYS = {"q", "repeat", "expect", "complete"}

MODES = ("alone", "together", "shuffled")
SHUFFLE_SEED = 7  # the order of the `shuffled` mode (changing it changes the known lists)
KNOWN_SUFFIX = ".known.yaml"
_KNOWN_KEYS = {"id", "turn", "modes"}
_EXPECT_KEYS = {"found", "year", "contains", "any_of", "not_contains", "min_suggestions", "intent"}


def load_sibling(filename: str) -> ModuleType:
    """Another shared module of tests/ (context_independence.py, random_input.py), imported by path under the
    name barometre_<stem> (this one is barometre_accuracy), so pytest's import mode does not matter and each
    is loaded once."""
    name = "barometre_" + Path(filename).stem
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(filename))
        assert spec is not None and spec.loader is not None, filename
        module = importlib.util.module_from_spec(spec)
        module.acc = sys.modules[__name__]  # type: ignore[attr-defined] - the sibling's handle on this module
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


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
    complete: bool = False  # complete on its own: the same answer whatever came before it


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
    complete = raw.get("complete", False)
    if not isinstance(complete, bool):
        raise QuestionSetError(f"{where}: complete must be true or false")
    return Turn(question, _expect(raw["expect"], where), complete)


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


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster


def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader


def load_set(path: Path = SET_PATH) -> list[Item]:
    return parse_set(load_yaml(path), str(path))


def set_paths(folder: Path = QUESTIONS_DIR) -> list[Path]:
    """Every question set of the folder: public.yaml first, then the independent sets in natural order."""
    sets = [p for p in folder.glob("*.yaml") if not p.name.endswith(KNOWN_SUFFIX)]
    return sorted(sets, key=lambda p: (p.stem != "public", len(p.stem), p.stem))


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


def single_turn(items: Iterable[Item]) -> list[Item]:
    return [item for item in items if len(item.turns) == 1]


def run_together(items: Iterable[Item], conversation: ConversationRunner, seed: int | None = None,
                 alone: Report | None = None, jobs: int = 1) -> Report:
    """All single-turn items in ONE conversation (file order, or shuffled with `seed`), as one person asks
    a string of questions in a channel; multi-turn items each in their own conversation (taken from
    `alone` when given). Results come back in file order."""
    items = list(items)
    singles = single_turn(items)
    order = list(singles)
    if seed is not None:
        random.Random(seed).shuffle(order)
    replies = dict(zip((item.id for item in order), conversation([item.turns[0].question for item in order])))
    if alone is not None:
        multi_results = [r for r in alone.results if len(r.item.turns) > 1]
    else:
        multi_results = run([item for item in items if len(item.turns) > 1], conversation, jobs).results
    by_item: dict[str, list[TurnResult]] = {}
    for result in multi_results:
        by_item.setdefault(result.item.id, []).append(result)
    results: list[TurnResult] = []
    for item in items:
        if len(item.turns) > 1:
            results += by_item.get(item.id, [])
            continue
        got = replies.get(item.id, "no reply")
        results.append(TurnResult(item, 0, got, check(item.turns[0].expect, got)) if isinstance(got, Reply)
                       else TurnResult(item, 0, None, [got]))
    return Report(results)


def run_modes(items: Iterable[Item], conversation: ConversationRunner, modes: Sequence[str] = MODES,
              jobs: int = 1, seed: int = SHUFFLE_SEED) -> dict[str, Report]:
    """mode -> Report, for the modes asked (see MODES); multi-turn items are run once."""
    items = list(items)
    alone = run(items, conversation, jobs)
    reports = {"alone": alone}
    if "together" in modes:
        reports["together"] = run_together(items, conversation, alone=alone)
    if "shuffled" in modes:
        reports["shuffled"] = run_together(items, conversation, seed=seed, alone=alone)
    return {mode: reports[mode] for mode in modes}


# --------------------------------------------------------------------------- known failures

def known_path(set_path: Path) -> Path:
    """The sidecar listing the set's known failures: public.yaml -> public.known.yaml."""
    return set_path.with_name(set_path.stem + KNOWN_SUFFIX)


TurnKey = tuple[str, int]  # (item id, turn number counted from 1)


def load_known(set_path: Path, items: Sequence[Item] | None = None) -> dict[str, set[TurnKey]]:
    """mode -> the turns listed as failing in that mode ({} for every mode without a sidecar). With
    `items`, an entry naming an item or turn the set does not have is an error (the list is stale)."""
    path = known_path(set_path)
    known: dict[str, set[TurnKey]] = {mode: set() for mode in MODES}
    if not path.exists():
        return known
    entries = load_yaml(path) or []
    if not isinstance(entries, list):
        raise QuestionSetError(f"{path}: must be a list of {{id, turn, modes}}")
    turns = {item.id: len(item.turns) for item in items} if items is not None else None
    for number, entry in enumerate(entries, 1):
        where = f"{path}: entry #{number}"
        if not isinstance(entry, dict) or set(entry) != _KNOWN_KEYS:
            raise QuestionSetError(f"{where}: an entry is {{id, turn, modes}}")
        modes = entry["modes"]
        if not isinstance(modes, list) or not modes or not set(modes) <= set(MODES):
            raise QuestionSetError(f"{where}: modes must be a non-empty list of {', '.join(MODES)}")
        if not isinstance(entry["turn"], int) or entry["turn"] < 1:
            raise QuestionSetError(f"{where}: turn is a number counted from 1")
        if turns is not None and not 1 <= entry["turn"] <= turns.get(entry["id"], 0):
            raise QuestionSetError(f"{where}: the set has no item {entry['id']!r} turn {entry['turn']}: "
                                   "remove the entry")
        for mode in modes:
            known[mode].add((entry["id"], entry["turn"]))
    return known


def failing(report: Report) -> set[TurnKey]:
    return {(r.item.id, r.index + 1) for r in report.failures()}


def compare_known(report: Report, known: set[TurnKey]) -> tuple[list[TurnResult], list[TurnResult]]:
    """(failures not in the known list, listed turns that now pass)."""
    new = [r for r in report.failures() if (r.item.id, r.index + 1) not in known]
    stale = [r for r in report.results if r.passed and (r.item.id, r.index + 1) in known]
    return new, stale


def known_entries(reports: dict[str, Report]) -> list[dict[str, Any]]:
    """The known-failures list of a set from its reports by mode (file order, one entry per turn)."""
    modes_of: dict[TurnKey, list[str]] = {}
    first: dict[TurnKey, TurnResult] = {}
    for mode, report in reports.items():
        for result in report.failures():
            key = (result.item.id, result.index + 1)
            modes_of.setdefault(key, []).append(mode)
            first.setdefault(key, result)
    order = [(r.item.id, r.index + 1) for r in next(iter(reports.values())).results] if reports else []
    return [{"id": key[0], "turn": key[1], "modes": modes_of[key], "why": "; ".join(first[key].failures)}
            for key in order if key in modes_of]


def write_known(set_path: Path, entries: list[dict[str, Any]]) -> Path | None:
    """Write the sidecar (removed when nothing fails); returns its path when written."""
    path = known_path(set_path)
    if not entries:
        path.unlink(missing_ok=True)
        return None
    lines = [
        f"# Turns of {set_path.name} that fail today: item id, turn number (from 1), modes they fail in",
        "# (alone: each item in its own conversation; together: all single-turn items in one conversation,",
        f"# file order; shuffled: the same, shuffled with seed {SHUFFLE_SEED}). tests/test_accuracy.py requires",
        "# every other turn to pass and every listed turn to still fail. Regenerate, after reading the diff:",
        "#   .venv/bin/python bench/known_failures.py --write",
    ]
    for entry in entries:
        why = entry["why"].replace("\n", " ")
        why = why if len(why) <= 90 else why[:89] + "…"
        lines.append(f"- {{id: {json.dumps(entry['id'])}, turn: {entry['turn']}, "
                     f"modes: [{', '.join(entry['modes'])}]}}  # {why}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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
