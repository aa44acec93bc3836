"""The database tables (SQLModel) and how a Knowledge snapshot maps to their rows and back.

Every table has a natural key (`NATURAL_KEYS`): the store compares the rows wanted by the data files
with the rows it holds by that key, so a reload only touches what changed. `rows_from_knowledge()`
and `knowledge_from_rows()` are exact inverses: the store gives back the Knowledge the files make.
Both are written once for every kind of row: a data row is a natural key plus the JSON `payload` of
the snapshot object's other fields, so the shape of an edition is written in knowledge.py only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from .knowledge import (
    Award as KAward,
    Category as KCategory,
    Count,
    Edition as KEdition,
    Fact,
    GlossaryTerm as KGlossaryTerm,
    Knowledge,
    Score as KScore,
    Structure as KStructure,
    Term,
    TextList,
    Vocabulary,
    as_json,
    field_types,
    from_json,
)


# --------------------------------------------------------------------------- tables
# A data table holds a snapshot object as its natural key (columns) plus `payload`, the JSON of the
# object's other fields (knowledge.as_json): a new field of the snapshot needs no new column.

class Edition(SQLModel, table=True):
    """An edition: number, name, completeness, published, presentation... (the fields of
    knowledge.Edition that are neither a list of entries nor a method fact)."""

    __tablename__ = "edition"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Category(SQLModel, table=True):
    """A category of awards as one edition names it (knowledge.Category)."""

    __tablename__ = "edition_category"
    __table_args__ = (UniqueConstraint("year", "category_id"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="edition.year", index=True)
    category_id: str  # a category id of data/synonyms.yaml
    position: int = 0
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Structure(SQLModel, table=True):
    """A public service that received an award (knowledge.Structure)."""

    __tablename__ = "structure"
    __table_args__ = (UniqueConstraint("name", "department"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    department: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Award(SQLModel, table=True):
    """An award of one edition (knowledge.Award), pointing to its structure."""

    __tablename__ = "award"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="edition.year", index=True)
    category_id: str | None = None  # None when the source does not say
    structure_id: int = Field(foreign_key="structure.id", index=True)
    position: int = 0
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Score(SQLModel, table=True):
    """A published (or derived) score of one edition (knowledge.Score)."""

    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("year", "subject", "target", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="edition.year", index=True)
    subject: str  # global / certified / non-certified / channel / kind / structure
    target: str | None = None  # channel id, kind id or structure name
    channel: str | None = None  # the channel of a structure's score by channel
    position: int = 0
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


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
    """A word of the barometer explained (knowledge.GlossaryTerm), with the quotations that support it."""

    __tablename__ = "glossary_term"

    id: int | None = Field(default=None, primary_key=True)
    term_id: str = Field(unique=True)
    position: int = 0
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class QueryLog(SQLModel, table=True):
    """One question asked (for the admin statistics); never touched by data imports."""

    __tablename__ = "query_log"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(index=True)  # UTC
    question: str
    found: bool = Field(index=True)
    intent: str | None = None
    lang: str | None = None



class AnswerFlag(SQLModel, table=True):
    """An answer a person marked as wrong (the button under each answer in Discord): the question,
    the answer as shown and the data version that gave it, for the people who fix the data or the
    engine. Never touched by data imports."""

    __tablename__ = "answer_flag"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(index=True)  # UTC, when it was flagged
    question: str | None = None  # None when it could not be known any more (an old message)
    answer: str
    found: bool | None = None
    intent: str | None = None
    lang: str | None = None
    year: int | None = None  # the edition the answer was about
    data_version: int | None = None  # the data version that gave the answer (None: not known any more)

# --------------------------------------------------------------------------- natural rows

# The fields of an edition kept as method facts (one row each, key = field name): counts and lists.
COUNT_KEYS = tuple(name for name, tp in field_types(KEdition).items() if tp is Count)
TEXT_LIST_KEYS = tuple(name for name, tp in field_types(KEdition).items() if tp is TextList)
# The fields of an edition kept in tables of their own; the other fields make the edition's payload.
EDITION_PARTS = frozenset({"year", "categories", "category_list", "awards", "scores", "facts", "gaps", "gaps_en",
                           *COUNT_KEYS, *TEXT_LIST_KEYS})
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
    "score": lambda r: (r["year"], r["subject"], r["target"], r["channel"]),
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


def _urls(value: Any) -> Iterator[str]:
    """Every URL a payload cites: its `sources` lists and its citations' `url`."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "sources" and isinstance(item, list):
                yield from item
            elif name == "url" and isinstance(item, str):
                yield item
            else:
                yield from _urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _urls(item)


