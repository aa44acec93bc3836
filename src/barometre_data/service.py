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
    report = await service.rollback(12)                             # ReloadReport
    versions = await service.history()                             # [VersionInfo], newest first
    stats = await service.stats()
    await service.flush()                                           # write the buffered query log now
    await service.close()                                           # flushes the query log, closes the store

The store is the one source of truth: every data change is a numbered version (`store.versions`), and
each process follows it (`follow.Follower`: PostgreSQL NOTIFY, or a short timer on SQLite) and swaps
in the new snapshot; `service.version` is the version this process serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from datetime import UTC, datetime
import time
from dataclasses import dataclass, field
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Hashable

from rapidfuzz import fuzz

from .config import Settings
from .engine import Answer, Conversations, Engine, Query
from .engine.normalize import fold
from .errors import Busy
from .feedback import FlaggedAnswer
from .knowledge import Knowledge
from .follow import STOP_SECONDS, Follower, stop_task
from .leases import ShardLeases
from .loader import DataErrors
from .querylog import LoggedQuery, QueryLogWriter, failure_reason
from .store import ChangeSummary, QueryStats, Store
from .texts import texts
from .versions import Commit, ServingProcess, VersionInfo

log = logging.getLogger(__name__)

PRUNE_EVERY = 600.0  # seconds between two clean-ups of the query log
FLAG_TIMEOUT = 5.0  # seconds a "wrong answer" click may wait on the database
MAX_CHOICES = 25
HEARTBEAT_SECONDS = 10.0  # how often a following process tells the store which version it serves
MAX_CHOICE_NAME = 100


@dataclass
class ReloadReport:
    ok: bool
    summary: ChangeSummary | None = None
    errors: list[str] = field(default_factory=list)
    version: VersionInfo | None = None  # the store's version after the change (or as it was)
    notice: str | None = None  # e.g. a data folder not taken in, and why
    reason: str | None = None  # "database_away" (the store could not be reached) or "busy" (errors: the French text)
    waited: float | None = None  # busy: seconds waited for the data lock

    @classmethod
    def database_away(cls) -> "ReloadReport":
        return cls(False, errors=[texts("reload", "fr")["database_away"]], reason="database_away")

    @classmethod
    def busy(cls, seconds: float) -> "ReloadReport":
        return cls(False, errors=[texts("reload", "fr")["busy"].format(seconds=f"{seconds:g}")], reason="busy",
                   waited=seconds)

    @classmethod
    def of(cls, commit: Commit) -> "ReloadReport":
        return cls(True, summary=commit.summary if commit.changed else None, version=commit.version,
                   notice=commit.notice)

    def render(self, lang: str = "fr", limit: int = 20) -> str:
        if self.reason in ("database_away", "busy"):
            return texts("reload", lang)[self.reason].format(seconds=f"{self.waited or 0:g}")
        if self.ok:
            words = texts("reload", lang)
            lines = [self.summary.render(lang) if self.summary is not None else words["unchanged"]]
            if self.notice:
                lines.append(self.notice)
            if self.version is not None:
                lines.append(words["version"].format(number=self.version.number, hash=self.version.short_hash))
            return "\n".join(lines)
        head = texts("reload", lang)["rejected"]
        lines = self.errors[:limit]
        more = len(self.errors) - len(lines)
        if more > 0:
            lines.append(f"… (+{more})")
        return "\n".join([head, *(f"- {e}" for e in lines)])


