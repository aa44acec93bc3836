"""What a question asks: an ordered table of named rules, the first that applies decides.

Each rule has a name, the example question it exists for and a near miss it must not claim (both are
its test: tests/test_rules.py), a condition on the situation and the change it makes to the query.
A rule may also answer at once (help, a greeting). Order matters: earlier rules are more specific.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from .query import Query

if TYPE_CHECKING:
    from .dialogue import Named
    from .parser import Parsed


class Intent(str, Enum):
    """What an answer gives (the `intent` of an Answer)."""

    LAUREATE = "laureate"
    PALMARES = "palmares"
    STRUCTURE = "structure"
    ATTRIBUTE = "attribute"
    SCORE = "score"
    RANKING = "ranking"
    SERIES = "series"
    METHOD = "method"
    OVERVIEW = "overview"
    LOOKUP = "lookup"
    DEFINE = "define"
    COMPARE_YEARS = "compare_years"
    HELP = "help"
    CLARIFY = "clarify"
    UNKNOWN = "unknown"


@dataclass
class Situation:
    """What the rules read: the query being built, the reading of the text, what it names."""

    q: Query
    p: "Parsed"
    named: "Named"
    intents: set[str]
    topic: str | None
    awards_asked: bool
    unknown_name: str | None
    channel_words: bool
    kinds_words: bool = False  # "type", "structure", "sorte": kinds of structure compared
    by_change: str | None = None  # "le plus reculé": channels ranked by their change ("down" / "up")

    @property
    def score_cue(self) -> bool:
        return bool(self.intents & {"score", "ranking", "series"})


@dataclass(frozen=True)
class Rule:
    name: str
    example: str  # a question this rule must be the first to claim
    near_miss: str  # a question close to it that it must not claim
    when: Callable[[Situation], bool]
    apply: Callable[[Situation], None]
    after: str | None = None  # a question asked before the example, when the rule is about a follow-up


def _set(**values: object) -> Callable[[Situation], None]:
    def apply(s: Situation) -> None:
        for name, value in values.items():
            setattr(s.q, name, value)
    return apply


def _method(s: Situation) -> None:
    s.q.intent, s.q.topic = Intent.METHOD.value, s.topic
    s.q.over_years = (not s.p.years or bool(s.p.since)) and ("series" in s.intents or (
        bool(s.q.superlative) and s.p.which_edition))  # "which edition had the fewest structures"


def _compare_pair(s: Situation) -> None:
    n = s.named
    s.q.intent, s.q.superlative = Intent.RANKING.value, None
    if len(n.chans) >= 2:
        s.q.compare = n.chans
    elif len(n.kinds) >= 2:
        s.q.compare, s.q.ranking_kinds = n.kinds, True
    else:  # "certifiés vs non certifiés": score subjects side by side
        s.q.compare, s.q.compare_subjects = n.subjects, True


def _channels_by_change(s: Situation) -> bool:
    """"quel canal a le plus reculé entre 2019 et 2020 ?": the channels ranked, not two editions compared."""
    return s.channel_words and bool(s.q.superlative or s.by_change) and not s.named.chans


def _place(s: Situation) -> None:
    s.q.intent = Intent.SCORE.value if "score" in s.intents and not s.awards_asked else Intent.STRUCTURE.value


def _awards(s: Situation) -> None:
    if "mention" in s.p.attributes:
        s.q.intent, s.q.attribute = Intent.ATTRIBUTE.value, "mention"
    else:
        s.q.intent = Intent.PALMARES.value


def _score_cue(s: Situation) -> None:
    one_year = len(s.p.years) == 1 and not s.p.since  # "et en 2016 il a évolué comment ?": a change
    s.q.intent = Intent.RANKING.value if "ranking" in s.intents else \
        Intent.SERIES.value if "series" in s.intents and not one_year else Intent.SCORE.value


def _one_year(s: Situation) -> bool:
    return len(s.p.years) == 1 and not s.p.since


RULES: tuple[Rule, ...] = (
    Rule("figure quoted", "62/100, c'était quelle année ?", "score global 2020 ?",
         lambda s: bool(s.p.values and s.p.which_year_asked and not (s.named.cats or s.named.places or s.p.years)),
         lambda s: _set(intent=Intent.LOOKUP.value, values=s.p.values)(s)),
    Rule("definition", "c'est quoi un citoyen mystère ?", "combien de citoyens mystères en 2016 ?",
         lambda s: s.p.define is not None, lambda s: _set(intent=Intent.DEFINE.value, term=s.p.define)(s)),
    Rule("two editions compared", "score global 2019 vs 2020", "score global 2020",
         lambda s: s.p.years_compared and not s.awards_asked and not _channels_by_change(s) and (s.score_cue or bool(
             s.named.chans or s.named.subjects or s.named.kinds) or bool(s.topic)),
         lambda s: _set(intent=Intent.COMPARE_YEARS.value, topic=s.topic)(s)),
    Rule("whether a structure took part", "est-ce que Quimper a participé au baromètre ?",
         "combien de structures ont participé en 2020 ?",
         lambda s: s.p.took_part and bool(s.named.places or s.unknown_name) and not (s.named.chans or s.named.subjects),
         lambda s: _set(intent=Intent.STRUCTURE.value, took_part=True,
                        place_text=None if s.named.places else s.unknown_name)(s)),
    Rule("methodology topic", "combien de structures auditées en 2020 ?", "score du téléphone en 2020",
         lambda s: s.topic is not None, _method),
    Rule("decided by the reading", "et les intercos", "qui a gagné chez les intercos en 2020 ?",
         lambda s: bool(s.q.intent), lambda s: None, after="scores par type de structure en 2019"),
    Rule("attribute of a structure", "Saumur, dans quel département ?", "qui a gagné chez les départements ?",
         lambda s: bool(s.p.attributes and not (s.named.chans or s.named.subjects)
                        and (s.named.places or not s.named.cats)),
         lambda s: _set(intent=Intent.ATTRIBUTE.value, attribute=_pick_attribute(s.p.attributes))(s)),
    Rule("best year", "en quelle année le score global a-t-il été le meilleur ?", "score global 2016",
         lambda s: "best_year" in s.intents, _set(intent=Intent.SERIES.value)),
    Rule("two channels, kinds or subjects", "téléphone ou courrier, lequel est le mieux noté en 2020 ?",
         "score du téléphone en 2020",
         lambda s: (len(s.named.chans) >= 2 or len(s.named.kinds) >= 2 or len(s.named.subjects) >= 2)
         and not s.awards_asked and not s.named.cats, _compare_pair),
    Rule("the best of a category", "le département le mieux noté en 2017", "quel type de structure a la meilleure moyenne en 2019 ?",
         lambda s: s.q.superlative == "best" and bool(s.named.cats) and not s.named.chans and not s.named.places
         and not s.p.which_edition and not s.kinds_words,
         _set(intent=Intent.LAUREATE.value, kind=None)),
    Rule("the best structure of a kind", "quelle ville avait le meilleur score en 2014 ?",
         "quel type de structure a la meilleure moyenne en 2019 ?",
         lambda s: bool(s.q.superlative) and len(s.named.kinds) == 1 and not s.named.cats and not s.named.chans
         and not s.named.places and not s.kinds_words and not s.awards_asked,
         _set(intent=Intent.RANKING.value)),
    Rule("best kind of structure", "quel type de structure a la meilleure moyenne en 2019 ?",
         "classement des canaux en 2020",
         lambda s: "ranking" in s.intents and bool(s.q.superlative) and s.q.ranking_kinds and not s.named.places
         and not s.named.chans and s.named.subjects in ([], ["global"]) and not s.awards_asked,
         _set(intent=Intent.RANKING.value, subject=None)),
    Rule("series over the editions", "évolution du score global", "score global 2016",
         lambda s: "series" in s.intents and not s.named.places and not s.named.cats and not _one_year(s),
         _set(intent=Intent.SERIES.value)),
    Rule("best or worst channel by its words", "2017 : quel canal est dernier ?", "2017 : qui est dernier ?",
         lambda s: bool(s.q.superlative) and s.channel_words and not s.named.any and not s.awards_asked
         and not s.intents & {"series", "best_year"},
         _set(intent=Intent.RANKING.value)),
    Rule("ranking of channels", "classement des canaux en 2020", "qui a gagné en 2020 ?",
         lambda s: "ranking" in s.intents and not s.named.places and not s.named.subjects
         and (not s.named.cats or "score" in s.intents) and (not s.awards_asked or s.channel_words),
         _set(intent=Intent.RANKING.value)),
    Rule("claim about a category", "Villeurbanne a gagné chez les plus de 50 000 en 2020 ?",
         "qu'a gagné Villeurbanne ?",
         lambda s: bool(s.named.places and s.named.cats and s.awards_asked and s.p.years),
         lambda s: _set(intent=Intent.LAUREATE.value, kind=None, places=[], claimed=list(s.named.places))(s)),
    Rule("rank in a category", "qui était 2e chez les régions en 2020 ?", "qui a gagné chez les régions en 2020 ?",
         lambda s: bool(s.q.rank and s.named.cats), _set(intent=Intent.LAUREATE.value, kind=None, places=[])),
    Rule("a place of the data", "qu'a gagné Saumur ?", "qui a gagné en 2020 ?",
         lambda s: bool(s.named.places), _place),
    Rule("a kind's score within a category", "score des départements en 2019", "qui a gagné chez les départements ?",
         lambda s: bool(s.named.cats and (s.named.kinds or s.named.chans) and "score" in s.intents
                        and not s.awards_asked),
         _set(intent=Intent.SCORE.value, category=None)),
    Rule("laureate of a category", "qui a gagné chez les intercos en 2020 ?", "score des intercos en 2019",
         lambda s: bool(s.named.cats), lambda s: _set(
             intent=Intent.LAUREATE.value, kind=None,
             place_text=s.unknown_name if s.awards_asked and not s.named.places else None)(s)),
    Rule("laureates of a kind", "quelles villes ont été primées en 2020 ?", "score des villes en 2019",
         lambda s: bool(s.named.kinds and not (s.named.chans or s.named.subjects) and s.awards_asked
                        and not s.unknown_name),
         _set(intent=Intent.PALMARES.value, kind=None)),
    Rule("a name the data does not know", "la ville de Grenoble a déjà été primée ?", "qui a été primé en 2020 ?",
         lambda s: bool(s.unknown_name and not (s.named.chans or s.named.subjects)),
         lambda s: _set(intent=Intent.STRUCTURE.value, place_text=s.unknown_name)(s)),
    Rule("a score subject", "score du téléphone en 2020", "évolution du téléphone",
         lambda s: bool(s.named.chans or s.named.subjects or s.named.kinds), _set(intent=Intent.SCORE.value)),
    Rule("the laureates", "qui a gagné en 2020 ?", "qui a gagné chez les régions en 2020 ?",
         lambda s: s.awards_asked, _awards),
    Rule("a score without a subject", "quels étaient les résultats en 2019 ?", "qui a gagné en 2019 ?",
         lambda s: s.score_cue, _score_cue),
    Rule("an edition by its number", "la 7e édition ?", "qui a gagné en 2020 ?",
         lambda s: bool(s.p.ordinal and not s.p.followup and not s.intents), _set(intent=Intent.OVERVIEW.value)),
)


def _pick_attribute(attributes: set[str]) -> str:
    for a in ("mention", "category", "department", "year"):
        if a in attributes:
            return a
    return next(iter(attributes))


def first_rule(situation: Situation) -> Rule | None:
    """The first rule that applies; its change is made to the situation's query."""
    for rule in RULES:
        if rule.when(situation):
            rule.apply(situation)
            situation.q.rule = rule.name
            return rule
    return None


# answers that need no fact, when no rule applied
PLAIN_CUES: tuple[tuple[str, str, Callable[[Situation], bool]], ...] = (
    ("help", Intent.HELP.value, lambda s: "help" in s.intents),
    ("greeting", Intent.HELP.value, lambda s: "greeting" in s.intents and not (s.p.years or s.p.relative)),
)


def plain_cue(situation: Situation) -> tuple[str, str] | None:
    for key, intent, when in PLAIN_CUES:
        if when(situation):
            return key, intent
    return None

