"""End-to-end latency of the Discord bot: the real discord.py client against the fake Discord of the
tests (127.0.0.1), from the event sent on the gateway to the bot's answer arriving over REST.
Prints p50 / p95 for channel questions (reply to a message) and /question (interaction response),
and for an /evolution chart (defer, then the follow-up with the PNG).

    .venv/bin/python bench/bot.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "tests")]

import discord.gateway  # noqa: E402
import discord.http  # noqa: E402

from bot.client import BarometreBot  # noqa: E402
from bot.config import BotConfig  # noqa: E402
from fakediscord import FakeDiscord  # noqa: E402

QUESTIONS = ["qui a gagné en 2020 ?", "score du téléphone", "et en 2017 ?", "palmarès 2016",
             "évolution du score global", "What was the phone score?", "sociaux", "le CCAS de Saumur"]


async def timed(rounds: int, one: Callable[[int], Awaitable[object]]) -> list[float]:
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        await one(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{name:<28} n={len(times):<4} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"


async def main(rounds: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-bot-"))
    try:
        shutil.copytree(ROOT / "data", folder / "data")
        fake = await FakeDiscord().start()
        discord.http.Route.BASE = fake.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = fake.gateway_url
        config = BotConfig.from_env(environ={
            "DISCORD_TOKEN": fake.token, "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "BAROMETRE_DATA_DIR": str(folder / "data"), "BOT_DEV_GUILD_ID": str(fake.world.guild_id),
            "BOT_CHANNEL_IDS": str(fake.world.questions_id), "LOG_LEVEL": "WARNING"}, env_file=folder / "none.env")
        bot = BarometreBot(config, guild_ready_timeout=0.05)
        start = time.perf_counter()
        async with fake.running(bot):
            print(f"{'start-up (store filled)':<28} {(time.perf_counter() - start) * 1000:7.1f} ms")
            bot.get_cog("Questions").set_cooldown(rounds * 10, 60.0)  # type: ignore[union-attr]  # one user asks all

            async def channel(i: int) -> None:
                message = await fake.send_message(QUESTIONS[i % len(QUESTIONS)], channel_id=fake.world.questions_id)
                await fake.wait_for_reply(message)

            async def slash(i: int) -> None:
                await (await fake.slash("question", {"texte": QUESTIONS[i % len(QUESTIONS)]})).response()

            async def chart(i: int) -> None:
                await (await fake.slash("evolution", {"sujet": ["global", "telephone"][i % 2]})).response()

            print(line("channel question -> reply", await timed(rounds, channel)))
            print(line("/question -> response", await timed(rounds, slash)))
            print(line("/evolution -> chart", await timed(max(3, rounds // 10), chart)))
        await fake.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100)
    asyncio.run(main(parser.parse_args().rounds))
