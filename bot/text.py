"""The bot's own wording (bot/wording.yaml): command names and descriptions with their French and
English localizations (a discord.py Translator), and the messages the bot writes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import discord
import yaml
from discord import app_commands

from barometre_data.engine.wording import Wording

WORDING_FILE = Path(__file__).with_name("wording.yaml")
LANGS = ("fr", "en")


def lang_of(locale: discord.Locale | str | None, fallback: discord.Locale | str | None = None) -> str:
    """'fr' or 'en' for a Discord locale (the user's, else the server's); French unless English."""
    for value in (locale, fallback):
        text = str(value or "")
        if text.startswith("fr"):
            return "fr"
        if text.startswith("en"):
            return "en"
    return "fr"


def interaction_lang(interaction: discord.Interaction) -> str:
    return lang_of(interaction.locale, interaction.guild_locale)


@dataclass(frozen=True)
class BotWording:
    commands: dict[str, Any]
    messages: Wording

    def t(self, key: str, lang: str, **values: object) -> str:
        return self.messages.t(key, lang, **values)

    def _entry(self, command: str, option: str | None) -> dict[str, Any]:
        entry = self.commands[command]
        return entry["options"][option] if option else entry

    def name(self, command: str, option: str | None = None) -> app_commands.locale_str:
        """The default (ASCII) name, carrying the key the translator localizes."""
        self._entry(command, option)  # a KeyError here is a typo in the code
        key = f"{command}.{option}.name" if option else f"{command}.name"
        return app_commands.locale_str(option or command, key=key)

    def description(self, command: str, option: str | None = None) -> app_commands.locale_str:
        key = f"{command}.{option}.description" if option else f"{command}.description"
        return app_commands.locale_str(self._entry(command, option)["description"]["fr"], key=key)

    def localized(self, key: str, lang: str) -> str | None:
        parts = key.split(".")
        command, what = parts[0], parts[-1]
        option = parts[1] if len(parts) == 3 else None
        try:
            return self._entry(command, option)[what][lang]
        except KeyError:
            return None


@lru_cache(maxsize=1)
def load_bot_wording(path: Path = WORDING_FILE) -> BotWording:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return BotWording(commands=data["commands"], messages=Wording(data["messages"]))


class CommandTranslator(app_commands.Translator):
    """Gives commands their French names (with accents) and English names and descriptions."""

    LOCALES = {discord.Locale.french: "fr", discord.Locale.american_english: "en",
               discord.Locale.british_english: "en"}

    def __init__(self, wording: BotWording | None = None) -> None:
        self.wording = wording or load_bot_wording()

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        key = string.extras.get("key")
        lang = self.LOCALES.get(locale)
        if not key or not lang:
            return None
        return self.wording.localized(key, lang)
