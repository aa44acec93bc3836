"""Read and validate the data files (`data/*.yaml`) before anything touches the store.

`load_dir(path)` checks every file of a directory: `synonyms.yaml` (the vocabulary) and one file per
edition. `validate_extra(path, name, content)` checks an uploaded edition file together with the
directory it would join (it takes the place of the file of the same year). Each problem is a
`DataError` that names the file, the entry and the reason, e.g.
`data/2020.yaml: awards[3].category: unknown category "sociau" (did you mean "services-sociaux"?)`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from .engine.normalize import fold
from .knowledge import Knowledge, build_knowledge
from .schema import MAX_CHANGE, EditionFile, GlossaryFile, Term, VocabularyFile

VOCABULARY_FILE = "synonyms.yaml"
GLOSSARY_FILE = "glossary.yaml"  # optional: the words of the barometer explained
SPECIAL_FILES = (VOCABULARY_FILE, GLOSSARY_FILE)
DATA_SUFFIXES = (".yaml", ".yml")
_SUGGESTION_CUTOFF = 75
MAX_NESTING = 20  # an edition file nests 4 levels (scores > entry > source list); deeper is not data


# --------------------------------------------------------------------------- results

@dataclass(frozen=True)
class DataError:
    file: str  # as the user knows it, e.g. "data/2020.yaml"
    entry: str  # path inside the file, e.g. "awards[3].category"; "line 12" for syntax; "" for the file
    reason: str  # plain words

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.reason}" if self.entry else f"{self.file}: {self.reason}"


class DataErrors(Exception):
    """Raised when data with errors would reach the store."""

    def __init__(self, errors: Iterable[DataError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class LoadResult:
    directory: Path
    vocabulary: VocabularyFile | None
    editions: tuple[tuple[str, EditionFile], ...]  # (file, content), by year
    errors: tuple[DataError, ...]
    target: Path | None = None  # validate_extra only: where the uploaded file belongs
    glossary: GlossaryFile | None = None  # None when the folder has no glossary.yaml
    files: Mapping[str, bytes] | None = None  # the raw files checked, by label (the store keeps them)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def years(self) -> list[int]:
        return [doc.year for _, doc in self.editions]

    def raise_for_errors(self) -> None:
        if self.errors:
            raise DataErrors(self.errors)

    def knowledge(self) -> Knowledge:
        self.raise_for_errors()
        assert self.vocabulary is not None
        return build_knowledge(self.vocabulary, [doc for _, doc in self.editions], self.glossary)

    def category_sources(self) -> dict[tuple[int, str], tuple[str, ...]]:
        """(year, category id) -> the URLs of that edition's label (kept by the store)."""
        return {(doc.year, c.id): tuple(c.source) for _, doc in self.editions for c in doc.categories}


# --------------------------------------------------------------------------- public entry points

def load_dir(directory: str | Path) -> LoadResult:
    """Parse and validate every data file of `directory`; errors are collected, never raised."""
    directory = Path(directory)
    if not directory.is_dir():
        return LoadResult(directory, None, (), (DataError(str(directory), "", "no such directory"),))
    return _validate(directory, _read_dir(directory))


