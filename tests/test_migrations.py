"""Schema migrations (Alembic), on SQLite and PostgreSQL: what an operator upgrading the bot relies on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import SQLModel

from barometre_data import cli
from barometre_data.errors import SchemaError
from barometre_data.migrate import BASELINE, PRE_MIGRATION, VERSION_TABLE, alembic_config, current_revision, head, migrate, scripts
from barometre_data.store import Store

ALL_REVISIONS = [script.revision for script in reversed(list(scripts().walk_revisions("base", "head")))]


@pytest.fixture
async def engine(store_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(store_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _upgrade_to(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(lambda c: command.upgrade(alembic_config(c), revision))


async def _log_questions(engine: AsyncEngine, *questions: str) -> None:
    """Rows written as the initial revision's query_log knows them (later columns get defaults)."""
    async with engine.begin() as connection:
        for question in questions:
            await connection.execute(
                text("INSERT INTO query_log (created_at, question, found, intent, lang) "
                     "VALUES (:at, :question, :found, NULL, 'fr')"),
                {"at": datetime(2024, 5, 1, tzinfo=UTC), "question": question, "found": False})


def _differences(connection: Connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


def test_the_revisions_form_one_line() -> None:
    assert len(scripts().get_heads()) == 1, "two revisions share a parent: re-point one down_revision"
    assert ALL_REVISIONS[0] == BASELINE and ALL_REVISIONS[-1] == head()


async def test_upgrade_from_empty_equals_the_models(engine: AsyncEngine) -> None:
    assert await migrate(engine) == ALL_REVISIONS
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
    assert await current_revision(engine) == head()
    assert await migrate(engine) == []  # the next start has nothing to do


@pytest.mark.parametrize("made_as", PRE_MIGRATION)
async def test_a_database_made_before_migrations_is_stamped_and_keeps_its_query_log(
        engine: AsyncEngine, store_url: str, mini_data: Path, made_as: str) -> None:
    await _upgrade_to(engine, made_as)  # the tables create_all made before Alembic ...
    async with engine.begin() as connection:
        await connection.execute(text(f"DROP TABLE {VERSION_TABLE}"))  # ... and no revision
    await _log_questions(engine, "météo demain", "qui est le maire ?")

    store = await Store.open(store_url, data_dir=mini_data)
    try:
        assert await store.schema_revision() == head()
        assert store.migrated == ALL_REVISIONS[ALL_REVISIONS.index(made_as) + 1:]  # stamped, then upgraded
        stats = await store.query_stats()
        assert stats.total == 2 and {q for q, _ in stats.unanswered} == {"météo demain", "qui est le maire ?"}
        assert (await store.knowledge()).years == [2020]
    finally:
        await store.close()


@pytest.mark.parametrize("start", ALL_REVISIONS)
async def test_the_query_log_survives_an_upgrade_from_any_revision(engine: AsyncEngine, store_url: str,
                                                                  start: str) -> None:
    await _upgrade_to(engine, start)
    await _log_questions(engine, "combien de villes ?")
    store = await Store.open(store_url, autoload=False)
    try:
        assert store.migrated == ALL_REVISIONS[ALL_REVISIONS.index(start) + 1:]
        assert (await store.query_stats()).unanswered == (("combien de villes ?", 1),)
    finally:
        await store.close()


async def test_a_newer_database_is_refused_with_one_line(engine: AsyncEngine, store_url: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    await migrate(engine)
    async with engine.begin() as connection:
        await connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999_from_the_future'"))
    with pytest.raises(SchemaError) as refused:
        await Store.open(store_url, autoload=False)
    assert "9999_from_the_future" in str(refused.value) and "\n" not in str(refused.value)

    assert await asyncio.to_thread(cli.main, ["--database-url", store_url, "db", "upgrade"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("barometre: the database is at schema revision")
    assert await current_revision(engine) == "9999_from_the_future"  # left as it was


async def test_tables_that_are_not_the_stores_are_refused(engine: AsyncEngine, store_url: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE edition (id INTEGER PRIMARY KEY, title VARCHAR)"))
    with pytest.raises(SchemaError, match="not as any version of this program made them") as refused:
        await Store.open(store_url, autoload=False)
    assert "\n" not in str(refused.value)


async def test_two_processes_starting_together_migrate_once(store_url: str) -> None:
    engines = [create_async_engine(store_url) for _ in range(3)]
    try:
        results = await asyncio.gather(*(migrate(engine) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(results, key=len) == [[], [], ALL_REVISIONS]


def test_db_commands(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--database-url", store_url, "db", "current"]) == 1
    assert capsys.readouterr().out == f"schema revision: none (newest is {head()})\n"
    assert cli.main(["--database-url", store_url, "db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"schema upgraded to {head()} (applied: {', '.join(ALL_REVISIONS)})\n"
    assert cli.main(["--database-url", store_url, "db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"schema already at the newest revision ({head()})\n"
    assert cli.main(["--database-url", store_url, "db", "current"]) == 0
    assert capsys.readouterr().out == f"schema revision: {head()} (newest)\n"
