"""Schema migrations with Alembic: the store's tables are made and changed only by the revisions
in `migrations/versions/` (shipped inside the package, so an installed wheel migrates too).

    applied = await migrate(engine)   # brings the database to the newest revision; [] if it was there

Called by `Store.open` at every start and by `barometre db upgrade`. Several processes starting
together migrate once: the work runs under a lock (a transaction-level advisory lock on PostgreSQL,
a file lock beside the database file on SQLite), and whoever gets it second finds nothing to do.
A database made before migrations existed (no `alembic_version`) is stamped with the revision
whose tables and columns it holds (`PRE_MIGRATION`), then upgraded. A database at a revision
this program does not know (a newer version migrated it) is refused with a `SchemaError`.
Adding a revision: README, "Changing the schema".
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from .errors import DatabaseUnavailable, SchemaError, first_line

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # the first revision: the tables as `create_all` made them in the first release
# Revisions a database made by `create_all` (before migrations) can be at, newest first (0001: the
# first release; 0002: after the data tables were reshaped and versioned): such a
# database is stamped with the first whose tables and columns it holds, then upgraded.
PRE_MIGRATION = ("0002", "0001")
VERSION_TABLE = "alembic_version"
_ADVISORY_LOCK = 0x62617230  # "bar0": the PostgreSQL advisory lock key of migrations
LOCK_TIMEOUT = 120.0  # seconds to wait for another process's migration


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, without any .ini file: the revisions inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    heads = scripts().get_heads()
    if len(heads) != 1:  # two revisions with the same parent: a merge left unfinished
        raise SchemaError(f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))}); "
                          "re-point one revision's down_revision to the other")
    return heads[0]


async def current_revision(engine: AsyncEngine) -> str | None:
    """The database's revision (None: none yet). The first connection of every start: a database
    that cannot be reached or opened raises `DatabaseUnavailable`, one line without the password."""
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
    except (DBAPIError, OSError) as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot open the database {where} (DATABASE_URL): {first_line(exc)}; "
                                  "is it running, reachable and writable?") from exc


async def migrate(engine: AsyncEngine) -> list[str]:
    """Bring the database to the newest revision, under the lock; return the revisions applied."""
    target = head()
    if await current_revision(engine) == target:
        return []  # the usual start: nothing to do, no lock taken
    async with _file_lock(engine):
        async with engine.connect() as connection:
            if connection.dialect.name == "postgresql":  # held until the commit below
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
            applied = await connection.run_sync(_upgrade)
            await connection.commit()
    if applied:
        log.info("database schema upgraded to %s (%s)", target, ", ".join(applied))
    return applied


# --------------------------------------------------------------------------- inside the lock

def _current(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if len(heads) == 1 else (",".join(heads) or None)


def _known(revision: str) -> bool:
    try:
        return scripts().get_revision(revision) is not None
    except CommandError:
        return False


def _upgrade(connection: Connection) -> list[str]:
    before = MigrationContext.configure(connection).get_current_heads()
    unknown = [revision for revision in before if not _known(revision)]
    if unknown:
        raise SchemaError(f"the database is at schema revision {', '.join(unknown)}, which this version of "
                          f"barometre does not know (newest here: {head()}): a newer version migrated it; "
                          "run that version, or point DATABASE_URL at another database")
    config = alembic_config(connection)
    found = None if before else _pre_migration_revision(connection)
    if found:
        command.stamp(config, found)
        log.info("database made before migrations: stamped as revision %s", found)
        before = (found,)
    command.upgrade(config, "head")
    chain = [script.revision for script in scripts().walk_revisions("base", "head")]  # newest first
    applied = chain[:chain.index(before[0])] if before else chain
    return list(reversed(applied))


def _pre_migration_revision(connection: Connection) -> str | None:
    """The revision a database without `alembic_version` is at: None when it holds none of the
    store's tables (an empty database), else the newest of `PRE_MIGRATION` whose tables and columns
    it all holds; a `SchemaError` when it matches none (not a database we can use)."""
    inspector = inspect(connection)
    existing = {name: {column["name"] for column in inspector.get_columns(name)}
                for name in inspector.get_table_names()}
    if not any(name in existing for revision in PRE_MIGRATION for name in _tables_at(revision)):
        return None
    for revision in PRE_MIGRATION:
        wanted = _tables_at(revision)
        if all(name in existing and columns <= existing[name] for name, columns in wanted.items()):
            return revision
    wanted = _tables_at(PRE_MIGRATION[0])
    problems = [f"table {name} missing" if name not in existing
                else f"{name} lacks {', '.join(sorted(columns - existing[name]))}"
                for name, columns in sorted(wanted.items())
                if name not in existing or not columns <= existing[name]]
    raise SchemaError("the database has some of the store's tables but not as any version of this program "
                      f"made them ({'; '.join(problems[:3])}{'; ...' if len(problems) > 3 else ''}): "
                      "point DATABASE_URL at an empty database or at the store's own")


@functools.cache
def _tables_at(revision: str) -> dict[str, frozenset[str]]:
    """The tables and columns at `revision`, read by applying the revisions to a database in memory."""
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
            inspector = inspect(connection)
            return {name: frozenset(column["name"] for column in inspector.get_columns(name))
                    for name in inspector.get_table_names() if name != VERSION_TABLE}
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- SQLite's lock

@asynccontextmanager
async def _file_lock(engine: AsyncEngine, timeout: float = LOCK_TIMEOUT) -> AsyncIterator[None]:
    """An exclusive lock on `<database file>-lock` for a SQLite file; nothing for other databases
    (PostgreSQL's lock is taken in the migration's transaction). Waits without blocking the loop."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        import fcntl
    except ImportError:  # not on POSIX: one process per SQLite file is the operator's job
        yield
        return
    path = Path(database).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: Any = open(f"{path}-lock", "a+b")  # noqa: SIM115 (closed below)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SchemaError(f"another process has held the migration lock {path}-lock for "
                                      f"{timeout:.0f} s: is a migration stuck?") from None
                await asyncio.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
