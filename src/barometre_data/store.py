"""The store: an async SQL database (SQLite file by default, PostgreSQL via DATABASE_URL).

    store = await Store.open()                  # migrates the schema; fills an empty store from data/
    summary = await store.import_data(load_dir("data"))   # one transaction; only what changed
    knowledge = await store.knowledge()         # the snapshot the engine reads
    await store.log_query("qui a gagné ?", found=True, intent="laureate", lang="fr")
    stats = await store.query_stats()
    await store.close()

Only this module touches SQL. Data reaches it validated (`loader.LoadResult`); a result with errors
is refused before the database is touched.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import case, delete, event, func, insert, text
from sqlalchemy.exc import ArgumentError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from .config import DEFAULT_CONNECT_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, Settings, async_database_url
from .engine.normalize import fold
from .errors import DatabaseUnavailable, StartupError
from .knowledge import Knowledge
from .loader import LoadResult
from .migrate import current_revision, migrate
from .feedback import FlaggedAnswer
from .querylog import LoggedQuery
from .texts import texts
from .versions import VERSION_TABLES, VersionInfo, Versions, as_utc
from .models import (
    DATA_TABLES,
    NATURAL_KEYS,
    ORDER_FIELDS,
    AnswerFlag,
    Award,
    Edition,
    Key,
    QueryLog,
    Row,
    Rows,
    Structure,
    knowledge_from_rows,
    rows_from_knowledge,
    sort_key,
)

log = logging.getLogger(__name__)

READ_BATCH = 1000  # rows read between two turns of the event loop
STATS_CANDIDATES = 20  # /stats reads this many grouped questions per one shown (accents folded among them)
ALL_TABLES = [*DATA_TABLES.values(), QueryLog, AnswerFlag, *VERSION_TABLES]
FLAGS_SHOWN = 5  # /stats lists this many of the answers flagged as wrong, newest first


# --------------------------------------------------------------------------- change summary

@dataclass(frozen=True)
class Change:
    kind: str  # edition / award / score / fact / structure / term / glossary
    action: str  # added / removed / changed
    label: str  # e.g. "2020 · intercommunalites · Grand Besançon Métropole"
    fields: tuple[str, ...] = ()  # for "changed": what changed


_KINDS = ("edition", "award", "score", "fact", "structure", "term", "glossary")
_ACTIONS = ("added", "removed", "changed")
_MARKS = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True)
class ChangeSummary:
    """What an import added, removed and changed; `str()` is French, `render("en")` English."""

    changes: tuple[Change, ...] = ()
    years: tuple[int, ...] = ()  # the editions in the store after the import

    @property
    def empty(self) -> bool:
        return not self.changes

    def of(self, kind: str, action: str | None = None) -> list[Change]:
        return [c for c in self.changes if c.kind == kind and (action is None or c.action == action)]

    def count(self, kind: str, action: str) -> int:
        return len(self.of(kind, action))

    def render(self, lang: str = "fr", limit: int | None = 8) -> str:
        """Counts per kind of row, each followed by up to `limit` changes (None: all; 0: counts only)."""
        words = texts("changes", lang)
        lines: list[str] = []
        if self.empty:
            lines.append(words["none"])
        for kind in _KINDS:
            changes = self.of(kind)
            if not changes:
                continue
            counts = []
            for action in _ACTIONS:
                n = self.count(kind, action)
                if n:
                    counts.append(f"{n} {words[action][n > 1]}")
            lines.append(words["heading"].format(kind=words[kind], counts=", ".join(counts)))
            shown = changes if limit is None else changes[:limit]
            for change in shown:
                detail = f" ({', '.join(change.fields)})" if change.fields else ""
                lines.append(f"  {_MARKS[change.action]} {change.label}{detail}")
            if len(changes) > len(shown) and limit != 0:
                lines.append("  " + words["more"].format(n=len(changes) - len(shown)))
        n = len(self.years)
        span = f" ({self.years[0]}–{self.years[-1]})" if n > 1 else (f" ({self.years[0]})" if n else "")
        lines.append(words["holds"].format(n=n, s="s" if n > 1 else "", years=span))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("fr")


@dataclass(frozen=True)
class QueryStats:
    total: int
    answered: int
    unanswered: tuple[tuple[str, int], ...] = ()  # most-asked unanswered questions, with counts
    flags: int = 0  # answers flagged as wrong, in all
    flagged: tuple[FlaggedAnswer, ...] = ()  # the most recent of them, newest first

    @property
    def share_answered(self) -> float:
        return self.answered / self.total if self.total else 0.0

    def render(self, lang: str = "fr") -> str:
        words = texts("stats", lang)
        lines = [words["total"].format(total=self.total, s="s" if self.total > 1 else "", answered=self.answered,
                                       share=f"{self.share_answered:.0%}")]
        if self.unanswered:
            lines.append(words["unanswered"])
        lines += [f"  {count} × {question}" for question, count in self.unanswered]
        if self.flags:
            lines.append(words["flagged"].format(n=self.flags))
            lines += [f"  {flag.summary()}" for flag in self.flagged]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("fr")


# --------------------------------------------------------------------------- diffing rows

@dataclass
class _TableDiff:
    added: list[Key] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)
    changed: dict[Key, tuple[str, ...]] = field(default_factory=dict)  # key -> fields a person would notice
    moved: list[Key] = field(default_factory=list)  # only the order changed


def _diff(old: dict[Key, Row], new: dict[Key, Row]) -> _TableDiff:
    diff = _TableDiff()
    for key, row in new.items():
        if key not in old:
            diff.added.append(key)
            continue
        fields = [name for name, value in row.items() if old[key].get(name) != value]
        noticed = tuple(name for name in fields if name not in ORDER_FIELDS)
        if noticed:
            diff.changed[key] = noticed
        elif fields:
            diff.moved.append(key)
    diff.removed = [key for key in old if key not in new]
    return diff


def _label(table: str, key: Key) -> str:
    if table in ("edition", "edition_category"):
        return str(key[0])
    if table == "award":
        year, category, name, _department = key
        return f"{year} · {category or '?'} · {name}"
    if table == "score":
        year, subject, target, channel = key
        return f"{year} · {subject}" + (f" {target}" if target else "") + \
            (f" · {channel}" if channel and channel != target else "")
    if table == "method_fact":
        year, name, item = key
        if name == "fact":
            text = str(item)
            return f"{year} · fact « {text[:60]}{'…' if len(text) > 60 else ''} »"
        return f"{year} · {name}" + (f" {item + 1}" if name == "gap" else "")
    if table == "structure":
        name, department = key
        return f"{name} ({department})" if department else name
    if table == "vocabulary_term":
        return f"{key[0]}/{key[1]}"
    if table == "glossary_term":
        return str(key[0])
    return " · ".join(str(k) for k in key)


_KIND_OF_TABLE = {"edition": "edition", "award": "award", "score": "score", "method_fact": "fact",
                  "structure": "structure", "vocabulary_term": "term", "glossary_term": "glossary"}


def _summarise(diffs: dict[str, _TableDiff], old: Rows, new: Rows, years: tuple[int, ...]) -> ChangeSummary:
    changes: list[Change] = []
    edition = diffs["edition"]
    whole = {key[0] for key in edition.added + edition.removed}
    edition_fields: dict[int, list[str]] = {
        key[0]: list(_fields(fields, old.tables["edition"][key], new.tables["edition"][key]))
        for key, fields in edition.changed.items()}
    category = diffs["edition_category"]
    for key in category.added + category.removed + list(category.changed):
        if key[0] not in whole and "categories" not in edition_fields.setdefault(key[0], []):
            edition_fields[key[0]].append("categories")
    for table, kind in _KIND_OF_TABLE.items():
        diff = diffs[table]
        for action, keys in (("added", diff.added), ("removed", diff.removed)):
            changes += [Change(kind, action, _label(table, key)) for key in sorted(keys, key=sort_key)]
        if table == "edition":
            changes += [Change(kind, "changed", str(year), tuple(fields))
                        for year, fields in sorted(edition_fields.items())]
        else:
            changes += [Change(kind, "changed", _label(table, key), _fields(fields, old.tables[table][key],
                                                                            new.tables[table][key]))
                        for key, fields in sorted(diff.changed.items(), key=lambda item: sort_key(item[0]))]
    return ChangeSummary(tuple(changes), years)


def _fields(fields: tuple[str, ...], old: Row, new: Row) -> tuple[str, ...]:
    """The changed fields, with a row's payload shown as the payload keys that changed."""
    if "payload" not in fields:
        return fields
    before, after = old["payload"], new["payload"]
    inner = tuple(k for k in after if before.get(k) != after[k]) + tuple(k for k in before if k not in after)
    return tuple(f for f in fields if f != "payload") + inner