def validate_extra(directory: str | Path, name: str, content: bytes) -> LoadResult:
    """Validate the uploaded file `name` as if it were in `directory`.

    An edition file takes the place of the directory's file for the same year (or is added);
    `synonyms.yaml` and `glossary.yaml` take the place of their namesake. `result.target` is where to write it.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return LoadResult(directory, None, (), (DataError(str(directory), "", "no such directory"),))
    return validate_upload(directory, _read_dir(directory), name, content)


def validate_files(directory: str | Path, files: Mapping[str, bytes]) -> LoadResult:
    """Validate data files given by label (e.g. the files the store keeps) as a whole data folder."""
    return _validate(Path(directory), files)


def validate_upload(directory: str | Path, files: Mapping[str, bytes], name: str, content: bytes) -> LoadResult:
    """`validate_extra` over files given by label instead of a folder's (e.g. the store's files)."""
    directory = Path(directory)
    name = Path(name).name
    if not name.endswith(DATA_SUFFIXES):
        return LoadResult(directory, None, (), (DataError(name, "", "a data file must be a .yaml file"),))
    files = dict(files)
    if name in SPECIAL_FILES:
        target = directory / name
        files = {label: raw for label, raw in files.items() if Path(label).name != name}
    else:
        year = _year_of(content)
        same_year = [label for label, raw in files.items()
                     if Path(label).name not in SPECIAL_FILES and year is not None and _year_of(raw) == year]
        target = Path(same_year[0]) if same_year else directory / (f"{year}.yaml" if year else name)
        files = {label: raw for label, raw in files.items() if label not in same_year}
    files[name] = content
    result = _validate(directory, files)
    return LoadResult(result.directory, result.vocabulary, result.editions, result.errors, target, result.glossary,
                      result.files)


# --------------------------------------------------------------------------- reading files

def _read_dir(directory: Path) -> dict[str, bytes]:
    return {str(directory / path.name): path.read_bytes()
            for path in sorted(directory.iterdir()) if path.is_file() and path.name.endswith(DATA_SUFFIXES)}


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that refuses a key given twice in one mapping (the first value would be lost)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        self.flatten_mapping(node)
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _DuplicateKey(key, line, seen[key])
            seen[key] = line
        return super().construct_mapping(node, deep)


def _read_yaml(label: str, raw: bytes) -> tuple[Any, list[DataError]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, [DataError(label, f"line {line}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                                       "save the file as UTF-8")]
    text = text.removeprefix("\ufeff")
    too_deep = _too_deep(text)
    if too_deep is not None:
        return None, [DataError(label, f"line {too_deep}", f"lists and mappings nested more than {MAX_NESTING} "
                                                           "levels deep (an edition file needs a few)")]
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (safe loader)
    except _DuplicateKey as exc:
        return None, [DataError(label, f"line {exc.line}",
                                f'the key "{exc.key}" appears twice (first on line {exc.first_line})')]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem:
            reason += f" ({exc.context} from line {exc.context_mark.line + 1})"
        return None, [DataError(label, f"line {mark.line + 1}" if mark else "", reason)]
    except yaml.YAMLError as exc:
        return None, [DataError(label, "", f"YAML syntax error: {exc}")]
    if data is None:
        return None, [DataError(label, "", "the file is empty")]
    if not isinstance(data, dict):
        return None, [DataError(label, "", f"expected a mapping of keys (year: ..., name: ...), got {_describe(data)}")]
    return data, []


def _too_deep(text: str) -> int | None:
    """The line where lists and mappings nest deeper than MAX_NESTING, else None. Reads the parser's
    events (no recursion), so a file of 10,000 nested brackets is refused before it is built."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_StrictLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    return event.start_mark.line + 1 if event.start_mark is not None else 0
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:  # libyaml stops at 1,000 levels itself
        mark = exc.problem_mark or exc.context_mark
        return (mark.line + 1 if mark else 1) if "nesting" in str(exc.problem) else None
    except yaml.YAMLError:
        return None  # the syntax error is reported by the real load
    return None


def _year_of(raw: bytes) -> int | None:
    try:
        text = raw.decode("utf-8")
        if _too_deep(text) is not None:
            return None
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (safe loader)
    except (UnicodeDecodeError, yaml.YAMLError, _DuplicateKey, RecursionError):
        return None
    year = data.get("year") if isinstance(data, dict) else None
    return year if isinstance(year, int) else None


def _parse(label: str, raw: bytes, model: type[BaseModel]) -> tuple[Any, list[DataError]]:
    data, errors = _read_yaml(label, raw)
    if errors:
        return None, errors
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [DataError(label, _entry(e["loc"]), _reason(e, model)) for e in exc.errors(include_url=False)]


# --------------------------------------------------------------------------- pydantic errors in words

def _entry(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, float) and not math.isfinite(value):
        return f"the number {'.nan' if math.isnan(value) else ('-' if value < 0 else '') + '.inf'}"
    if isinstance(value, (int, float)):
        return f"the number {value:g}" if isinstance(value, float) and abs(value) >= 1e16 else f"the number {value}"
    if isinstance(value, (dt.date, dt.datetime)):
        return f'the date {value} (write it in quotes: "{value}")'
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'the text "{shown}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value)"
    return type(value).__name__


