"""How long a data change takes to be served by every other running process.

    .venv/bin/python bench/propagation.py [--processes 3] [--rounds 10] [--pg URL]

Starts N processes, each a BarometreService following the store (as a bot or a long-running
`barometre chat` does), then makes ROUNDS uploads from this process and measures, for every
process, the time from the upload's commit (the version's timestamp, taken in the transaction just
before it commits) to the moment that process serves the new version
(its new snapshot built and swapped in). SQLite (a temporary file; the version checked every
BAROMETRE_POLL_SECONDS, default 1 s) always; PostgreSQL (LISTEN/NOTIFY) with --pg or
TEST_DATABASE_URL (its tables are dropped first).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from barometre_data.config import Settings, async_database_url
from barometre_data.service import BarometreService
from barometre_data.store import ALL_TABLES

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


async def child(url: str) -> None:
    service = await BarometreService.open(Settings(database_url=url, data_dir=DATA_DIR), log_queries=False,
                                          follow=False)
    refresh = service.refresh

    async def reported() -> bool:
        changed = await refresh()
        if changed and service.version is not None:
            print(service.version.number, time.time(), flush=True)
        return changed

    service.refresh = reported  # type: ignore[method-assign]
    service.follow()
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.read)  # until the parent closes our stdin
    await service.close()


async def drop_tables(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.drop_all, tables=[t.__table__ for t in ALL_TABLES])
    await engine.dispose()


async def measure(url: str, processes: int, rounds: int) -> list[float]:
    service = await BarometreService.open(Settings(database_url=url, data_dir=DATA_DIR), log_queries=False,
                                          follow=False)
    children = [await asyncio.create_subprocess_exec(sys.executable, __file__, "--child", url,
                                                     stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
                for _ in range(processes)]
    seen: list[dict[int, float]] = [{} for _ in children]

    async def read(index: int, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            parts = line.decode().split()
            if len(parts) == 2:
                seen[index][int(parts[0])] = float(parts[1])

    for process in children:
        assert process.stdout is not None
        assert (await process.stdout.readline()).strip() == b"ready"
    readers = [asyncio.create_task(read(i, p)) for i, p in enumerate(children)]
    original = (DATA_DIR / "2020.yaml").read_bytes()
    delays: list[float] = []
    try:
        for round_ in range(rounds):
            content = original.replace(b"channel: telephone, value: 81", f"channel: telephone, value: {82 + round_ % 9}"
                                       .encode()) if round_ % 2 == 0 else original
            report = await service.import_file("2020.yaml", content)
            assert report.ok and report.version is not None, report.render("en")
            committed = report.version.created_at.timestamp()  # set in the transaction, just before its commit
            number = report.version.number
            deadline = time.monotonic() + 10
            while not all(number in s for s in seen) and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            delays += [max(0.0, s[number] - committed) for s in seen if number in s]
            await asyncio.sleep(0.3)
    finally:
        for process in children:
            assert process.stdin is not None
            process.stdin.close()
        await asyncio.gather(*(p.wait() for p in children))
        for reader in readers:
            reader.cancel()
        await service.close()
    return delays


def show(name: str, delays: list[float], expected: int) -> None:
    ms = sorted(d * 1000 for d in delays)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"| {name} | {len(ms)}/{expected} | {statistics.median(ms):.0f} ms | {p95:.0f} ms | {ms[-1]:.0f} ms |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"), help="a PostgreSQL database to empty")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        await child(args.child)
        return
    print(f"{args.processes} following processes, {args.rounds} uploads each measured in every process")
    print("| store | served | p50 | p95 | max |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{folder}/bench.db"
        show("SQLite, version checked every 1 s", await measure(sqlite, args.processes, args.rounds),
             args.processes * args.rounds)
    if args.pg:
        url = async_database_url(args.pg)
        await drop_tables(url)
        try:
            show("PostgreSQL, LISTEN/NOTIFY", await measure(url, args.processes, args.rounds),
                 args.processes * args.rounds)
        finally:
            await drop_tables(url)


if __name__ == "__main__":
    asyncio.run(main())
