"""Finds the things a question names: channels, categories, kinds of structure, score subjects
(from the vocabulary of data/synonyms.yaml) and places (laureates' names, communes, departments,
regions, from the awards). Built once per knowledge snapshot."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..knowledge import Knowledge, Structure
from .lexicon import Lexicon
from .normalize import fold
from .phrases import PhraseIndex

VOCABULARY_TYPES = ("channel", "category", "kind", "subject")
PLACE_FIELDS = ("department", "region", "commune", "name")  # a key that is a département is read as one


@dataclass(frozen=True)
class Entity:
    type: str  # channel / category / kind / subject / place
    id: str  # vocabulary id, or a place key (folded)


@dataclass(frozen=True)
class Place:
    key: str
    label: str  # as written in the data
    field: str  # name / commune / department / region
    structures: tuple[Structure, ...]


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    entities: tuple[Entity, ...]
    score: float

    def of_type(self, type_: str) -> list[Entity]:
        return [e for e in self.entities if e.type == type_]


@dataclass
class EntityMatcher:
    index: PhraseIndex[Entity]
    places: dict[str, Place]
    skip: frozenset[str] = field(default_factory=frozenset)
    terms: PhraseIndex[str] = field(default_factory=PhraseIndex)  # glossary aliases -> term id
    explained: frozenset[str] = field(default_factory=frozenset)  # every word with a role (lexicon and data)

    def find(self, words: list[str]) -> list[Hit]:
        grouped: dict[tuple[int, int], list] = defaultdict(list)
        scores: dict[tuple[int, int], float] = {}
        for m in self.index.find(words, skip=self.skip):
            grouped[(m.start, m.end)].append(m.payload)
            scores[(m.start, m.end)] = m.score
        return [Hit(s, e, tuple(dict.fromkeys(ents)), scores[(s, e)]) for (s, e), ents in grouped.items()]


def _significant(name: str, lexicon: Lexicon) -> str:
    return " ".join(w for w in fold(name).split() if w not in lexicon.stopwords and len(w) > 1)


def build_matcher(knowledge: Knowledge, lexicon: Lexicon) -> EntityMatcher:
    index: PhraseIndex[Entity] = PhraseIndex(fuzzy_cutoff=86.0)
    vocabulary = knowledge.vocabulary
    sections = {"channel": vocabulary.channels, "category": vocabulary.categories,
                "kind": vocabulary.kinds, "subject": vocabulary.subjects}
    vocab_phrases: set[str] = set()
    for type_, terms in sections.items():
        for term in terms.values():
            for phrase in (term.fr, term.en, term.id.replace("-", " "), *term.aliases):
                folded = fold(phrase)
                index.add(folded, Entity(type_, term.id))
                vocab_phrases.add(folded)

    by_key: dict[str, dict] = {}

    def add_place(text: str | None, field_: str, structure: Structure, label: str) -> None:
        key = fold(text or "")
        if len(key) < 3 or key in vocab_phrases or key in lexicon.stopwords or key in lexicon.cue_words \
                or key in lexicon.known_words:
            return
        entry = by_key.setdefault(key, {"label": label, "field": field_, "by_field": {}})
        if PLACE_FIELDS.index(field_) < PLACE_FIELDS.index(entry["field"]):
            entry.update(label=label, field=field_)
        entry["by_field"].setdefault(field_, {})[structure] = None  # ordered sets

    for award in knowledge.awards():
        s = award.structure
        add_place(s.name, "name", s, s.name)
        significant = _significant(s.name, lexicon)
        add_place(significant, "name", s, s.name)
        for word in significant.split():
            if len(word) >= 4:
                add_place(word, "name", s, s.name)
        add_place(s.commune, "commune", s, s.commune or "")
        add_place(_significant(s.commune or "", lexicon), "commune", s, s.commune or "")
        add_place(s.department, "department", s, s.department or "")
        add_place(s.region, "region", s, s.region or "")

    places: dict[str, Place] = {}
    for key, entry in by_key.items():
        if entry["field"] in ("department", "region"):  # "Moselle" is not "Pagny-sur-Moselle"
            structures = entry["by_field"][entry["field"]]
        else:
            structures = {s: None for found in entry["by_field"].values() for s in found}
        places[key] = Place(key, entry["label"], entry["field"], tuple(structures))
        index.add(key, Entity("place", key))
    for label, names in lexicon.regions.items():  # regions with no laureate in the data are places too
        region_key = next((fold(n) for n in names if fold(n) in places and places[fold(n)].field == "region"), None)
        for name in names:
            if name not in places and name not in vocab_phrases:
                places[name] = places[region_key] if region_key else Place(name, label, "region", ())
                index.add(name, Entity("place", name))
    glossary: PhraseIndex[str] = PhraseIndex(fuzzy_cutoff=86.0)
    for entry in getattr(knowledge, "glossary", {}).values():
        for phrase in (entry.fr, entry.en, entry.id.replace("-", " "), *entry.aliases):
            glossary.add(fold(phrase), entry.id)
    data_words = frozenset(w for phrase in vocab_phrases for w in phrase.split()) \
        | frozenset(w for key in places for w in key.split()) | frozenset(glossary.words())
    return EntityMatcher(index, places, skip=lexicon.stopwords | lexicon.cue_words, terms=glossary,
                         explained=lexicon.explained_words | data_words)
