"""Reads one question on its own (no conversation yet): language, cue words, entities, years."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import Lexicon
from .matcher import EntityMatcher, Hit
from .normalize import fold
from .reading import (Band, Tokens, Unknown, asker_words, asks_meaning, band, negated, term, unexplained,
                      unknown_values, years_compared)

MAX_QUESTION_CHARS = 1000
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d|21\d\d)\b")
_ORDINAL = re.compile(r"\b(\d{1,2})\s?(?:e|eme|er|ere|nd|nde|th|st|rd)\b")
# "villes de 2000 a 10000 habitants": a number of inhabitants, not a year
_POPULATION = re.compile(r"\s*(?:(?:a|et|-)\s*\d[\d ]*)?\s*(?:habitants|hab|inhabitants|residents)\b"
                         r"|\s*(?:a|et)\s+(?!(?:19[5-9]\d|20\d\d)\b)\d{4,}")
# a figure quoted: "62/100", "68,5", "70 %" (not a year, not a population)
_VALUE = re.compile(r"(?<![\d.,/])(\d{1,3}(?:[.,]\d)?)(?=\s*(?:/\s*100|%|sur 100|out of 100|points?\b|structures)"
                    r"|\s*[,.]?\s*(?:c|that|which|quelle|what)\b)")
_SINCE = re.compile(r"\b(?:depuis|since|a partir de|from|entre|between|de)\s+(19[5-9]\d|20\d\d)\b")


@dataclass
class Parsed:
    raw: str
    words: list[str]
    lang: str | None  # None when the words do not tell
    intents: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)
    relative: str | None = None  # previous / next / latest / first
    followup: bool = False
    comparison: bool = False  # "par rapport à avant": the change, not another year
    versus: bool = False  # "mieux que ...": two things compared
    source_request: bool = False  # "et la source ?": where the previous answer comes from
    off_topic: bool = False
    off_topic_at: set[int] = field(default_factory=set)  # the words of the off-topic cues
    tokens: Tokens = field(default_factory=lambda: Tokens((), ()))  # the question's own tokens, as written
    asker: frozenset[int] = frozenset()  # the words of a clause where the person says who they are
    injection: bool = False
    too_long: bool = False
    years: list[int] = field(default_factory=list)
    since: int | None = None
    ordinal: int | None = None  # edition number asked ("8e édition")
    rank: int | None = None  # a rank asked ("qui était 2e ?", "runner-up")
    values: list[float] = field(default_factory=list)  # figures quoted ("62/100", "68,5", "70 %")
    hits: list[Hit] = field(default_factory=list)
    which_year_asked: bool = False  # "c'était quelle année ?"
    which_edition: bool = False  # "quelle édition a eu le plus de ..."
    define: str | None = None  # a term whose meaning is asked ("c'est quoi un CCAS ?"): its glossary id
    years_compared: bool = False  # two editions set side by side ("2019 vs 2020", "compare 2016 et 2017")
    year_range: tuple[int, int] | None = None  # "de 2016 à 2020": the editions between, inclusive
    band: Band | None = None  # a population band ("entre 20 et 50 mille")
    negated: set[int] = field(default_factory=set)  # indexes in `hits` of what a negation excludes
    unknowns: list[Unknown] = field(default_factory=list)  # values that match no category, channel, kind...
    unexplained: list[str] = field(default_factory=list)  # words nothing explains
    term: str | None = None  # a glossary term named
    define_cue: bool = False  # "c'est quoi", "what does ... mean"
    verify: bool = False  # a claim to check ("..., non ?", "is it true that ...")
    why: bool = False  # "pourquoi ...": a premise to check
    took_part: bool = False  # "Quimper a participé ?": whether a structure took part (not how many did)

    @property
    def entity_types(self) -> set[str]:
        return {e.type for h in self.hits for e in h.entities}

    def has_type_word(self, lexicon: Lexicon, type_: str) -> bool:
        return any(w in lexicon.type_words.get(type_, ()) for w in self.words)


def parse(question: str, lexicon: Lexicon, matcher: EntityMatcher) -> Parsed:
    if len(question) > MAX_QUESTION_CHARS:
        return Parsed(raw=question[:200], words=[], lang=None, too_long=True)
    text = fold(question)
    words = text.split()
    parsed = Parsed(raw=question, words=words, lang=lexicon.language(words))
    attribute_spans: set[int] = set()
    hits = matcher.find(words)
    names = frozenset(w for h in hits if h.score >= 100 for w in words[h.start:h.end])
    for cue, start, end in lexicon.find(words, names):
        if cue.group == "intents":
            parsed.intents.add(cue.key)
        elif cue.group == "topics":
            parsed.topics.add(cue.key)
        elif cue.group == "attributes":
            parsed.attributes.add(cue.key)
            attribute_spans.update(range(start, end))
        elif cue.group == "relative_years":
            parsed.relative = parsed.relative or cue.key
        elif cue.group == "off_topic":
            parsed.off_topic = True
            parsed.off_topic_at.update(range(start, end))
        elif cue.group == "injection":
            parsed.injection = True
        elif cue.group == "comparison":
            parsed.comparison = True
        elif cue.group == "versus":
            parsed.versus = True
        elif cue.group == "source_request":
            parsed.source_request = True
        elif cue.group == "define":
            parsed.define_cue = True
        elif cue.group == "verify":
            parsed.verify = True
        elif cue.group == "why":
            parsed.why = True
    parsed.followup = lexicon.starts_followup(words)
    parsed.which_year_asked = lexicon.has(words, "which_year_asked")
    parsed.which_edition = lexicon.has(words, "which_edition")
    parsed.took_part = lexicon.has_phrase(words, "took_part") and not lexicon.has(words, "how_many")
    names_a_place = any(e.type == "place" for h in hits for e in h.entities)
    for topic, groups in lexicon.topic_pairs.items():  # "les audits 2020 c'était quand ?", "combien ... primées"
        if not names_a_place and all(any(w.startswith(group) for w in words) for group in groups):
            parsed.topics.add(topic)
    parsed.years = [int(m.group(1)) for m in _YEAR.finditer(text) if not _POPULATION.match(text, m.end())]
    parsed.years += _years_in_words(words, lexicon)
    parsed.values = [float(m.group(1).replace(",", ".")) for m in _VALUE.finditer(question)
                     if not _YEAR.fullmatch(m.group(1))]
    since = _SINCE.search(text)
    if since and ("series" in parsed.intents or re.search(r"\b(depuis|since|a partir de)\b", text)):
        parsed.since = int(since.group(1))
    # "la première édition avec un score …": the first edition holding a fact, not edition n° 1
    parsed.ordinal = None if parsed.relative == "earliest" else _edition_ordinal(words, lexicon)
    parsed.rank = None if parsed.ordinal else _rank(words, lexicon)
    # the numbers of an ordinal or a year are not entity words
    # "dans quel département ?" asks for an attribute: its words name no category
    parsed.hits = [h for h in hits if not attribute_spans.intersection(range(h.start, h.end))]
    read_mentions(parsed, question, lexicon, matcher)
    return parsed


def read_mentions(parsed: Parsed, question: str, lexicon: Lexicon, matcher: EntityMatcher) -> None:
    """The typed mentions of reading.py: editions compared, bands, negations, unknown values, terms."""
    words = parsed.words
    if words and words[-1] in lexicon.word_sets["verify_tail"] and len(words) > 3:
        parsed.verify = True
    compared, ranged = years_compared(" ".join(words), parsed.years)
    if len(compared) >= 2 and re.search(rf"\b{compared[0]}\s*[-–/]\s*{compared[1]}\b", question):
        ranged = True  # "2013-2020": folding turned the hyphen into a space
    if ranged:
        parsed.year_range = (min(compared[:2]), max(compared[:2]))
        parsed.since = None  # "de 2016 à 2020": both bounds hold
    parsed.years_compared = bool(compared) and parsed.since is None
    parsed.tokens = Tokens.of(question, words)
    parsed.asker = asker_words(words, parsed.tokens, lexicon)
    parsed.band = band(words, lexicon)
    parsed.negated = negated(words, parsed.hits, lexicon)
    names = {fold(w) for n, w in enumerate(question.split()) if n > 0 and w[:1].isupper()}
    parsed.unknowns = unknown_values(words, names, parsed.hits, lexicon, matcher.explained, parsed.followup)
    parsed.unexplained = unexplained(words, parsed.hits, matcher.explained)
    named = term(words, matcher.terms, matcher.skip)
    if named is not None:
        parsed.term = named[0]
        if not parsed.years and not parsed.ordinal and not lexicon.has(words, "how_many") \
                and asks_meaning(words, named[1:], parsed.hits, lexicon):
            parsed.define = parsed.term


def _small_number(words: list[str], lexicon: Lexicon) -> tuple[int, int]:
    """The number (0-99) written at the start of `words` ("dix neuf", "vingt et un", "twenty one") and how
    many words it took."""
    total, used = 0, 0
    for word in words[:4]:
        value = lexicon.number_words.get(word)
        if word == "et" and used and total >= 20:
            used += 1
            continue
        if value is None or (used and value >= 10 and total < 20 and not (total == 10 and value < 10)):
            break
        total, used = total + value, used + 1
    return total, used


def _years_in_words(words: list[str], lexicon: Lexicon) -> list[int]:
    """'deux mille seize' -> 2016, 'two thousand and nineteen' -> 2019, 'twenty twenty' -> 2020."""
    found = []
    for i, word in enumerate(words):
        if word in ("deux", "two") and i + 1 < len(words) and words[i + 1] in lexicon.thousand_words:
            rest = words[i + 2:]
            if rest[:1] == ["and"]:
                rest = rest[1:]
            number, used = _small_number(rest, lexicon)
            if used:
                found.append(2000 + number)
        elif word == "twenty" and i + 1 < len(words):
            number, used = _small_number(words[i + 1:], lexicon)
            if used and number >= 10:
                found.append(2000 + number)
    return found


def _rank(words: list[str], lexicon: Lexicon) -> int | None:
    """A place in a ranking other than the first: "2e", "deuxième", "second", "runner-up"."""
    for word in words:
        if word in lexicon.word_sets["runner_up"]:
            return 2
        match = _ORDINAL.fullmatch(word)
        number = int(match.group(1)) if match else lexicon.ordinals.get(word)
        if number and 1 < number <= 10:
            return number
    return None


def _edition_ordinal(words: list[str], lexicon: Lexicon) -> int | None:
    short = len(words) <= 5  # "et pour la 7e ?": in a short follow-up a bare ordinal is an edition
    for i, word in enumerate(words):
        near = words[i + 1:i + 3] + words[max(0, i - 2):i]
        near = words[i + 1:i + 2] + words[max(0, i - 1):i]  # "8e édition", "édition 8", not "première au baromètre"
        bare = short and _ORDINAL.fullmatch(word) and word not in ("1er", "1ere") and i > 0 \
            and words[i - 1] in lexicon.word_sets["article"]  # "et pour la 7e ?" (but "qui était 2e ?" is a rank)
        if not any(w in lexicon.edition_words for w in near) and not bare:
            continue
        if word in lexicon.ordinals:
            return lexicon.ordinals[word]
        match = _ORDINAL.fullmatch(word) or (
            _ORDINAL.fullmatch(word + " " + words[i + 1]) if i + 1 < len(words) else None)
        if match:
            return int(match.group(1))
    return None
