"""Typed mentions read from the words of one question, beyond the entities of the matcher: editions
compared or a range of editions, a population band, negated entities, values that stand where a
category, channel, kind or label would stand but match none, the term whose meaning is asked, and how
much of the question is explained at all. Pure functions of the text (and of the vocabulary); the
words that steer them are in lexicon.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .lexicon import Lexicon
from .matcher import Hit
from .normalize import fold
from .phrases import PhraseIndex


class Slot(str, Enum):
    """Where an unknown value stands."""

    CATEGORY = "category"
    CHANNEL = "channel"
    KIND = "kind"
    LABEL = "label"
    SUBJECT = "subject"  # a channel or a kind of structure ("score du fax", "et la visio ?")


@dataclass(frozen=True)
class Unknown:
    slot: Slot
    text: str  # the word(s) as folded
    at: int = -1  # its index in the question's words


@dataclass(frozen=True)
class Band:
    """A population band asked for (inclusive bounds; None: unbounded)."""

    low: int | None
    high: int | None


_NUMBER = re.compile(r"^\d+k?$")
CLAUSE_ENDS = frozenset(",.;:!?")  # punctuation that ends a clause (a name never runs past one)


@dataclass(frozen=True)
class Tokens:
    """The question's own tokens (split on spaces, as written) and, for each, the indexes of the
    folded words it gives."""

    texts: tuple[str, ...]
    spans: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, raw: str, words: list[str]) -> "Tokens":
        texts = raw.replace("’", "'").split()
        spans: list[tuple[int, ...]] = []
        at = 0
        for token in texts:
            n = len(fold(token).split())
            spans.append(tuple(range(at, at + n)))
            at += n
        if at != len(words):  # the words do not line up with the tokens: one token per word
            return cls(tuple(words), tuple((i,) for i in range(len(words))))
        return cls(tuple(texts), tuple(spans))

    def ends_clause(self, n: int) -> bool:
        return self.texts[n].rstrip("»\")'")[-1:] in CLAUSE_ENDS


def asker_words(words: list[str], tokens: Tokens, lexicon: Lexicon) -> frozenset[int]:
    """The words of a clause where the person says who they are ("Bonjour, je suis DGS à Vertou, …",
    "hi, deputy mayor of Saint-Sébastien here.", "asking from Vaux-sur-Mer town hall"): a clause (up to a
    comma or a full stop) with a self-introduction, or with a role when it is not the last one."""
    clauses: list[list[int]] = [[]]
    for n, span in enumerate(tokens.spans):
        clauses[-1].extend(span)
        if tokens.ends_clause(n) and n + 1 < len(tokens.texts):
            clauses.append([])
    found: set[int] = set()
    for index, clause in enumerate(clauses):
        clause_words = [words[i] for i in clause]
        last = index == len(clauses) - 1
        if lexicon.has_phrase(clause_words, "asker_intro") or (lexicon.has(clause_words, "asker_roles") and not last):
            found.update(clause)
    return frozenset(found)


def _numbers(words: list[str], lexicon: Lexicon) -> list[tuple[int, int, int]]:
    """Numbers written in digits, with their word span (start, end): "20 000" -> 20000, "100k" -> 100000,
    "50 mille" -> 50000. Years are included (the caller tells them apart)."""
    found: list[tuple[int, int, int]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if not _NUMBER.match(word):
            i += 1
            continue
        start = i
        value = int(word.rstrip("k")) * (1000 if word.endswith("k") else 1)
        i += 1
        while not word.endswith("k") and i < len(words) and len(words[i]) == 3 and words[i].isdigit() \
                and value < 1000:
            value = value * 1000 + int(words[i])
            i += 1
        if i < len(words) and words[i] in lexicon.thousand_words:
            value *= 1000
            i += 1
        found.append((value, start, i))
    return found


def band(words: list[str], lexicon: Lexicon) -> Band | None:
    """"entre 20 et 50 mille", "de 20 000 à 49 999", "+ de 100k", "2 000-10 000 hab", "moins de 20k",
    "une ville de 35 000 habitants" -> the band of inhabitants asked for."""
    sets = lexicon.word_sets
    numbers = [n for n in _numbers(words, lexicon) if not (1950 <= n[0] <= 2099 and words[n[1]] == str(n[0])
                                                          and n[2] == n[1] + 1)]
    if not numbers:
        return None
    people = any(w in sets["inhabitants"] for w in words) or any(n[0] >= 1000 or words[n[2] - 1].endswith("k")
                                                                 or words[n[2] - 1] in lexicon.thousand_words
                                                                 for n in numbers)
    if not people:
        return None
    if len(numbers) >= 2:
        (a, _, end_a), (b, start_b, _) = numbers[0], numbers[1]
        between = words[end_a:start_b]
        if len(between) <= 2 and all(w in sets["band_joiners"] for w in between):
            if a < 1000 <= b and b % 1000 == 0 and a * 1000 < b and (
                    words[start_b + 1:start_b + 2] == ["000"]
                    or any(w in lexicon.thousand_words or w.endswith("k") for w in words[start_b:start_b + 2])):
                a *= 1000  # "entre 20 et 50 mille", "de 20 à 50 000": the thousands apply to both
            low, high = sorted((a, b))
            return Band(low, high)
    value, start, _ = numbers[0]
    before = words[max(0, start - 3):start]
    if any(w in sets["more_than"] for w in before) or (before and before[-1] == "+") or "+" in before:
        return Band(value + 1 if value % 1000 == 0 else value, None)
    if any(w in sets["less_than"] for w in before):
        return Band(None, value - 1 if value % 1000 == 0 else value)
    return Band(value, value)


def years_compared(text: str, years: list[int]) -> tuple[tuple[int, ...], bool]:
    """Two or more editions named together: their years, and whether they bound a range
    ("de 2016 à 2020", "between 2016 and 2020", "2016-2020") rather than a list ("2019 vs 2020")."""
    distinct = tuple(dict.fromkeys(years))
    if len(distinct) < 2:
        return (), False
    first, second = str(distinct[0]), str(distinct[1])
    ranged = re.search(rf"\b(?:de|from|between|entre)\s+(?:l an |l annee |)?{first}\s+(?:a|to|and|et|au)\s+"
                       rf"(?:l an |l annee |)?{second}\b|\b{first}\s*(?:-|–|to|a)\s*{second}\b", text)
    return distinct, bool(ranged)


def negated(words: list[str], hits: list[Hit], lexicon: Lexicon) -> set[int]:
    """Indexes (in `hits`) of the entities a negation applies to: "hors collectivités", "celles qui ne
    sont pas des collectivités", "except the regions"."""
    found: set[int] = set()
    negators = lexicon.word_sets["negators"]
    for n, hit in enumerate(hits):
        before = words[max(0, hit.start - 4):hit.start]
        if any(w in negators for w in before) or " ".join(before[-2:]) in lexicon.negation_phrases:
            found.add(n)
    return found


