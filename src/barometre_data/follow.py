"""Every running process follows the store's data version.

On PostgreSQL a dedicated asyncpg connection LISTENs on the channel a data change NOTIFYs (in the
change's own transaction, so the message arrives once it is committed); on SQLite the version number
is read on a short timer. Either way `on_change()` (the service's `refresh`) is called, and it swaps in
the new snapshot when the store's version is newer than the one served. After a lost connection the
follower reconnects and checks at once, so a change made meanwhile is not missed; one warning per
outage, not one per attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .versions import NOTIFY_CHANNEL

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0  # PostgreSQL: a check (and a ping of the listening connection) this often anyway
RETRY_SECONDS = (0.5, 1, 2, 5)
STOP_SECONDS = 10.0  # how long a stop waits for the current check to finish before cancelling it


async def stop_task(task: asyncio.Task[Any], timeout: float) -> None:
    """Wait for a background loop told to stop (it ends at its next safe point); cancel it only past
    `timeout`. Never waits more than twice `timeout`: a cancellation swallowed by a database driver
    must not hang a shutdown."""
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout)
        return
    except TimeoutError:
        task.cancel()
    except Exception as exc:  # the loop ended with an error: nothing left to stop
        log.debug("background task %s ended with %s", task.get_name(), exc)
        return
    with contextlib.suppress(asyncio.CancelledError, TimeoutError, Exception):
        await asyncio.wait_for(asyncio.shield(task), timeout)


def asyncpg_dsn(store: Store) -> str:
    """The store's PostgreSQL URL as asyncpg takes it (no driver name)."""
    return store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class Follower:
    def __init__(self, store: Store, on_change: Callable[[], Awaitable[Any]], poll_seconds: float = 1.0) -> None:
        self.store = store
        self.on_change = on_change
        self.poll_seconds = poll_seconds
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._failing = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="data-follower")

    async def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop at the next safe point (never in the middle of a database call, which could leave its
        connection unusable); cancelled only if that takes longer than `timeout`."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        self._wake.set()
        await stop_task(task, timeout)

    async def _run(self) -> None:
        if self.store.engine.dialect.name == "postgresql":
            await self._listen()
        else:
            await self._poll()

    async def _check(self) -> None:
        try:
            await self.on_change()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._trouble(exc)
        else:
            self._recovered()

    def _trouble(self, exc: BaseException) -> None:
        if not self._failing:
            log.warning("cannot follow the store's data version (%s: %s); serving what is loaded, retrying",
                        type(exc).__name__, exc)
        self._failing = True

    def _recovered(self) -> None:
        if self._failing:
            log.info("following the store's data version again")
        self._failing = False

    # ---- SQLite: a timer

    async def _pause(self, seconds: float) -> bool:
        """Wait `seconds`; False when the follower is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return not self._stopping.is_set()

    async def _poll(self) -> None:
        while await self._pause(self.poll_seconds):
            await self._check()

    # ---- PostgreSQL: LISTEN / NOTIFY

    def _notified(self, *_args: Any) -> None:
        self._wake.set()

    async def _listen(self) -> None:
        import asyncpg

        attempt = 0
        while not self._stopping.is_set():
            connection = None
            try:
                connection = await asyncpg.connect(asyncpg_dsn(self.store), timeout=10)
                await connection.add_listener(NOTIFY_CHANNEL, self._notified)
                connection.add_termination_listener(self._notified)  # a lost connection wakes us too
                attempt = 0
                await self._check()  # whatever landed while nobody listened
                while not connection.is_closed() and not self._stopping.is_set():
                    try:
                        await asyncio.wait_for(self._wake.wait(), KEEPALIVE_SECONDS)
                    except TimeoutError:
                        await asyncio.wait_for(connection.execute("SELECT 1"), 10)
                    self._wake.clear()
                    if not self._stopping.is_set():
                        await self._check()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._trouble(exc)
            finally:
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(connection.close(), 2)
            if not await self._pause(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]):
                return
            attempt += 1
