"""The database tables (SQLModel) and how a Knowledge snapshot maps to their rows and back.

Every table has a natural key (`NATURAL_KEYS`): the store compares the rows wanted by the data files
with the rows it holds by that key, so a reload only touches what changed. `rows_from_knowledge()`
and `knowledge_from_rows()` are exact inverses: the store gives back the Knowledge the files make.
Lists of source URLs and the payload of method facts are JSON columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from .knowledge import (
    Award as KAward,
    Citation,
    Count,
    Edition as KEdition,
    Event,
    Fact,
    GlossaryTerm as KGlossaryTerm,
    Knowledge,
    Score as KScore,
    Structure as KStructure,
    Term,
    TextList,
    Vocabulary,
)


# --------------------------------------------------------------------------- tables

class Edition(SQLModel, table=True):
    __tablename__ = "edition"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True, index=True)
    number: int | None = None  # ordinal: 8 for the 8th edition
    name: str
    completeness: str  # complete / partial / minimal / launch-only / existence-only
    completeness_note: str | None = None
    published_date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    published_place: str | None = None
    published_note: str | None = None
    published_note_en: str | None = None
    published_sources: list[str] | None = Field(default=None, sa_type=JSON)  # None: nothing known
    presentation_date: str | None = None
    presentation_place: str | None = None
    presentation_note: str | None = None
    presentation_note_en: str | None = None
    presentation_sources: list[str] | None = Field(default=None, sa_type=JSON)


class Category(SQLModel, table=True):
    """A category of awards as one edition names it."""

    __tablename__ = "edition_category"
    __table_args__ = (UniqueConstraint("year", "category_id"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="edition.year", index=True)
    category_id: str  # a category id of data/synonyms.yaml
    label: str  # the edition's exact label
    position: int = 0
    sources: list[str] = Field(default_factory=list, sa_type=JSON)


class Structure(SQLModel, table=True):
    """A public service that received an award."""

    __tablename__ = "structure"
    __table_args__ = (UniqueConstraint("name", "department"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    kind: str | None = None  # a kind id of data/synonyms.yaml
    commune: str | None = None
    department: str | None = None
    region: str | None = None


class Award(SQLModel, table=True):
    __tablename__ = "award"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="edition.year", index=True)
    category_id: str | None = None  # None when the source does not say
    structure_id: int = Field(foreign_key="structure.id", index=True)
    rank: int | None = None
    mention: str | None = None
    note: str | None = None
    note_en: str | None = None
    position: int = 0
    sources: list[str] = Field(default_factory=list, sa_type=JSON)


class Score(SQLModel, table=True):
    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("year", "subject", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="edition.year", index=True)
    subject: str  # global / certified / non-certified / channel / kind / structure
    target: str | None = None  # channel id, kind id or structure name
    value: float | None = None
    unit: str = "/100"
    change: float | None = None  # points vs the previous edition
    trend: str | None = None  # hausse / baisse / stable
    standing: str | None = None  # best / worst
    derived: bool = False
    rule: str | None = None
    rule_en: str | None = None
    note: str | None = None
    note_en: str | None = None
    position: int = 0
    sources: list[str] = Field(default_factory=list, sa_type=JSON)


class MethodFact(SQLModel, table=True):
    """A fact about how an edition was run, with its payload (the Knowledge object as JSON).

    Keys: structures_audited, audits_per_structure, mystery_citizens, criteria_count, laureates_count
    (a count), audit_periods, channels, determinants (a list of texts), fact (a free fact), gap
    (something the sources do not say).
    """

    __tablename__ = "method_fact"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="edition.year", index=True)
    key: str
    position: int = 0
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Source(SQLModel, table=True):
    """Every URL the data cites (the rows cite them by URL in their `sources` lists)."""

    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True)


class VocabularyTerm(SQLModel, table=True):
    __tablename__ = "vocabulary_term"
    __table_args__ = (UniqueConstraint("section", "term_id"),)

    id: int | None = Field(default=None, primary_key=True)
    section: str  # channels / categories / kinds / subjects
    term_id: str
    fr: str
    en: str
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    position: int = 0


class GlossaryEntry(SQLModel, table=True):
    """A word of the barometer explained (data/glossary.yaml), with the quotations that support it."""

    __tablename__ = "glossary_term"

    id: int | None = Field(default=None, primary_key=True)
    term_id: str = Field(unique=True)
    fr: str
    en: str
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    definition: str
    definition_en: str
    citations: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)  # [{url, quote}]
    position: int = 0


class QueryLog(SQLModel, table=True):
    """One question asked (for the admin statistics); never touched by data imports."""

    __tablename__ = "query_log"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(index=True)  # UTC
    question: str
    found: bool = Field(index=True)
    intent: str | None = None
    lang: str | None = None


# --------------------------------------------------------------------------- natural rows

COUNT_KEYS = ("structures_audited", "audits_per_structure", "mystery_citizens", "criteria_count",
              "laureates_count")
TEXT_LIST_KEYS = ("audit_periods", "channels", "determinants")
VOCABULARY_SECTIONS = ("channels", "categories", "kinds", "subjects")

Row = dict[str, Any]
Key = tuple[Any, ...]

# Data tables in dependency order (a table only refers to tables before it).
DATA_TABLES: dict[str, type[SQLModel]] = {
    "vocabulary_term": VocabularyTerm,
    "glossary_term": GlossaryEntry,
    "source": Source,
    "edition": Edition,
    "edition_category": Category,
    "structure": Structure,
    "award": Award,
    "score": Score,
    "method_fact": MethodFact,
}


def _method_fact_key(row: Row) -> Key:
    # a free fact is known by its text, so inserting one does not shift the others
    item = row["payload"]["text"] if row["key"] == "fact" else row["position"]
    return row["year"], row["key"], item


NATURAL_KEYS: dict[str, Callable[[Row], Key]] = {
    "vocabulary_term": lambda r: (r["section"], r["term_id"]),
    "glossary_term": lambda r: (r["term_id"],),
    "source": lambda r: (r["url"],),
    "edition": lambda r: (r["year"],),
    "edition_category": lambda r: (r["year"], r["category_id"]),
    "structure": lambda r: (r["name"], r["department"]),
    # an award row names its structure by natural key: ("structure", (name, department))
    "award": lambda r: (r["year"], r["category_id"], *r["structure"]),
    "score": lambda r: (r["year"], r["subject"], r["target"]),
    "method_fact": _method_fact_key,
}

# Fields that only order rows: a change there is applied but not reported as a change.
ORDER_FIELDS = frozenset({"position"})


@dataclass
class Rows:
    """The content of the data tables without surrogate ids, by table then natural key."""

    tables: dict[str, dict[Key, Row]] = field(default_factory=lambda: {name: {} for name in DATA_TABLES})

    def add(self, table: str, row: Row) -> None:
        self.tables[table][NATURAL_KEYS[table](row)] = row

    def sorted(self, table: str) -> list[Row]:
        return sorted(self.tables[table].values(), key=lambda r: (r.get("year", 0), r.get("position", 0),
                                                                   sort_key(NATURAL_KEYS[table](r))))


def sort_key(key: Key) -> tuple:
    """Natural keys mix None, numbers and text: this orders them all."""
    return tuple((v is None, str(v)) for v in key)


def _sources(sources: tuple[str, ...]) -> list[str]:
    return list(sources)


def _event_fields(prefix: str, event: Event | None) -> Row:
    if event is None:
        return {f"{prefix}_{name}": None for name in ("date", "place", "note", "note_en", "sources")}
    return {f"{prefix}_date": event.date, f"{prefix}_place": event.place, f"{prefix}_note": event.note,
            f"{prefix}_note_en": event.note_en, f"{prefix}_sources": _sources(event.sources)}


def _payload(obj: Count | TextList | Fact) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(obj).items()}


def rows_from_knowledge(knowledge: Knowledge,
                        category_sources: Mapping[tuple[int, str], tuple[str, ...]] | None = None) -> Rows:
    """The rows of a snapshot; `category_sources` ((year, category id) -> URLs) are kept in the store only."""
    category_sources = category_sources or {}
    rows = Rows()
    vocabulary = knowledge.vocabulary
    for section in VOCABULARY_SECTIONS:
        for position, term in enumerate(getattr(vocabulary, section).values()):
            rows.add("vocabulary_term", {"section": section, "term_id": term.id, "fr": term.fr, "en": term.en,
                                         "aliases": list(term.aliases), "position": position})
    urls: set[str] = set()
    for position, gterm in enumerate(knowledge.glossary.values()):
        rows.add("glossary_term", {"term_id": gterm.id, "fr": gterm.fr, "en": gterm.en,
                                   "aliases": list(gterm.aliases), "definition": gterm.definition,
                                   "definition_en": gterm.definition_en,
                                   "citations": [{"url": c.url, "quote": c.quote} for c in gterm.citations],
                                   "position": position})
        urls.update(gterm.sources)
    for year, edition in knowledge.editions.items():
        rows.add("edition", {"year": year, "number": edition.number, "name": edition.name,
                             "completeness": edition.completeness,
                             "completeness_note": edition.completeness_note,
                             **_event_fields("published", edition.published),
                             **_event_fields("presentation", edition.presentation)})
        for event in (edition.published, edition.presentation):
            urls.update(event.sources if event else ())
        for position, (category_id, label) in enumerate(edition.categories.items()):
            sources = category_sources.get((year, category_id), ())
            rows.add("edition_category", {"year": year, "category_id": category_id, "label": label,
                                          "position": position, "sources": _sources(sources)})
            urls.update(sources)
        for position, award in enumerate(edition.awards):
            s = award.structure
            rows.add("structure", {"name": s.name, "kind": s.kind, "commune": s.commune,
                                   "department": s.department, "region": s.region})
            rows.add("award", {"year": year, "category_id": award.category,
                               "structure": (s.name, s.department), "rank": award.rank,
                               "mention": award.mention, "note": award.note, "note_en": award.note_en,
                               "position": position,
                               "sources": _sources(award.sources)})
            urls.update(award.sources)
        for position, score in enumerate(edition.scores):
            rows.add("score", {"year": year, "subject": score.subject, "target": score.target,
                               "value": score.value, "unit": score.unit, "change": score.change,
                               "trend": score.trend, "standing": score.standing, "derived": score.derived,
                               "rule": score.rule, "rule_en": score.rule_en, "note": score.note, "note_en": score.note_en,
                               "position": position, "sources": _sources(score.sources)})
            urls.update(score.sources)
        for key in COUNT_KEYS + TEXT_LIST_KEYS:
            value = getattr(edition, key)
            if value is not None:
                rows.add("method_fact", {"year": year, "key": key, "position": 0, "payload": _payload(value)})
                urls.update(value.sources)
        for position, fact in enumerate(edition.facts):
            rows.add("method_fact", {"year": year, "key": "fact", "position": position, "payload": _payload(fact)})
            urls.update(fact.sources)
        gaps_en = edition.gaps_en
        for position in range(max(len(edition.gaps), len(gaps_en))):
            text = edition.gaps[position] if position < len(edition.gaps) else None
            text_en = gaps_en[position] if position < len(gaps_en) else None
            rows.add("method_fact", {"year": year, "key": "gap", "position": position,
                                     "payload": {"text": text, "en": text_en}})
    for url in urls:
        rows.add("source", {"url": url})
    return rows


# --------------------------------------------------------------------------- back to Knowledge

def _event(row: Row, prefix: str) -> Event | None:
    sources = row[f"{prefix}_sources"]
    if sources is None:
        return None
    return Event(row[f"{prefix}_date"], row[f"{prefix}_place"], row[f"{prefix}_note"],
                 row[f"{prefix}_note_en"], tuple(sources))


def _count(payload: dict[str, Any]) -> Count:
    return Count(**{**payload, "sources": tuple(payload["sources"])})


def _text_list(payload: dict[str, Any]) -> TextList:
    values_en = payload["values_en"]
    return TextList(**{**payload, "values": tuple(payload["values"]),
                       "values_en": tuple(values_en) if values_en is not None else None,
                       "sources": tuple(payload["sources"])})


def knowledge_from_rows(rows: Rows) -> Knowledge:
    sections: dict[str, dict[str, Term]] = {section: {} for section in VOCABULARY_SECTIONS}
    for row in sorted(rows.tables["vocabulary_term"].values(), key=lambda r: (r["section"], r["position"])):
        sections.setdefault(row["section"], {})[row["term_id"]] = Term(row["term_id"], row["fr"], row["en"],
                                                                       tuple(row["aliases"]))
    structures = {NATURAL_KEYS["structure"](r): KStructure(r["name"], r["kind"], r["commune"], r["department"],
                                                           r["region"])
                  for r in rows.tables["structure"].values()}

    def of_year(table: str) -> dict[int, list[Row]]:
        by_year: dict[int, list[Row]] = {}
        for row in rows.sorted(table):
            by_year.setdefault(row["year"], []).append(row)
        return by_year

    categories, awards, scores, facts = (of_year(t) for t in ("edition_category", "award", "score", "method_fact"))
    editions: dict[int, KEdition] = {}
    for row in sorted(rows.tables["edition"].values(), key=lambda r: r["year"]):
        year = row["year"]
        labels = {c["category_id"]: c["label"] for c in categories.get(year, [])}
        method: dict[str, Any] = {}
        free_facts: list[Fact] = []
        gaps: list[str] = []
        gaps_en: list[str] = []
        for fact in facts.get(year, []):
            key, payload = fact["key"], fact["payload"]
            if key in COUNT_KEYS:
                method[key] = _count(payload)
            elif key in TEXT_LIST_KEYS:
                method[key] = _text_list(payload)
            elif key == "fact":
                free_facts.append(Fact(payload["text"], payload["en"], tuple(payload["sources"])))
            elif key == "gap":
                if payload["text"] is not None:
                    gaps.append(payload["text"])
                if payload["en"] is not None:
                    gaps_en.append(payload["en"])
        editions[year] = KEdition(
            year=year, number=row["number"], name=row["name"], completeness=row["completeness"],
            completeness_note=row["completeness_note"],
            published=_event(row, "published"), presentation=_event(row, "presentation"),
            **method,
            categories=labels,
            awards=tuple(
                KAward(year=year, category=a["category_id"],
                       category_label=labels.get(a["category_id"]) if a["category_id"] else None,
                       structure=structures[a["structure"]], rank=a["rank"], mention=a["mention"],
                       note=a["note"], sources=tuple(a["sources"]), note_en=a["note_en"])
                for a in awards.get(year, [])),
            scores=tuple(
                KScore(year=year, subject=s["subject"], target=s["target"], value=s["value"], unit=s["unit"],
                       change=s["change"], trend=s["trend"], standing=s["standing"], derived=s["derived"],
                       rule=s["rule"], note=s["note"], note_en=s["note_en"], sources=tuple(s["sources"]),
                       rule_en=s["rule_en"])
                for s in scores.get(year, [])),
            facts=tuple(free_facts),
            gaps=tuple(gaps),
            gaps_en=tuple(gaps_en),
        )
    vocabulary = Vocabulary(**{section: sections[section] for section in VOCABULARY_SECTIONS})
    glossary = {r["term_id"]: KGlossaryTerm(r["term_id"], r["fr"], r["en"], tuple(r["aliases"]), r["definition"],
                                            r["definition_en"], tuple(Citation(c["url"], c["quote"])
                                                                      for c in r["citations"]))
                for r in sorted(rows.tables["glossary_term"].values(), key=lambda r: r["position"])}
    return Knowledge(editions=editions, vocabulary=vocabulary, glossary=glossary)
