"""The query log, written in the background: answers never wait on the database.

    writer = QueryLogWriter(store.log_queries)      # any async "write these rows" function
    writer.add(LoggedQuery.now("qui a gagné ?", True, "laureate", "fr"))   # returns at once
    await writer.flush()                            # write what is buffered now (bounded by a time limit)
    await writer.close()                            # flush, then stop (clean shutdown)

Questions wait in a bounded buffer (the oldest are dropped past `max_buffer`, and counted); a
background task writes them in batches. A write that takes longer than `time_limit` seconds counts as
an outage but is not cancelled: it goes on in the background and no other write starts until it ends,
because a write given up on the client may still commit (an SQLite write runs in a thread, a
PostgreSQL COMMIT may already be on its way), and sending its rows again would log them twice, or
queue behind the first write's own lock. Only a write stuck past `stuck_limit` seconds, or at the end
of `close()`, is cancelled. While the database is away the buffer keeps filling, the task retries with
a growing pause, and the log gets one warning line when the outage starts and one line when it ends:
never one per question, never a traceback.
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
                 stuck_limit: float = 120.0, close_limit: float = 10.0, retry_min: float = 0.5, retry_max: float = 10.0,
                 after_write: Callable[[], Awaitable[None]] | None = None, after_write_limit: float = 60.0) -> None:
        self._write = write
        self._buffer: deque[LoggedQuery] = deque()
        self.max_buffer = max_buffer
        self.batch = batch
        self.time_limit = time_limit  # a write slower than this is an outage (it keeps going)
        self.stuck_limit = stuck_limit  # a write still running after this is cancelled, its rows kept
        self.close_limit = close_limit  # what close() waits at most, by default
        self._inflight: asyncio.Future[None] | None = None  # the write under way, if any
        self._inflight_rows: list[LoggedQuery] = []  # its rows: out of the buffer until it ends
        self._inflight_since = 0.0  # monotonic time it started
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
        if self.pending >= self.max_buffer:
            self.dropped += 1
            if not self._buffer:  # every kept question is in the write under way: the new one is dropped
                return
            self._buffer.popleft()
        self._buffer.append(entry)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="query-log writer")
        self._wake.set()

    @property
    def pending(self) -> int:
        """Questions not yet written: buffered, or in the write under way."""
        return len(self._buffer) + len(self._inflight_rows)

    @property
    def database_away(self) -> bool:
        return self.outage_since is not None

    async def flush(self, timeout: float | None = None) -> bool:
        """Write everything buffered now; True when nothing is left. Bounded by `timeout` (default: the
        time limit of one write) even when the database does not answer."""
        deadline = time.monotonic() + (self.time_limit if timeout is None else timeout)
        while self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not await self._write_batch(min(left, self.time_limit)):
                return False
        return True

    async def close(self, timeout: float | None = None) -> None:
        """Stop the background task and write what is left (clean shutdown), waiting for a write under
        way; bounded by `timeout` (default `close_limit`). What cannot be written in time is reported in
        one line."""
        self._closed = True
        deadline = time.monotonic() + (self.close_limit if timeout is None else timeout)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()  # the task only waits (on the buffer, a pause or a write): a write under way goes on
            # bounded: a cancelled writer that does not wind down in time must not hold up the shutdown
            # (seen: a test bot's close waiting forever on a writer stuck "cancelling" at its wake-up event)
            await asyncio.wait({task}, timeout=max(deadline - time.monotonic(), 0.0))
        while self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not await self._write_batch(left):
                break
        if self._inflight is not None and not self._inflight.done():
            await self._give_up()  # the end of the shutdown's time: its rows are reported as not written
            self._settle()
        if self.pending:
            log.warning("query log: %d question(s) could not be written before shutdown (database away)",
                        self.pending)

    # ---- the background task

    async def _run(self) -> None:
        pause = self.retry_min
        while True:
            if not self.pending:
                self._wake.clear()
                await self._wake.wait()
            if await self._write_batch(self.time_limit):
                pause = self.retry_min
                continue
            await asyncio.sleep(pause)
            pause = min(pause * 2, self.retry_max)

    async def _write_batch(self, time_limit: float) -> bool:
        """Start a write of the oldest rows (or go on waiting for the one under way) for at most
        `time_limit` seconds; True when it ended and wrote its rows."""
        async with self._lock:
            if self._inflight is None:
                if not self._buffer:
                    return True
                self._inflight_rows = [self._buffer.popleft() for _ in range(min(self.batch, len(self._buffer)))]
                self._inflight_since = time.monotonic()
                self._inflight = asyncio.ensure_future(self._write(self._inflight_rows))
            inflight = self._inflight
            # asyncio.wait, not wait_for: a write slower than the limit is not cancelled (see the module's doc)
            await asyncio.wait({inflight}, timeout=time_limit)
            if not inflight.done():
                if time.monotonic() - self._inflight_since < self.stuck_limit:
                    self._went_away(TimeoutError())
                    return False
                await self._give_up()  # stuck past any driver's own limit: its rows are kept
            written = self._settle()
        if written and self._after_write is not None:
            try:
                await asyncio.wait_for(self._after_write(), self.after_write_limit)
            except Exception as exc:  # noqa: BLE001 (house-keeping; the next write tries again)
                log.debug("query log: after-write step failed: %s", failure_reason(exc))
        return written

    async def _give_up(self) -> None:
        """Cancel the write under way and let it wind down (bounded)."""
        if self._inflight is not None:
            self._inflight.cancel()
            await asyncio.wait({self._inflight}, timeout=1.0)

    def _settle(self) -> bool:
        """The write under way has ended (or was given up on): drop its rows when written, else put them
        back in front of the buffer. True when written."""
        inflight, rows = self._inflight, self._inflight_rows
        self._inflight, self._inflight_rows = None, []
        if inflight is None:
            return True
        failure: BaseException | None
        if not inflight.done() or inflight.cancelled():
            failure = TimeoutError()
        else:
            failure = inflight.exception()
        if failure is None:
            self.written += len(rows)
            self._came_back()
            return True
        self._buffer.extendleft(reversed(rows))
        while len(self._buffer) > self.max_buffer:  # more arrived meanwhile: the oldest go, as in add()
            self._buffer.popleft()
            self.dropped += 1
        self._went_away(failure)
        return False

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
