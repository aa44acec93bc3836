"""Every process follows the store: a change made through one service is served by another one on
the same store within 2 s (PostgreSQL: LISTEN/NOTIFY; SQLite: the version checked on a timer), and a
service keeps answering from memory while it cannot reach the store."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest

from barometre_data.config import Settings
from barometre_data.follow import asyncpg_dsn
from barometre_data.service import BarometreService

from conftest import PROJECT_DIR
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


async def test_a_long_running_chat_follows_the_store(store_url: str, mini_data: Path) -> None:
    """`barometre chat` in a process of its own serves a change made elsewhere within 2 s."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    environment["BAROMETRE_DATA_DIR"] = str(mini_data)
    chat = await asyncio.create_subprocess_exec(sys.executable, "-m", "barometre_data", "--database-url", store_url,
                                                "chat", "--json", env=environment, stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE, cwd=PROJECT_DIR)
    assert chat.stdin is not None and chat.stdout is not None

    async def ask() -> str:
        chat.stdin.write(PHONE.encode() + b"\n")
        await chat.stdin.drain()
        return json.loads(await asyncio.wait_for(chat.stdout.readline(), 60))["answer"]

    service = None
    try:
        assert "81" in await ask()
        service = await BarometreService.open(Settings(database_url=store_url, data_dir=mini_data), follow=False)
        report = await service.import_file("2020.yaml", phone((mini_data / "2020.yaml").read_bytes(), 81, 88))
        assert report.ok
        start = time.monotonic()
        while "88" not in (answer := await ask()):
            assert time.monotonic() - start < 2.0, answer
            await asyncio.sleep(0.05)
    finally:
        if service is not None:
            await service.close()
        chat.stdin.close()
        await asyncio.wait_for(chat.wait(), 30)


async def test_a_lost_listening_connection_is_made_again_and_nothing_is_missed(store_url: str,
                                                                               mini_data: Path) -> None:
    if not store_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    import asyncpg

    settings = Settings(database_url=store_url, data_dir=mini_data)
    a = await BarometreService.open(settings, follow=False)
    b = await BarometreService.open(settings)
    admin = await asyncpg.connect(asyncpg_dsn(a.store))
    try:
        listening = """SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                       AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"""
        deadline = time.monotonic() + 5
        while not (pids := [r["pid"] for r in await admin.fetch(listening)]):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        for pid in pids:  # the database drops b's listening connection
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
        report = await a.import_file("2020.yaml", phone((mini_data / "2020.yaml").read_bytes(), 81, 88))
        assert report.ok
        await served_within(b, "88", limit=5.0)
    finally:
        await admin.close()
        await a.close()
        await b.close()