def _unwrap(tp: Any) -> Any:
    if get_origin(tp) in (Union, UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _model_at(model: type[BaseModel], path: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The pydantic model found at `path` inside `model` (to suggest its keys)."""
    tp: Any = model
    for part in path:
        tp = _unwrap(tp)
        if get_origin(tp) is list and isinstance(part, int):
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict and isinstance(part, str):
            tp = get_args(tp)[1]
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str) \
                and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _reason(error: Mapping[str, Any], model: type[BaseModel]) -> str:
    kind, loc, value, ctx = error["type"], error["loc"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return "required field missing"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        keys = list(parent.model_fields) if parent else []
        hint = suggestion(str(loc[-1]), keys)
        return "unknown key" + (hint or (f" (expected one of: {', '.join(keys)})" if keys else ""))
    if kind == "string_type":
        return f"expected text, got {_describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_describe(value)}"
    if kind == "finite_number":
        return f"expected a finite number, got {_describe(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_describe(value)}"
    if kind == "list_type":
        return f"expected a list, got {_describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {_describe(value)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if len(loc) >= 3 and loc[0] == "scores" and loc[-1] == "value":
            return f"score {value} is outside 0-100"
        if len(loc) >= 3 and loc[0] == "scores" and loc[-1] == "change":
            return f"change {value:g} is outside -{MAX_CHANGE} to +{MAX_CHANGE} points"
        bound = {"greater_than_equal": ("at least", "ge"), "less_than_equal": ("at most", "le"),
                 "greater_than": ("more than", "gt"), "less_than": ("less than", "lt")}[kind]
        limit = ctx.get(bound[1])
        return f"must be {bound[0]} {limit:g}, got {value}" if isinstance(limit, float) \
            else f"must be {bound[0]} {limit}, got {value}"
    if kind == "too_short":
        minimum = ctx.get("min_length", 1)
        return "must not be empty" if minimum == 1 else f"needs at least {minimum} items"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"unknown value {_quoted(value)}" + (suggestion(str(value), allowed) if isinstance(value, str) else "") \
            + f" (expected one of: {', '.join(allowed)})"
    if kind in ("value_error", "assertion_error"):
        return re.sub(r"^(Value|Assertion) error, ", "", error["msg"])
    return error["msg"]


def _quoted(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else _describe(value)


def suggestion(value: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """' (did you mean "x"?)' for the closest choice (accents and case folded), else ''.

    `aliases` maps other words to a choice: an exact alias match wins over typo matching.
    """
    folded = fold(value)
    if not folded:
        return ""
    candidates: dict[str, str] = {}
    for alias, target in (aliases or {}).items():
        candidates.setdefault(fold(alias), target)
    for choice in choices:
        candidates[fold(choice)] = choice
    best = candidates.get(folded)
    if best is None:
        matches = process.extract(folded, list(candidates), scorer=fuzz.WRatio, score_cutoff=_SUGGESTION_CUTOFF,
                                  limit=None)
        # ties (common between long names) go to the closest words
        ranked = sorted(matches, key=lambda m: (m[1], fuzz.token_set_ratio(folded, m[0]), fuzz.QRatio(folded, m[0])),
                        reverse=True)
        best = candidates[ranked[0][0]] if ranked else None
    return f' (did you mean "{best}"?)' if best is not None and best != value else ""


# --------------------------------------------------------------------------- checks across files

def _unknown_id(what: str, value: str, terms: Mapping[str, Term]) -> str | None:
    if value in terms:
        return None
    aliases = {alias: key for key, term in terms.items() for alias in (term.aliases + [term.fr, term.en])}
    return f'unknown {what} "{value}"' + suggestion(value, terms, aliases)


def _check_edition(label: str, doc: EditionFile, vocabulary: VocabularyFile | None) -> list[DataError]:
    errors: list[DataError] = []

    def error(entry: str, reason: str) -> None:
        errors.append(DataError(label, entry, reason))

    def known(entry: str, what: str, value: str, terms: Mapping[str, Term] | None) -> bool:
        problem = _unknown_id(what, value, terms) if terms is not None else None
        if problem:
            error(entry, problem)
        return problem is None

    categories = vocabulary.categories if vocabulary else None
    channels = vocabulary.channels if vocabulary else None
    kinds = vocabulary.kinds if vocabulary else None

    stem = Path(label).stem
    if re.fullmatch(r"\d{4}", stem) and int(stem) != doc.year:
        error("year", f"year {doc.year} does not match the file name {Path(label).name}")

    listed: dict[str, int] = {}
    for i, category in enumerate(doc.categories):
        known(f"categories[{i}].id", "category", category.id, categories)
        if category.id in listed:
            error(f"categories[{i}].id", f'category "{category.id}" is listed twice (also categories[{listed[category.id]}])')
        listed.setdefault(category.id, i)
    errors += _check_bands(label, doc)
    if doc.channels:
        for i, channel in enumerate(doc.channels.value):
            known(f"channels.value[{i}]", "channel", channel, channels)

    seen_awards: dict[tuple, int] = {}
    for i, award in enumerate(doc.awards):
        if award.category is not None and known(f"awards[{i}].category", "category", award.category, categories) \
                and listed and award.category not in listed:
            error(f"awards[{i}].category", f'category "{award.category}" is not among this edition\'s categories '
                                           f"({', '.join(listed)})")
        if award.kind is not None:
            known(f"awards[{i}].kind", "kind", award.kind, kinds)
        key = (award.category, award.name, award.department)
        if key in seen_awards:
            error(f"awards[{i}]", f'the same award as awards[{seen_awards[key]}] ("{award.name}", '
                                  f"category {award.category or 'not given'})")
        seen_awards.setdefault(key, i)

    award_names = [a.name for a in doc.awards]
    seen_scores: dict[tuple, int] = {}
    for i, score in enumerate(doc.scores):
        for field in ("channel", "kind", "structure"):
            by_channel = field == "channel" and score.subject == "structure"  # one structure's score by channel
            if getattr(score, field) is not None and field != score.subject and not by_channel:
                error(f"scores[{i}].{field}", f"a {score.subject} score takes no {field} "
                                              f"(remove it, or write subject: {field})")
        if score.subject in ("channel", "structure") and score.channel:
            known(f"scores[{i}].channel", "channel", score.channel, channels)
        if score.subject == "kind" and score.kind:
            known(f"scores[{i}].kind", "kind", score.kind, kinds)
        if score.subject == "structure" and score.structure and score.structure not in award_names:
            error(f"scores[{i}].structure", f'no award of the {doc.year} edition names the structure '
                                            f'"{score.structure}"' + suggestion(score.structure, award_names))
        target = getattr(score, score.subject, None) if score.subject in ("channel", "kind", "structure") else None
        score_key = (score.subject, target, score.channel)
        if score_key in seen_scores:
            error(f"scores[{i}]", f"the same score as scores[{seen_scores[score_key]}] ({score.subject}"
                                  + (f" {target}" if target else "")
                                  + (f", {score.channel})" if score.channel and score.channel != target else ")"))
        seen_scores.setdefault(score_key, i)

    seen_facts: dict[str, int] = {}
    for i, fact in enumerate(doc.facts):
        if fact.text in seen_facts:
            error(f"facts[{i}].text", f"the same fact as facts[{seen_facts[fact.text]}]")
        seen_facts.setdefault(fact.text, i)
    return errors


def _band(low: int | None, high: int | None) -> str:
    return f"{low if low is not None else '…'}-{high if high is not None else '…'}"


def _check_bands(label: str, doc: EditionFile) -> list[DataError]:
    """Two categories of one edition may not claim the same population, except a boundary that both
    labels state ("de 50 000 à 100 000" and "de 100 000 à 200 000" both hold 100 000, as written)."""
    errors: list[DataError] = []
    bounded = [(i, c) for i, c in enumerate(doc.categories) if c.min is not None or c.max is not None]
    for n, (i, first) in enumerate(bounded):
        for j, second in bounded[n + 1:]:
            low = max(first.min or 0, second.min or 0)
            highs = [v for v in (first.max, second.max) if v is not None]
            high = min(highs) if highs else None
            if high is not None and low > high:
                continue
            if low == high and (first.max == second.min or second.max == first.min):
                continue  # one shared boundary, stated by both labels
            errors.append(DataError(label, f"categories[{j}]",
                                    f"population {_band(second.min, second.max)} overlaps categories[{i}] "
                                    f'("{first.id}", {_band(first.min, first.max)}) on {_band(low, high)}'))
    return errors


def _check_glossary(label: str, doc: GlossaryFile) -> list[DataError]:
    """A word (label or alias, folded) names one term only: otherwise a question could not pick its meaning."""
    errors: list[DataError] = []
    owners: dict[str, tuple[str, str]] = {}  # folded word -> (term id, entry)
    for key, term in doc.terms.items():
        words = [("fr", term.fr), ("en", term.en)] + [(f"aliases[{i}]", a) for i, a in enumerate(term.aliases)]
        for where, word in words:
            folded = fold(word)
            owner = owners.get(folded)
            if owner is not None and owner[0] != key:
                errors.append(DataError(label, f"terms.{key}.{where}",
                                        f'"{word}" already names the term "{owner[0]}" (terms.{owner[0]}.{owner[1]}); '
                                        "a word may name one term only"))
            owners.setdefault(folded, (key, where))
    return errors


def _check_across(editions: list[tuple[str, EditionFile]]) -> list[DataError]:
    errors: list[DataError] = []
    years: dict[int, str] = {}
    numbers: dict[int, str] = {}
    structures: dict[tuple, tuple[str, str, Any]] = {}
    for label, doc in editions:
        if doc.year in years:
            errors.append(DataError(label, "year", f"edition {doc.year} is already in {years[doc.year]}"))
            continue
        years[doc.year] = label
        if doc.edition is not None:
            if doc.edition in numbers:
                errors.append(DataError(label, "edition", f"edition number {doc.edition} is already "
                                                          f"claimed by {numbers[doc.edition]}"))
            numbers.setdefault(doc.edition, label)
        for i, award in enumerate(doc.awards):
            key = (award.name, award.department)
            first = structures.setdefault(key, (label, f"awards[{i}]", award))
            if first[2] is award:
                continue
            for field in ("kind", "commune", "region"):
                here, there = getattr(award, field), getattr(first[2], field)
                if here != there:
                    where = first[1] if first[0] == label else f"{first[0]} {first[1]}"
                    errors.append(DataError(label, f"awards[{i}].{field}",
                                            f'"{award.name}" is described differently in {where}: '
                                            f"{field} {_quoted(here)} here, {_quoted(there)} there"))
    return errors


def _validate(directory: Path, files: Mapping[str, bytes]) -> LoadResult:
    errors: list[DataError] = []
    vocabulary: VocabularyFile | None = None
    vocabulary_labels = [label for label in files if Path(label).name == VOCABULARY_FILE]
    if vocabulary_labels:
        vocabulary, problems = _parse(vocabulary_labels[0], files[vocabulary_labels[0]], VocabularyFile)
        errors += problems
    else:
        errors.append(DataError(str(directory / VOCABULARY_FILE), "", "file missing (the vocabulary of ids)"))
    glossary: GlossaryFile | None = None
    glossary_labels = [label for label in files if Path(label).name == GLOSSARY_FILE]
    if glossary_labels:
        glossary, problems = _parse(glossary_labels[0], files[glossary_labels[0]], GlossaryFile)
        errors += problems if problems else _check_glossary(glossary_labels[0], glossary)
    edition_labels = [label for label in files if label not in vocabulary_labels and label not in glossary_labels]
    if not edition_labels:
        errors.append(DataError(str(directory), "", "no edition file (e.g. 2020.yaml)"))
    editions: list[tuple[str, EditionFile]] = []
    for label in edition_labels:
        doc, problems = _parse(label, files[label], EditionFile)
        errors += problems
        if doc is not None:
            errors += _check_edition(label, doc, vocabulary)
            editions.append((label, doc))
    # a file named after its year (2020.yaml) comes first, so the other file gets the error
    errors += _check_across(sorted(editions, key=lambda item: (Path(item[0]).stem != str(item[1].year), item[0])))
    editions.sort(key=lambda item: item[1].year)
    return LoadResult(directory, vocabulary, tuple(editions), tuple(errors), glossary=glossary, files=dict(files))
