"""Run the real bot in a process of its own against a fake Discord (the tests that start several
processes; not a test module). The bot's settings come from the environment, as in production;
FAKE_DISCORD_URL points discord.py at the fake. With TEST_CHANGE_BARRIER=DIR, while DIR/armed
exists, each data change waits (before it takes the data lock) until TEST_CHANGE_BARRIER_COUNT
changes are waiting, across processes: the changes are forced to overlap.

    python tests/bot_process.py
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path

import discord.gateway
import discord.http
import yarl

from barometre_data.versions import Versions


def point_at_fake(base: str) -> None:
    discord.http.Route.BASE = f"{base}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http://", "ws://") + "/gateway")


def install_barrier(folder: Path, count: int) -> None:
    original = Versions._locked

    @contextlib.asynccontextmanager
    async def locked(self: Versions):  # type: ignore[no-untyped-def]
        if (folder / "armed").exists():
            (folder / f"waiting-{os.getpid()}-{id(asyncio.current_task())}").touch()
            deadline = time.monotonic() + 10
            while len(list(folder.glob("waiting-*"))) < count and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        async with original(self) as lock_deadline:
            yield lock_deadline

    Versions._locked = locked  # type: ignore[method-assign]


def main() -> int:
    point_at_fake(os.environ["FAKE_DISCORD_URL"])
    barrier = os.environ.get("TEST_CHANGE_BARRIER")
    if barrier:
        install_barrier(Path(barrier), int(os.environ.get("TEST_CHANGE_BARRIER_COUNT", "2")))
    from bot.__main__ import main as bot_main

    return bot_main(["run"])


if __name__ == "__main__":
    sys.exit(main())
