"""Dialogue: turns a parsed question into a Query within its conversation, or into an answer that needs
no fact (a refusal, help, a clarification question). The steps, in order:

1. `refusal`: too long, off-topic, injection, empty;
2. `entities`: what the question names, sorted by kind (an ambiguous word is decided by the words or
   the conversation, else a clarification is asked);
3. `adjust` then `decide_intent`: what is asked;
4. `refer_to_conversation`: pronouns, "ce département", ranks, "mieux que ..." about what was just said;
5. `merge` and `resolve_year`: a follow-up is completed with the conversation's subject and year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..knowledge import Knowledge
from .answer import Answer, ConversationState
from .answers import COUNT_TOPICS, Answerer
from .lexicon import Lexicon
from .matcher import EntityMatcher
from .normalize import fold
from .parser import Parsed
from .reading import Unknown
from .query import COMPATIBLE, NATURAL_INTENT, Query
from .rules import Situation, first_rule, plain_cue
from .wording import Wording

TOPIC_PRIORITY = ("threshold", "renaming", "categories", "laureates_count", "criteria_count", "audits_per_structure", "platforms", "channels",
                  "determinants", "audit_periods", "mystery_citizens", "structures_audited", "presentation", "launch",
                  "name", "edition_number")
FACT_INTENTS = ("laureate", "palmares", "score", "ranking", "series", "best_year")
TYPO_SIMILARITY = 75  # rapidfuzz ratio from which an unknown word is a misspelling of the known one next to it


@dataclass
class Resolved:
    query: Query | None = None
    answer: Answer | None = None  # an answer that needs no fact (clarification, help, refusal)


@dataclass
class Named:
    """What a question names, by kind of entity (ids of the vocabulary, place keys)."""

    cats: list[str] = field(default_factory=list)
    chans: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    ambiguous: tuple[str, str, str] | None = None  # (word, category id, channel id)

    @property
    def any(self) -> bool:
        return bool(self.cats or self.chans or self.subjects or self.kinds or self.places)

    def types(self) -> set[str]:
        return {t for t, v in (("category", self.cats), ("channel", self.chans), ("subject", self.subjects),
                               ("kind", self.kinds), ("place", self.places)) if v}


class Dialogue:
    """Resolution rules; holds no conversation state itself (that is the ConversationState passed in)."""

    def __init__(self, knowledge: Knowledge, lexicon: Lexicon, wording: Wording, matcher: EntityMatcher,
                 answerer: Answerer) -> None:
        self.knowledge = knowledge
        self.lexicon = lexicon
        self.wording = wording
        self.matcher = matcher
        self.answerer = answerer
        self._by_number = {e.number: y for y, e in knowledge.editions.items() if e.number}
        # where results were presented ("Angers"): a place of the data, not an unknown laureate
        self.event_places = frozenset(w for e in knowledge.editions.values() for event in (e.published, e.presentation)
                                      if event and event.place for w in fold(event.place).split())
        # a glossary term that is also a category ("MFS"): what "une a gagné ?" after its definition asks about
        category_words = {fold(alias): key for key, c in knowledge.vocabulary.categories.items()
                          for alias in (key.replace("-", " "), c.fr, c.en, *c.aliases)}
        self.term_categories = {term.id: category_words[w] for term in knowledge.glossary.values()
                                for w in map(fold, (term.id.replace("-", " "), *term.aliases))
                                if w in category_words}

    # ------------------------------------------------------------------ the steps
    def resolve(self, p: Parsed, state: ConversationState) -> Resolved:
        # the question's own language; when its words do not tell, the conversation's if it goes on with it
        lang = p.lang or (state.lang if self.continues(p) else None) or "fr"
        refusal = self.refusal(p, lang)
        if refusal is not None:
            return Resolved(answer=refusal)
        if "year" in p.attributes:
            self.year_attribute(p)
        intents = set(p.intents)
        named = self.entities(p, state, intents)
        self.name_over_places(p, named, intents)
        unknown = self.unknown_value(p, named, intents, state, lang) or self.too_thin(p, lang)
        if unknown is not None:
            return Resolved(answer=unknown)
        if named.ambiguous and not (named.cats or named.chans):
            return Resolved(answer=self.clarify(named.ambiguous, p, state, lang))
        bare = self.bare_alias(p, named, lang)
        if bare is not None:
            return Resolved(answer=bare)

        self.apply_negation(p, named)
        band_problem = self.band_to_category(p, named, intents, state, lang)
        if band_problem is not None:
            return Resolved(answer=band_problem)
        q = self.new_query(p, named, lang)
        topic = self.pick_topic(p, intents, named.chans, named.subjects)
        q.more_topics = self.more_topics(p, intents, named, topic)
        if p.why or p.verify:
            q.premise = self.lexicon.change_direction(p.words)
        self.adjust(q, p, named, intents, topic, state)
        answer = self.decide_intent(q, p, named, intents, topic, lang)
        if answer is not None:
            return Resolved(answer=answer)
        self.refer_to_conversation(q, p, named, state)

        other = self.other_subject(p)
        if other and not named.places and q.intent != "structure" and ((not named.any and not topic) or (
                q.intent in ("method", "overview", "score", "ranking", "series") and other[1])):
            return Resolved(answer=self.plain("other_subject", lang, "unknown", name=other[0]))

        followup = self.is_followup(q, p, named, intents, topic, state)
        if followup:
            self.merge(q, state, named.any)
            q.inherited = True
        self.after_definition(q, p, named, state)
        if not q.intent:
            if p.years or p.ordinal or p.relative:
                q.intent = "overview"
            else:
                return Resolved(answer=self.plain("unknown", lang, "unknown"))
        if q.intent == "ranking":
            q.by_change = self.lexicon.change_direction(p.words)
            if self.lexicon.has(p.words, "channels") and not named.kinds:
                q.kind, q.ranking_kinds = None, False  # "et le meilleur canal cette année-là ?" after kinds
        problem = self.resolve_year(q, p, state, followup, named.any)
        if problem is not None:
            return Resolved(answer=problem)
        return Resolved(query=q)

    def year_attribute(self, p: Parsed) -> None:
        """"c'était en quelle année ?" asks the year of the awards just named only in a short follow-up or
        about a place; "which year was that?" asks no best year; "en quelle année le score … ?" is not it."""
        if p.intents == {"best_year"} and not self.superlative(p.words):
            p.intents.discard("best_year")
        other_things = any(not h.of_type("place") for h in p.hits)
        places = any(h.of_type("place") for h in p.hits)
        if p.intents or p.topics or p.values or p.years or p.ordinal or other_things or (len(p.words) > 7 and not places):
            p.attributes.discard("year")

    def self_contained(self, p: Parsed) -> bool:
        """Whether the question names all it needs (what it asks, about what, and its year), so that
        nothing of the conversation may change its answer."""
        lex = self.lexicon
        rank_needs_category = p.rank and not any(h.of_type("category") for h in p.hits)  # "qui était 2e ?"
        if p.followup or p.source_request or (p.versus and not p.years_compared) or rank_needs_category \
                or p.attributes:
            return False
        if p.relative and p.relative not in ("latest", "first") and not (p.comparison and p.relative == "previous"):
            return False  # "l'an dernier" depends on the conversation; "par rapport à l'édition d'avant" does not
        if lex.points_back(p.words) or lex.has(p.words, "demonstratives"):
            return False  # "son score en 2017", "ce département": about what was just said
        if lex.has(p.words, "anaphora") and not (p.hits or p.topics):
            return False  # "dont combien de villes en 2019 ?": of what the conversation listed
        if lex.has(p.words, "pronouns") and (self.pronoun_points_back(p) or not (p.hits or p.topics)):
            return False  # "ils ont eu combien en 2019 ?": who "they" are comes from the conversation
        if p.define:
            return True  # a definition holds for every edition
        if lex.has_phrase(p.words, "since_when"):
            return True  # "depuis quelle édition … ?": about every edition, not the conversation's year
        dated = bool(p.years or p.ordinal or p.relative in ("latest", "first", "earliest"))
        asks = bool(p.intents - {"greeting", "help"} or p.topics or p.hits)
        return dated and asks

    def apply_negation(self, p: Parsed, named: Named) -> None:
        """"hors collectivités", "celles qui ne sont pas certifiées": where the vocabulary has the
        opposite term ("non-collectivites", "non-certified"), the question is about that one."""
        vocabulary = self.knowledge.vocabulary
        for index in sorted(p.negated):
            for entity in p.hits[index].entities:
                opposite = f"non-{entity.id}"
                for kind, section, names in (("kind", vocabulary.kinds, named.kinds),
                                             ("subject", vocabulary.subjects, named.subjects)):
                    if entity.type == kind and opposite in section and entity.id in names:
                        names[names.index(entity.id)] = opposite
                if entity.type == "category" and entity.id in named.cats and opposite in vocabulary.kinds:
                    named.cats.remove(entity.id)
                    named.kinds.append(opposite)

    def band_to_category(self, p: Parsed, named: Named, intents: set[str], state: ConversationState,
                         lang: str) -> Answer | None:
        """A population band ("entre 20 et 50 mille", "+ de 100k") chooses the category of the edition
        that holds it; the answer then names the category's real band."""
        if p.band is None or named.places:
            return None
        k = self.knowledge
        population = {c for c in named.cats if any(getattr(cat, "bounded", False) for e in k.editions.values()
                                                      for cat in getattr(e, "category_list", ()) if cat.id == c)}
        if named.cats and not population:
            return None  # a category that is not a population band ("intercos") was named
        if not (population or intents & {"laureate", "palmares"} or named.kinds):
            return None
        year = next((y for y in p.years if y in k.editions), None) or self._by_number.get(p.ordinal or 0)
        if year is None and state.year in k.editions and not self.self_contained(p):
            year = state.year
        low, high = p.band.low, p.band.high
        if population and (year is None or population & set(k.editions[year].categories)):
            edition = k.editions[year] if year is not None else None
            holding = {c.id for c in edition.categories_for(low, high, open_ended=high is None)} \
                if edition is not None and hasattr(edition, "categories_for") else population
            if population & holding or not holding:
                return None  # the category named exists in that edition ("villes de plus de 100 000" in 2016)
            # the words matched a category ("villes … 20 000") whose band is not the one written
            # ("20 000 - 49 999"): the figures decide
        candidates = [year] if year is not None else [y for y in reversed(k.years)
                                                       if any(getattr(c, "bounded", False) for c in getattr(k.editions[y], "category_list", ()))
                                                       and k.editions[y].awards]
        for y in candidates:
            if not hasattr(k.editions[y], "categories_for"):
                return None
            found = k.editions[y].categories_for(low, high, open_ended=high is None)
            if found:
                named.cats = [c.id for c in found[:1]]
                named.kinds = [kd for kd in named.kinds if kd not in self.lexicon.town_kinds]
                return None
        if year is None or not any(getattr(c, "bounded", False) for c in getattr(k.editions[year], "category_list", ())):
            return None  # that edition has no population categories: the words decide as usual
        _, choices = self.answerer.choices("category", year, lang)
        shown = self.wording.t("band_text", lang, low=low if low is not None else "…", high=high if high is not None else "…")
        answer = self.plain("band_none", lang, "laureate", band=shown, year=year, choices=choices)
        answer.year = year
        return answer

    def more_topics(self, p: Parsed, intents: set[str], named: Named, topic: str | None) -> list[str]:
        """Further counts asked in the same question ("combien de structures et combien de citoyens
        mystères en 2016 ?"): every count topic named, beyond the first."""
        if topic is None or topic not in COUNT_TOPICS or named.any:
            return []
        others = [t for t in TOPIC_PRIORITY if t in p.topics and t != topic and t in COUNT_TOPICS]
        return others if self.lexicon.has(p.words, "joiners") else []

    def continues(self, p: Parsed) -> bool:
        """Whether a question whose words tell no language goes on with the conversation: a follow-up
        marker, or a short year or value with nothing else asked ("2019 ?", "tel ?")."""
        return p.followup or (len(p.words) <= 4 and bool(p.years or p.hits or p.ordinal or p.relative)
                              and not (p.intents or p.topics or p.unexplained or p.define))

    def refusal(self, p: Parsed, lang: str) -> Answer | None:
        if p.too_long:
            return self.plain("too_long", lang, "unknown")
        off_topic = p.off_topic and not (p.off_topic_at and p.off_topic_at <= p.asker)
        if p.injection or off_topic or not p.words:  # "deputy mayor of X here": who asks, not a question on mayors
            return self.plain("unknown", lang, "unknown")
        return None

    def too_thin(self, p: Parsed, lang: str) -> Answer | None:
        """Text that is not a question about the barometer although it holds a known word or two."""
        if len(p.unexplained) >= 2 and len(p.unexplained) * 2 > len(p.words):
            return self.plain("unknown", lang, "unknown")  # mostly words nothing explains: not a question
        if not self.substantive(p):
            return self.plain("unknown", lang, "unknown")  # only stray letters ("x k Y", "Vs", "et ?"): nothing asked
        if p.unexplained and not (p.intents or p.topics or p.years or p.attributes or p.followup) \
                and len(p.words) <= 6 and len(p.hits) == 1 \
                and len(" ".join(p.words[p.hits[0].start:p.hits[0].end])) <= 4:
            return self.plain("unknown", lang, "unknown")  # a lone name among unknown words ("yeu web"): not a question
        return None

    def pronoun_points_back(self, p: Parsed) -> bool:
        """A pronoun about what the conversation named ("et eux au tel ?"), not about the subject the
        question named before it ("les structures non certifiées, elles ont eu combien ?") nor about the
        score itself ("the 2016 score and how did it change?")."""
        sets = self.lexicon.word_sets
        at = next((i for i, w in enumerate(p.words) if w in sets["pronouns"]), None)
        if at is None:
            return False
        own = [h.start for h in p.hits if h.of_type("subject") or h.of_type("kind") or h.of_type("channel")]
        if own and min(own) < at:
            return False
        return not (own and p.words[at] in sets["score_pronouns"])

    def content_words(self, p: Parsed) -> list[str]:
        """Words that say what is asked, beyond question words, small words and years."""
        small = self.lexicon.small_words
        return [w for w in p.words if w not in small and not w.isdigit()]

    def substantive(self, p: Parsed) -> bool:
        """Whether anything of weight was read: a word of 3+ letters that names or asks something, a year, two
        things named, a term. Lone short aliases and stray letters are not enough to state a fact."""
        if p.years or p.ordinal or p.term or len({e for h in p.hits for e in h.entities}) >= 2:
            return True
        covered = {i for h in p.hits for i in range(h.start, h.end)}
        lex = self.lexicon
        strong = lex.weighty_words
        start = next((n for n in range(4, 0, -1) if " ".join(p.words[:n]) in lex.followups), 0) if p.followup else 0
        return any((len(w) >= 3 or (p.followup and i in covered)) and (i in covered or w in strong)
                   for i, w in enumerate(p.words) if i >= start)

    def unknown_value(self, p: Parsed, named: Named, intents: set[str], state: ConversationState,
                      lang: str) -> Answer | None:
        """A value standing where a category, channel, kind or label would stand and matching none:
        named in the answer with the real choices, never dropped for another question."""
        for unknown in p.unknowns:
            slot = unknown.slot.value
            # a known word right after the unknown one only qualifies it ("le chat en ligne": not the website)
            if unknown.at >= 0 and not self.misspells_next(p, unknown):
                named = self.entities_apart(p, named, unknown.at + 1)
            if slot == "subject":
                if named.chans or named.kinds or named.subjects or named.cats or named.places:
                    continue
                awards = bool(intents & {"laureate", "palmares"}) or (
                    not intents and state.intent in ("laureate", "palmares", "structure"))
                slot = "category" if awards else "channel"
            elif slot == "kind":
                if named.kinds or named.cats or named.places or named.chans:
                    continue
                slot = "category" if intents & {"laureate", "palmares"} else "kind"
            elif slot == "category" and named.cats:
                continue
            elif slot == "channel" and named.chans:
                continue
            year = next((y for y in p.years if y in self.knowledge.editions), None)
            if year is None and state.year in self.knowledge.editions and not self.self_contained(p):
                year = state.year
            choices_year, choices = self.answerer.choices(slot, year, lang)
            shown = next((w.strip("?!.,;:«»\"'()") for w in p.raw.split()
                          if fold(w) == unknown.text), unknown.text)  # as the person wrote it
            answer = self.plain(f"unknown_{slot}", lang, "unknown", word=shown, year=choices_year or "",
                                choices=choices)
            answer.suggestions = []
            answer.entities = {"unknown": {"slot": slot, "text": unknown.text}}
            return answer
        return None

    def misspells_next(self, p: Parsed, unknown: Unknown) -> bool:
        """Whether an unknown word is a misspelt part of the name right after it ("resaux sociaux")."""
        words = {w for h in p.hits if h.start == unknown.at + 1 for e in h.entities
                 for lang in ("fr", "en") for w in fold(self.answerer.entity_label(e.type, e.id, lang)).split()}
        return any(fuzz.ratio(unknown.text, w) >= TYPO_SIMILARITY for w in words)

    @staticmethod
    def entities_apart(p: Parsed, named: Named, start: int) -> Named:
        """`named` without what the hit starting at word `start` names."""
        adjacent = [h for h in p.hits if h.start == start]
        if not adjacent:
            return named
        ids = {e.id for h in adjacent for e in h.entities}
        return Named(cats=[c for c in named.cats if c not in ids], chans=[c for c in named.chans if c not in ids],
                     subjects=[c for c in named.subjects if c not in ids], kinds=[c for c in named.kinds if c not in ids],
                     places=[c for c in named.places if c not in ids], ambiguous=named.ambiguous)

    def bare_alias(self, p: Parsed, named: Named, lang: str) -> Answer | None:
        """A lone short alias ("x", "tel") is too thin to answer a fact: ask what is meant."""
        if len(p.words) > 2 or p.intents or p.topics or p.years or p.ordinal or not p.hits or p.followup:
            return None
        if any(h.end - h.start > 1 or len(p.words[h.start]) > 3 or h.score < 100 or h.of_type("place")
               for h in p.hits):
            return None
        hit = p.hits[0]
        entity = hit.entities[0]
        label = self.answerer.entity_label(entity.type, entity.id, lang)
        question = self.wording.t("bare_alias_question", lang, label=label)
        answer = self.plain("bare_alias", lang, "clarify", word=p.words[hit.start], label=label)
        answer.suggestions = [question]
        return answer

    def entities(self, p: Parsed, state: ConversationState, intents: set[str]) -> Named:
        named = Named()
        by_type = {"category": named.cats, "channel": named.chans, "subject": named.subjects, "kind": named.kinds,
                   "place": named.places}
        for hit in p.hits:
            c, ch = hit.of_type("category"), hit.of_type("channel")
            if c and ch:  # "sociaux": the category or the channel?
                side = self.decide_category_or_channel(p, state)
                if side == "category":
                    named.cats += [e.id for e in c]
                elif side == "channel":
                    named.chans += [e.id for e in ch]
                else:
                    named.ambiguous = (" ".join(p.words[hit.start:hit.end]), c[0].id, ch[0].id)
                continue
            for e in hit.entities:
                by_type[e.type].append(e.id)
        for name in ("cats", "chans", "subjects", "kinds", "places"):
            setattr(named, name, list(dict.fromkeys(getattr(named, name))))
        # a short reply to a clarification question ("la catégorie", "le canal")
        pending = state.entities.get("ambiguous") if state.entities else None
        if pending and not named.any and not named.ambiguous and not p.years and not p.attributes:
            for side in ("category", "channel"):
                if p.has_type_word(self.lexicon, side):
                    (named.cats if side == "category" else named.chans).append(pending[side])
                    intents.add("laureate" if side == "category" else "score")
                    break
        return named

    def new_query(self, p: Parsed, named: Named, lang: str) -> Query:
        fuzzy = min((h.score for h in p.hits), default=100.0)
        return Query(
            intent="", lang=lang, confidence=0.95 if fuzzy >= 100 else 0.75,
            category=named.cats[0] if named.cats else None, channel=named.chans[0] if named.chans else None,
            subject=named.subjects[0] if named.subjects else None, kind=named.kinds[0] if named.kinds else None,
            places=named.places, since=p.since, rank=p.rank, superlative=self.superlative(p.words),
            where=self.lexicon.has(p.words, "where") and not self.lexicon.has(p.words, "planned"),
            mention_words=list(p.words), how_many=self.lexicon.has(p.words, "how_many"),
            ranking_kinds=bool(named.kinds and not named.chans) or self.lexicon.has(p.words, "kinds"),
        )

    def adjust(self, q: Query, p: Parsed, named: Named, intents: set[str], topic: str | None,
               state: ConversationState) -> None:
        """Readings that depend on several words at once."""
        if named.cats and named.kinds and not intents & {"laureate", "palmares", "score"} \
                and state.intent in ("score", "series", "ranking") and (p.followup or len(p.words) <= 4):
            # "et les intercos" after kind scores: the kind of structure, not the award category
            named.cats, q.category, q.intent = [], None, "score"
        if "best_year" in intents and not q.superlative:
            intents.discard("best_year")
        if "score" in intents and not intents & {"laureate", "palmares"} and named.cats and not named.kinds:
            # "score des intercos": the kind of structure, not the award category
            kinds = [c for c in named.cats if c in self.knowledge.vocabulary.kinds]
            if kinds:
                named.kinds, named.cats = kinds, []
                q.kind, q.category = kinds[0], None
        sets = self.lexicon.word_sets
        located = any(a in sets["in"] and b in sets["which"]
                      for a, b in zip(p.words, p.words[1:]))  # "dans quel département est le lauréat ?"
        if "laureate" in intents and p.attributes & {"department", "category"} and not named.places \
                and not named.cats and not located:
            # "quel département a gagné ?": the category of départements (or regions)
            field_ = "region" if self.lexicon.has(p.words, "regions") else "department"
            wanted = next((c for c, f in self.lexicon.place_categories.items() if f == field_), None)
            if p.attributes & {"department"} and wanted in self.knowledge.vocabulary.categories:
                named.cats, p.attributes = [wanted], set()
                q.category = wanted
        if p.comparison and not p.since and len(named.chans) <= 1 and len(named.kinds) <= 1 and not named.places \
                and not named.cats and intents & {"ranking", "series", "score"} and not topic:
            intents -= {"ranking", "series"}  # "comparé à l'édition précédente ?": the change, told with the score
            intents.add("score")
            if not (named.chans or named.subjects or named.kinds) and state.intent in ("score", "series", "ranking"):
                q.intent = "score"  # "quelle évolution par rapport à l'édition précédente ?" about the same score

    def decide_intent(self, q: Query, p: Parsed, named: Named, intents: set[str], topic: str | None,
                      lang: str) -> Answer | None:
        """What is asked: the first rule of the table in rules.py that applies."""
        awards_asked = bool(intents & {"laureate", "palmares"})
        situation = Situation(q=q, p=p, named=named, intents=intents, topic=topic, awards_asked=awards_asked,
                              unknown_name=self.unknown_name(p) if awards_asked or p.took_part else None,
                              channel_words=self.lexicon.has(p.words, "channels"),
                              kinds_words=self.lexicon.has(p.words, "kinds"),
                              by_change=self.lexicon.change_direction(p.words))
        if first_rule(situation) is None:
            plain = plain_cue(situation)
            if plain is not None:
                return self.plain(plain[0], lang, plain[1])
        return None

    def refer_to_conversation(self, q: Query, p: Parsed, named: Named, state: ConversationState) -> None:
        """Words that point at what the conversation just said."""
        earlier = state.entities or {}
        structures = earlier.get("structures")
        if structures and not named.places and not named.cats and q.intent in ("score", "attribute") and (
                self.lexicon.points_back(p.words) or self.pronoun_points_back(p)):
            q.structures, q.about_structures = list(structures), True  # "quel score pour eux ?"
        elif structures and state.intent == "score" and p.followup and len(named.chans) == 1 and q.intent == "score" \
                and not (named.places or named.cats or named.kinds or named.subjects):
            # "il avait eu quel score ?" then "et au téléphone ?": that structure's channel score, where published
            own = [name for name in structures if (name, named.chans[0]) in self.answerer.structure_channels]
            if own:
                q.structures, q.about_structures = own, True
        pointed = any(h.of_type("category") and h.start > 0 and p.words[h.start - 1] in
                      self.lexicon.word_sets["demonstratives"] for h in p.hits)
        if named.cats and not named.places and structures and pointed:
            place = self.place_of_structures(structures, named.cats[0])
            if place:  # "ce département a-t-il déjà gagné ?": the département of the structure just named
                q.only_kind = named.cats[0]
                named.places, named.cats, q.category, q.places = [place], [], None, [place]
                q.intent = "structure" if q.intent in ("", "laureate", "palmares") else q.intent
        if q.rank and not named.cats and not named.places and structures:
            # "qui était 2e derrière eux ?": the category (and year) of the structure just named
            award = next((a for a in self.answerer.awards_named(structures) if a.category), None)
            if award is not None:
                q.intent, q.category = "laureate", award.category
                if not p.years:
                    q.year, q.year_explicit = award.year, True
        if q.intent in ("score", "series") and not named.any and state.intent == "method" \
                and earlier.get("topic") in COUNT_TOPICS and self.lexicon.change_direction(p.words):
            q.intent, q.topic = "method", earlier["topic"]  # "ça fait quelle hausse ?" after a count: its change
        if not named.any and q.intent == "ranking" and state.intent == "series" and q.superlative \
                and not self.lexicon.has(p.words, "channels"):
            q.intent = "series"  # "meilleure année ?" then "et la pire ?"
        if not q.topic and not named.any and state.intent in ("palmares", "laureate") \
                and self.lexicon.has(p.words, "how_many"):
            q.intent, q.topic = "method", "laureates_count"  # "palmarès 2020" then "ils sont combien en tout ?"
        if q.topic == "structures_audited" and state.intent in ("palmares", "laureate") \
                and self.lexicon.has(p.words, "among"):
            q.topic = "laureates_count"  # "lauréats 2019 ?" then "dont combien de villes ?"
        if p.versus and not named.any and p.years and state.intent in ("score", "series", "ranking") \
                and (earlier.get("subject") or earlier.get("channel") or earlier.get("kind")):
            q.intent, q.superlative = "score", None  # "c'est mieux que 2019 ?": the same score in 2019
        if p.versus and not p.comparison and len(named.chans) == 1 and earlier.get("channel") not in (None, named.chans[0]):
            q.intent, q.compare, q.superlative = "ranking", [earlier["channel"], named.chans[0]], None
            q.ranking_kinds = False

    def is_followup(self, q: Query, p: Parsed, named: Named, intents: set[str], topic: str | None,
                    state: ConversationState) -> bool:
        """Whether the question completes the previous one; marks a change of subject (`q.fresh`)."""
        says_something = bool(p.followup or named.any or p.years or p.relative or p.ordinal or p.attributes
                              or intents or topic or p.comparison or p.rank)
        same_subject = q.intent in ("score", "series") and not named.any and state.intent in (
            "score", "series", "ranking") and bool(state.entities)  # "c'est en baisse ?" about the same score
        if not (p.followup or named.any or intents or topic or p.attributes or p.relative or p.rank) \
                and self.content_words(p):
            return False  # "2020 c'était la combientième ?", "le numéro de l'édition 2020": not "et en 2019 ?"
        followup = bool(state.intent) and says_something and (
            p.followup or not q.intent or (not intents and not topic) or same_subject or
            (q.intent == "attribute" and not named.places))
        if followup and named.any and not p.followup and state.intent:
            q.fresh = not any(state.intent in COMPATIBLE[t] for t in named.types())
        return followup

    # ------------------------------------------------------------------ helpers
    def plain(self, key: str, lang: str, intent: str, found: bool = False, **values) -> Answer:
        k = self.knowledge
        text = self.wording.t(key, lang, first=k.years[0], last=k.years[-1], **values) if k.years \
            else self.wording.t(key, lang, first="-", last="-", **values)
        if key in ("unknown", "too_long"):
            text += " " + self.wording.t("help", lang, first=k.years[0], last=k.years[-1])
        return Answer(text=text, found=found, intent=intent, confidence=0.1 if intent == "unknown" else 0.9,
                      lang=lang, suggestions=self.example_questions(lang) if intent in ("unknown", "help") else [])

    def example_questions(self, lang: str) -> list[str]:
        return list(self.wording.tables.get(lang, self.wording.tables["fr"])["examples"])

    def decide_category_or_channel(self, p: Parsed, state: ConversationState) -> str | None:
        says_cat = p.has_type_word(self.lexicon, "category") or bool(p.intents & {"laureate", "palmares"})
        says_chan = p.has_type_word(self.lexicon, "channel") or bool(p.intents & {"score", "ranking", "series"})
        if says_cat != says_chan:
            return "category" if says_cat else "channel"
        if not says_cat and state.intent and p.followup:  # "et les sociaux ?": as the conversation goes
            if state.intent in ("laureate", "palmares", "structure"):
                return "category"
            if state.intent in ("score", "series", "ranking"):
                return "channel"
        return None

    def clarify(self, ambiguous: tuple[str, str, str], p: Parsed, state: ConversationState, lang: str) -> Answer:
        word, category, channel = ambiguous
        k, w = self.knowledge, self.wording
        cat_label = k.vocabulary.categories[category].label(lang)
        chan_label = k.vocabulary.channels[channel].label(lang)
        year = next((y for y in p.years if y in k.editions), None)
        year_text = w.t("clarify_year", lang, year=year) if year else ""
        suggestions = [w.t("clarify_laureate_question", lang, label=cat_label, year=year_text),
                       w.t("clarify_score_question", lang, label=chan_label, year=year_text)]
        state.pending = suggestions
        state.entities = {**(state.entities or {}), "ambiguous": {"category": category, "channel": channel}}
        state.lang = lang
        text = w.t("clarify_category_channel", lang, word=word, category=cat_label, channel=chan_label)
        return Answer(text=text, found=False, intent="clarify", confidence=0.5, lang=lang, year=year,
                      entities={"candidates": {"category": category, "channel": channel}},
                      suggestions=suggestions)

    def superlative(self, words: list[str]) -> str | None:
        words = self.without_band_words(words)
        pairs = {" ".join(words[i:i + 2]) for i in range(len(words) - 2) if words[i + 2] in ("de", "d", "of")}
        worst = self.lexicon.has(words, "worst")
        best = self.lexicon.has(words, "best") or (bool(pairs & self.lexicon.word_sets["most"]) and not worst)
        if best and not worst:
            return "best"
        if worst and not best:
            return "worst"
        return None

    def without_band_words(self, words: list[str]) -> list[str]:
        """The words without the comparison words of a population band ("moins de 20 000", "les plus
        de 50 000"): there they bound a number, they do not ask for the best or the worst."""
        sets = self.lexicon.word_sets
        cues = sets["more_than"] | sets["less_than"]
        drop: set[int] = set()
        for i, word in enumerate(words):
            if word in cues and any(w[:1].isdigit() for w in words[i + 1:i + 3]):
                drop.add(i)
                if i and words[i - 1] in sets["slot_articles"]:
                    drop.add(i - 1)
        return [w for i, w in enumerate(words) if i not in drop] if drop else words

    def pick_topic(self, p: Parsed, intents: set[str], chans: list[str], subjects: list[str]) -> str | None:
        topics = set(p.topics)
        if topics <= {"edition_number"} and p.which_edition and self.superlative(p.words) and not chans \
                and not subjects:
            # "quelle édition a eu le plus de lauréats ?": the count named after the superlative
            topics = {topic for topic, stems in self.lexicon.count_nouns.items()
                      if any(w.startswith(stems) for w in p.words)} or topics
        if "categories" in topics and (intents & {"laureate", "palmares"} or p.hits):
            topics.discard("categories")  # "les catégories" in "qui a gagné dans toutes les catégories"
        if "channels" in topics and (chans or intents & {"ranking", "series"}):
            topics.discard("channels")
        if "audit_periods" in topics and p.relative == "earliest" and p.hits:
            topics.discard("audit_periods")  # "depuis quand les départements sont audités ?": since when, not when
        if topics & {"edition_number", "name"} and (intents & set(FACT_INTENTS) or chans or subjects or p.hits):
            topics -= {"edition_number", "name"}
        if "presentation" in topics and "score" in intents and (chans or subjects or self.superlative(p.words)):
            topics.discard("presentation")
        places_named = any(e.type == "place" for h in p.hits for e in h.entities)
        if places_named and intents & {"laureate", "palmares"}:
            topics -= set(COUNT_TOPICS)  # "Besançon a été primé combien de fois ?": what it won
        if topics & {"presentation", "launch"} and intents & {"laureate", "palmares"} and p.hits:
            topics -= {"presentation", "launch"}  # "quelle ville a décroché le trophée des villes de ... ?"
        if "edition_number" in topics and p.ordinal and intents:
            topics.discard("edition_number")
        return next((t for t in TOPIC_PRIORITY if t in topics), None)

    def name_over_places(self, p: Parsed, named: Named, intents: set[str]) -> None:
        """Places of the data that are not what is asked: where the person asking works ("asking from
        Vaux-sur-Mer town hall"), and a place inside a longer name nobody knows ("Aix en Provence a été
        primée ?": else Provence's laureates answer for Aix)."""
        if named.places and p.asker and not self.asks_about_asker(p):
            self.drop_places_within(p, named, p.asker)
        if named.places and (intents & {"laureate", "palmares"} or p.took_part):
            found = self.unknown_name_span(p)
            if found is not None:
                self.drop_places_within(p, named, found[1])

    @staticmethod
    def drop_places_within(p: Parsed, named: Named, words: set[int] | frozenset[int]) -> None:
        inside = {e.id for h in p.hits if set(range(h.start, h.end)) <= words for e in h.entities if e.type == "place"}
        named.places = [place for place in named.places if place not in inside]

    def unknown_name(self, p: Parsed) -> str | None:
        """A name in the question that is neither a cue, a stop word nor a known entity ("Lyon", "Brive-la-
        Gaillarde", "Saint Jean de Luz", "Le Mans"), as the person wrote it."""
        found = self.unknown_name_span(p)
        return found[0] if found else None

    def asks_about_asker(self, p: Parsed) -> bool:
        """"je suis DGS à Brive, on a déjà gagné ?": the question is about the asker's own place."""
        return self.lexicon.has([w for i, w in enumerate(p.words) if i not in p.asker], "we_words")

    def unknown_name_span(self, p: Parsed) -> tuple[str, set[int]] | None:
        """The unknown name and the indexes of `p.words` it spans. A name is a run of the question's own
        tokens: capitalised ones (the first token only when a name verb or another name follows), a
        capitalised article that starts a name ("Le Mans"), and the particles between two of them ("de",
        "en", "la"), a hyphenated token whole; it needs at least one word that is not a known one."""
        lex = self.lexicon
        covered = {i for h in p.hits for i in range(h.start, h.end)}
        known = lex.stopwords | lex.cue_words | lex.english | lex.french | lex.edition_words | lex.known_words
        asks_ever = lex.has(p.words, "ever")
        tokens, spans = p.tokens.texts, p.tokens.spans

        def stripped(token: str) -> str:
            return token.strip("?!.,;:«»\"'()[]")

        introducing = {w for phrase in lex.word_sets["asker_intro"] for w in phrase.split()} \
            | lex.word_sets["asker_roles"]

        def new_word(i: int) -> bool:  # a word that may be part of a name nobody knows
            w = p.words[i]
            return i not in covered and w not in known and not w.isdigit() and len(w) >= 3 \
                and w not in lex.ordinals and w not in lex.word_sets["not_names"] and w not in introducing

        def capitalised(n: int) -> bool:
            word = stripped(tokens[n])
            return bool(word[:1].isupper())

        def particle(n: int) -> bool:
            return bool(spans[n]) and all(p.words[i] in lex.word_sets["name_particles"] for i in spans[n])

        runs: list[list[int]] = []
        run: list[int] = []
        for n, token in enumerate(tokens):
            words = spans[n]
            in_name = bool(words) and (capitalised(n) or asks_ever and any(new_word(i) for i in words))
            if n > 0 and in_name and run == [] and fold(tokens[n - 1]) in lex.greetings:
                in_name = False  # "Bonjour Lyon" is not asked about
            if in_name:
                run.append(n)
            elif run and particle(n) and n + 1 < len(tokens) and capitalised(n + 1):
                run.append(n)  # "Saint Jean de Luz": a particle between two parts of a name
            else:
                if run:
                    runs.append(run)
                run = []
            if run and p.tokens.ends_clause(n):
                runs.append(run)  # a clause ends here: a name does not go on past it
                run = []
        if run:
            runs.append(run)
        for run in runs:
            if run[0] == 0 and len(tokens) > 1 and len(run) == 1 and not p.tokens.ends_clause(0):
                following = fold(tokens[1]).split()[:1]  # "Grenoble, elle a gagné ?": a name, set apart
                if not (following and following[0] in lex.word_sets["name_verbs"]):
                    continue  # a capital that only starts the sentence ("Quel score … ?")
            run_words = {i for n in run for i in spans[n]}
            if not any(new_word(i) for i in run_words):
                continue  # only known words, stop words or entities
            if run_words & p.asker and not self.asks_about_asker(p):
                continue  # "je suis DGS à Pont-à-Mousson, …": where the person asking works, not what is asked
            if any(p.words[i] in self.event_places and i > 0 and p.words[i - 1] in lex.word_sets["at"]
                   for i in run_words):
                continue  # "primées à Angers en 2019": where results were presented, not a laureate asked about
            # leading words of the run that are known ones ("Ville de", "La mairie de") are not the name
            while run and not any(new_word(i) for i in spans[run[0]]) and not (
                    len(run) > 1 and capitalised(run[0]) and particle(run[0])):
                run = run[1:]
            while run and particle(run[0]) and not capitalised(run[0]):
                run = run[1:]
            text = " ".join(stripped(tokens[n]) for n in run).strip()
            if text:
                return text, {i for n in run for i in spans[n]}
        return None

    def place_of_structures(self, names: list[str], category: str) -> str | None:
        """The place key of the département (or region) of the first of `names`, for "ce département"."""
        field_ = self.lexicon.place_categories.get(category)
        if field_ is None:
            return None
        for award in self.answerer.awards_named(names):
            key = fold(getattr(award.structure, field_) or "")
            if key in self.matcher.places:
                return key
        return None

    def other_subject(self, p: Parsed) -> tuple[str, bool] | None:
        """A capitalised name the data does not know ("baromètre Delouvrier", "l'ADEME"), and whether it
        is what the question is about (right after an article or "baromètre")."""
        covered = {i for h in p.hits for i in range(h.start, h.end)}
        lex = self.lexicon
        known = lex.stopwords | lex.cue_words | lex.known_words | lex.edition_words
        raw = p.raw.replace("’", "'").split()
        for n, token in enumerate(raw):
            word = token.strip("?!.,;:«»\"()[]")
            if word.endswith("'s"):
                word = word[:-2]  # "Lyon's score"
            if "'" in word:
                word = word.split("'")[-1]  # "l'ADEME"
            if len(word) < 4 or not word[:1].isupper() or n == 0:
                continue
            if raw[n - 1][-1:] in ".?!" or fold(raw[n - 1]) in lex.greetings:
                continue  # a new sentence, or right after a greeting
            folded = fold(word)
            if not folded or folded in known or any(ch.isdigit() for ch in folded):
                continue
            index = next((i for i, w in enumerate(p.words) if w == folded.split()[0]), None)
            if index is None or index in covered or index in p.asker:
                continue
            before = p.words[index - 1] if index > 0 else ""
            if folded in self.event_places and before in lex.word_sets["at"]:
                continue  # "présentés à Angers": where results were presented
            return word, before in lex.word_sets["about"]
        return None

    def after_definition(self, q: Query, p: Parsed, named: Named, state: ConversationState) -> None:
        """"c'est quoi une MFS ?" then "laquelle a gagné ?" / "et une a gagné un prix ?": the laureates of
        the category that term names (a question with its own subject or year is left as it is)."""
        term = (state.entities or {}).get("term")
        if state.intent == "define" and term in self.term_categories and q.intent in ("palmares", "laureate") \
                and not named.any and not (p.years or p.relative or p.ordinal):
            q.intent, q.category = "laureate", self.term_categories[term]

    def merge(self, q: Query, state: ConversationState, has_entity: bool) -> None:
        """Completes a follow-up question with what the conversation was about."""
        previous = state.entities or {}
        new_types = {t for t, v in (("category", q.category), ("channel", q.channel), ("subject", q.subject),
                                    ("kind", q.kind), ("place", q.places)) if v}
        if not q.intent and state.intent == "attribute" and previous.get("base_intent") and not new_types \
                and not q.attribute:
            q.intent = previous["base_intent"]  # "dans quel département ?" then "et en 2015 ?"
        if not q.intent and state.intent == "define":  # "c'est quoi un citoyen mystère ?" then "ils étaient combien ?"
            q.topic = self.lexicon.term_topics.get(previous.get("term") or "")
            q.intent = "method" if q.topic else ""
        if not q.intent:
            q.intent = state.intent or ""
            if new_types and not any(q.intent in COMPATIBLE[t] for t in new_types):
                q.intent = NATURAL_INTENT[sorted(new_types)[0]]
                q.fresh = True  # another subject: the year is not carried over
            if q.intent == "overview":
                q.intent = NATURAL_INTENT[sorted(new_types)[0]] if new_types else "overview"
        if not new_types:  # "et en 2019 ?": everything the conversation named still holds
            q.channel = previous.get("channel")
            q.subject = previous.get("subject")
            q.kind = previous.get("kind")
            q.category = previous.get("category")
            q.places = list(previous.get("places", []))
        if q.intent == "laureate" and not q.category:
            q.category = previous.get("category")
        if q.intent == "structure" and not q.places:
            q.places = list(previous.get("places", []))
        if q.intent == "method" and not q.topic:
            q.topic = previous.get("topic")
        if q.intent == "attribute" and not q.attribute:
            q.attribute = previous.get("attribute")
        if q.intent in ("ranking", "series") and not q.superlative and not has_entity:
            q.superlative = previous.get("superlative")
        if q.intent == "ranking" and previous.get("ranking_kinds") and not q.channel:
            q.ranking_kinds = True
        if q.intent == "ranking" and previous.get("compare") and not new_types and not q.compare \
                and not q.superlative:
            q.compare, q.compare_subjects = list(previous["compare"]), bool(previous.get("compare_subjects"))
        q.structures = list(previous.get("structures", []))
        if q.intent == "laureate" and not q.category:
            q.intent = "palmares"
        q.confidence = min(q.confidence, 0.85)

    def resolve_year(self, q: Query, p: Parsed, state: ConversationState, followup: bool,
                     has_entity: bool) -> Answer | None:
        k = self.knowledge
        years = [y for y in p.years if q.since is None or y != q.since]
        if p.ordinal is not None:
            if p.ordinal not in self._by_number:
                return self.plain("no_edition", q.lang, "unknown", year=f"n° {p.ordinal}",
                                  years=", ".join(map(str, k.years)))
            q.year, q.year_explicit = self._by_number[p.ordinal], True
        elif years and q.intent == "structure" and p.years_compared:
            q.years = list(dict.fromkeys(years))
            q.year, q.year_explicit = q.years[-1], True
        elif years and q.intent == "compare_years":
            if p.year_range:
                low, high = p.year_range
                q.years = [y for y in k.years if low <= y <= high] or list(p.year_range)
            else:
                q.years = list(dict.fromkeys(years))
            q.year, q.year_explicit = q.years[-1], True
        elif years:
            q.year, q.year_explicit = years[0], True
            if q.by_change and p.years_compared and len(set(years)) == 2 \
                    and self.answerer.prev_year(max(years)) == min(years):
                q.year = max(years)  # "le plus reculé entre 2019 et 2020": the change published for 2020
            if q.year not in k.editions and q.intent != "series":
                answer = self.plain("no_edition", q.lang, q.intent, year=q.year, years=", ".join(map(str, k.years)))
                answer.year = q.year
                answer.suggestions = [str(y) for y in k.years[-3:]]
                return answer
        elif p.relative in ("latest", "earliest"):  # "le dernier baromètre", "depuis quand … ?": the latest
            q.relative = p.relative  # (or earliest) edition that holds that fact
        elif p.relative == "same":  # "cette année-là": the conversation's year
            several = list((state.entities or {}).get("years") or [])
            if len(several) > 1 and q.intent in ("score", "method"):  # the structure won in several editions:
                q.intent, q.years = "compare_years", several  # the figure for each of them
                q.year, q.year_explicit = several[-1], True
            elif state.year is not None:
                q.year, q.year_explicit = state.year, True
                if len(several) > 1:  # one of them, and the question says which
                    q.same_years = several
        elif p.relative and not (p.comparison and p.relative == "previous"):
            base = state.year if followup and state.year else None
            q.relative = p.relative
            target = self.relative_year(p.relative, base)
            if target is None:
                return self.plain("no_edition", q.lang, q.intent, year="?", years=", ".join(map(str, k.years)))
            q.year, q.year_explicit = target, True
        elif state.intent and state.year is not None and q.intent != "series" and not q.fresh and (
                p.followup or not has_entity or self.lexicon.has(p.words, "anaphora")):
            # "et le courrier ?", "c'est qui ?", "qui a gagné ?": the conversation's year; a question with a
            # subject of its own ("combien de citoyens mystères ?") falls back on the latest edition holding it
            q.year, q.inherited = state.year, True
            q.year_soft = bool(q.topic) and not p.followup
        elif state.intent and state.year is not None and q.intent != "series" and has_entity \
                and not (p.intents or p.topics or p.attributes):
            q.year, q.inherited = state.year, True  # a bare value ("non-certified?"): the conversation's year
        elif state.thread and state.year is not None and q.intent != "series":
            # within a thread of follow-ups, a new subject with no year keeps the thread's year; where that
            # edition lacks the fact, the latest edition holding it answers (and says so)
            q.year, q.year_soft, q.inherited = state.year, True, True
        return None

    def relative_year(self, relative: str, base: int | None) -> int | None:
        years = self.knowledge.years
        if relative == "latest":
            return years[-1]
        if relative == "first":
            return years[0]
        if base is None:
            base = years[-1] if relative == "previous" else None
            if base is None:
                return None
            # "l'an dernier" with nothing before: the edition before the latest
        if relative == "previous":
            earlier = [y for y in years if y < base]
            return earlier[-1] if earlier else None
        later = [y for y in years if y > base]
        return later[0] if later else None
