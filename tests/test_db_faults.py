"""The bot keeps answering when PostgreSQL goes away: stopped (connections refused) or frozen (SIGSTOP:
connections open, nothing answers). Answers come from memory within a second, the query log waits in
memory and is written once the database is back, the log says so once per outage (no traceback),
and reloads are refused with a clear message meanwhile.

These run the real bot against the fake Discord, on a PostgreSQL cluster of their own
(tests/pgcluster.py), never the one the rest of the suite uses; every pause is undone in a finally.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.client import BarometreBot
from bot.config import BotConfig
from conftest import DATA_DIR, run_sync
from fakediscord import FakeDiscord
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)
from pgcluster import PrivateCluster, private_cluster

QUESTIONS = ["score du téléphone en {y}", "quel est le score global en {y} ?", "qui a gagné en 2020 ?",
             "score du courrier en {y}"]
YEARS = (2014, 2015, 2016, 2017, 2019, 2020)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    with private_cluster() as started:
        yield started


async def _reset(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def logged_rows(url: str) -> int:
    engine = create_async_engine(url, connect_args={"timeout": 2})
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text("SELECT count(*) FROM query_log"))).scalar_one()
    finally:
        await engine.dispose()


async def wait_for_rows(url: str, wanted: int, timeout: float = 40.0) -> int:
    deadline = time.monotonic() + timeout
    count = -1
    while time.monotonic() < deadline:
        try:
            count = await logged_rows(url)
        except Exception:  # noqa: BLE001 (the server may still be starting)
            count = -1
        if count >= wanted:
            return count
        await asyncio.sleep(0.3)
    return count


@pytest.fixture
async def bot(cluster: PrivateCluster, fake_discord: FakeDiscord,  # noqa: F811
              tmp_path: Path) -> AsyncIterator[BarometreBot]:
    """The real bot on the private cluster (an empty database, filled from data/ at start)."""
    cluster.thaw()
    run_sync(_reset(cluster.url))
    environ = {
        "DISCORD_TOKEN": fake_discord.token,
        "DATABASE_URL": cluster.url,
        "DATABASE_CONNECT_TIMEOUT": "1",
        "DATABASE_STATEMENT_TIMEOUT": "2",
        "BAROMETRE_DATA_DIR": str(DATA_DIR),
        "BOT_ADMIN_IDS": str(fake_discord.world.owner.id),
        "BOT_CHANNEL_IDS": str(fake_discord.world.questions_id),
        "BOT_DEV_GUILD_ID": str(fake_discord.world.guild_id),
        "LOG_LEVEL": "INFO",
        "BOT_COMMAND_COOLDOWN": "off",  # one user asks all the questions
    }
    config = BotConfig.from_env(environ=environ, env_file=tmp_path / "no.env")
    client = BarometreBot(config, guild_ready_timeout=0.05)
    async with fake_discord.running(client, timeout=60):
        client.get_cog("Questions").set_cooldown(10_000, 1.0)  # one user asks everything here
        yield client


def outage_warnings(records: list[logging.LogRecord]) -> list[str]:
    return [r.getMessage() for r in records if r.levelno >= logging.WARNING and r.name.startswith("barometre_data")]


async def ask_in_channel(fake: FakeDiscord, n: int, start: int = 0) -> list[tuple[float, dict]]:
    """Ask n questions one after the other; (seconds until the reply, the reply's embed) for each."""
    out = []
    for i in range(start, start + n):
        question = QUESTIONS[i % len(QUESTIONS)].format(y=YEARS[i % len(YEARS)])
        began = time.monotonic()
        message = await fake.send_message(question, channel_id=fake.world.questions_id)
        reply = await fake.wait_for_reply(message, timeout=10)
        out.append((time.monotonic() - began, reply.embeds[0]))
    return out


async def test_postgres_stopped_while_the_bot_answers_100_questions(
        cluster: PrivateCluster, fake_discord: FakeDiscord, bot: BarometreBot,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    cluster.stop()
    try:
        answered = await ask_in_channel(fake_discord, 100)
        refused = await bot.service.reload()
    finally:
        cluster.start()
    assert len(answered) == 100
    assert all(embed.get("description") and "Désolé" not in embed["description"] for _, embed in answered)
    assert not refused.ok and refused.reason == "database_away"
    assert "ne répond pas" in refused.render("fr") and "does not answer" in refused.render("en")

    assert await wait_for_rows(cluster.url, 100) == 100  # every question logged once the server is back
    warnings = outage_warnings(caplog.records)
    assert len([w for w in warnings if "database unreachable" in w]) == 1, warnings
    assert not any(r.exc_info for r in caplog.records if r.name.startswith(("barometre_data", "bot"))), \
        "a traceback was logged"
    assert any("database back" in r.getMessage() for r in caplog.records)
    assert (await bot.service.reload()).ok  # and reloads work again


async def test_postgres_frozen_answers_still_come_within_a_second(
        cluster: PrivateCluster, fake_discord: FakeDiscord, bot: BarometreBot,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with cluster.frozen():
        answered = await ask_in_channel(fake_discord, 30)
        began = time.monotonic()
        interaction = await fake_discord.slash("question", {"texte": "Qui a gagné en 2020 ?"})
        response = await interaction.response(timeout=5)
        slash_seconds = time.monotonic() - began
        await asyncio.sleep(3)  # long enough for the background write to hit its time limit
        more = await ask_in_channel(fake_discord, 10, start=30)
    slowest = max(seconds for seconds, _ in answered + more)
    assert slowest < 1.0, f"an answer took {slowest:.2f} s while the database was frozen"
    assert slash_seconds < 1.0 and "Saumur" in response.embeds[0]["description"]
    assert await wait_for_rows(cluster.url, 41) == 41
    warnings = outage_warnings(caplog.records)
    assert len([w for w in warnings if "database unreachable" in w]) == 1, warnings