def rows_from_knowledge(knowledge: Knowledge,
                        category_sources: Mapping[tuple[int, str], tuple[str, ...]] | None = None) -> Rows:
    """The rows of a snapshot. `category_sources` ((year, category id) -> URLs) is for a snapshot
    whose categories carry no sources (an older caller); the snapshot's own sources win."""
    category_sources = category_sources or {}
    rows = Rows()
    vocabulary = knowledge.vocabulary
    for section in VOCABULARY_SECTIONS:
        for position, term in enumerate(getattr(vocabulary, section).values()):
            rows.add("vocabulary_term", {"section": section, "term_id": term.id, "fr": term.fr, "en": term.en,
                                         "aliases": list(term.aliases), "position": position})
    for position, gterm in enumerate(knowledge.glossary.values()):
        rows.add("glossary_term", {"term_id": gterm.id, "position": position, "payload": as_json(gterm, {"id"})})
    for year, edition in knowledge.editions.items():
        rows.add("edition", {"year": year, "payload": as_json(edition, EDITION_PARTS)})
        categories = edition.category_list or tuple(KCategory(i, label) for i, label in edition.categories.items())
        for position, category in enumerate(categories):
            if not category.sources and (year, category.id) in category_sources:
                category = replace(category, sources=tuple(category_sources[year, category.id]))
            rows.add("edition_category", {"year": year, "category_id": category.id, "position": position,
                                          "payload": as_json(category, {"id"})})
        for position, award in enumerate(edition.awards):
            s = award.structure
            rows.add("structure", {"name": s.name, "department": s.department,
                                   "payload": as_json(s, {"name", "department"})})
            rows.add("award", {"year": year, "category_id": award.category, "structure": (s.name, s.department),
                               "position": position,
                               "payload": as_json(award, {"year", "category", "category_label", "structure"})})
        for position, score in enumerate(edition.scores):
            rows.add("score", {"year": year, "subject": score.subject, "target": score.target,
                               "channel": score.channel, "position": position,
                               "payload": as_json(score, {"year", "subject", "target", "channel"})})
        for key in COUNT_KEYS + TEXT_LIST_KEYS:
            value = getattr(edition, key)
            if value is not None:
                rows.add("method_fact", {"year": year, "key": key, "position": 0, "payload": as_json(value)})
        for position, fact in enumerate(edition.facts):
            rows.add("method_fact", {"year": year, "key": "fact", "position": position, "payload": as_json(fact)})
        gaps_en = edition.gaps_en
        for position in range(max(len(edition.gaps), len(gaps_en))):
            text = edition.gaps[position] if position < len(edition.gaps) else None
            text_en = gaps_en[position] if position < len(gaps_en) else None
            rows.add("method_fact", {"year": year, "key": "gap", "position": position,
                                     "payload": {"text": text, "en": text_en}})
    urls = {url for table in ("glossary_term", "edition", "edition_category", "award", "score", "method_fact")
            for row in rows.tables[table].values() for url in _urls(row["payload"])}
    for url in urls:
        rows.add("source", {"url": url})
    return rows


# --------------------------------------------------------------------------- back to Knowledge

def knowledge_from_rows(rows: Rows) -> Knowledge:
    sections: dict[str, dict[str, Term]] = {section: {} for section in VOCABULARY_SECTIONS}
    for row in sorted(rows.tables["vocabulary_term"].values(), key=lambda r: (r["section"], r["position"])):
        sections.setdefault(row["section"], {})[row["term_id"]] = Term(row["term_id"], row["fr"], row["en"],
                                                                       tuple(row["aliases"]))
    structures = {NATURAL_KEYS["structure"](r): from_json(KStructure, {**r["payload"], "name": r["name"],
                                                                       "department": r["department"]})
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
        category_list = tuple(from_json(KCategory, {**c["payload"], "id": c["category_id"]})
                              for c in categories.get(year, []))
        labels = {c.id: c.label for c in category_list}
        method: dict[str, Any] = {}
        free_facts: list[Fact] = []
        gaps: list[str] = []
        gaps_en: list[str] = []
        for fact in facts.get(year, []):
            key, payload = fact["key"], fact["payload"]
            if key in COUNT_KEYS or key in TEXT_LIST_KEYS:
                method[key] = payload
            elif key == "fact":
                free_facts.append(from_json(Fact, payload))
            elif key == "gap":
                if payload["text"] is not None:
                    gaps.append(payload["text"])
                if payload["en"] is not None:
                    gaps_en.append(payload["en"])
        editions[year] = from_json(KEdition, {
            **row["payload"], **method, "year": year,
            "categories": labels, "category_list": category_list,
            "awards": tuple(
                from_json(KAward, {**a["payload"], "year": year, "category": a["category_id"],
                                   "category_label": labels.get(a["category_id"]) if a["category_id"] else None,
                                   "structure": structures[a["structure"]]})
                for a in awards.get(year, [])),
            "scores": tuple(
                from_json(KScore, {**s["payload"], "year": year, "subject": s["subject"], "target": s["target"],
                                   "channel": s["channel"]})
                for s in scores.get(year, [])),
            "facts": tuple(free_facts), "gaps": tuple(gaps), "gaps_en": tuple(gaps_en)})
    vocabulary = Vocabulary(**{section: sections[section] for section in VOCABULARY_SECTIONS})
    glossary = {r["term_id"]: from_json(KGlossaryTerm, {**r["payload"], "id": r["term_id"]})
                for r in sorted(rows.tables["glossary_term"].values(), key=lambda r: r["position"])}
    return Knowledge(editions=editions, vocabulary=vocabulary, glossary=glossary)
