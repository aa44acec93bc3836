"""Answers people marked as wrong (the "wrong answer" button under each answer in Discord).

    flag = FlaggedAnswer.now("score du courrier 2020", "Le courrier : 50 / 100 …", found=True,
                             intent="score", lang="fr", year=2020, data_version=12)
    await store.flag_answer(flag)            # one row in `answer_flag`
    (await store.query_stats()).flagged      # the most recent ones, for /stats

A confident wrong answer is invisible in the query log (it counts as answered): this is how it reaches
the people who fix the data or the engine. The data version says which data gave it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .querylog import QUESTION_MAX

ANSWER_MAX = 4000  # characters kept of an answer (a Discord embed holds 4,096)


@dataclass(frozen=True)
class FlaggedAnswer:
    created_at: datetime  # UTC, when it was flagged
    question: str | None  # None: not known any more (a message older than the bot's memory)
    answer: str
    found: bool | None = None
    intent: str | None = None
    lang: str | None = None
    year: int | None = None
    data_version: int | None = None  # None: not known any more

    @classmethod
    def now(cls, question: str | None, answer: str, *, found: bool | None = None, intent: str | None = None,
            lang: str | None = None, year: int | None = None, data_version: int | None = None) -> "FlaggedAnswer":
        return cls(datetime.now(UTC), question[:QUESTION_MAX] if question else None, answer[:ANSWER_MAX],
                   found, intent, lang, year, data_version)

    def summary(self, width: int = 90) -> str:
        """One line: when, which data version, the question and the start of the answer."""
        answer = " ".join(self.answer.split())
        if len(answer) > width:
            answer = answer[: width - 1].rstrip() + "…"
        version = f"v{self.data_version}" if self.data_version is not None else "v?"
        question = f"« {self.question} »" if self.question else "« ? »"
        return f"{self.created_at:%Y-%m-%d %H:%M} · {version} · {question} → {answer}"
