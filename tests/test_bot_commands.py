"""Offline: the slash commands as Discord would receive them respect its limits, in every language."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from barometre_data.config import Settings
from bot.client import BarometreBot
from bot.config import BotConfig
from bot.text import CommandTranslator
from fakediscord.commands import command_errors


@pytest.fixture
async def payloads(tmp_path: Path) -> list[dict]:
    config = BotConfig(token=None, data=Settings(database_url="sqlite+aiosqlite://", data_dir=tmp_path))
    bot = BarometreBot(config, open_service=False)
    translator = CommandTranslator()
    await bot.tree.set_translator(translator)
    for extension in ("bot.cogs.questions", "bot.cogs.facts", "bot.cogs.admin"):
        await bot.load_extension(extension)
    result = [await command.get_translated_payload(bot.tree, translator) for command in bot.tree.get_commands()]
    await bot.close()
    return result


def walk(entries: list[dict]):
    for entry in entries:
        yield entry
        yield from walk(entry.get("options") or [])


async def test_commands_respect_discord_limits(payloads: list[dict]) -> None:
    assert command_errors(payloads) == []
    assert len(payloads) == 9


async def test_default_names_are_ascii_and_every_name_is_localized(payloads: list[dict]) -> None:
    for entry in walk(payloads):
        assert entry["name"].isascii() and entry["name"] == entry["name"].lower() and len(entry["name"]) <= 32
        assert set(entry["name_localizations"]) == {"fr", "en-US", "en-GB"}, entry["name"]
        assert set(entry["description_localizations"]) == {"fr", "en-US", "en-GB"}, entry["name"]
        assert 1 <= len(entry["description"]) <= 100


async def test_french_and_english_names(payloads: list[dict]) -> None:
    by_name = {p["name"]: p for p in payloads}
    assert by_name["laureat"]["name_localizations"]["fr"] == "lauréat"
    assert by_name["laureat"]["name_localizations"]["en-US"] == "winner"
    options = {o["name"]: o for o in by_name["laureat"]["options"]}
    assert options["annee"]["name_localizations"] == {"fr": "année", "en-US": "year", "en-GB": "year"}
    assert options["categorie"]["autocomplete"] and options["categorie"]["required"]
    assert not options["annee"]["required"]
    assert by_name["recharger"]["options"][0]["type"] == discord.AppCommandOptionType.attachment.value


def test_the_limits_checker_catches_mistakes() -> None:
    """command_errors is what makes the test above meaningful: it must refuse bad payloads."""
    good = {"name": "score", "description": "Un score", "name_localizations": {"fr": "score"}}
    assert command_errors([good]) == []
    assert command_errors([{**good, "name": "x" * 33}])
    assert command_errors([{**good, "name_localizations": {"fr": "Année"}}])
    assert command_errors([{**good, "description": ""}])
    assert command_errors([good, {**good, "name": "other", "name_localizations": {"fr": "score"}}])
    assert command_errors([{**good, "options": [{"name": "a", "description": "d", "type": 3},
                                                {"name": "b", "description": "d", "type": 3, "required": True}]}])
