"""Shard leases: one process at a time serves a Discord shard, so every message is answered once.

Before a bot connects to the gateway it takes a lock per shard it is configured for, held in the
store for as long as the process lives: on PostgreSQL a session advisory lock per shard on a
connection of its own; on SQLite a file lock per shard beside the database file. A second process
started for the same shards (a rolling deploy, a replica) waits as a standby, trying again every
second, and takes over within about a second once the first stops (its locks go with its connection,
or its process). If the PostgreSQL connection holding the locks is lost, `on_lost` is called: the
bot stops rather than risk answering twice, and its supervisor restarts it as a standby.

    lease = ShardLeases(store, [0, 1])
    await lease.acquire()          # returns once every shard is held (waits as a standby until then)
    ...
    await lease.release()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .follow import asyncpg_dsn
from .versions import sqlite_file

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

LEASE_CLASS = 0x62617273  # "bars": the first key of pg_try_advisory_lock(int, int); the second is the shard id
RETRY_SECONDS = 1.0
WATCH_SECONDS = 2.0


class ShardLeases:
    def __init__(self, store: Store, shard_ids: Sequence[int], *, on_lost: Callable[[], Any] | None = None,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        self.store = store
        self.shard_ids = sorted(set(shard_ids))
        self.on_lost = on_lost
        self.retry_seconds = retry_seconds
        self.held = False
        self._connection: Any = None  # asyncpg, PostgreSQL
        self._files: list[int] = []  # file descriptors, SQLite
        self._watch: asyncio.Task[None] | None = None
        self._warned = False

    @property
    def postgres(self) -> bool:
        return self.store.engine.dialect.name == "postgresql"

    async def acquire(self) -> None:
        """Return once every shard is held; until then wait as a standby (one log line)."""
        waited = False
        while not await self._try():
            if not waited:
                log.info("shard(s) %s served by another process: standing by", self._names())
                waited = True
            await asyncio.sleep(self.retry_seconds)
        self.held = True
        log.info("serving shard(s) %s%s", self._names(), " (took over)" if waited else "")
        if self.postgres:
            self._watch = asyncio.get_running_loop().create_task(self._watch_connection(), name="shard-lease")

    async def release(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 5)  # the locks go with the session
        self._unlock_files()
        self.held = False

    def _names(self) -> str:
        return ", ".join(map(str, self.shard_ids))

    # ---- one attempt

    async def _try(self) -> bool:
        if self.postgres:
            return await self._try_postgres()
        return self._try_files()

    async def _try_postgres(self) -> bool:
        import asyncpg

        try:
            if self._connection is None or self._connection.is_closed():
                self._connection = await asyncpg.connect(asyncpg_dsn(self.store), timeout=10)
            taken = []
            for shard_id in self.shard_ids:
                if await self._connection.fetchval("SELECT pg_try_advisory_lock($1, $2)", LEASE_CLASS, shard_id):
                    taken.append(shard_id)
                else:
                    for other in taken:
                        await self._connection.fetchval("SELECT pg_advisory_unlock($1, $2)", LEASE_CLASS, other)
                    return False
            self._warned = False
            return True
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            if not self._warned:  # one line per outage
                log.warning("cannot take the shard locks (%s: %s); trying again every %g s", type(exc).__name__,
                            exc, self.retry_seconds)
            self._warned = True
            return False

    def _try_files(self) -> bool:
        import fcntl

        database = sqlite_file(self.store)
        if database is None:  # an in-memory store: one process anyway
            return True
        for shard_id in self.shard_ids:
            fd = os.open(lease_path(database, shard_id), os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                self._unlock_files()
                return False
            self._files.append(fd)
        return True

    def _unlock_files(self) -> None:
        files, self._files = self._files, []
        for fd in files:
            os.close(fd)  # closing the descriptor releases its flock

    # ---- while held (PostgreSQL)

    async def _watch_connection(self) -> None:
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await asyncio.wait_for(self._connection.fetchval("SELECT 1"), 5)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("lost the database connection holding shard(s) %s (%s): stopping, so that no "
                          "message is answered twice; restarted, the process waits as a standby",
                          self._names(), type(exc).__name__)
                self.held = False
                if self.on_lost is not None:
                    self.on_lost()
                return


def lease_path(database: Path, shard_id: int) -> Path:
    return database.with_name(f"{database.name}.shard-{shard_id}.lock")
