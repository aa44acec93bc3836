"""The read-only, in-memory picture of the store that the question engine works on.

`Store.knowledge()` reads it back from the database; `build_knowledge()` makes the same object from
validated files (used by the loader to diff, and by tests to check the store round trip). It is
immutable: a reload builds a new one and swaps it in, so questions asked meanwhile see the old one.

The dataclasses below are the one description of an edition's shape: the files' entries (schema.py)
are turned into them field by field, by name (`from_entry`), and the store keeps each of them as its
natural key plus a JSON payload of the other fields (`as_json` / `from_json`). A new field is written
in schema.py and here, nowhere else.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields, is_dataclass
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel

from .schema import EditionFile, GlossaryFile, VocabularyFile

Sources = tuple[str, ...]


@dataclass(frozen=True)
class Term:
    id: str
    fr: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Vocabulary:
    channels: dict[str, Term]
    categories: dict[str, Term]
    kinds: dict[str, Term]
    subjects: dict[str, Term]


@dataclass(frozen=True)
class Count:
    value: int
    change: str | None = None
    note: str | None = None
    note_en: str | None = None
    derived: bool = False
    rule: str | None = None
    sources: Sources = ()
    rule_en: str | None = None  # the rule in English


@dataclass(frozen=True)
class TextList:
    values: tuple[str, ...]
    values_en: tuple[str, ...] | None = None
    note: str | None = None
    note_en: str | None = None
    sources: Sources = ()


@dataclass(frozen=True)
class Event:
    date: str | None = None
    place: str | None = None
    note: str | None = None
    note_en: str | None = None
    sources: Sources = ()


@dataclass(frozen=True)
class Structure:
    name: str
    kind: str | None = None
    commune: str | None = None
    department: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Category:
    """An award category as one edition names it."""

    id: str  # a category id of data/synonyms.yaml
    label: str  # the edition's exact label
    sources: Sources = ()
    min: int | None = None  # the population band its label states, inclusive; None: not bounded that way
    max: int | None = None

    @property
    def bounded(self) -> bool:
        return self.min is not None or self.max is not None

    def contains(self, low: int | None, high: int | None = None) -> bool:
        """Whether the band asked [low, high] (inclusive; None: open) lies in this category's band, give or take 1 % at each end, since people round ("20 à 50 mille"
        is the category "20 000 à 49 999", "+ de 100k" the category "plus de 100 000")."""
        if not self.bounded:
            return False
        low = low or 0
        if self.min is not None and low < self.min - max(1, self.min // 100):
            return False
        if self.max is not None and (high is None or high > self.max + max(1, self.max // 100)):
            return False
        return True


@dataclass(frozen=True)
class Award:
    year: int
    category: str | None  # category id, None when the source does not say
    category_label: str | None  # the edition's exact label for that category
    structure: Structure
    rank: int | None = None
    mention: str | None = None
    note: str | None = None
    sources: Sources = ()
    note_en: str | None = None
    derived: bool = False  # the rank is read from the source's words ("derrière", "devant"), not printed
    rule: str | None = None
    rule_en: str | None = None


@dataclass(frozen=True)
class Score:
    year: int
    subject: str  # global / certified / non-certified / channel / kind / structure
    target: str | None  # channel id, kind id or structure name; None for the first three
    value: float | None
    unit: str = "/100"
    change: float | None = None
    trend: str | None = None  # hausse / baisse / stable
    standing: str | None = None  # best / worst
    derived: bool = False
    rule: str | None = None
    note: str | None = None
    note_en: str | None = None
    sources: Sources = ()
    rule_en: str | None = None  # the rule in English
    channel: str | None = None  # the channel it is about: a channel score's target, or a structure's channel
    approx: bool = False  # an approximate value (derived from "stable"): say "about", leave out of rankings

    @property
    def rankable(self) -> bool:
        """A value that may take part in rankings and superlatives (not an approximation)."""
        return self.value is not None and not self.approx


@dataclass(frozen=True)
class Fact:
    text: str
    en: str | None = None
    sources: Sources = ()


@dataclass(frozen=True)
class Edition:
    year: int
    number: int | None
    name: str
    completeness: str
    completeness_note: str | None = None
    published: Event | None = None
    presentation: Event | None = None
    structures_audited: Count | None = None
    audits_per_structure: Count | None = None
    mystery_citizens: Count | None = None
    criteria_count: Count | None = None
    laureates_count: Count | None = None
    audit_periods: TextList | None = None
    channels: TextList | None = None
    determinants: TextList | None = None
    categories: dict[str, str] = field(default_factory=dict)  # category id -> edition label
    awards: tuple[Award, ...] = ()
    scores: tuple[Score, ...] = ()
    facts: tuple[Fact, ...] = ()
    gaps: tuple[str, ...] = ()
    gaps_en: tuple[str, ...] = ()
    category_list: tuple[Category, ...] = ()  # the categories with their details, in the edition's order
    completeness_note_en: str | None = None

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.category_list if c.id == category_id), None)

    def categories_for(self, low: int | None, high: int | None = None, *, open_ended: bool = False) -> list[Category]:
        """The categories whose population band holds [low, high] ("entre 20 et 50 mille": 20000, 50000;
        one figure: `high` omitted; "plus de 100 000": 100000 with `open_ended`)."""
        if high is None and not open_ended:
            high = low
        return [c for c in self.category_list if c.contains(low, high)]


@dataclass(frozen=True)
class Citation:
    url: str
    quote: str  # the words of the page that support the definition


@dataclass(frozen=True)
class GlossaryTerm:
    """A word of the barometer explained (data/glossary.yaml)."""

    id: str
    fr: str
    en: str
    aliases: tuple[str, ...] = ()
    definition: str = ""
    definition_en: str = ""
    citations: tuple[Citation, ...] = ()

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr

    def meaning(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition

    @property
    def sources(self) -> Sources:
        return tuple(dict.fromkeys(c.url for c in self.citations))


@dataclass(frozen=True)
class Knowledge:
    editions: dict[int, Edition]  # by year, in increasing year order
    vocabulary: Vocabulary
    glossary: dict[str, GlossaryTerm] = field(default_factory=dict)  # term id -> term, in file order

    @property
    def years(self) -> list[int]:
        return sorted(self.editions)

    def awards(self) -> list[Award]:
        return [a for y in self.years for a in self.editions[y].awards]

    def scores(self) -> list[Score]:
        return [s for y in self.years for s in self.editions[y].scores]


# --------------------------------------------------------------------------- the shape, generically

# A snapshot field and the key of the file entry it comes from, when the two names differ.
_ENTRY_NAMES = {"sources": "source", "values": "value", "values_en": "en", "number": "edition"}


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _convert(tp: Any, value: Any) -> Any:
    """`value` (a file entry, a JSON value or an already built object) as the type `tp` of a snapshot field."""
    if value is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return _convert(options[0], value) if len(options) == 1 else value
    if is_dataclass(tp) and isinstance(tp, type):
        if isinstance(value, tp):
            return value
        return from_entry(tp, value) if isinstance(value, BaseModel) else from_json(tp, value)
    if origin is tuple:
        item = get_args(tp)[0]
        return tuple(_convert(item, v) for v in value)
    if origin is dict:
        item = get_args(tp)[1]
        return {k: _convert(item, v) for k, v in value.items()}
    return value


def from_entry(cls: type, entry: BaseModel, **given: Any) -> Any:
    """The snapshot object `cls` made from a file entry: each field from the entry's key of the same
    name (see `_ENTRY_NAMES`), unless `given`; a field the entry does not have keeps its default."""
    hints, values = _hints(cls), dict(given)
    for f in fields(cls):
        name = _ENTRY_NAMES.get(f.name, f.name)
        if f.name not in values and name in type(entry).model_fields:
            values[f.name] = _convert(hints[f.name], getattr(entry, name))
    return cls(**values)


def from_json(cls: type, data: dict[str, Any]) -> Any:
    """The snapshot object `cls` from its JSON form (`as_json`); unknown keys are ignored, missing
    ones take their default (a payload written before a field existed still reads)."""
    hints = _hints(cls)
    return cls(**{name: _convert(hints[name], value) for name, value in data.items() if name in hints})


def as_json(value: Any, skip: frozenset[str] | set[str] = frozenset()) -> Any:
    """A snapshot object as JSON values (tuples as lists, objects as mappings), without the fields `skip`."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json(getattr(value, f.name)) for f in fields(value) if f.name not in skip}
    if isinstance(value, (tuple, list)):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    return value


