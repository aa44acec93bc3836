"""Fixtures for the bot's end-to-end tests (imported by name from test_bot_*.py; this is not a
conftest.py). The bot runs against the fake Discord with a temporary SQLite store and a copy of data/."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from barometre_data.config import Settings, sqlite_url
from barometre_data.service import BarometreService
from bot.client import BarometreBot
from bot.config import BotConfig
from conftest import DATA_DIR, run_sync
from fakediscord import FakeDiscord, Sent


async def _fill(settings: Settings) -> None:
    service = await BarometreService.open(settings)
    await service.close()


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store filled from data/ once per session; tests get copies (filling takes ~0.5 s)."""
    folder = tmp_path_factory.mktemp("store-template")
    path = folder / "barometre.db"
    settings = Settings(database_url=sqlite_url(path), data_dir=DATA_DIR)
    run_sync(_fill(settings))
    return path


def bot_environment(fake: FakeDiscord, folder: Path, store_template: Path) -> dict[str, str]:
    data_dir = folder / "data"
    shutil.copytree(DATA_DIR, data_dir)
    store = folder / "barometre.db"
    shutil.copy(store_template, store)
    return {
        "DISCORD_TOKEN": fake.token,
        "DATABASE_URL": f"sqlite:///{store}",
        "BAROMETRE_DATA_DIR": str(data_dir),
        "BOT_ADMIN_IDS": str(fake.world.owner.id),
        "BOT_CHANNEL_IDS": str(fake.world.questions_id),
        "BOT_DEV_GUILD_ID": str(fake.world.guild_id),
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture
def bot_config(fake_discord: FakeDiscord, tmp_path: Path, store_template: Path) -> BotConfig:
    environ = bot_environment(fake_discord, tmp_path, store_template)
    return BotConfig.from_env(environ=environ, env_file=tmp_path / "no.env")


@pytest.fixture
async def bot(fake_discord: FakeDiscord, bot_config: BotConfig) -> AsyncIterator[BarometreBot]:
    """The real bot, connected to the fake Discord and ready (commands synced to the fake's server)."""
    client = BarometreBot(bot_config, guild_ready_timeout=0.05)
    async with fake_discord.running(client):
        yield client


def suggestion_buttons(sent: Sent) -> list[dict[str, Any]]:
    """The buttons of an answer that ask a suggested question (not "wrong answer?")."""
    return [b for b in sent.buttons if b.get("custom_id", "").startswith("baro:ask:")]


def flag_button(sent: Sent) -> dict[str, Any]:
    """The "wrong answer?" button of an answer (exactly one)."""
    [button] = [b for b in sent.buttons if b.get("custom_id", "").startswith("baro:flag:")]
    return button
