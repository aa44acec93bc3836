"""Fetches the facts a resolved query asks for and words them (one function per intent).

Every function returns a `Reply`; nothing here guesses: a fact missing from the knowledge gives
found=False with what the data does hold."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..knowledge import Award, Edition, Knowledge, Score, Structure
from .matcher import Place
from .normalize import fold
from .query import Query
from .wording import Wording


@dataclass
class Reply:
    text: str
    found: bool
    year: int | None = None
    sources: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    structures: list[str] = field(default_factory=list)  # structure names the answer is about
    series: list[tuple[int, float]] = field(default_factory=list)
    focus: dict[str, str] = field(default_factory=dict)  # what a follow-up may refer to ("il" = the channel named)
    years: list[int] = field(default_factory=list)  # the editions an answer spans when several (a structure's awards)


MAX_LINES = 30  # a list longer than this is cut (an answer must fit a Discord message)
# the methodology topics that are counts (their values can be compared, ranked, listed over editions)
COUNT_TOPICS = ("structures_audited", "mystery_citizens", "laureates_count", "criteria_count", "audits_per_structure")


def note_in(item, lang: str) -> str | None:
    """An item's note in the answer's language; the French note when there is no English one."""
    return item.note_en if lang == "en" and item.note_en else item.note


def rule_in(item, lang: str) -> str | None:
    """A derived value's rule in the answer's language (the loader requires both)."""
    english = getattr(item, "rule_en", None)
    return english if lang == "en" and english else item.rule


def exact(score: Score) -> bool:
    """A value fit for rankings, superlatives and differences: not an approximation ("stable" -> about 81)."""
    return score.value is not None and not getattr(score, "approx", False)


def figure(score: Score) -> float:
    """The figure of a score that has one (the callers keep only those: `exact()`, or a filter on `value`)."""
    assert score.value is not None, score
    return score.value


def change_of(score: Score) -> float:
    """The change of a score that has one (ranking by change keeps only those)."""
    assert score.change is not None, score
    return score.change


def _dedupe(urls) -> list[str]:
    return list(dict.fromkeys(u for u in urls if u))


class Answerer:
    def __init__(self, knowledge: Knowledge, wording: Wording, places: dict[str, Place],
                 fact_prefixes: dict[str, tuple[str, ...]] | None = None,
                 earliest_fact_topics: frozenset[str] = frozenset()) -> None:
        self.fact_prefixes = fact_prefixes or {}
        self.earliest_fact_topics = earliest_fact_topics
        self.k = knowledge
        self.w = wording
        self.places = places
        # look-up tables, so that an answer costs the same with 25 or 100,000 structures
        self.awards_of: dict[Structure, list[Award]] = {}
        self.award_years_of_category: dict[str | None, list[int]] = {}
        self.awards_in: dict[tuple[int, str | None], list[Award]] = {}
        for award in knowledge.awards():
            self.awards_in.setdefault((award.year, award.category), []).append(award)
            self.awards_of.setdefault(award.structure, []).append(award)
            years = self.award_years_of_category.setdefault(award.category, [])
            if not years or years[-1] != award.year:
                years.append(award.year)
        self.scores_by_subject: dict[tuple[str, str | None], list[Score]] = {}
        for score in knowledge.scores():
            self.scores_by_subject.setdefault((score.subject, score.target), []).append(score)
        self.structure_scores = {s.target for s in knowledge.scores() if s.subject == "structure"}
        self.structure_channels = {(s.target, getattr(s, "channel", None)) for s in knowledge.scores()
                                   if s.subject == "structure"}
        self.structures_named: dict[str, list[Structure]] = {}
        for structure in self.awards_of:
            self.structures_named.setdefault(structure.name, []).append(structure)
        self.mention_years = sorted({a.year for a in knowledge.awards() if a.mention})
        # awards with a mention, by the mention's words ("qui a eu la mention numérique ?")
        self.mentioned = [(frozenset(fold(a.mention).split()), a) for a in knowledge.awards() if a.mention]

    # ------------------------------------------------------------------ helpers
    def years_text(self, years: list[int]) -> str:
        return ", ".join(str(y) for y in years)

    def no_edition(self, year: int, lang: str) -> Reply:
        return Reply(self.w.t("no_edition", lang, year=year, years=self.years_text(self.k.years)), False,
                     suggestions=[str(y) for y in self.k.years[-3:]])

    def prev_year(self, year: int) -> int | None:
        earlier = [y for y in self.k.years if y < year]
        return earlier[-1] if earlier else None

    def category_label(self, category: str | None, lang: str, edition: Edition | None = None) -> str:
        if category is None:
            return self.w.t("no_category", lang)
        if lang == "fr" and edition is not None and category in edition.categories:
            return edition.categories[category]
        term = self.k.vocabulary.categories.get(category)
        return term.label(lang) if term else category

    def entity_label(self, type_: str, id_: str, lang: str) -> str:
        """The label of a vocabulary entity or a place of the matcher."""
        section = {"channel": "channels", "category": "categories", "kind": "kinds", "subject": "subjects"}.get(type_)
        if section:
            return self.term_label(section, id_, lang)
        place = self.places.get(id_)
        return place.label if place else id_

    def choices(self, slot: str, year: int | None, lang: str) -> tuple[int | None, str]:
        """The real values of a slot, to show next to an unknown one: the categories or channels of the
        edition asked (else of the latest edition that has them), the kinds of structure scored, the labels."""
        k = self.k
        if slot == "category":
            years = [y for y in k.years if k.editions[y].categories]
            complete = [y for y in years if k.editions[y].completeness == "complete"]
            pick = year if year in years else self.latest(complete or years)
            labels = [self.category_label(c, lang, k.editions[pick]) for c in k.editions[pick].categories] if pick else []
            return pick, "; ".join(labels)
        if slot == "channel":
            years = [y for y in k.years if k.editions[y].channels]
            pick = year if year in years else self.latest(years)
            channels = k.editions[pick].channels if pick else None
            ids = list(channels.values) if channels else list(k.vocabulary.channels)
            return pick, self.w.join([self.term_label("channels", c, lang) for c in ids], lang)
        if slot == "kind":
            ids = list(dict.fromkeys(s.target for s in k.scores() if s.subject == "kind" and s.target))
            return None, self.w.join([self.term_label("kinds", c, lang) for c in ids], lang)
        return None, self.w.join([self.term_label("subjects", c, lang) for c in ("certified", "non-certified")], lang)

    def term_label(self, section: str, id_: str | None, lang: str) -> str:
        terms = getattr(self.k.vocabulary, section)
        term = terms.get(id_ or "")
        return term.label(lang) if term else (id_ or "")

    def who(self, award: Award, lang: str, with_rank: bool = False) -> str:
        s = award.structure
        place = s.department or s.region or s.commune
        if place and place.lower() in s.name.lower():
            place = None
        text = self.w.t("who", lang, name=s.name,
                        place=self.w.t("who_place", lang, place=place) if place else "",
                        mention=self.w.t("who_mention", lang, mention=award.mention) if award.mention else "")
        if with_rank and award.rank:
            text = self.w.t("who_rank_1" if award.rank == 1 else "who_rank", lang, rank=award.rank) + text
        return text

    def finish(self, reply: Reply, lang: str, notes: list[str] | None = None) -> Reply:
        """Adds notes and the source line to a found answer."""
        reply.sources = _dedupe(reply.sources)
        parts = [reply.text, *(notes or [])]
        if reply.found and reply.sources:
            parts.append(self.w.sources_line(reply.sources, lang))
        reply.text = "\n".join(p for p in parts if p)
        return reply

    def awards_named(self, names: list[str]) -> list[Award]:
        """The awards of the structures called `names` (from the look-up tables, not a scan)."""
        return [a for name in dict.fromkeys(names) for s in self.structures_named.get(name, [])
                for a in self.awards_of[s]]

    def missing(self, key: str, lang: str, year: int | None, has: list[int], **values: object) -> Reply:
        """found=False: the data lacks it for `year`; says which editions do hold it."""
        text = self.w.t(key, lang, year=year if year else self.years_text(self.k.years), **values)
        if has:
            text += " " + self.w.t("available_in", lang, years=self.years_text(has))
        return Reply(text, False, year=year, suggestions=[str(y) for y in has])

    def clip(self, lines: list[str], lang: str) -> list[str]:
        """At most MAX_LINES lines of a list, and how many were left out."""
        if len(lines) <= MAX_LINES:
            return lines
        return lines[:MAX_LINES] + [self.w.t("more", lang, count=len(lines) - MAX_LINES)]

    def latest(self, years: list[int]) -> int | None:
        return max(years) if years else None

    def year_for(self, q: Query, years: list[int]) -> int | None:
        """The year to answer for: the one asked, else the latest edition of `years` that holds the fact,
        or the earliest for "depuis quand … ?" (q.relative "earliest")."""
        if q.year is not None:
            return q.year
        if q.relative == "earliest":
            return min(years) if years else None
        return self.latest(years)

    # ------------------------------------------------------------------ laureates
    def laureate(self, q: Query) -> Reply:
        lang, category = q.lang, q.category
        label_any = self.category_label(category, lang)
        years = self.award_years_of_category.get(category, [])
        year = self.year_for(q, years)
        if year is None:
            return Reply(self.w.t("laureate_none", lang, category=label_any, year=self.years_text(self.k.years)),
                         False)
        edition = self.k.editions[year]
        awards = sorted(self.awards_in.get((year, category), []), key=lambda a: a.rank or 1)
        label = self.category_label(category, lang, edition)
        if not awards:
            if not edition.awards and edition.laureates_count:
                return self.unnamed(edition, lang)
            missing = self.missing("laureate_none", lang, year, years, category=label)
            if q.claimed and self.check_claim(q, missing, [], year):
                missing.found = True  # a premise corrected with what the structure really won (as premise_wrong)
                return self.finish(missing, lang)
            return missing
        if not q.rank and any(a.rank in (None, 1) for a in awards):
            awards = [a for a in awards if a.rank in (None, 1)]  # the laureate(s); runners-up only when asked
        if q.rank:
            ranked = [a for a in awards if a.rank == q.rank]
            if not ranked:
                known = "; ".join(self.who(a, lang, with_rank=True) for a in awards[:3])
                return Reply(self.w.t("rank_missing", lang, rank=q.rank, category=label, year=year, known=known),
                             False, year=year, sources=_dedupe(u for a in awards for u in a.sources))
            awards = ranked
            text = self.w.t("laureate_rank", lang, year=year, rank=q.rank, category=label,
                            who="; ".join(self.who(a, lang) for a in awards))
            return self.finish(Reply(text, True, year=year, sources=[u for a in awards for u in a.sources],
                                     structures=[a.structure.name for a in awards]), lang)
        whos = [self.who(a, lang, with_rank=len(awards) > 1) for a in awards[:MAX_LINES]]
        if len(awards) > MAX_LINES:
            whos.append(self.w.t("more", lang, count=len(awards) - MAX_LINES))
        key = "laureate_one" if len(awards) == 1 else "laureate_many"
        reply = Reply(self.w.t(key, lang, year=year, category=label, who="; ".join(whos)), True, year=year,
                      sources=[u for a in awards for u in a.sources],
                      structures=[a.structure.name for a in awards][:MAX_LINES])
        if q.claimed:
            self.check_claim(q, reply, awards, year)
        elif q.place_text and not any(fold(q.place_text) in fold(a.structure.name) for y in years
                                      for a in self.awards_in.get((y, category), [])):
            # "Lyon a gagné chez les plus de 50 000 en 2020 ?": a name nobody knows, then the real laureate
            reply.text = self.w.t("name_not_laureate", lang, query=q.place_text) + "\n" + reply.text
        return self.finish(reply, lang)

    def check_claim(self, q: Query, reply: Reply, awards: list[Award], year: int) -> bool:
        """"X a gagné la catégorie C en Y, non ?": yes or no first, and what X did win. True when the
        answer then says what X really won (a fact of the data, with its sources)."""
        claimed, _ = self.structures_of(q.claimed)
        if not claimed:
            return False
        right = any(a.structure in claimed for a in awards)
        lines = [self.w.t("claim_yes" if right else "claim_no", q.lang)]
        if not right:
            won = sorted((a for s in claimed for a in self.awards_of.get(s, [])), key=lambda a: (a.year != year, a.year))
            for a in won[:3]:
                lines.append(self.w.t("claim_won_instead", q.lang, name=a.structure.name, year=a.year,
                                      category=self.category_label(a.category, q.lang, self.k.editions[a.year])))
            reply.sources += [u for a in won[:3] for u in a.sources]
        reply.text = " ".join(lines[:1]) + " " + reply.text + ("\n" + "\n".join(lines[1:]) if lines[1:] else "")
        return right or bool(lines[1:])

    def unnamed(self, edition: Edition, lang: str) -> Reply:
        count = edition.laureates_count
        assert count is not None
        note = note_in(count, lang)
        detail = f" ({note})" if note else ""
        text = self.w.t("laureate_unnamed", lang, year=edition.year, count=count.value, detail=detail)
        return Reply(text, False, year=edition.year, sources=list(count.sources),
                     suggestions=[str(y) for y in self.k.years if self.k.editions[y].awards][-2:])

    def palmares(self, q: Query) -> Reply:
        lang = q.lang
        years = [y for y in self.k.years if self.k.editions[y].awards]
        year = self.year_for(q, years)
        if year is None:
            return Reply(self.w.t("laureate_none_year", lang, year=self.years_text(self.k.years)), False)
        edition = self.k.editions[year]
        if not edition.awards:
            if edition.laureates_count:
                return self.unnamed(edition, lang)
            return self.missing("laureate_none_year", lang, year, years)
        awards = sorted(edition.awards, key=lambda a: (a.category is None, list(edition.categories).index(a.category)
                                                        if a.category in edition.categories else 99, a.rank or 1))
        shared = Counter(a.category for a in awards)  # ranks matter where a category has several laureates
        total = edition.laureates_count.value if edition.laureates_count else None
        winners = sum(1 for a in awards if a.rank in (None, 1))  # runners-up are listed, not counted
        head = self.w.t("palmares_head_total", lang, year=year, count=winners, total=total) \
            if total and total > winners else self.w.t("palmares_head", lang, year=year, count=winners)
        lines = [head] + self.clip([self.w.t("palmares_line", lang,
                                             category=self.category_label(a.category, lang, edition),
                                             who=self.who(a, lang, with_rank=shared[a.category] > 1))
                                    for a in awards[:MAX_LINES + 1]], lang)
        if len(awards) > MAX_LINES + 1:
            lines[-1] = self.w.t("more", lang, count=len(awards) - MAX_LINES)
        notes = []
        if edition.completeness != "complete" or (total and total > len(awards)):
            notes.append(self.w.t("incomplete", lang))
        reply = Reply("\n".join(lines), True, year=year,
                      sources=[u for a in awards[:MAX_LINES] for u in a.sources],
                      structures=[a.structure.name for a in awards][:MAX_LINES])
        if year != max(years) or edition.completeness != "complete":
            reply.suggestions = [str(y) for y in years if y != year][-3:]
        return self.finish(reply, lang, notes)

    def partial_years(self) -> str:
        return self.years_text([y for y in self.k.years if self.k.editions[y].completeness != "complete"])

    def structures_of(self, keys: list[str]) -> tuple[dict[Structure, None], Place | None]:
        found: dict[Structure, None] = {}  # an ordered set: answers come out the same every time
        area: Place | None = None
        for key in keys:
            place = self.places.get(key)
            if place is None:
                continue
            found.update(dict.fromkeys(place.structures))
            if place.field in ("department", "region"):
                area = place
        return found, area

    def structure(self, q: Query) -> Reply:
        lang = q.lang
        structures, area = self.structures_of(q.places)
        query_text = q.place_text or (self.places[q.places[0]].label if q.places else "")
        if not structures:
            if area is not None and area.field == "region":  # a region of France with no laureate in the data
                return Reply(self.w.t("region_no_laureate", lang, region=area.label, partial=self.partial_years()),
                             False, year=q.year)
            key = "structure_unknown_took_part" if q.took_part else "structure_unknown"
            return Reply(self.w.t(key, lang, query=query_text, partial=self.partial_years()), False, year=q.year)
        awards = sorted((a for s in structures for a in self.awards_of.get(s, [])), key=lambda a: a.year)
        if q.only_kind and any(a.structure.kind == q.only_kind for a in awards):
            awards = [a for a in awards if a.structure.kind == q.only_kind]
        if area is not None and len(q.places) == 1:
            head = self.w.t("department_head" if area.field == "department" else "region_head", lang,
                            place=area.label)
        else:
            head = self.w.t("structure_head", lang, query=query_text)
        if q.took_part:
            head = self.w.t("structure_took_part", lang, query=query_text) + "\n" + head
        if q.year is not None and q.year_explicit:
            asked = set(q.years) or {q.year}  # "lauréate en 2016 et en 2020 ?": each year asked
            in_year = [a for a in awards if a.year in asked]
            without = sorted(asked - {a.year for a in in_year})
            if in_year and without:
                head = self.w.t("structure_none_in", lang, years=self.years_text(without)) + "\n" + head
            if not in_year:  # it won, but not that year: say so, and what it did win
                lines = [self.w.t("structure_not_in_year", lang, query=query_text, year=self.years_text(sorted(asked)))]
                lines += self.clip([self.structure_line(a, lang) for a in awards], lang)
                return Reply("\n".join(lines), False, year=q.year, sources=_dedupe(u for a in awards for u in a.sources),
                             suggestions=[str(y) for y in sorted({a.year for a in awards})])
            awards = in_year
        lines = [head] + self.clip([self.structure_line(a, lang) for a in awards[:MAX_LINES + 1]], lang)
        if len(awards) > MAX_LINES + 1:
            lines[-1] = self.w.t("more", lang, count=len(awards) - MAX_LINES)
        years = sorted({a.year for a in awards})
        reply = Reply("\n".join(lines), True, year=years[-1] if years else None,
                      sources=[u for a in awards for u in a.sources],
                      structures=list(dict.fromkeys(a.structure.name for a in awards)),
                      years=years if len(years) > 1 else [])
        return self.finish(reply, lang)

    def structure_line(self, award: Award, lang: str) -> str:
        edition = self.k.editions[award.year]
        s = award.structure
        where = s.department or s.region
        name = s.name + (f" ({where})" if where and where.lower() not in s.name.lower() else "")
        return self.w.t("structure_line", lang, year=award.year, name=name,
                        category=self.category_label(award.category, lang, edition),
                        mention=self.w.t("who_mention", lang, mention=award.mention) if award.mention else "",
                        rank=self.w.t("structure_rank_1" if award.rank == 1 else "structure_rank", lang,
                                          rank=award.rank) if award.rank else "")

    def attribute(self, q: Query) -> Reply:
        lang = q.lang
        asked = set(q.mention_words)
        if q.attribute == "mention" and not q.places and any(words <= asked for words, _ in self.mentioned):
            return self.mentions(q)
        structures, _ = self.structures_of(q.places)
        if structures:
            awards = sorted((a for s in structures for a in self.awards_of.get(s, [])), key=lambda a: a.year)
        else:
            awards = self.awards_named(q.structures)
        if q.year is not None and q.year_explicit and awards:
            awards = [a for a in awards if a.year == q.year] or awards
        if not awards:
            if q.attribute == "mention":
                return self.mentions(q)
            return Reply(self.w.t("attr_need_structure", lang), False, year=q.year)
        lines: list[str] = []
        sources: list[str] = []
        for a in awards:
            s = a.structure
            if q.attribute == "department":
                if s.department:
                    region = self.w.t("attr_region", lang, region=s.region) if s.region else ""
                    lines.append(self.w.t("attr_department", lang, name=s.name, department=s.department,
                                          region=region))
                elif s.region:
                    lines.append(self.w.t("attr_department", lang, name=s.name, department="—",
                                          region=self.w.t("attr_region", lang, region=s.region)))
                else:
                    lines.append(self.w.t("attr_department_unknown", lang, name=s.name))
            elif q.attribute == "mention":
                key = "attr_mention" if a.mention else "attr_no_mention"
                lines.append(self.w.t(key, lang, name=s.name, year=a.year, mention=a.mention))
            else:
                lines.append(self.w.t("attr_category", lang, name=s.name, year=a.year,
                                      category=self.category_label(a.category, lang, self.k.editions[a.year])))
            sources += a.sources
        lines = self.clip(list(dict.fromkeys(lines)), lang)
        reply = Reply("\n".join(lines), True, year=max(a.year for a in awards), sources=sources,
                      structures=list(dict.fromkeys(a.structure.name for a in awards)))
        return self.finish(reply, lang)

    def mentions(self, q: Query) -> Reply:
        lang = q.lang
        asked = set(q.mention_words)
        named = [a for words, a in self.mentioned if words <= asked] if asked else []
        if named:  # "qui a eu la mention numérique ?"
            lines = [self.w.t("attr_mention", lang, name=a.structure.name, year=a.year, mention=a.mention)
                     for a in named]
            return self.finish(Reply("\n".join(lines), True, year=named[-1].year,
                                     sources=[u for a in named for u in a.sources],
                                     structures=[a.structure.name for a in named]), lang)
        year = self.year_for(q, self.mention_years)
        if year is None:
            return Reply(self.w.t("mentions_none", lang, year=self.years_text(self.k.years)), False)
        awards = [a for a in self.k.editions[year].awards if a.mention]
        if not awards:
            return Reply(self.w.t("mentions_none", lang, year=year), False, year=year)
        lines = [self.w.t("mentions_head", lang, year=year)] + [
            self.w.t("mention_line", lang, name=a.structure.name, mention=a.mention) for a in awards]
        reply = Reply("\n".join(lines), True, year=year,
                      sources=[u for a in awards[:MAX_LINES] for u in a.sources],
                      structures=[a.structure.name for a in awards][:MAX_LINES])
        return self.finish(reply, lang)

    # ------------------------------------------------------------------ scores
    def subject_of(self, q: Query) -> tuple[str, str | None]:
        if q.places and q.subject in (None, "global") and not q.channel:
            structures, _ = self.structures_of(q.places)  # "Maine-et-Loire's overall score": its own score
            for s in structures:
                if s.name in self.structure_scores:
                    return "structure", s.name
        if q.about_structures and q.channel:  # a structure's own channel score
            named = next((name for name in q.structures if (name, q.channel) in self.structure_channels), None)
            if named:
                return "structure", named
        if q.about_structures:  # a structure's own score
            named = next((name for name in q.structures if name in self.structure_scores), None)
            if named:
                return "structure", named
        if q.places and q.channel:  # "le Maine-et-Loire au téléphone": its own channel score, where published
            structures, _ = self.structures_of(q.places)
            for s in structures:
                if (s.name, q.channel) in self.structure_channels:
                    return "structure", s.name
        if q.channel:
            return "channel", q.channel
        if q.kind:
            return "kind", q.kind
        if q.subject:
            return q.subject, None
        if q.places:
            structures, _ = self.structures_of(q.places)
            for s in structures:
                if s.name in self.structure_scores:
                    return "structure", s.name
        return "global", None

    def subject_text(self, subject: str, target: str | None, lang: str) -> str:
        if subject == "channel":
            return self.w.t("subject_channel", lang, label=self.term_label("channels", target, lang))
        if subject == "kind":
            return self.w.t("subject_kind", lang, label=self.term_label("kinds", target, lang))
        if subject == "structure":
            return self.w.t("subject_structure", lang, label=target)
        return self.w.t(f"subject_{subject}", lang)

    def scores_for(self, subject: str, target: str | None) -> list[Score]:
        return self.scores_by_subject.get((subject, target), [])

    def change_text(self, score: Score, lang: str) -> str:
        prev = self.prev_year(score.year)
        if prev is None:
            return ""
        if score.change is not None:
            if score.change == 0:
                return self.w.t("change_stable", lang, prev=prev)
            key = "change_up" if score.change > 0 else "change_down"
            points = self.w.num(abs(score.change), lang)
            return self.w.t(key, lang, points=points, prev=prev)
        if score.trend:
            return self.w.t("change_trend_only", lang, trend=self.w.t(f"trend_{score.trend}", lang), prev=prev)
        return ""

    def score(self, q: Query) -> Reply:
        lang = q.lang
        subject, target = self.subject_of(q)
        if q.about_structures and subject != "structure":
            return Reply(self.w.t("structure_no_score", lang, name=self.w.join(q.structures[:3], lang)), False,
                         year=q.year, structures=q.structures)
        if subject == "global" and q.places and not (q.channel or q.kind or q.subject):
            structures, _ = self.structures_of(q.places)
            name = next(iter(structures)).name if structures else (q.place_text or "")
            return Reply(self.w.t("structure_no_score", lang, name=name), False, year=q.year,
                         structures=[s.name for s in structures])
        label = self.subject_text(subject, target, lang)
        rows = self.scores_for(subject, target)
        if subject == "structure":  # its overall score, or the channel asked
            channel = q.channel if (target, q.channel) in self.structure_channels else None
            rows = [r for r in rows if getattr(r, "channel", None) == channel]
            if channel:
                label = self.w.t("subject_structure_channel", lang, label=target,
                                 channel=self.term_label("channels", channel, lang))
        with_value = [s.year for s in rows if s.value is not None]
        years = sorted({s.year for s in rows})
        year = self.year_for(q, with_value or years)
        if year is None:
            return Reply(self.w.t("score_missing", lang, subject=label, year=self.years_text(self.k.years)), False)
        found = [s for s in rows if s.year == year]
        if not found:
            return self.missing("score_missing", lang, year, years, subject=label)
        s = found[0]
        note = note_in(s, lang)
        change = self.change_text(s, lang)
        if s.value is None:
            text = self.w.t("score_note", lang, year=year, subject=label, note=note or "")
        elif note and subject in ("kind", "structure"):
            text = self.w.t("score_note_value", lang, year=year, subject=label, value=self.w.num(s.value, lang),
                            unit=s.unit if s.unit == "/100" else " %" if lang == "fr" else "%", change=change,
                            note=note)
        else:
            key = "score_value_about" if getattr(s, "approx", False) else "score_value"  # "stable": about that much
            text = self.w.t(key, lang, year=year, subject=label, value=self.w.num(s.value, lang),
                            unit=self.unit(s.unit, lang), change=change)
        notes = []
        wrong = self.premise_wrong(q, s, label, lang)
        if wrong is not None:
            text = wrong + "\n" + text
        if s.derived:
            notes.append(self.w.t("derived", lang, rule=rule_in(s, lang)))
        elif note and s.value is not None and subject not in ("kind", "structure"):
            notes.append(self.w.t("note", lang, note=note))
        reply = Reply(text, True, year=year, sources=list(s.sources),
                      structures=[target] if subject == "structure" and target else [])
        return self.finish(reply, lang, notes)

    def premise_wrong(self, q: Query, score: Score, label: str, lang: str) -> str | None:
        """"pourquoi le téléphone a-t-il baissé en 2020 ?" when it was stable: the premise corrected."""
        if q.premise is None:
            return None
        change = score.change
        trend = "down" if (change is not None and change < 0) or score.trend == "down" else \
            "up" if (change is not None and change > 0) or score.trend == "up" else \
            "stable" if change == 0 or score.trend == "stable" else None
        if trend is None or trend == q.premise:
            return None
        return self.w.t("premise_wrong", lang, subject=label,
                        verb=self.w.t(f"premise_{q.premise}", lang), year=score.year,
                        truth=self.change_text(score, lang).strip(" ()") or trend)

    def unit(self, unit: str, lang: str) -> str:
        if unit == "%":
            return " %" if lang == "fr" else "%"
        return unit

    def ranking(self, q: Query) -> Reply:
        if q.compare:
            return self.comparison(q)
        if q.rule == "the best structure of a kind":
            return self.best_structure(q)
        if q.kind or q.ranking_kinds:
            return self.kind_ranking(q)
        lang = q.lang
        by_year: dict[int, list[Score]] = {}
        for s in self.k.scores():
            if s.subject == "channel":
                by_year.setdefault(s.year, []).append(s)
        ranked_years = [y for y, rows in by_year.items() if sum(exact(r) for r in rows) >= 2]
        year = self.year_for(q, ranked_years)
        if year is None or year not in by_year:
            return self.missing("ranking_none", lang, year, sorted(ranked_years))
        rows = by_year[year]
        if q.by_change:
            return self.change_ranking(q, year, rows)
        valued = sorted((r for r in rows if exact(r)), key=lambda r: -figure(r))
        if not valued and q.superlative != "worst":
            return self.missing("ranking_none", lang, year, sorted(ranked_years))
        label = lambda r: self.term_label("channels", r.target, lang)  # noqa: E731
        sources = [u for r in rows for u in r.sources]
        focus: dict[str, str] = {}
        rough_values = [r.value for r in rows if r.value is not None and not exact(r)]
        if q.superlative == "best" and valued:
            top = valued[0]
            unsure = any(v > figure(top) for v in rough_values)  # an approximate value might rank above it
            text = self.w.t("ranking_best_exact" if unsure else "ranking_best", lang, year=year, label=label(top),
                            value=self.w.num(figure(top), lang), unit=self.unit(top.unit, lang))
            sources, focus = list(top.sources), {"channel": top.target or ""}
        elif q.superlative == "worst":
            flagged = [r for r in rows if r.standing == "worst" and r.value is None]
            if flagged:
                r = flagged[0]
                text = self.w.t("ranking_worst_note", lang, year=year, label=label(r),
                                note=note_in(r, lang) or "")
                sources, focus = list(r.sources), {"channel": r.target or ""}
            elif valued:
                low = valued[-1]
                unsure = any(v < figure(low) for v in rough_values)
                text = self.w.t("ranking_worst_exact" if unsure else "ranking_worst", lang, year=year, label=label(low),
                                value=self.w.num(figure(low), lang), unit=self.unit(low.unit, lang))
                sources, focus = list(low.sources), {"channel": low.target or ""}
            else:
                return Reply(self.w.t("ranking_none", lang, year=year), False, year=year)
        else:
            items = [self.w.t("ranking_item", lang, pos=i + 1, label=label(r), value=self.w.num(figure(r), lang),
                              unit=self.unit(r.unit, lang)) for i, r in enumerate(valued)]
            text = self.w.t("ranking_head", lang, year=year, items=", ".join(items))
        reply = Reply(text, True, year=year, sources=sources, focus=focus)
        rough = [r for r in rows if r.value is not None and not exact(r)]
        notes = [self.w.t("not_ranked_approx", lang, items=self.w.join(
            [f"{label(r)} ({self.w.t('about_value', lang, value=self.w.num(figure(r), lang))}{self.unit(r.unit, lang)})"
             for r in rough], lang))] if rough else []
        return self.finish(reply, lang, notes)

    def change_ranking(self, q: Query, year: int, rows: list[Score]) -> Reply:
        """Channels by their change against the previous edition ("le canal qui a le plus baissé")."""
        lang = q.lang
        changed = [r for r in rows if r.change is not None]
        if not changed:
            return Reply(self.w.t("ranking_none", lang, year=year), False, year=year)
        rising = q.by_change == "up"
        changed.sort(key=lambda r: -change_of(r) if rising else change_of(r))
        items = [f"{self.term_label('channels', r.target, lang)} ({self.w.signed(change_of(r), lang)})" for r in changed]
        text = self.w.t("change_ranking", lang, year=year, prev=self.prev_year(year) or "—", items=", ".join(items))
        return self.finish(Reply(text, True, year=year, sources=[u for r in changed for u in r.sources]), lang)

    def lookup(self, q: Query) -> Reply:
        """The edition(s) a quoted figure belongs to ("62/100, c'était quelle année ?")."""
        lang = q.lang
        lines: list[str] = []
        sources: list[str] = []
        years: list[int] = []
        for value in q.values:
            for score in self.k.scores():
                if exact(score) and abs(figure(score) - value) < 0.05 and (
                        q.subject is None or score.subject == q.subject):
                    lines.append(self.w.t("lookup_line", lang, value=self.w.num(figure(score), lang),
                                          unit=self.unit(score.unit, lang), year=score.year,
                                          subject=self.subject_text(score.subject, score.target, lang)))
                    sources += score.sources
                    years.append(score.year)
            for topic, field_name in self.METHOD_FIELDS.items():
                if topic not in ("structures_audited", "mystery_citizens", "criteria_count"):
                    continue
                for year in self.k.years:
                    entry = getattr(self.k.editions[year], field_name)
                    if entry is not None and entry.value == value:
                        lines.append(self.w.t(topic, lang, year=year, value=entry.value, change=""))
                        sources += entry.sources
                        years.append(year)
        if not lines:
            shown = ", ".join(self.w.num(v, lang) for v in q.values)
            return Reply(self.w.t("lookup_none", lang, value=shown), False)
        return self.finish(Reply("\n".join(dict.fromkeys(lines)), True, year=years[0], sources=sources), lang)

    def comparison(self, q: Query) -> Reply:
        """Two or more channels, kinds of structure or score subjects side by side, best first; the gap
        when there are two."""
        lang = q.lang
        pairs: list[tuple[str, str | None]]
        if q.compare_subjects:
            pairs = [(subject, None) for subject in q.compare]
        else:
            pairs = [("kind" if q.ranking_kinds else "channel", target) for target in q.compare]
        rows = {pair: [s for s in self.scores_for(*pair) if exact(s)] for pair in pairs}
        rough = {pair: [s for s in self.scores_for(*pair) if s.value is not None and not exact(s)] for pair in pairs}
        every = sorted({s.year for found in rows.values() for s in found})
        common = [y for y in every if all(any(s.year == y for s in found) for found in rows.values())]
        year = self.year_for(q, common or every)
        in_year = sorted(((pair, s) for pair, found in rows.items() for s in found if s.year == year),
                         key=lambda item: -figure(item[1]))
        if not in_year:
            labels = self.w.join([self.subject_text(*pair, lang) for pair in pairs], lang)
            return Reply(self.w.t("score_missing", lang, subject=labels, year=year or "—"), False, year=year)
        items = [self.w.t("ranking_item", lang, pos=i + 1, label=self.compared_label(pair, q, lang),
                          value=self.w.num(figure(s), lang), unit=self.unit(s.unit, lang))
                 for i, (pair, s) in enumerate(in_year)]
        text = self.w.t("compare_head", lang, year=year, items=", ".join(items))
        if len(in_year) == 2 and in_year[0][1].unit == in_year[1][1].unit:
            gap = figure(in_year[0][1]) - figure(in_year[1][1])
            text += " " + self.w.t("compare_gap", lang, points=self.w.num(round(gap, 1), lang))
        left_out = [pair for pair in pairs if pair not in {p for p, _ in in_year}]
        about = [(pair, s) for pair in left_out for s in rough[pair] if s.year == year]
        notes = [self.w.t("score_missing", lang, subject=self.subject_text(*pair, lang), year=year)
                 for pair in left_out if pair not in {p for p, _ in about}]
        if about:  # "stable" on the year before: about that much, not compared
            notes.append(self.w.t("not_ranked_approx", lang, items=self.w.join(
                [f"{self.compared_label(pair, q, lang)} ({self.w.t('about_value', lang, value=self.w.num(figure(s), lang))}"
                 f"{self.unit(s.unit, lang)})" for pair, s in about], lang)))
        notes += [self.w.t("derived", lang, rule=self.w.t("labelled", lang, label=self.compared_label(pair, q, lang),
                                                          text=rule_in(s, lang)))
                  for pair, s in in_year if s.derived]
        reply = Reply(text, True, year=year, sources=[u for _, s in in_year for u in s.sources])
        return self.finish(reply, lang, notes)

    def compared_label(self, pair: tuple[str, str | None], q: Query, lang: str) -> str:
        subject, target = pair
        if q.compare_subjects:
            return self.subject_text(subject, target, lang)
        return self.term_label("kinds" if subject == "kind" else "channels", target, lang)

    def best_structure(self, q: Query) -> Reply:
        """The best (or worst) structure of a kind by its own score ("quelle ville avait le meilleur score
        en 2014 ?"), where the data scores structures of that kind; else the ranking of kinds."""
        lang = q.lang
        rows = [s for s in self.k.scores() if s.subject == "structure" and getattr(s, "channel", None) is None
                and exact(s) and any(st.kind == q.kind for st in self.structures_named.get(s.target or "", []))]
        years = sorted({s.year for s in rows})
        year = self.year_for(q, years)
        in_year = [s for s in rows if s.year == year]
        if not in_year:
            return self.kind_ranking(q)
        flagged = [s for s in in_year if s.standing == (q.superlative or "best")]
        if not flagged:  # the data holds a few structures' scores, never all: only a published standing is known
            known = "; ".join(f"{s.target} {self.w.num(figure(s), lang)}{self.unit(s.unit, lang)}"
                              + (f", {self.w.t('standing_' + s.standing, lang)}" if s.standing else "")
                              for s in in_year[:3])
            return Reply(self.w.t(f"structure_{q.superlative or 'best'}_unknown", lang, year=year,
                                  kind=self.term_label("kinds", q.kind, lang), known=known), False, year=year,
                         sources=_dedupe(u for s in in_year for u in s.sources))
        pick = flagged[0]
        text = self.w.t(f"structure_{q.superlative or 'best'}", lang, year=year, name=pick.target,
                        kind=self.term_label("kinds", q.kind, lang), value=self.w.num(figure(pick), lang),
                        unit=self.unit(pick.unit, lang))
        notes = [self.w.t("note", lang, note=note_in(pick, lang))] if note_in(pick, lang) else []
        return self.finish(Reply(text, True, year=year, sources=list(pick.sources),
                                 structures=[pick.target] if pick.target else []), lang, notes)

    def kind_ranking(self, q: Query) -> Reply:
        lang = q.lang
        rows = [s for s in self.k.scores() if s.subject == "kind"]
        years = sorted({s.year for s in rows})
        year = self.year_for(q, years)
        in_year = [s for s in rows if s.year == year]
        if not in_year:
            return self.missing("kind_none", lang, year, years)
        label = lambda s: self.term_label("kinds", s.target, lang)  # noqa: E731
        value = lambda s: f" ({self.w.num(s.value, lang)}{self.unit(s.unit, lang)})" if s.value is not None else ""  # noqa: E731,E501
        valued = sorted((s for s in in_year if exact(s)), key=lambda s: -figure(s))
        if q.superlative in ("best", "worst"):
            flagged = [s for s in in_year if s.standing == q.superlative]
            pick = flagged[0] if flagged else (valued[0] if q.superlative == "best" else valued[-1]) if valued else None
            if pick is None:
                return Reply(self.w.t("kind_none", lang, year=year), False, year=year)
            text = self.w.t(f"kind_{q.superlative}", lang, year=year, label=label(pick), value=value(pick))
            reply = Reply(text, True, year=year, sources=list(pick.sources))
        else:
            items = [f"{label(s)}{value(s)}" for s in valued] or [
                f"{label(s)} : {note_in(s, lang) or ''}" for s in in_year]
            text = self.w.t("kind_ranking", lang, year=year, items="; ".join(items))
            reply = Reply(text, True, year=year, sources=[u for s in in_year for u in s.sources])
        return self.finish(reply, lang)

    # ------------------------------------------------------------------ terms
    def define(self, q: Query) -> Reply:
        """What a word of the barometer means (data/glossary.yaml), with where that is written."""
        term = self.k.glossary.get(q.term or "")
        if term is None:
            return Reply(self.w.t("term_unknown", q.lang), False)
        text = self.w.t("definition", q.lang, label=term.label(q.lang), meaning=term.meaning(q.lang))
        return self.finish(Reply(text, True, sources=list(term.sources)), q.lang)

    # ------------------------------------------------------------------ several editions at once
    def compare_years(self, q: Query) -> Reply:
        """One figure over the editions asked ("2019 vs 2020", "de 2016 à 2020"): each value, and the
        change from the first to the last. Generic over what is asked: a score or a count of the method."""
        lang = q.lang
        points: list[tuple[int, float, str]] = []  # (year, value, unit)
        sources: list[str] = []
        if q.topic in self.METHOD_FIELDS:
            label = self.w.t(f"label_{q.topic}", lang) if q.topic in COUNT_TOPICS else None
            if label is None:  # not a number: each edition's answer, one after the other
                replies = [self.method(Query(**{**q.__dict__, "year": y, "years": []})) for y in q.years
                           if y in self.k.editions]
                found = [r for r in replies if r.found]
                text = "\n".join(r.text for r in replies)
                return Reply(text, bool(found), year=q.years[-1], sources=[u for r in found for u in r.sources])
            for year in q.years:
                edition = self.k.editions.get(year)
                value = self.value_of(edition, self.METHOD_FIELDS[q.topic], q.topic) if edition else None
                if value is not None:
                    number, urls = value if isinstance(value, tuple) else (value.value, list(value.sources))
                    points.append((year, float(number), ""))
                    sources += urls
        else:
            subject, target = self.subject_of(q)
            label = self.subject_text(subject, target, lang)
            for score in sorted(self.scores_for(subject, target), key=lambda s: s.year):
                if score.year in q.years and exact(score):
                    points.append((score.year, float(figure(score)), score.unit))
                    sources += score.sources
        missing = [y for y in q.years if y not in {p[0] for p in points}]
        if not points:
            return self.missing("compare_years_none", lang, None, [], subject=label,
                                years=self.years_text(q.years))
        items = [self.w.t("series_item", lang, year=y, value=self.w.num(v, lang), unit=self.unit(u, lang))
                 for y, v, u in points]
        lines = [self.w.t("compare_years", lang, subject=label[0].upper() + label[1:], items=", ".join(items))]
        if len(points) >= 2:
            (y0, v0, _), (y1, v1, _) = points[0], points[-1]
            published = self.published_change(q, y0, y1)
            key = "compare_years_change" if q.topic not in COUNT_TOPICS else "compare_years_change_count"
            lines.append(self.w.t(key, lang, first=y0, last=y1,
                                  points=self.w.signed(published if published is not None else v1 - v0, lang)))
        if missing:
            lines.append(self.w.t("series_missing_years", lang, years=self.years_text(missing)))
        reply = Reply("\n".join(lines), True, year=points[-1][0], sources=sources,
                      series=[(y, v) for y, v, _ in points])
        return self.finish(reply, lang)

    def published_change(self, q: Query, first: int, last: int) -> float | None:
        """The change the source publishes between two consecutive editions (it may differ from the
        difference of the rounded figures), or None."""
        if q.topic or self.prev_year(last) != first:
            return None
        subject, target = self.subject_of(q)
        row = next((s for s in self.scores_for(subject, target) if s.year == last), None)
        return row.change if row is not None else None

    # ------------------------------------------------------------------ series
    def series(self, q: Query) -> Reply:
        lang = q.lang
        subject, target = self.subject_of(q)
        label = self.subject_text(subject, target, lang)
        rows = sorted((s for s in self.scores_for(subject, target) if exact(s)), key=lambda s: s.year)
        if q.since:
            rows = [s for s in rows if s.year >= q.since]
        if not rows:
            return Reply(self.w.t("series_none", lang, subject=label), False)
        points = [(s.year, float(figure(s))) for s in rows]
        items = [self.w.t("series_item", lang, year=s.year, value=self.w.num(figure(s), lang),
                          unit=self.unit(s.unit, lang)) for s in rows]
        subject_cap = label[0].upper() + label[1:] if lang == "en" else label
        lines = []
        year = rows[-1].year
        if q.superlative in ("best", "worst"):
            pick = max(rows, key=lambda s: figure(s)) if q.superlative == "best" else min(rows, key=lambda s: figure(s))
            year = pick.year  # "la meilleure année": the answer is about that year
            lines.append(self.w.t(f"series_{q.superlative}", lang, year=pick.year,
                                  value=self.w.num(figure(pick), lang), unit=self.unit(pick.unit, lang)))
        lines.append(self.w.t("series_head", lang, subject=subject_cap, items=", ".join(items)))
        if q.superlative is None and len(rows) > 1:
            best = max(rows, key=lambda s: figure(s))
            lines.append(self.w.t("series_best", lang, year=best.year, value=self.w.num(figure(best), lang),
                                  unit=self.unit(best.unit, lang)))
        first = rows[0].year
        missing = [y for y in self.k.years if y >= first and y not in {s.year for s in rows}]
        if missing:
            lines.append(self.w.t("series_missing_years", lang, years=self.years_text(missing)))
        reply = Reply("\n".join(lines), True, year=year, sources=[u for s in rows for u in s.sources],
                      series=points)
        return self.finish(reply, lang)

    # ------------------------------------------------------------------ methodology
    METHOD_FIELDS = {
        "structures_audited": "structures_audited", "audits_per_structure": "audits_per_structure",
        "mystery_citizens": "mystery_citizens", "criteria_count": "criteria_count",
        "audit_periods": "audit_periods", "channels": "channels", "determinants": "determinants",
        "laureates_count": "laureates_count",
    }

    def method(self, q: Query) -> Reply:
        lang, topic = q.lang, q.topic or "edition_number"
        if topic == "platforms":  # "quels réseaux sociaux ?": the channels, whose note names the platforms
            topic = "channels"
        if topic == "edition_number":
            return self.edition_number(q)
        if topic == "presentation":
            return self.presentation(q)
        if topic == "categories":
            return self.categories(q)
        if topic in self.fact_prefixes:
            return self.facts_about(q, topic)
        if topic == "name":
            named_year = q.year if q.year is not None else self.k.years[-1]
            edition = self.k.editions[named_year]
            return self.finish(Reply(self.w.t("name", lang, year=named_year, name=edition.name), True, year=named_year,
                                     sources=self.edition_sources(edition)), lang)
        if topic in ("determinants", "criteria_count") and q.year in self.k.editions:
            # "les critères" may be the count of criteria or the determinants measured: the one that year holds
            edition = self.k.editions[q.year]
            other = "criteria_count" if topic == "determinants" else "determinants"
            if getattr(edition, topic) is None and getattr(edition, other) is not None:
                topic = other
        field_name = self.METHOD_FIELDS[topic]
        has = [y for y in self.k.years if self.value_of(self.k.editions[y], field_name, topic) is not None]
        if q.over_years and topic in ("structures_audited", "mystery_citizens", "laureates_count", "criteria_count",
                                      "audits_per_structure") and has:
            since = [y for y in has if q.since is None or y >= q.since]  # "depuis 2013"
            return self.count_series(q, topic, field_name, since or has)
        year = self.year_for(q, has)
        if year is None or year not in has:
            return self.missing("method_missing", lang, year, has)
        edition = self.k.editions[year]
        value = self.value_of(edition, field_name, topic)
        notes: list[str] = []
        if topic in ("audit_periods", "channels", "determinants"):
            entry = getattr(edition, field_name)
            if topic == "channels":
                items = [self.term_label("channels", c, lang) for c in entry.values]
            else:
                items = list(entry.values_en if lang == "en" and entry.values_en else entry.values)
            joined = self.w.join(items, lang)
            text = self.w.t(topic, lang, year=year, items=joined, periods=joined)
            if q.how_many and topic in ("channels", "determinants"):  # "combien de déterminants ?": how many
                text = self.w.t(f"{topic}_count", lang, year=year, count=len(items), items=joined)
            note = note_in(entry, lang)
            sources = list(entry.sources)
        elif topic == "laureates_count" and value is not None and isinstance(value, tuple):
            count, sources = value
            text = self.w.t("laureates_count", lang, year=year, value=count)
            entry = edition.laureates_count
            note = note_in(entry, lang) if entry else None
            if entry is not None and entry.derived:
                notes.append(self.w.t("derived", lang, rule=rule_in(entry, lang)))
        else:
            entry = getattr(edition, field_name)
            change = self.w.t("structures_change", lang, change=entry.change) if entry.change else ""
            text = self.w.t(topic, lang, year=year, value=entry.value, change=change)
            note = note_in(entry, lang)
            sources = list(entry.sources)
        if note:
            notes.append(self.w.t("note", lang, note=note))
        return self.finish(Reply(text, True, year=year, sources=sources), lang, notes)

    def count_series(self, q: Query, topic: str, field_name: str, years: list[int]) -> Reply:
        lang, items, sources, points = q.lang, [], [], []
        for year in years:
            value = self.value_of(self.k.editions[year], field_name, topic)
            number, urls = value if isinstance(value, tuple) else (value.value, list(value.sources))
            items.append(f"{year} : {number}" if lang == "fr" else f"{year}: {number}")
            sources += urls
            points.append((year, float(number)))
        text = self.w.t("count_series", lang, label=self.w.t(f"label_{topic}", lang), items=", ".join(items))
        year = years[-1]
        if q.superlative in ("best", "worst"):  # "quelle édition a eu le moins de structures ?"
            pick = max(points, key=lambda p: p[1]) if q.superlative == "best" else min(points, key=lambda p: p[1])
            year = pick[0]
            text = self.w.t(f"count_{q.superlative}", lang, year=year, value=self.w.num(pick[1], lang)) + "\n" + text
        return self.finish(Reply(text, True, year=year, sources=sources, series=points), lang)

    def value_of(self, edition: Edition, field_name: str, topic: str):
        if topic == "laureates_count":
            if edition.laureates_count is not None:
                return edition.laureates_count.value, list(edition.laureates_count.sources)
            if edition.completeness == "complete" and edition.awards:
                return len(edition.awards), [u for a in edition.awards for u in a.sources]
            return None
        return getattr(edition, field_name)

    def facts_about(self, q: Query, topic: str) -> Reply:
        """The free-text facts of an edition on a topic (its launch, registration...), found by the
        beginnings of words of lexicon.yaml's fact_prefixes."""
        lang, prefixes = q.lang, self.fact_prefixes[topic]

        def matching(edition: Edition) -> list:
            return [f for f in edition.facts if any(w.startswith(prefixes) for w in fold(f.text).split())]

        has = [y for y in self.k.years if matching(self.k.editions[y])]
        first = topic in self.earliest_fact_topics and has
        year = has[0] if first and q.year is None else self.year_for(q, has)
        facts = matching(self.k.editions[year]) if year in self.k.editions else []
        if not facts:
            return self.missing("method_missing", lang, year, has)
        lines = [self.w.t("fact_line", lang, year=year, text=(f.en if lang == "en" and f.en else f.text))
                 for f in facts]
        return self.finish(Reply("\n".join(lines), True, year=year, sources=[u for f in facts for u in f.sources]),
                           lang)

    def categories(self, q: Query) -> Reply:
        lang = q.lang
        has = [y for y in self.k.years if self.k.editions[y].categories]
        year = self.year_for(q, has)
        if year is None or year not in has:
            return self.missing("method_missing", lang, year, has)
        edition = self.k.editions[year]
        labels = [self.category_label(c, lang, edition) for c in edition.categories]
        text = self.w.t("categories_count", lang, year=year, value=len(labels), items="; ".join(labels))
        sources = [u for a in edition.awards if a.category in edition.categories for u in a.sources]
        return self.finish(Reply(text, True, year=year, sources=sources or self.edition_sources(edition)), lang)

    def edition_sources(self, edition: Edition) -> list[str]:
        for part in (edition.published, edition.presentation, edition.structures_audited):
            if part is not None and part.sources:
                return list(part.sources)
        for fact in edition.facts:
            return list(fact.sources)
        return [u for a in edition.awards for u in a.sources]

    def edition_number(self, q: Query) -> Reply:
        lang = q.lang
        if q.year is None or not q.year_explicit and q.relative is None:
            first, last = self.k.years[0], self.k.years[-1]
            q.year = None  # about every edition: no year for the conversation to carry on
            text = self.w.t("editions_count", lang, count=len(self.k.years), first=first, last=last)
            sources = self.edition_sources(self.k.editions[first])
            return self.finish(Reply(text, True, year=None, sources=sources), lang)  # about every edition
        edition = self.k.editions[q.year]
        if edition.number is None:
            return Reply(self.w.t("method_missing", lang, year=q.year), False, year=q.year)
        text = self.w.t("edition_number", lang, year=q.year, number=edition.number, name=edition.name)
        return self.finish(Reply(text, True, year=q.year, sources=self.edition_sources(edition)), lang)

    def presentation(self, q: Query) -> Reply:
        lang = q.lang
        has = [y for y in self.k.years if self.k.editions[y].published or self.k.editions[y].presentation]
        year = self.year_for(q, has)
        if year is None or year not in has:
            return self.missing("method_missing", lang, year, has)
        edition = self.k.editions[year]
        events = (edition.published, edition.presentation)
        if q.where and not any(e and e.place for e in events):
            # "où ?" and the data has no place: say so, with the notes (a planned place, say)
            places = [y for y in has if any(e and e.place for e in (self.k.editions[y].published,
                                                                      self.k.editions[y].presentation))]
            reply = self.missing("place_missing", lang, year, places)
            place_notes = [note_in(e, lang) for e in events if e and e.note]
            reply.text = "\n".join([reply.text, *(self.w.t("note", lang, note=n) for n in place_notes)])
            reply.sources = _dedupe(u for e in events if e for u in e.sources)
            return reply
        lines: list[str] = []
        sources: list[str] = []
        notes: list[str] = []
        if edition.published:
            p = edition.published
            lines.append(self.w.t("published", lang, year=year, date=self.w.date(p.date, lang) or "—"))
            note = note_in(p, lang)
            if note:
                notes.append(self.w.t("note", lang, note=note))
            sources += p.sources
        if edition.presentation:
            p = edition.presentation
            when = ", ".join(x for x in (self.w.date(p.date, lang), p.place) if x)
            if when and not (edition.published and p.date == edition.published.date and not p.place):
                lines.append(self.w.t("presented", lang, year=year, when=when))
            note = note_in(p, lang)
            if note:
                notes.append(self.w.t("note", lang, note=note))
            sources += p.sources
        return self.finish(Reply("\n".join(lines), True, year=year, sources=sources), lang, notes)
