"""A phrase index over folded word n-grams: exact look-up first, then typo-tolerant look-up of
longer spans. Used for cue words (lexicon) and for entity aliases (vocabulary, places)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Generic, Iterable, TypeVar

from rapidfuzz import fuzz, process

P = TypeVar("P")

MIN_FUZZY_LEN = 5  # spans shorter than this are exact-match only ("tel" must not match "hotel")


@dataclass(frozen=True)
class Match(Generic[P]):
    start: int  # token index
    end: int  # exclusive
    phrase: str  # the indexed phrase that matched
    payload: P
    score: float  # 100 for exact


class PhraseIndex(Generic[P]):
    def __init__(self, fuzzy_cutoff: float = 86.0, max_words: int = 7) -> None:
        self.fuzzy_cutoff = fuzzy_cutoff
        self.max_words = max_words
        self._exact: dict[str, list[P]] = defaultdict(list)
        # fuzzy choices bucketed by (word count, first letter, length) to keep look-ups small at scale:
        # a ratio >= 86 is only possible between lengths within about a quarter of each other
        self._fuzzy: dict[tuple[int, str, int], list[str]] = defaultdict(list)
        self.longest = 1

    def add(self, phrase: str, payload: P) -> None:
        """`phrase` must already be folded (normalize.fold)."""
        if not phrase:
            return
        words = phrase.split()
        if len(words) > self.max_words:
            return
        if payload not in self._exact[phrase]:
            if not self._exact[phrase]:
                if len(phrase) >= MIN_FUZZY_LEN:
                    self._fuzzy[(len(words), phrase[0], len(phrase))].append(phrase)
            self._exact[phrase].append(payload)
        self.longest = max(self.longest, len(words))

    def add_all(self, phrases: Iterable[str], payload: P) -> None:
        for phrase in phrases:
            self.add(phrase, payload)

    def words(self) -> set[str]:
        """Every word of every indexed phrase."""
        return {w for phrase in self._exact for w in phrase.split()}

    def _closest(self, span: str, n: int) -> tuple[str, float] | None:
        size = len(span)
        # ratio = 2*common/(a+b) >= cutoff bounds the other length
        low = int(size * self.fuzzy_cutoff / (200 - self.fuzzy_cutoff))
        high = int(size * (200 - self.fuzzy_cutoff) / self.fuzzy_cutoff) + 1
        best: tuple[str, float] | None = None
        for length in range(max(MIN_FUZZY_LEN, low), high + 1):
            choices = self._fuzzy.get((n, span[0], length))
            if not choices:
                continue
            hit = process.extractOne(span, choices, scorer=fuzz.ratio,
                                     score_cutoff=best[1] if best else self.fuzzy_cutoff)
            if hit is not None and (best is None or hit[1] > best[1]):
                best = (hit[0], hit[1])
        return best

    def find(self, words: list[str], fuzzy: bool = True, skip: frozenset[str] = frozenset(),
             fuzzy_max_words: int = 3) -> list[Match[P]]:
        """Every match without overlaps: exact spans first (longest first), then typo-tolerant spans of
        at most `fuzzy_max_words` words over what is left. Words in `skip` never start or end a fuzzy span."""
        found: list[Match[P]] = []
        taken = [False] * len(words)
        passes = (False, True) if fuzzy else (False,)
        for fuzzy_pass in passes:
            top = min(self.longest, len(words), fuzzy_max_words if fuzzy_pass else self.max_words)
            for n in range(top, 0, -1):
                for i in range(len(words) - n + 1):
                    if any(taken[i:i + n]):
                        continue
                    span = " ".join(words[i:i + n])
                    if not fuzzy_pass:
                        hits = self._exact.get(span)
                        phrase, score = span, 100.0
                    else:
                        if len(span) < MIN_FUZZY_LEN or words[i] in skip or words[i + n - 1] in skip \
                                or any(w.isdigit() for w in words[i:i + n]):
                            continue
                        best = self._closest(span, n)
                        if best is None:
                            continue
                        phrase, score = best
                        hits = self._exact[phrase]
                    if hits:
                        for payload in hits:
                            found.append(Match(i, i + n, phrase, payload, score))
                        for k in range(i, i + n):
                            taken[k] = True
        found.sort(key=lambda m: m.start)
        return found
