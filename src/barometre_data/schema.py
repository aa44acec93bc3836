"""The shape of the human-edited files in `data/` (pydantic models).

One file per edition (`data/2020.yaml` ...) is an :class:`EditionFile`; `data/synonyms.yaml` is a
:class:`VocabularyFile`. `data/README.md` documents both for admins. Validation that needs more than
one file (unknown category ids, two files for one year) lives in `loader.py`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SubjectKind = Literal["global", "certified", "non-certified", "channel", "kind", "structure"]
Trend = Literal["hausse", "baisse", "stable"]
Completeness = Literal["complete", "partial", "minimal", "launch-only", "existence-only"]

# Sane bounds for every number of a data file (a typo like 1e12 or .inf is refused, never served).
MAX_COUNT = 10_000_000  # structures, audits, mystery citizens...: far above any edition's figure
MAX_CHANGE = 100  # a change in points on a 0-100 scale
MAX_RANK = 1_000
MAX_EDITION = 1_000


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a key must not silently drop a fact."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


def _as_list(value: object) -> object:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


class Sourced(Strict):
    """Anything that states a fact carries the URL(s) it comes from."""

    source: list[str] = Field(min_length=1)

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return _as_list(value)

    @field_validator("source")
    @classmethod
    def _urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"source must be a URL (http:// or https://), got {url!r}")
        return urls


class Derivable(Sourced):
    derived: bool = False
    rule: str | None = None  # how a derived value was computed, e.g. "69 - 8"
    rule_en: str | None = None  # the same rule in English
    note: str | None = None
    note_en: str | None = None

    @model_validator(mode="after")
    def _rule_for_derived(self) -> "Derivable":
        if self.derived and not self.rule:
            raise ValueError("a derived value needs its rule (e.g. rule: \"69 - 8\")")
        if self.derived and not self.rule_en:
            raise ValueError("a derived value needs its rule in English too (rule_en: ...)")
        if self.rule_en and not self.rule:
            raise ValueError("rule_en is the English of rule: write rule too")
        return self


class Count(Derivable):
    value: int = Field(ge=0, le=MAX_COUNT)
    change: str | None = None  # as published, e.g. "+39 %"


class TextList(Sourced):
    value: list[str] = Field(min_length=1)
    en: list[str] | None = None
    note: str | None = None
    note_en: str | None = None

    @model_validator(mode="after")
    def _same_length(self) -> "TextList":
        if self.en is not None and len(self.en) != len(self.value):
            raise ValueError("en must have as many items as value")
        return self


class Event(Sourced):
    """When and where results were published or presented (date: YYYY, YYYY-MM or YYYY-MM-DD)."""

    date: str | None = None
    place: str | None = None
    note: str | None = None
    note_en: str | None = None

    @field_validator("date")
    @classmethod
    def _iso_prefix(cls, value: str | None) -> str | None:
        import re

        if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise ValueError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
        return value


class CategoryLabel(Sourced):
    id: str  # a category id of data/synonyms.yaml
    label: str  # the exact label used by this edition
    # the population band the label states, inclusive ("plus de 100 000": min 100001; "moins de 20 000": max 19999)
    min: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    max: int | None = Field(default=None, ge=0, le=MAX_COUNT)

    @model_validator(mode="after")
    def _ordered(self) -> "CategoryLabel":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max} (bounds are inclusive: min <= max)")
        return self


class AwardEntry(Derivable):
    category: str | None = None  # category id, or null when the source does not say
    name: str
    kind: str | None = None  # a kind id of data/synonyms.yaml (ville, departement, ccas...)
    commune: str | None = None
    department: str | None = None
    region: str | None = None
    rank: int | None = Field(default=None, ge=1, le=MAX_RANK)  # derived: true when read, not printed
    mention: str | None = None


class ScoreEntry(Derivable):
    subject: SubjectKind
    channel: str | None = None  # channel id, when subject is channel
    kind: str | None = None  # kind id, when subject is kind
    structure: str | None = None  # structure name (an award's name), when subject is structure
    value: float | None = Field(default=None, ge=0, le=100)
    unit: Literal["/100", "%"] = "/100"
    change: float | None = Field(default=None, ge=-MAX_CHANGE, le=MAX_CHANGE)  # points vs the previous edition
    trend: Trend | None = None
    standing: Literal["best", "worst"] | None = None  # best / worst of its subject kind
    approx: bool = False  # the value is approximate (derived from "stable"): said "about", never ranked

    @model_validator(mode="after")
    def _target(self) -> "ScoreEntry":
        needed = {"channel": "channel", "kind": "kind", "structure": "structure"}.get(self.subject)
        if needed and not getattr(self, needed):
            raise ValueError(f"a {self.subject} score needs the field {needed!r}")
        if self.approx and self.value is None:
            raise ValueError("approx: true qualifies a value: write the value, or remove approx")
        if self.value is None and self.change is None and self.trend is None and self.standing is None \
                and not self.note:
            raise ValueError("a score needs a value, a change, a trend, a standing or a note")
        if self.trend is None and self.change is not None:
            self.trend = "stable" if self.change == 0 else ("hausse" if self.change > 0 else "baisse")
        return self


class FactEntry(Sourced):
    text: str
    en: str | None = None


class EditionFile(Strict):
    edition: int | None = Field(default=None, ge=1, le=MAX_EDITION)  # ordinal (8 for the 8th edition)
    year: int = Field(ge=2000, le=2100)
    name: str
    completeness: Completeness
    completeness_note: str | None = None
    completeness_note_en: str | None = None
    published: Event | None = None  # publication of the results
    presentation: Event | None = None  # ceremony / presentation of results
    structures_audited: Count | None = None
    audits_per_structure: Count | None = None
    mystery_citizens: Count | None = None
    criteria_count: Count | None = None
    laureates_count: Count | None = None
    audit_periods: TextList | None = None
    channels: TextList | None = None  # channel ids of data/synonyms.yaml
    determinants: TextList | None = None
    categories: list[CategoryLabel] = []
    awards: list[AwardEntry] = []
    scores: list[ScoreEntry] = []
    facts: list[FactEntry] = []
    gaps: list[str] = []
    gaps_en: list[str] = []


class Term(Strict):
    """One entry of the vocabulary: its labels and the words people use for it."""

    fr: str
    en: str
    aliases: list[str] = []  # matched after folding (lower case, no accents)

    @field_validator("aliases", mode="before")
    @classmethod
    def _numbers_are_words(cls, value: object) -> object:
        return [str(v) for v in value] if isinstance(value, list) else value


class VocabularyFile(Strict):
    channels: dict[str, Term]
    categories: dict[str, Term]
    kinds: dict[str, Term]
    subjects: dict[str, Term]  # global / certified / non-certified


class Citation(Strict):
    """A page and the words of that page that support a definition."""

    url: str
    quote: str = Field(min_length=1, max_length=400)  # copied word for word; a cut is marked […]

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {url!r}")
        return url


class GlossaryTerm(Term):
    """One word of the barometer explained, in French and English, with its sources."""

    definition: str = Field(min_length=1)
    definition_en: str = Field(min_length=1)
    sources: list[Citation] = Field(min_length=1)


class GlossaryFile(Strict):
    terms: dict[str, GlossaryTerm]