# --------------------------------------------------------------------------- the store

class Store:
    """Owns the database engine. Create it with `await Store.open(...)`; close it with `await close()`."""

    def __init__(self, engine: AsyncEngine, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        self.engine = engine
        self.connect_timeout = connect_timeout
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        self.versions = Versions(self)
        self.migrated: list[str] = []  # the schema revisions this open applied

    # ---- life cycle

    @classmethod
    async def open(cls, url: str | None = None, *, data_dir: str | Path | None = None,
                   autoload: bool = True, upgrade: bool = True, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                   statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT) -> "Store":
        """Open (and create) the database at `url` (default: DATABASE_URL, else barometre.db).

        With `upgrade` (always, but for `barometre db current`), the schema is brought to the newest
        revision first; a database this version cannot use raises `errors.SchemaError`.

        With `autoload`, a store that holds no edition is filled from `data_dir` (default:
        BAROMETRE_DATA_DIR, else <project>/data); invalid data raises `loader.DataErrors`.
        Every connection attempt gives up after `connect_timeout` seconds and every statement after
        `statement_timeout` seconds (PostgreSQL: on the client and on the server).
        """
        settings = Settings.from_env() if url is None or (autoload and data_dir is None) else None
        if url is None:
            assert settings is not None
            url = settings.database_url
        store = cls(_create_engine(async_database_url(url), connect_timeout, statement_timeout), connect_timeout)
        try:
            if upgrade:
                await store._create_tables()
            if autoload and not await store.has_data():
                if data_dir is None:
                    assert settings is not None
                    data_dir = settings.data_dir
                directory = Path(data_dir)
                await store._fill(directory)
        except BaseException:
            await store.close()
            raise
        return store

    async def _create_tables(self) -> None:
        """Create or upgrade the tables: the Alembic revisions, under a lock so that several processes
        starting on one database migrate it once (`migrate.py`)."""
        self.migrated = await migrate(self.engine)

    async def schema_revision(self) -> str | None:
        """The database's schema revision (None: no revision, an empty or pre-migration database)."""
        return await current_revision(self.engine)

    @classmethod
    async def from_settings(cls, settings: Settings, *, autoload: bool = True) -> "Store":
        return await cls.open(settings.database_url, data_dir=settings.data_dir, autoload=autoload,
                              connect_timeout=settings.connect_timeout, statement_timeout=settings.statement_timeout)

    async def _fill(self, directory: Path) -> None:
        commit = await self.versions.take_folder(directory)  # serialised: a process starting alongside waits
        if commit.changed and commit.summary is not None:
            log.info("empty store filled from %s: %d editions", directory, len(commit.summary.years))

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> "Store":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ---- data

    async def reachable(self, timeout: float | None = None) -> bool:
        """True when the database answers a trivial query within `timeout` seconds."""
        try:
            async with asyncio.timeout(self.connect_timeout if timeout is None else timeout):
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 (unreachable, whatever the reason)
            return False
        return True

    async def has_data(self) -> bool:
        async with self._sessions() as session:
            return (await session.exec(select(func.count()).select_from(Edition))).one() > 0

    async def import_data(self, result: LoadResult) -> ChangeSummary:
        """Make the store hold exactly the validated `result`, in one transaction (all or nothing).

        This writes no data version: data changes go through `store.versions` (upload, load, rollback,
        a start with a changed folder), which calls this inside its own transaction."""
        result.raise_for_errors()
        async with self._sessions() as session, session.begin():
            return await self._import_in(session, result)

    async def _import_in(self, session: AsyncSession, result: LoadResult) -> ChangeSummary:
        """`import_data` inside the caller's transaction (a data version is written with it)."""
        result.raise_for_errors()
        # the heavy parts (the new rows, the diff, its summary) run in a worker: the event loop keeps answering
        desired = await asyncio.to_thread(lambda: rows_from_knowledge(result.knowledge(), result.category_sources()))
        existing, objects = await _read_rows(session)
        diffs = await asyncio.to_thread(
            lambda: {table: _diff(existing.tables[table], desired.tables[table]) for table in DATA_TABLES})
        await _apply(session, diffs, desired, objects)
        years = tuple(sorted(key[0] for key in desired.tables["edition"]))
        summary = await asyncio.to_thread(_summarise, diffs, existing, desired, years)
        log.debug("data imported: %s", "no change" if summary.empty else f"{len(summary.changes)} changes")
        return summary

    async def snapshot(self) -> tuple[VersionInfo | None, Knowledge]:
        """The knowledge with the data version it is (read again if a change landed meanwhile)."""
        for _ in range(10):
            before = await self.versions.current()
            knowledge = await self.knowledge()
            if await self.versions.current() == before:
                break
        return before, knowledge

    async def knowledge(self) -> Knowledge:
        async with self._sessions() as session:
            rows, _ = await _read_rows(session)
        return await asyncio.to_thread(knowledge_from_rows, rows)  # a big snapshot is built in a worker

    async def dump(self) -> dict[str, list[Row]]:
        """Every row of every table without surrogate ids, in a canonical order (to compare stores)."""
        async with self._sessions() as session:
            rows, _ = await _read_rows(session)
            logs = (await session.exec(select(QueryLog))).all()
        dump = {table: rows.sorted(table) for table in DATA_TABLES}
        dump["query_log"] = sorted(({"created_at": q.created_at.isoformat(), "question": q.question,
                                     "found": q.found, "intent": q.intent, "lang": q.lang} for q in logs),
                                   key=lambda r: (r["created_at"], r["question"]))
        return dump

    # ---- questions asked

    async def log_query(self, question: str, found: bool, intent: str | None = None,
                        lang: str | None = None) -> None:
        await self.log_queries([LoggedQuery(datetime.now(UTC), question, found, intent, lang)])

    async def log_queries(self, entries: Sequence[LoggedQuery]) -> None:
        """Write questions asked (one transaction; `querylog.QueryLogWriter` calls it in the background)."""
        if not entries:
            return
        async with self.engine.begin() as connection:
            await connection.execute(insert(QueryLog), [
                {"created_at": e.created_at, "question": e.question, "found": e.found, "intent": e.intent,
                 "lang": e.lang} for e in entries])

    async def flag_answer(self, flag: FlaggedAnswer) -> None:
        """Keep an answer a person marked as wrong (listed by /stats)."""
        async with self.engine.begin() as connection:
            await connection.execute(insert(AnswerFlag), [{
                "created_at": flag.created_at, "question": flag.question, "answer": flag.answer,
                "found": flag.found, "intent": flag.intent, "lang": flag.lang, "year": flag.year,
                "data_version": flag.data_version}])

    async def recent_flags(self, limit: int = FLAGS_SHOWN) -> tuple[int, tuple[FlaggedAnswer, ...]]:
        """How many answers were flagged as wrong, and the `limit` most recent, newest first."""
        async with self.engine.connect() as connection:
            total = (await connection.execute(select(func.count()).select_from(AnswerFlag))).scalar_one()
            rows = (await connection.execute(
                select(AnswerFlag).order_by(col(AnswerFlag.id).desc()).limit(max(limit, 0)))).all()
        recent = tuple(FlaggedAnswer(as_utc(row.created_at), row.question, row.answer, row.found, row.intent,
                                     row.lang, row.year, row.data_version) for row in rows)
        return int(total), recent

    async def query_stats(self, limit: int = 10) -> QueryStats:
        """Totals, and the unanswered questions asked most (same question = same words, any case/accents).

        The database does the counting: totals in one query, unanswered questions grouped by their
        lower-cased text and only the most asked candidates sent back (accents are then folded on those),
        so the cost in memory does not grow with the size of the log."""
        key = func.lower(func.trim(QueryLog.question))
        async with self.engine.connect() as connection:
            total, answered = (await connection.execute(
                select(func.count(), func.coalesce(func.sum(case((col(QueryLog.found) == True, 1), else_=0)), 0))  # noqa: E712
                .select_from(QueryLog))).one()
            asked = (await connection.execute(
                select(func.min(QueryLog.question), func.count().label("n")).where(QueryLog.found == False)  # noqa: E712
                .group_by(key).order_by(func.count().desc(), key).limit(max(limit, 1) * STATS_CANDIDATES))).all()
        counts: Counter[str] = Counter()
        forms: dict[str, Counter[str]] = {}
        for question, count in asked:
            key_text = fold(question) or question.strip()
            counts[key_text] += count
            forms.setdefault(key_text, Counter())[question.strip()] += count
        top = tuple((forms[k].most_common(1)[0][0], count)
                    for k, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit])
        flags, flagged = await self.recent_flags()
        return QueryStats(total=int(total), answered=int(answered), unanswered=top, flags=flags, flagged=flagged)

    async def prune_query_log(self, max_age_days: float | None = None, max_rows: int | None = None) -> int:
        """Delete questions older than `max_age_days` and all but the newest `max_rows` (None or 0: no
        limit). Returns how many rows were deleted."""
        deleted = 0
        async with self.engine.begin() as connection:
            if max_age_days:
                cutoff = datetime.now(UTC) - timedelta(days=max_age_days)
                deleted += (await connection.execute(delete(QueryLog).where(col(QueryLog.created_at) < cutoff))).rowcount
            if max_rows:
                threshold = (await connection.execute(select(QueryLog.id).order_by(col(QueryLog.id).desc())
                                                      .offset(max_rows).limit(1))).scalar()
                if threshold is not None:
                    deleted += (await connection.execute(delete(QueryLog).where(col(QueryLog.id) <= threshold))).rowcount
        if deleted:
            log.info("query log: %d old question(s) deleted (retention: %s days, %s rows)", deleted,
                     max_age_days or "no limit in", max_rows or "no limit in")
        return deleted


