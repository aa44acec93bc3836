"""The query log, written in the background: answers never wait on the database.

    writer = QueryLogWriter(store.log_queries)      # any async "write these rows" function
    writer.add(LoggedQuery.now("qui a gagné ?", True, "laureate", "fr"))   # returns at once
    await writer.flush()                            # write what is buffered now (bounded by a time limit)
    await writer.close()                            # flush, then stop (clean shutdown)

Questions wait in a bounded buffer (the oldest are dropped past `max_buffer`, and counted); a
background task writes them in batches, each write bounded by `time_limit` seconds. While the
database is away the buffer keeps filling, the task retries with a growing pause, and the log gets
one warning line when the outage starts and one line when it ends: never one per question, never a
traceback.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

log = logging.getLogger(__name__)

QUESTION_MAX = 500  # characters kept of a question


@dataclass(frozen=True)
class LoggedQuery:
    created_at: datetime  # UTC, when it was asked (not when it was written)
    question: str
    found: bool
    intent: str | None = None
    lang: str | None = None

    @classmethod
    def now(cls, question: str, found: bool, intent: str | None = None, lang: str | None = None) -> "LoggedQuery":
        return cls(datetime.now(UTC), question[:QUESTION_MAX], found, intent, lang)


Writer = Callable[[Sequence[LoggedQuery]], Awaitable[None]]


def failure_reason(exc: BaseException) -> str:
    """One short line for the log: the kind of failure and its first line, no traceback."""
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    text = str(getattr(exc, "orig", None) or exc).strip().split("\n")[0]
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


class QueryLogWriter:
    """Owns the buffer of questions not yet written and the task that writes them."""

    def __init__(self, write: Writer, *, max_buffer: int = 10_000, batch: int = 500, time_limit: float = 5.0,
                 retry_min: float = 0.5, retry_max: float = 10.0,
                 after_write: Callable[[], Awaitable[None]] | None = None, after_write_limit: float = 60.0) -> None:
        self._write = write
        self._buffer: deque[LoggedQuery] = deque()
        self.max_buffer = max_buffer
        self.batch = batch
        self.time_limit = time_limit
        self.retry_min, self.retry_max = retry_min, retry_max
        self._after_write = after_write  # e.g. the retention clean-up; its failures are only logged at debug
        self.after_write_limit = after_write_limit
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one write at a time (the task, or flush())
        self._closed = False
        self.outage_since: float | None = None  # monotonic time the database stopped answering, else None
        self.dropped = 0  # questions dropped because the buffer was full (this outage)
        self.written = 0  # rows written since start
        self.outages = 0  # outages seen since start

    # ---- what the service calls

    def add(self, entry: LoggedQuery) -> None:
        """Queue one question; never waits. Past `max_buffer`, the oldest queued question is dropped."""
        if self._closed:
            return
        if len(self._buffer) >= self.max_buffer:
            self._buffer.popleft()
            self.dropped += 1
        self._buffer.append(entry)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="query-log writer")
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    @property
    def database_away(self) -> bool:
        return self.outage_since is not None

    async def flush(self, timeout: float | None = None) -> bool:
        """Write everything buffered now; True when the buffer is empty. Bounded by `timeout`
        (default: the time limit of one write) even when the database does not answer."""
        deadline = time.monotonic() + (self.time_limit if timeout is None else timeout)
        while self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not await self._write_batch(min(left, self.time_limit)):
                return False
        return True

    async def close(self, timeout: float | None = None) -> None:
        """Stop the background task and write what is left (clean shutdown); what cannot be written in
        time is reported in one line."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            # bounded: a cancelled writer that does not wind down in time must not hold up the shutdown
            # (seen: a test bot's close waiting forever on a writer stuck "cancelling" at its wake-up event)
            await asyncio.wait({task}, timeout=self.time_limit if timeout is None else timeout)
        if self._buffer and not await self.flush(timeout):
            log.warning("query log: %d question(s) could not be written before shutdown (database away)",
                        len(self._buffer))

    # ---- the background task

    async def _run(self) -> None:
        pause = self.retry_min
        while True:
            if not self._buffer:
                self._wake.clear()
                await self._wake.wait()
            if await self._write_batch(self.time_limit):
                pause = self.retry_min
                continue
            await asyncio.sleep(pause)
            pause = min(pause * 2, self.retry_max)

    async def _write_batch(self, time_limit: float) -> bool:
        async with self._lock:
            if not self._buffer:
                return True
            rows = [self._buffer[i] for i in range(min(self.batch, len(self._buffer)))]
            try:
                await asyncio.wait_for(self._write(rows), time_limit)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 (any database failure is an outage, logged once)
                self._went_away(exc)
                return False
            for _ in rows:  # written: drop them (new ones may have been appended meanwhile)
                self._buffer.popleft()
            self.written += len(rows)
            self._came_back()
        if self._after_write is not None:
            try:
                await asyncio.wait_for(self._after_write(), self.after_write_limit)
            except Exception as exc:  # noqa: BLE001 (house-keeping; the next write tries again)
                log.debug("query log: after-write step failed: %s", failure_reason(exc))
        return True

    def _went_away(self, exc: BaseException) -> None:
        if self.outage_since is not None:
            return
        self.outage_since = time.monotonic()
        self.outages += 1
        log.warning("query log: database unreachable (%s); answers continue from memory, questions kept "
                    "in memory (up to %d) until it is back", failure_reason(exc), self.max_buffer)

    def _came_back(self) -> None:
        if self.outage_since is None:
            return
        seconds = time.monotonic() - self.outage_since
        dropped = f"; {self.dropped} dropped (buffer full)" if self.dropped else ""
        log.info("query log: database back after %.0f s; writing the questions kept meanwhile%s", seconds, dropped)
        self.outage_since = None
        self.dropped = 0