def unknown_values(words: list[str], raw_words: set[str], hits: list[Hit], lexicon: Lexicon,
                   explained: frozenset[str], elliptic: bool) -> list[Unknown]:
    """Words standing where a category, channel, kind or label would stand, that match none of them
    ("catégorie sécurité", "score du fax", "chez les écoles", "et la visio ?")."""
    covered = {i for h in hits for i in range(h.start, h.end)}
    articles = lexicon.word_sets["slot_articles"]
    found: list[Unknown] = []

    def unknown_at(i: int, names_too: bool = False) -> tuple[str, int] | None:
        while i < len(words) and words[i] in articles:
            i += 1
        if i >= len(words) or i in covered:
            return None
        word = words[i]
        if len(word) < 3 or not word.isalpha() or word in explained or (word in raw_words and not names_too):
            return None
        return word, i

    for i, word in enumerate(words):
        before = lexicon.slot_words_before.get(word)  # "the fax channel": the value comes first
        if before is not None and i > 0 and (i - 1) not in covered and words[i - 1] not in explained \
                and words[i - 1].isalpha() and len(words[i - 1]) >= 3 and words[i - 1] not in raw_words \
                and (i + 1) not in covered:  # "bjr, score global": the value comes after, as in French
            found.append(Unknown(Slot(before), words[i - 1], i - 1))
            continue
        slot = lexicon.slot_words.get(word)
        pair = " ".join(words[i:i + 2])
        if pair in lexicon.slot_words:
            slot, i = lexicon.slot_words[pair], i + 1
        if slot is None:
            continue
        value = unknown_at(i + 1, names_too=slot in ("category", "channel", "label"))  # "le label Ecocert"
        if value is not None:
            found.append(Unknown(Slot(slot), *value))
    if not found and elliptic and not hits and len(words) >= 3 and words[1] in articles:
        value = unknown_at(2)  # "et la visio ?", "and the fax?"
        if value is not None:
            found.append(Unknown(Slot.SUBJECT, *value))
    return found


def unexplained(words: list[str], hits: list[Hit], explained: frozenset[str]) -> list[str]:
    """Words that nothing explains: not a cue, an entity, a stop word, a number or a word of the data."""
    covered = {i for h in hits for i in range(h.start, h.end)}
    return [w for i, w in enumerate(words) if i not in covered and w not in explained
            and not w.isdigit() and not _NUMBER.match(w) and not (len(w) <= 2 and w.isdigit())]


def term(words: list[str], terms: PhraseIndex[str], skip: frozenset[str] = frozenset()) -> tuple[str, int, int] | None:
    """The glossary term a question names (longest match) and its span, if any."""
    matches = terms.find(words, fuzzy_max_words=2, skip=skip)
    if not matches:
        return None
    best = max(matches, key=lambda m: (m.end - m.start, m.score))
    return best.payload, best.start, best.end


def asks_meaning(words: list[str], span: tuple[int, int], hits: list[Hit], lexicon: Lexicon) -> bool:
    """Whether a question naming a glossary term (at `span`) asks what it means: a definition cue and
    nothing else asked ("c'est quoi un CCAS ?", "qui organise le baromètre ?"), or the term alone.
    "c'est qui les derniers lauréats du baromètre ?" asks the laureates, not what the barometer is."""
    start, end = span
    cues = [(s, e) for cue, s, e in lexicon.find(words) if cue.group == "define" and (e <= start or s >= end)]
    hits = [h for h in hits if not any(s <= h.start and h.end <= e for s, e in cues)]  # "mean" in "what does X mean"
    if any(h.start < start or h.end > end for h in hits if not (h.end <= start or h.start >= end)) \
            or any(h.end <= start or h.start >= end for h in hits):
        return False  # something else is named too
    rest = words[:start] + words[end:]
    defining = {(s, e) for cue, s, e in lexicon.find(rest) if cue.group == "define"}
    kept = [w for i, w in enumerate(rest) if not any(s <= i < e for s, e in defining)]
    if any(cue.group in ("intents", "topics", "attributes") and cue.key not in ("help", "greeting")
           for cue, _, _ in lexicon.find(kept)):
        return False  # something else is asked about it ("score des certifiées", "interco lauréate")
    if defining:
        return True
    if lexicon.starts_followup(words):
        return False  # "et les certifiées ?": the conversation goes on about them
    return not [w for w in rest if w not in lexicon.small_words]  # the term alone: "citoyen mystère ?"
