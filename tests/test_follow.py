"""Every process follows the store: a change made through one service is served by another one on
the same store within 2 s (PostgreSQL: LISTEN/NOTIFY; SQLite: the version checked on a timer), and a
service keeps answering from memory while it cannot reach the store."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from barometre_data.config import Settings
from barometre_data.service import BarometreService

from test_versions import edition, phone

PHONE = "score du canal téléphone en 2020"


async def served_within(service: BarometreService, expected: str, limit: float = 2.0) -> float:
    start = time.monotonic()
    while expected not in (await service.ask(PHONE)).text:
        assert time.monotonic() - start < limit, f"still {(await service.ask(PHONE)).text!r} after {limit} s"
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def test_a_change_in_one_service_is_served_by_the_other(store_url: str, mini_data: Path) -> None:
    settings = Settings(database_url=store_url, data_dir=mini_data)
    a = await BarometreService.open(settings)
    b = await BarometreService.open(settings)
    try:
        assert "81" in (await b.ask(PHONE)).text and a.version == b.version
        report = await a.import_file("2020.yaml", phone((mini_data / "2020.yaml").read_bytes(), 81, 88))
        assert report.ok and report.version.number == 2 and a.version.number == 2
        await served_within(b, "88")
        assert b.version == a.version
        deadline = time.monotonic() + 2  # each process tells the store which version it serves (/stats)
        while {(p.name, p.version) for p in await a.serving()} != {(a.process_name, 2), (b.process_name, 2)}:
            assert time.monotonic() < deadline, await a.serving()
            await asyncio.sleep(0.05)

        back = await b.rollback(1)
        assert back.ok and back.version.number == 3
        await served_within(a, "81")
        assert [v.number for v in await a.history()] == [3, 2, 1]

        two = await asyncio.gather(a.import_file("2030.yaml", edition(2030)), b.import_file("2031.yaml", edition(2031)))
        assert all(r.ok for r in two)
        for service in (a, b):
            deadline = time.monotonic() + 2
            while not {2030, 2031} <= set(service.knowledge.editions):
                assert time.monotonic() < deadline
                await asyncio.sleep(0.02)
    finally:
        await a.close()
        await b.close()
    reopened = await BarometreService.open(settings, follow=False)
    try:
        assert await reopened.serving() == []  # a process that closes takes its line away
    finally:
        await reopened.close()
