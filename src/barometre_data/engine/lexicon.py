"""The cue words of `lexicon.yaml`: what a question asks, relative years, follow-up markers,
off-topic and injection markers, language markers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from .normalize import fold
from .phrases import PhraseIndex

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")


@dataclass(frozen=True)
class Cue:
    group: str  # intents / topics / attributes / relative_years / followup / off_topic / injection
    key: str


@dataclass
class Lexicon:
    cues: PhraseIndex[Cue]  # what a question asks: typo-tolerant
    markers: PhraseIndex[Cue]  # off-topic, injection, comparison: exact only ("traine" is not "train")
    english: frozenset[str]
    french: frozenset[str]
    stopwords: frozenset[str]
    followups: frozenset[str] = field(default_factory=frozenset)
    ordinals: dict[str, int] = field(default_factory=dict)
    edition_words: frozenset[str] = field(default_factory=frozenset)
    type_words: dict[str, frozenset[str]] = field(default_factory=dict)
    cue_words: frozenset[str] = field(default_factory=frozenset)  # every word of every cue
    known_words: frozenset[str] = field(default_factory=frozenset)
    greetings: frozenset[str] = field(default_factory=frozenset)
    word_sets: dict[str, frozenset[str]] = field(default_factory=dict)
    change_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fact_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    earliest_fact_topics: frozenset[str] = field(default_factory=frozenset)
    topic_pairs: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    number_words: dict[str, int] = field(default_factory=dict)
    place_categories: dict[str, str] = field(default_factory=dict)  # category id -> structure field
    thousand_words: frozenset[str] = field(default_factory=frozenset)
    slot_words: dict[str, str] = field(default_factory=dict)  # word(s) -> the slot of the value after them
    slot_words_before: dict[str, str] = field(default_factory=dict)  # word -> the slot of the value before it
    negation_phrases: frozenset[str] = field(default_factory=frozenset)
    common_words: frozenset[str] = field(default_factory=frozenset)
    town_kinds: frozenset[str] = field(default_factory=frozenset)
    count_nouns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # count topic -> word beginnings
    regions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # region label -> folded names
    term_topics: dict[str, str] = field(default_factory=dict)  # glossary term -> the count it is about

    @cached_property
    def small_words(self) -> frozenset[str]:
        """Words that say nothing of what is asked: question words, small words, follow-up markers."""
        return (self.stopwords | self.common_words | self.french | self.english
                | frozenset(w for f in self.followups for w in f.split())) - self.edition_words

    @cached_property
    def weighty_words(self) -> frozenset[str]:
        """Words that carry a question on their own when they have 3+ letters (cue and steering words)."""
        return (self.cue_words | self.common_words | frozenset().union(*self.word_sets.values())
                | frozenset(self.ordinals) | self.edition_words) - self.followups

    @cached_property
    def explained_words(self) -> frozenset[str]:
        """Every word the lexicon gives a role to (the reading's coverage counts them as explained)."""
        sets = frozenset().union(*self.word_sets.values(), *self.type_words.values())
        return (self.stopwords | self.cue_words | self.known_words | self.english | self.french
                | self.edition_words | frozenset(self.ordinals) | frozenset(self.number_words) | sets
                | self.thousand_words | frozenset(w for f in self.followups for w in f.split())
                | self.common_words | frozenset(w for k in self.slot_words for w in k.split())
                | frozenset(self.slot_words_before))

    def has(self, words: list[str], word_set: str) -> bool:
        """Whether any of `words` is in the lexicon's word set `word_set` (best, worst, kinds...)."""
        wanted = self.word_sets[word_set]
        return any(w in wanted for w in words)

    def has_phrase(self, words: list[str], word_set: str, longest: int = 3) -> bool:
        """Like `has`, for a set that holds phrases too ("took part", "ete audite"): any run of up to
        `longest` consecutive words."""
        wanted = self.word_sets[word_set]
        return any(" ".join(words[i:i + n]) in wanted for n in range(1, longest + 1) for i in range(len(words)))

    def points_back(self, words: list[str]) -> bool:
        """A possessive about what was just said ("son score", "their results"), not about the question's own
        subject ("le score 2019 et son évolution")."""
        possessives, own = self.word_sets["possessives"], self.word_sets["self_nouns"]
        return any(w in possessives and (i + 1 >= len(words) or words[i + 1] not in own)
                   for i, w in enumerate(words))

    def change_direction(self, words: list[str]) -> str | None:
        """'down' / 'up' when the words speak of a fall or a rise ("le plus baissé"), else None."""
        for direction, prefixes in self.change_prefixes.items():
            if any(w.startswith(prefixes) for w in words):
                return direction
        return None

    def find(self, words: list[str], names: frozenset[str] = frozenset()) -> list[tuple[Cue, int, int]]:
        """The cues of a question with their word spans (start, end); `names` (words that name an
        entity exactly) are never read as a misspelt cue ("cannes" is not "canaux")."""
        found = self.cues.find(words, skip=self.stopwords | names, fuzzy_max_words=1)
        found += self.markers.find(words, fuzzy=False)
        return [(m.payload, m.start, m.end) for m in found]

    def starts_followup(self, words: list[str]) -> bool:
        return any(" ".join(words[:n]) in self.followups for n in range(1, 5))

    def language(self, words: list[str]) -> str | None:
        """'en', 'fr', or None when the words do not tell."""
        asking = self.word_sets["question_words"]  # "what", "quel": they tell more than "a" or "the"
        en = sum(2 if w in asking else 1 for w in words if w in self.english)
        fr = sum(2 if w in asking else 1 for w in words if w in self.french)
        if en == fr:
            return None
        return "en" if en > fr else "fr"


def _phrases(values: list) -> list[str]:
    return [fold(str(v)) for v in values]


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    index: PhraseIndex[Cue] = PhraseIndex(fuzzy_cutoff=85.0)
    for group in ("intents", "topics", "attributes", "relative_years"):
        for key, phrases in raw[group].items():
            index.add_all(_phrases(phrases), Cue(group, key))
    markers: PhraseIndex[Cue] = PhraseIndex()
    for group in ("off_topic", "injection", "comparison", "versus", "source_request", "define", "verify", "why"):
        markers.add_all(_phrases(raw[group]), Cue(group, group))
    cue_words = frozenset(index.words() | markers.words())
    return Lexicon(
        cues=index,
        markers=markers,
        english=frozenset(_phrases(raw["english_markers"])),
        french=frozenset(_phrases(raw["french_markers"])),
        stopwords=frozenset(_phrases(raw["stopwords"])),
        followups=frozenset(_phrases(raw["followup"])),
        ordinals={fold(k): int(v) for k, v in raw["ordinals"].items()},
        edition_words=frozenset(_phrases(raw["edition_words"])),
        type_words={k: frozenset(_phrases(v)) for k, v in raw["type_words"].items()},
        cue_words=cue_words,
        known_words=frozenset(_phrases(raw["known_words"])),
        greetings=frozenset(_phrases(raw["intents"]["greeting"])),
        word_sets={k: frozenset(_phrases(v) if k != "band_joiners" else [str(x) for x in v])
                   for k, v in {**raw["word_sets"], **raw["reading_sets"]}.items()},
        change_prefixes={k: tuple(_phrases(v)) for k, v in raw["change_prefixes"].items()},
        fact_prefixes={k: tuple(_phrases(v)) for k, v in raw["fact_prefixes"].items()},
        earliest_fact_topics=frozenset(raw["earliest_fact_topics"]),
        topic_pairs={k: [tuple(_phrases(g)) for g in v] for k, v in raw["topic_pairs"].items()},
        number_words={fold(k): int(v) for k, v in raw["number_words"].items()},
        place_categories=dict(raw["place_categories"]),
        thousand_words=frozenset(_phrases(raw["thousand_words"])),
        slot_words={fold(k): v for k, v in raw["slot_words"].items()},
        slot_words_before={fold(k): v for k, v in raw["slot_words_before"].items()},
        negation_phrases=frozenset(_phrases(raw["negation_phrases"])),
        common_words=frozenset(_phrases(raw["common_words"])),
        town_kinds=frozenset(raw["town_kinds"]),
        count_nouns={k: tuple(_phrases(v)) for k, v in raw["count_nouns"].items()},
        regions={k: tuple(_phrases([k, *v])) for k, v in raw["regions_of_france"].items()},
        term_topics=dict(raw["term_topics"]),
    )
