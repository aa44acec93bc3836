"""The one object front-ends (CLI chat, Discord bot) talk to: store + current knowledge + engine +
conversations. It owns the mutable state (the current snapshot, conversation states); a reload builds
a new snapshot and swaps it in at once, so questions asked during a reload are answered from the old one.

Interface (stable; the bot codes against it):

    service = await BarometreService.open(settings)        # opens the store, fills it on first use
    answer = await service.ask("qui a gagné ?", conversation=(channel_id, user_id))
    answer = await service.command("laureate", conversation=key, lang="fr", category="services-sociaux", year=2020)
    choices = service.choices("category", typed="soc", lang="fr")   # [(label, value)], <= 25, from memory
    value = service.resolve("category", "sociaux")                 # id or None
    report = await service.reload()                                # ReloadReport
    report = await service.import_file("2023.yaml", content_bytes)  # ReloadReport
    stats = await service.stats()
    await service.close()
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Hashable

from rapidfuzz import fuzz

from .config import Settings
from .engine import Answer, Conversations, Engine, Query
from .engine.normalize import fold
from .knowledge import Knowledge
from .loader import DataErrors, LoadResult, load_dir, validate_extra
from .store import ChangeSummary, QueryStats, Store
from .texts import texts

log = logging.getLogger(__name__)

MAX_CHOICES = 25
MAX_CHOICE_NAME = 100


@dataclass
class ReloadReport:
    ok: bool
    summary: ChangeSummary | None = None
    errors: list[str] = field(default_factory=list)

    def render(self, lang: str = "fr", limit: int = 20) -> str:
        if self.ok and self.summary is not None:
            return self.summary.render(lang)
        head = texts("reload", lang)["rejected"]
        lines = self.errors[:limit]
        more = len(self.errors) - len(lines)
        if more > 0:
            lines.append(f"… (+{more})")
        return "\n".join([head, *(f"- {e}" for e in lines)])


class BarometreService:
    """Owns the store, the current engine (one per knowledge snapshot) and the conversations."""

    def __init__(self, store: Store, settings: Settings, engine: Engine, log_queries: bool = True) -> None:
        self.store = store
        self.settings = settings
        self._engine = engine
        self.conversations = Conversations()
        self.log_queries = log_queries
        self._reload_lock = asyncio.Lock()

    @classmethod
    async def open(cls, settings: Settings | None = None, *, log_queries: bool = True) -> "BarometreService":
        settings = settings or Settings.from_env()
        store = await Store.from_settings(settings)
        try:
            await _catch_up_with_data_dir(store, settings)
            knowledge = await store.knowledge()
            engine = await asyncio.to_thread(Engine, knowledge)
        except BaseException:
            await store.close()
            raise
        return cls(store, settings, engine, log_queries)

    async def close(self) -> None:
        await self.store.close()

    @property
    def knowledge(self) -> Knowledge:
        return self._engine.knowledge

    @property
    def engine(self) -> Engine:
        return self._engine

    # ------------------------------------------------------------------ questions
    async def ask(self, question: str, conversation: Hashable = None) -> Answer:
        state = self.conversations.get(conversation)
        answer = self._engine.answer(question, state)
        await self._log(question, answer)
        return answer

    async def command(self, intent: str, conversation: Hashable = None, lang: str = "fr", **slots: Any) -> Answer:
        """A structured question (slash commands): intent laureate / palmares / score / series / ranking /
        method, with slots category, channel, subject, kind, year, topic..."""
        if intent == "help":
            return self._engine.plain("help", lang, "help")
        year = slots.pop("year", None)
        query = Query(intent=intent, lang=lang, year=year, year_explicit=year is not None, confidence=1.0, **slots)
        state = self.conversations.get(conversation)
        return self._engine.run(query, state)

    async def _log(self, question: str, answer: Answer) -> None:
        if not self.log_queries:
            return
        try:
            await self.store.log_query(question[:500], answer.found, answer.intent, answer.lang)
        except Exception:  # the answer matters more than its log line
            log.exception("could not log the question")

    # ------------------------------------------------------------------ choices (autocomplete, from memory)
    def _options(self, kind: str, lang: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """(label, value, words to match) for a kind of choice."""
        k = self.knowledge
        vocab = k.vocabulary
        if kind == "category":
            used = {a.category for a in k.awards() if a.category}
            used |= {c for e in k.editions.values() for c in e.categories}
            return [(t.label(lang), t.id, (t.fr, t.en, *t.aliases)) for t in vocab.categories.values() if t.id in used]
        if kind in ("channel", "subject"):
            scored = {(s.subject, s.target) for s in k.scores() if s.value is not None}
            out = [(t.label(lang), t.id, (t.fr, t.en, *t.aliases)) for t in vocab.subjects.values()
                   if (t.id, None) in scored]
            out += [(t.label(lang), t.id, (t.fr, t.en, *t.aliases)) for t in vocab.channels.values()
                    if ("channel", t.id) in scored]
            return out
        if kind == "year":
            return [(f"{y} ({e.number}e édition)" if e.number and lang == "fr" else
                     f"{y} (edition {e.number})" if e.number else str(y), str(y), (str(y),))
                    for y, e in sorted(k.editions.items(), reverse=True)]
        raise ValueError(f"unknown kind of choice: {kind}")

    def choices(self, kind: str, typed: str = "", lang: str = "fr") -> list[tuple[str, str]]:
        options = self._options(kind, lang)
        needle = fold(typed or "")
        if needle:
            scored = []
            for label, value, words in options:
                folded = [fold(w) for w in (label, value, *words)]
                if any(f.startswith(needle) for f in folded):
                    score = 100.0
                elif any(needle in f for f in folded):
                    score = 90.0
                else:
                    score = max(fuzz.ratio(needle, f[:len(needle) + 2]) for f in folded) * 0.8
                if score >= 55:
                    scored.append((score, label, value))
            scored.sort(key=lambda x: -x[0])
            options = [(label, value, ()) for _, label, value in scored]
        return [(label[:MAX_CHOICE_NAME], value[:MAX_CHOICE_NAME]) for label, value, _ in options[:MAX_CHOICES]]

    def resolve(self, kind: str, value: str | None) -> str | None:
        """A submitted value (an id chosen from autocomplete, or anything typed) -> an id, or None."""
        if value is None or not str(value).strip():
            return None
        value = str(value).strip()
        options = self._options(kind, "fr")
        ids = {v for _, v, _ in options}
        if value in ids:
            return value
        if kind == "year":
            digits = "".join(ch for ch in value if ch.isdigit())[:4]
            return digits if digits in ids else None
        wanted = {"category": {"category"}, "channel": {"channel", "subject"}, "subject": {"channel", "subject"}}[kind]
        words = fold(value).split()
        for hit in self._engine.matcher.find(words):
            for entity in hit.entities:
                if entity.type in wanted and entity.id in ids:
                    return entity.id
        best = self.choices(kind, value)
        return best[0][1] if best else None

    # ------------------------------------------------------------------ admin
    async def reload(self) -> ReloadReport:
        """Validate data/ and import it; on any error the current data keeps being served."""
        result = await asyncio.to_thread(load_dir, self.settings.data_dir)
        return await self._import(result)

    async def import_file(self, name: str, content: bytes) -> ReloadReport:
        """Validate an uploaded data file together with data/, import it, and keep it in data/."""
        result = await asyncio.to_thread(validate_extra, self.settings.data_dir, name, content)
        report = await self._import(result)
        if report.ok and result.target is not None:
            await asyncio.to_thread(_write_atomically, Path(result.target), content)
        return report

    async def _import(self, result: LoadResult) -> ReloadReport:
        if not result.ok:
            return ReloadReport(False, errors=[str(e) for e in result.errors])
        async with self._reload_lock:
            try:
                summary = await self.store.import_data(result)
            except DataErrors as exc:
                return ReloadReport(False, errors=[str(e) for e in exc.errors])
            except Exception as exc:  # a database failure: nothing changed (one transaction)
                log.exception("import failed")
                return ReloadReport(False, errors=[f"database: {type(exc).__name__}"])
            knowledge = await self.store.knowledge()
            engine = await asyncio.to_thread(Engine, knowledge)
            self._engine = engine  # one assignment: questions see the old or the new snapshot, never a mix
        return ReloadReport(True, summary=summary)

    async def stats(self, limit: int = 10) -> QueryStats:
        return await self.store.query_stats(limit)


async def _catch_up_with_data_dir(store: Store, settings: Settings) -> None:
    """data/ is the source of truth: at start, import what changed in it since the store was filled
    (nothing when nothing changed). Invalid files are reported in the log and the store keeps serving
    what it holds; an admin sees the errors with `barometre check` or /recharger."""
    result = await asyncio.to_thread(load_dir, settings.data_dir)
    if not result.ok:
        log.warning("data folder %s has %d error(s); serving the data already in the store (first: %s)",
                    settings.data_dir, len(result.errors), result.errors[0])
        return
    try:
        summary = await store.import_data(result)
    except Exception:  # e.g. another process importing the same change at the same moment
        log.warning("could not bring the store up to date with %s; serving what it holds", settings.data_dir,
                    exc_info=True)
        return
    if not summary.empty:
        log.info("store updated from %s: %s", settings.data_dir, summary.render("en", limit=5).replace("\n", "; "))


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".yaml")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
