"""The engine: parse a question, resolve it in its conversation (dialogue.py), answer it (answers.py),
remember what it was about."""

from __future__ import annotations

import time

from ..knowledge import Knowledge
from .answer import Answer, ConversationState
from .answers import Answerer, Reply, figure
from .dialogue import Dialogue
from .lexicon import Lexicon, load_lexicon
from .matcher import EntityMatcher, build_matcher
from .parser import parse
from .query import Query
from .wording import Wording, load_wording


class Engine:
    """Answers questions from one knowledge snapshot. Cheap to call, pure CPU, no I/O."""

    def __init__(self, knowledge: Knowledge, lexicon: Lexicon | None = None, wording: Wording | None = None):
        self.knowledge = knowledge
        self.lexicon = lexicon or load_lexicon()
        self.wording = wording or load_wording()
        self.matcher: EntityMatcher = build_matcher(knowledge, self.lexicon)
        self.answerer = Answerer(knowledge, self.wording, self.matcher.places, self.lexicon.fact_prefixes,
                                 self.lexicon.earliest_fact_topics)
        self.dialogue = Dialogue(knowledge, self.lexicon, self.wording, self.matcher, self.answerer)

    # ------------------------------------------------------------------ public
    def answer(self, question: str, state: ConversationState | None = None, now: float | None = None) -> Answer:
        state = state if state is not None else ConversationState()
        now = time.monotonic() if now is None else now
        if state.expired(now):
            state.reset()
        parsed = parse(question or "", self.lexicon, self.matcher)
        earlier = state.entities or {}
        if parsed.source_request and earlier.get("sources") and not parsed.hits and not parsed.years \
                and not parsed.intents and not parsed.topics:  # "et la source ?"
            lang = parsed.lang or state.lang or "fr"
            text = self.wording.t("sources_of_previous", lang, urls="\n".join(earlier["sources"]))
            state.updated = now
            return Answer(text=text, found=True, intent="source", confidence=0.9, year=state.year, lang=lang,
                          sources=list(earlier["sources"]))
        # a question that names all it needs is read as if it were the first of its conversation
        context = ConversationState() if self.dialogue.self_contained(parsed) else state
        resolved = self.dialogue.resolve(parsed, context)
        if resolved.answer is not None:
            if resolved.answer.intent == "clarify":
                if context is not state:
                    state.pending, state.entities, state.lang = context.pending, context.entities, context.lang
                state.updated = now
            return resolved.answer
        query = resolved.query
        assert query is not None
        return self.run(query, state, now)

    def run(self, query: Query, state: ConversationState | None = None, now: float | None = None) -> Answer:
        """Answers a query that is already structured (slash commands use this)."""
        if query.year is not None and query.year not in self.knowledge.editions and query.intent not in (
                "series", "compare_years"):
            reply = self.answerer.no_edition(query.year, query.lang)
        else:
            reply = self.dispatch(query)
            if not reply.found and query.year_soft:
                reply = self.latest_instead(query, reply)
            if reply.found and query.relative == "earliest" and query.year is None:
                self.say_earliest(query, reply)
            if query.same_years and reply.year is not None and query.intent != "compare_years":
                self.say_which_year(query, reply)
            for topic in query.more_topics:  # "combien de structures et combien de citoyens mystères ?"
                more = self.answerer.method(Query(**{**query.__dict__, "topic": topic, "more_topics": []}))
                reply.text += "\n" + more.text
                reply.sources += more.sources
                reply.found = reply.found or more.found
        answer = Answer(
            text=reply.text, found=reply.found, intent=query.intent,
            confidence=round(query.confidence if reply.found else min(query.confidence, 0.5), 2),
            entities={**query.slots(), **({"structures": reply.structures} if reply.structures else {}),
                      **({"topic": query.topic} if query.topic else {}),
                      **({"attribute": query.attribute} if query.attribute else {})},
            year=reply.year if reply.year is not None else query.year,
            suggestions=reply.suggestions, sources=reply.sources, lang=query.lang, series=reply.series,
        )
        if state is not None:
            self.remember(state, query, reply, now)
        return answer

    # ------------------------------------------------------------------ dispatch
    def dispatch(self, q: Query) -> Reply:
        a = self.answerer
        handlers = {
            "laureate": a.laureate, "palmares": a.palmares, "structure": a.structure, "attribute": a.attribute,
            "score": a.score, "ranking": a.ranking, "series": a.series, "method": a.method,
            "overview": self.overview, "lookup": a.lookup, "compare_years": a.compare_years,
            "define": a.define,
        }
        return handlers[q.intent](q)

    def latest_instead(self, q: Query, missing: Reply) -> Reply:
        """The conversation's year lacks the fact: the latest edition that holds it, said as such."""
        inherited = q.year
        q.year = None
        fallback = self.dispatch(q)
        if not fallback.found or fallback.year is None or fallback.year == inherited:
            q.year = inherited
            return missing
        fallback.text = self.wording.t("not_for_year_latest", q.lang, year=inherited, latest=fallback.year) \
            + "\n" + fallback.text
        return fallback

    def say_earliest(self, q: Query, reply: Reply) -> None:
        """"depuis quand … ?": the earliest edition of the data that holds the fact answered, said as the
        earliest of the data (not necessarily the first of the barometer), with the editions before it."""
        if reply.year is None or q.intent in ("series", "compare_years", "structure", "define"):
            return
        before = [y for y in self.knowledge.years if y < reply.year]
        partial = [y for y in before if self.knowledge.editions[y].completeness != "complete"]
        years, partial_text = self.answerer.years_text(before), self.answerer.years_text(partial)
        before_text = "" if not before else self.wording.t(
            "earliest_before_incomplete" if partial == before else "earliest_before_partial" if partial
            else "earliest_before", q.lang, years=years, partial=partial_text)
        reply.text = self.wording.t("earliest_in_data", q.lang, year=reply.year, before=before_text) + "\n" + reply.text

    def say_which_year(self, q: Query, reply: Reply) -> None:
        """"cette année-là" after an answer spanning several editions: which one this answer is about, and
        the others as suggestions."""
        others = [str(y) for y in q.same_years if y != reply.year]
        reply.text = self.wording.t("that_year_several", q.lang, years=self.answerer.years_text(q.same_years),
                                    year=reply.year, other=others[-1] if others else "") + "\n" + reply.text
        reply.suggestions = others + [x for x in reply.suggestions if x not in others]

    def overview(self, q: Query) -> Reply:
        """A year asked on its own: what the data holds about that edition."""
        year = q.year if q.year is not None else self.knowledge.years[-1]
        e = self.knowledge.editions[year]
        w, lang = self.wording, q.lang
        parts = [w.t("name", lang, year=year, name=e.name)]
        sources: list[str] = []
        if e.number:
            parts.append(w.t("edition_number", lang, year=year, number=e.number, name=e.name).split("(")[0].strip()
                         + ".")
        if e.structures_audited:
            parts.append(w.t("structures_audited", lang, year=year, value=e.structures_audited.value, change=""))
            sources += e.structures_audited.sources
        glob = next((s for s in e.scores if s.subject == "global" and s.value is not None), None)
        if glob:
            parts.append(w.t("score_value", lang, year=year, subject=w.t("subject_global", lang),
                             value=w.num(figure(glob), lang), unit=self.answerer.unit(glob.unit, lang), change=""))
            sources += glob.sources
        if e.laureates_count:
            parts.append(w.t("laureates_count", lang, year=year, value=e.laureates_count.value))
            sources += e.laureates_count.sources
        elif e.awards:
            parts.append(w.t("palmares_head", lang, year=year, count=len(e.awards)).rstrip(" :") + ".")
        if len(parts) <= 2 and e.facts:  # an edition known by little else than text: say what is known
            for fact in e.facts[:2]:
                parts.append(fact.en if lang == "en" and fact.en else fact.text)
                sources += fact.sources
        if not sources:
            sources = self.answerer.edition_sources(e)
        notes = []
        gaps = e.gaps_en if lang == "en" and e.gaps_en else e.gaps
        if gaps:
            notes.append(w.t("gaps", lang, year=year, gaps="; ".join(gaps)))
        return self.answerer.finish(Reply(" ".join(parts), True, year=year, sources=sources,
                                          suggestions=[]), lang, notes)

    # ------------------------------------------------------------------ conversation memory
    def remember(self, state: ConversationState, q: Query, reply: Reply, now: float | None) -> None:
        structures = reply.structures or (state.entities.get("structures", []) if q.intent == "attribute" else [])
        previous_base = (state.entities or {}).get("base_intent") or (
            state.intent if state.intent in ("laureate", "palmares", "structure") else None)
        state.intent = q.intent
        state.entities = {**q.slots(), **reply.focus, "structures": structures, "sources": reply.sources[:5]}
        if q.topic:
            state.entities["topic"] = q.topic
        if q.attribute:
            state.entities["attribute"] = q.attribute
        if q.term:
            state.entities["term"] = q.term
        if q.superlative:
            state.entities["superlative"] = q.superlative
        if q.ranking_kinds:
            state.entities["ranking_kinds"] = True
        if reply.years:  # "Besançon a gagné quand ?" (2015, 2020) then "cette année-là ?": which one is not said
            state.entities["years"] = list(reply.years)
        if q.compare:  # "téléphone ou courrier en 2020 ?" then "et en 2019 ?": the same ones compared
            state.entities["compare"] = list(q.compare)
            state.entities["compare_subjects"] = q.compare_subjects
        if q.intent == "attribute":
            state.entities["base_intent"] = previous_base
        elif q.intent in ("laureate", "palmares", "structure"):
            state.entities["base_intent"] = q.intent
        state.year = q.year if q.year_soft and reply.year != q.year else (reply.year if reply.year is not None else q.year)
        state.lang = q.lang
        state.thread = q.inherited
        state.pending = []
        state.updated = time.monotonic() if now is None else now

    # ------------------------------------------------------------------ resolution

    def plain(self, key: str, lang: str, intent: str, found: bool = False, **values) -> Answer:
        """An answer that needs no fact: help, greeting, refusal."""
        return self.dialogue.plain(key, lang, intent, found, **values)
