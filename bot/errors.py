"""Errors reach the user as one short ephemeral message and the log as a traceback, never a
traceback in a channel: the app command tree's handler, and helpers the cogs share."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from .checks import NotBotAdmin
from .text import interaction_lang, load_bot_wording

log = logging.getLogger(__name__)


async def send_ephemeral(interaction: discord.Interaction, text: str, **kwargs: Any) -> None:
    """Answer privately, whether or not the interaction was already answered or deferred."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, **kwargs)
        else:
            await interaction.response.send_message(text, ephemeral=True, **kwargs)
    except discord.HTTPException:
        log.warning("could not tell user %s about an error", interaction.user.id, exc_info=True)


def user_message(error: app_commands.AppCommandError, lang: str) -> str | None:
    """What to tell the user for an expected error, or None for a bug."""
    wording = load_bot_wording()
    if isinstance(error, NotBotAdmin):
        return wording.t("not_admin", lang)
    if isinstance(error, app_commands.CommandOnCooldown):
        return wording.t("cooldown", lang, seconds=max(1, round(error.retry_after)))
    if isinstance(error, app_commands.CheckFailure):
        return wording.t("not_admin", lang)
    return None


class BotTree(app_commands.CommandTree):
    """The slash commands' tree: a per-user cooldown on commands (as on channel questions: `rate`
    commands within `per` seconds, then a polite private reply), and errors as one private message."""

    cooldown_rate = 5
    cooldown_per = 30.0

    def __init__(self, client: Any, **options: Any) -> None:
        super().__init__(client, **options)
        self.set_cooldown(self.cooldown_rate, self.cooldown_per)

    def set_cooldown(self, rate: int | None, per: float = 30.0) -> None:
        """`rate` commands per user within `per` seconds (BOT_COMMAND_COOLDOWN); None: no limit."""
        self._cooldowns: commands.CooldownMapping[discord.Interaction] | None = None
        if rate is not None:
            self.cooldown_rate, self.cooldown_per = rate, per
            self._cooldowns = commands.CooldownMapping.from_cooldown(rate, per, lambda interaction: interaction.user.id)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Counts slash commands only (not autocompletion or button clicks); too many: CommandOnCooldown,
        which on_error turns into the polite reply."""
        if interaction.type is not discord.InteractionType.application_command or self._cooldowns is None:
            return True
        bucket = self._cooldowns.get_bucket(interaction)
        retry_after = bucket.update_rate_limit() if bucket is not None else None
        if bucket is not None and retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        lang = interaction_lang(interaction)
        text = user_message(error, lang)
        name = interaction.command.qualified_name if interaction.command else "?"
        if text is None:
            original = getattr(error, "original", error)
            log.error("/%s failed for user %s", name, interaction.user.id,
                      exc_info=(type(original), original, original.__traceback__))
            text = load_bot_wording().t("error", lang)
        else:
            log.info("/%s refused for user %s: %s", name, interaction.user.id, type(error).__name__)
        await send_ephemeral(interaction, text)
