"""Shared fixtures: the project's data folder, a small writable copy of it, and stores.

Stores run on SQLite always and on PostgreSQL too when TEST_DATABASE_URL is set (environment or .env;
each PostgreSQL test starts and ends with every table dropped). Test modules add their own fixtures
in their files.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import importlib.util
import sys
import os
import shutil
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from dotenv import dotenv_values
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from barometre_data.config import async_database_url
from barometre_data.engine import Answer, ConversationState, Engine
from barometre_data.loader import load_dir
from barometre_data.store import Store
from barometre_data.versions import LOCK_KEY, sqlite_file

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"


def load_accuracy() -> ModuleType:
    """tests/accuracy.py, imported by path (so pytest's import mode does not matter) and loaded once."""
    name = "barometre_accuracy"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("accuracy.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def run_sync(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to the end from synchronous code (in a thread, so no event loop is disturbed)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _drop_everything(connection: Connection) -> None:
    tables = MetaData()
    tables.reflect(connection)  # the store's tables, Alembic's version table, whatever a test made
    tables.drop_all(connection)


async def _drop_tables(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_drop_everything)
    finally:
        await engine.dispose()


@pytest.fixture
def data_dir() -> Path:
    """The project's data/ folder (read it, never write to it)."""
    return DATA_DIR


@pytest.fixture
def mini_data(tmp_path: Path) -> Path:
    """A writable data folder with synonyms.yaml and 2020.yaml (the complete edition) only."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("synonyms.yaml", "2020.yaml"):
        shutil.copy(DATA_DIR / name, folder / name)
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or TEST_DATABASE_URL with no tables."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    url = os.environ.get("TEST_DATABASE_URL") or dotenv_values(PROJECT_DIR / ".env").get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("BAROMETRE_REQUIRE_POSTGRES"):  # set by .ci/run: skipping would hide a problem
            pytest.fail("BAROMETRE_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (bash .ci/run sets it)")
    url = async_database_url(url)
    run_sync(_drop_tables(url))
    yield url
    run_sync(_drop_tables(url))


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    """An open, empty store (nothing loaded automatically)."""
    opened = await Store.open(store_url, autoload=False)
    try:
        yield opened
    finally:
        await opened.close()


_FIGURES = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def figures(request: pytest.FixtureRequest) -> list[str]:
    """Lines of figures a test wants shown at the end of the run (accuracy per set, violations...)."""
    return request.config.stash.setdefault(_FIGURES, [])


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    lines = config.stash.get(_FIGURES, [])
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)


@contextlib.asynccontextmanager
async def data_lock_held_elsewhere(store: Store):
    """The data lock held by "another process" (a connection of its own on PostgreSQL, the lock file
    on SQLite) for as long as the block runs."""
    if store.engine.dialect.name == "postgresql":
        async with store.engine.connect() as connection:
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            try:
                yield
            finally:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        return
    database = sqlite_file(store)
    assert database is not None
    fd = os.open(database.with_name(database.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The question engine on data/ (built once: the engine never changes what it was built from)."""
    return Engine(load_dir(DATA_DIR).knowledge())


def ask(engine: Engine, *questions: str) -> list[Answer]:
    """The answers to `questions` asked one after the other in one conversation."""
    state = ConversationState()
    return [engine.answer(q, state) for q in questions]