def field_types(cls: type) -> dict[str, Any]:
    """Each field of `cls` with its type, the `X | None` of an optional field unwrapped."""
    out = {}
    for name, tp in _hints(cls).items():
        if get_origin(tp) in (Union, UnionType):
            options = [a for a in get_args(tp) if a is not type(None)]
            tp = options[0] if len(options) == 1 else tp
        out[name] = tp
    return out


# --------------------------------------------------------------------------- building from files

def _terms(entries: dict) -> dict[str, Term]:
    return {key: Term(key, t.fr, t.en, tuple(t.aliases)) for key, t in entries.items()}


def build_vocabulary(doc: VocabularyFile) -> Vocabulary:
    return Vocabulary(
        channels=_terms(doc.channels),
        categories=_terms(doc.categories),
        kinds=_terms(doc.kinds),
        subjects=_terms(doc.subjects),
    )


def build_edition(doc: EditionFile) -> Edition:
    categories = tuple(from_entry(Category, c) for c in doc.categories)
    labels = {c.id: c.label for c in categories}
    awards = tuple(from_entry(Award, a, year=doc.year,
                              category_label=labels.get(a.category) if a.category else None,
                              structure=from_entry(Structure, a))
                   for a in doc.awards)
    scores = tuple(from_entry(Score, s, year=doc.year, target=getattr(s, s.subject, None)
                              if s.subject in ("channel", "kind", "structure") else None)
                   for s in doc.scores)
    return from_entry(Edition, doc, categories=labels, category_list=categories, awards=awards, scores=scores)


def build_glossary(doc: GlossaryFile | None) -> dict[str, GlossaryTerm]:
    if doc is None:
        return {}
    return {key: from_entry(GlossaryTerm, t, id=key, citations=tuple(from_entry(Citation, c) for c in t.sources))
            for key, t in doc.terms.items()}


def build_knowledge(vocabulary: VocabularyFile, editions: list[EditionFile],
                    glossary: GlossaryFile | None = None) -> Knowledge:
    built = {doc.year: build_edition(doc) for doc in sorted(editions, key=lambda d: d.year)}
    return Knowledge(editions=built, vocabulary=build_vocabulary(vocabulary), glossary=build_glossary(glossary))
