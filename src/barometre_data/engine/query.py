"""A question once understood in its conversation: what is asked, about what, for which year."""

from __future__ import annotations

from dataclasses import dataclass, field

# the intent each kind of entity suggests when the question has no cue word
NATURAL_INTENT = {"category": "laureate", "place": "structure", "channel": "score", "subject": "score",
                  "kind": "score"}
# intents that can take each kind of entity
COMPATIBLE = {
    "category": {"laureate", "attribute"},
    "place": {"structure", "attribute", "score"},
    "channel": {"score", "series"},
    "subject": {"score", "series"},
    "kind": {"score", "ranking", "series"},
}
SLOTS = ("category", "channel", "subject", "kind", "places")


@dataclass
class Query:
    intent: str
    lang: str = "fr"
    year: int | None = None
    year_explicit: bool = False
    years: list[int] = field(default_factory=list)  # several editions asked at once ("2019 vs 2020", "de 2016 à 2020")
    inherited: bool = False  # completed from the conversation (a follow-up)
    year_soft: bool = False  # the conversation's year, kept for a new subject: the latest edition may answer instead
    relative: str | None = None
    since: int | None = None
    category: str | None = None
    channel: str | None = None
    subject: str | None = None  # global / certified / non-certified
    kind: str | None = None
    places: list[str] = field(default_factory=list)  # place keys of the matcher
    place_text: str | None = None  # a name asked for that matches no known place
    took_part: bool = False  # "Saumur a participé ?": whether the structures named took part
    topic: str | None = None  # methodology topic
    term: str | None = None  # a glossary term whose meaning is asked
    attribute: str | None = None  # department / mention / category
    superlative: str | None = None  # best / worst
    ranking_kinds: bool = False  # a ranking of kinds of structure rather than of channels
    values: list[float] = field(default_factory=list)  # figures whose edition is asked ("62/100, quelle année ?")
    mention_words: list[str] = field(default_factory=list)  # the question's words, to find a mention named
    where: bool = False  # "où ?": a place is asked
    only_kind: str | None = None  # "ce département lui-même": the structures of that kind in the place
    rank: int | None = None  # "qui était 2e ?": a rank other than the winner
    compare: list[str] = field(default_factory=list)  # channels, kinds or score subjects named together, to compare
    compare_subjects: bool = False  # what `compare` holds are score subjects (global, certified, non-certified)
    over_years: bool = False
    by_change: str | None = None  # "down" / "up": rank by the change on the previous edition ("le plus baissé")
    fresh: bool = False  # a follow-up that changed subject: defaults apply, not the conversation's year  # a methodology count across editions
    structures: list[str] = field(default_factory=list)  # structure names from the conversation
    about_structures: bool = False  # "pour eux", "its": the question is about those structures
    confidence: float = 0.9
    rule: str | None = None  # the rule of rules.py that decided what is asked
    claimed: list[str] = field(default_factory=list)  # place keys a claim is about ("X a gagné C en Y, non ?")
    premise: str | None = None  # "down" / "up": the change a question takes for granted ("pourquoi a-t-il baissé ?")
    more_topics: list[str] = field(default_factory=list)  # further methodology topics asked in the same question
    band_note: str | None = None  # the population band asked, when it chose the category
    how_many: bool = False  # "combien de …": a count is asked (of a list: its length)
    same_years: list[int] = field(default_factory=list)  # "cette année-là" after an answer spanning these editions

    def slots(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in SLOTS if getattr(self, name)}