class BarometreService:
    """Owns the store, the current engine (one per knowledge snapshot) and the conversations."""

    def __init__(self, store: Store, settings: Settings, engine: Engine, log_queries: bool = True,
                 version: VersionInfo | None = None) -> None:
        self.store = store
        self.settings = settings
        self._engine = engine
        self.version = version  # the data version this process serves
        self.conversations = Conversations()
        self.log_queries = log_queries
        self._refresh_lock = asyncio.Lock()
        self._follower: Follower | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._report_now = asyncio.Event()
        self._stopping = asyncio.Event()
        self.process_name = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"
        self._started = datetime.now(UTC)
        self._leases: ShardLeases | None = None
        # the query log is written in the background: answers never wait on the database
        self.query_log = QueryLogWriter(store.log_queries, after_write=self._prune_query_log)
        self._pruned_at: float | None = None  # monotonic time of the last retention clean-up

    @classmethod
    async def open(cls, settings: Settings | None = None, *, log_queries: bool = True,
                   follow: bool = True) -> "BarometreService":
        """Open the store (filled on first use, then brought up to date with data/ when that is safe)
        and serve its current version; with `follow`, swap in every new version as it lands."""
        settings = settings or Settings.from_env()
        store = await Store.from_settings(settings)
        try:
            await _catch_up_with_data_dir(store, settings)
            version, knowledge = await store.snapshot()
            engine = await asyncio.to_thread(Engine, knowledge)
        except BaseException:
            await store.close()
            raise
        service = cls(store, settings, engine, log_queries, version)
        if follow:
            service.follow()
        return service

    def follow(self) -> None:
        """Follow the store: every new data version is swapped in (PostgreSQL NOTIFY, or a timer)."""
        if self._follower is None:
            self._follower = Follower(self.store, self.refresh, self.settings.poll_seconds)
            self._follower.start()
            self._heartbeat = asyncio.get_running_loop().create_task(self._report_serving(), name="serving-report")

    async def _report_serving(self) -> None:
        """Tell the store which version this process serves (for /stats): now, after every swap, and
        every HEARTBEAT_SECONDS; a failure is not worth more than a debug line."""
        while not self._stopping.is_set():
            self._report_now.clear()  # before the report: a swap or a stop meanwhile is not missed
            try:
                shards = ", ".join(map(str, self._leases.shard_ids)) if self._leases is not None else None
                await self.store.versions.report_serving(self.process_name, shards,
                                                         self.version.number if self.version else 0, self._started)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("could not report the version served: %s", exc)
            if self._stopping.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._report_now.wait(), HEARTBEAT_SECONDS)  # set by refresh, or to stop

    async def serving(self) -> list[ServingProcess]:
        """The running processes following the store and the version each serves (this one too)."""
        return await self.store.versions.serving()

    async def hold_shards(self, shard_ids: Sequence[int], on_lost: Callable[[], Any] | None = None) -> None:
        """Take the lease of these Discord shards in the store, waiting as a standby while another
        process holds them; kept until `close()`. `on_lost` is called if the lease is lost."""
        if self._leases is None:
            self._leases = ShardLeases(self.store, shard_ids, on_lost=on_lost)
        await self._leases.acquire()

    async def _prune_query_log(self) -> None:
        """The query log's retention (QUERY_LOG_RETENTION_DAYS, QUERY_LOG_MAX_ROWS), applied after a
        write at most every PRUNE_EVERY seconds, in the background."""
        now = time.monotonic()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        await self.store.prune_query_log(self.settings.query_log_days, self.settings.query_log_rows)

    async def flush(self, timeout: float | None = None) -> bool:
        """Write the buffered query log now (bounded by `timeout`); True when nothing is left."""
        return await self.query_log.flush(timeout)

    async def close(self) -> None:
        if self._leases is not None:
            await self._leases.release()
            self._leases = None
        if self._follower is not None:
            await self._follower.stop()
            self._follower = None
        if self._heartbeat is not None:  # stopped between two reports, never in the middle of one
            self._stopping.set()
            self._report_now.set()
            await stop_task(self._heartbeat, STOP_SECONDS)
            self._heartbeat = None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.store.versions.forget_serving(self.process_name), 2)
        try:
            await self.query_log.close()  # write what it still buffers (bounded in time)
        finally:
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
        self._log(question, answer)
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

    async def flag(self, flag: FlaggedAnswer) -> None:
        """Keep an answer a person marked as wrong (listed by /stats); bounded by FLAG_TIMEOUT seconds,
        so a person clicking while the database is away gets an answer in time (an error they can see)."""
        await asyncio.wait_for(self.store.flag_answer(flag), FLAG_TIMEOUT)

    def _log(self, question: str, answer: Answer) -> None:
        if self.log_queries:
            self.query_log.add(LoggedQuery.now(question, answer.found, answer.intent, answer.lang))

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
        """/recharger: take in what changed in data/ (never undoing a newer version of the store), then
        serve the store's current version. On any error the current data keeps being served."""
        return await self._change(self.store.versions.take_folder(self.settings.data_dir))

    async def import_file(self, name: str, content: bytes, author: str | None = None) -> ReloadReport:
        """An uploaded data file, checked with the store's files and kept in the store (a new version)."""
        return await self._change(self.store.versions.upload(name, content, author))

    async def rollback(self, number: int) -> ReloadReport:
        """A new version holding the files of version `number` (served by every process)."""
        try:
            return await self._change(self.store.versions.rollback(number))
        except LookupError as exc:
            return ReloadReport(False, errors=[str(exc)])

    async def history(self, limit: int | None = 10) -> list[VersionInfo]:
        return await self.store.versions.history(limit)

    async def store_version(self) -> VersionInfo | None:
        """The store's current data version (the one this process serves, or about to)."""
        return await self.store.versions.current()

    async def _change(self, change: Coroutine[Any, Any, Commit]) -> ReloadReport:
        if not await self.store.reachable():  # refused at once, with a clear message
            change.close()
            return ReloadReport.database_away()
        try:
            commit = await change
        except DataErrors as exc:
            return ReloadReport(False, errors=[str(e) for e in exc.errors])
        except Busy:  # another change holds the data lock too long: said plainly, nothing changed
            log.warning("data change not made: another change held the data lock for over %.0f s",
                        self.store.versions.lock_wait)
            return ReloadReport.busy(self.store.versions.lock_wait)
        except LookupError:
            raise
        except Exception as exc:  # a database failure: nothing changed (one transaction)
            if not await self.store.reachable():
                log.warning("data change failed, nothing changed: %s", failure_reason(exc))
                return ReloadReport.database_away()
            log.exception("data change failed")
            return ReloadReport(False, errors=[f"database: {type(exc).__name__}"])
        await self.refresh()
        return ReloadReport.of(commit)

    async def refresh(self) -> bool:
        """Swap in the store's current data version if this process serves an older one. Questions see
        the old or the new snapshot, never a mix."""
        async with self._refresh_lock:
            number = await self.store.versions.current_number()
            if number <= (self.version.number if self.version else 0):
                return False
            version, knowledge = await self.store.snapshot()
            engine = await asyncio.to_thread(Engine, knowledge)
            self._engine, self.version = engine, version
            self._report_now.set()
        log.info("serving data %s", version.label() if version else "without a version")
        return True

    async def stats(self, limit: int = 10) -> QueryStats:
        await self.query_log.flush(timeout=1.0)  # include the questions just asked, when the database answers
        return await self.store.query_stats(limit)


async def _catch_up_with_data_dir(store: Store, settings: Settings) -> None:
    """At start, take in what changed in data/ since it was last taken in, unless that would undo a
    newer version of the store (then one line says why). Invalid files are reported in the log and the
    store keeps serving what it holds; an admin sees the errors with `barometre check`."""
    try:
        commit = await store.versions.take_folder(settings.data_dir)
    except DataErrors as exc:
        log.warning("data folder %s has %d error(s); serving the data already in the store (first: %s)",
                    settings.data_dir, len(exc.errors), exc.errors[0])
        return
    if commit.notice:
        log.warning("%s", commit.notice)
    elif commit.changed and commit.summary is not None:
        log.info("store updated from %s (%s): %s", settings.data_dir,
                 commit.version.label() if commit.version else "", commit.summary.render("en", limit=5).replace("\n", "; "))
