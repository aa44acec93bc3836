"""The read-only, in-memory picture of the store that the question engine works on.

`Store.knowledge()` reads it back from the database; `build_knowledge()` makes the same object from
validated files (used by the loader to diff, and by tests to check the store round trip). It is
immutable: a reload builds a new one and swaps it in, so questions asked meanwhile see the old one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .schema import Count as CountEntry
from .schema import EditionFile, Event as EventEntry, GlossaryFile, TextList as TextListEntry, VocabularyFile

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


def _count(entry: CountEntry | None) -> Count | None:
    if entry is None:
        return None
    return Count(entry.value, entry.change, entry.note, entry.note_en, entry.derived, entry.rule,
                 tuple(entry.source), entry.rule_en)


def _text_list(entry: TextListEntry | None) -> TextList | None:
    if entry is None:
        return None
    return TextList(tuple(entry.value), tuple(entry.en) if entry.en else None, entry.note,
                    entry.note_en, tuple(entry.source))


def _event(entry: EventEntry | None) -> Event | None:
    if entry is None:
        return None
    return Event(entry.date, entry.place, entry.note, entry.note_en, tuple(entry.source))


def build_edition(doc: EditionFile) -> Edition:
    labels = {c.id: c.label for c in doc.categories}
    awards = tuple(
        Award(
            year=doc.year,
            category=a.category,
            category_label=labels.get(a.category) if a.category else None,
            structure=Structure(a.name, a.kind, a.commune, a.department, a.region),
            rank=a.rank,
            mention=a.mention,
            note=a.note,
            sources=tuple(a.source),
            note_en=a.note_en,
        )
        for a in doc.awards
    )
    scores = tuple(
        Score(
            year=doc.year,
            subject=s.subject,
            target=s.channel or s.kind or s.structure,
            value=s.value,
            unit=s.unit,
            change=s.change,
            trend=s.trend,
            standing=s.standing,
            derived=s.derived,
            rule=s.rule,
            note=s.note,
            note_en=s.note_en,
            sources=tuple(s.source),
            rule_en=s.rule_en,
        )
        for s in doc.scores
    )
    return Edition(
        year=doc.year,
        number=doc.edition,
        name=doc.name,
        completeness=doc.completeness,
        completeness_note=doc.completeness_note,
        published=_event(doc.published),
        presentation=_event(doc.presentation),
        structures_audited=_count(doc.structures_audited),
        audits_per_structure=_count(doc.audits_per_structure),
        mystery_citizens=_count(doc.mystery_citizens),
        criteria_count=_count(doc.criteria_count),
        laureates_count=_count(doc.laureates_count),
        audit_periods=_text_list(doc.audit_periods),
        channels=_text_list(doc.channels),
        determinants=_text_list(doc.determinants),
        categories=labels,
        awards=awards,
        scores=scores,
        facts=tuple(Fact(f.text, f.en, tuple(f.source)) for f in doc.facts),
        gaps=tuple(doc.gaps),
        gaps_en=tuple(doc.gaps_en),
    )


def build_glossary(doc: GlossaryFile | None) -> dict[str, GlossaryTerm]:
    if doc is None:
        return {}
    return {key: GlossaryTerm(key, t.fr, t.en, tuple(t.aliases), t.definition, t.definition_en,
                              tuple(Citation(c.url, c.quote) for c in t.sources))
            for key, t in doc.terms.items()}


def build_knowledge(vocabulary: VocabularyFile, editions: list[EditionFile],
                    glossary: GlossaryFile | None = None) -> Knowledge:
    built = {doc.year: build_edition(doc) for doc in sorted(editions, key=lambda d: d.year)}
    return Knowledge(editions=built, vocabulary=build_vocabulary(vocabulary), glossary=build_glossary(glossary))