# --------------------------------------------------------------------------- SQL helpers

def _create_engine(url: str, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                   statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT) -> AsyncEngine:
    try:
        if url.startswith("postgresql+asyncpg"):
            # asyncpg: `timeout` bounds connecting, `command_timeout` each statement on the client side (a
            # frozen server), `statement_timeout` the same on the server side; pre-ping replaces connections
            # a restarted server closed, and the pool wait is bounded too
            return create_async_engine(url, pool_pre_ping=True, pool_timeout=connect_timeout, connect_args={
                "timeout": connect_timeout, "command_timeout": statement_timeout,
                "server_settings": {"statement_timeout": str(int(statement_timeout * 1000))}})
        engine = create_async_engine(url)
    except (ArgumentError, InvalidRequestError, ImportError) as exc:  # unparsable, unknown or sync driver
        scheme = url.split("://", 1)[0] if "://" in url else "no scheme"
        raise StartupError(f"DATABASE_URL ({scheme}) is not a database this program can use: give "
                                  "sqlite:///path/to/file.db or postgresql://user:password@host:5432/db") from exc
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(f"cannot open the database {engine.url} (DATABASE_URL): "
                                          f"cannot make its folder {folder}: {exc.strerror}") from exc

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fewer disk syncs
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(statement_timeout * 1000)}")
            cursor.close()
    return engine


