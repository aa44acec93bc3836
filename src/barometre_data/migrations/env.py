"""Alembic's environment: how a revision reaches the database.

`barometre_data.migrate` runs it with an open connection (`config.attributes["connection"]`), inside
its lock and its transaction. The `alembic` command (developers: `alembic revision --autogenerate`,
`alembic heads`; see alembic.ini at the project root) runs it without one: it then opens the store's
database itself (`-x url=...`, else sqlalchemy.url, else DATABASE_URL / barometre.db).
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from barometre_data import store  # noqa: F401  (registers every table on SQLModel.metadata)
from barometre_data.config import Settings, async_database_url

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    # batch mode: SQLite rewrites a table for the ALTERs it lacks; PostgreSQL alters in place
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    return async_database_url(url) if url else Settings.from_env().database_url


connection = context.config.attributes.get("connection")
if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    _run(connection)
else:
    asyncio.run(_run_standalone(_url()))