def _row_of(obj: SQLModel, structure_keys: dict[int, Key]) -> Row:
    table = obj.__table__  # type: ignore[attr-defined]  # every model here has table=True
    row = {column.name: getattr(obj, column.name) for column in table.columns if column.name != "id"}
    if isinstance(obj, Award):
        row["structure"] = structure_keys[row.pop("structure_id")]
    return row


async def _read_rows(session: AsyncSession) -> tuple[Rows, dict[str, dict[Key, SQLModel]]]:
    rows = Rows()
    objects: dict[str, dict[Key, SQLModel]] = {}
    structure_keys: dict[int, Key] = {}
    for table, model in DATA_TABLES.items():  # structures come before awards
        objects[table] = {}
        # read in batches: the event loop gets a turn between two (a big store is never read in one block)
        streamed = await session.stream(select(model))
        async for batch in streamed.scalars().partitions(READ_BATCH):
            for obj in batch:
                row = _row_of(obj, structure_keys)
                key = NATURAL_KEYS[table](row)
                rows.tables[table][key] = row
                objects[table][key] = obj
                if isinstance(obj, Structure) and obj.id is not None:
                    structure_keys[obj.id] = key
    return rows, objects


async def _apply(session: AsyncSession, diffs: dict[str, _TableDiff], desired: Rows,
                 objects: dict[str, dict[Key, SQLModel]]) -> None:
    """Insert and update parents before children, then delete children before parents."""
    for table, model in DATA_TABLES.items():
        diff = diffs[table]

        def columns(row: Row) -> Row:
            if table != "award":
                return row
            values = dict(row)
            values["structure_id"] = objects["structure"][values.pop("structure")].id  # type: ignore[attr-defined]
            return values

        for key in [*diff.changed, *diff.moved]:
            obj = objects[table][key]
            for name, value in columns(desired.tables[table][key]).items():
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
        for key in diff.added:
            obj = model(**columns(desired.tables[table][key]))
            session.add(obj)
            objects[table][key] = obj
        await session.flush()
    for table in reversed(DATA_TABLES):
        for key in diffs[table].removed:
            await session.delete(objects[table][key])
        await session.flush()
