"""Errors reach the user as one short ephemeral message and the log as a traceback, never a
traceback in a channel: the app command tree's handler, and helpers the cogs share."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from .checks import NotBotAdmin
from .text import interaction_lang, load_bot_wording

log = logging.getLogger(__name__)


async def send_ephemeral(interaction: discord.Interaction, text: str, **kwargs: object) -> None:
    """Answer privately, whether or not the interaction was already answered or deferred."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, **kwargs)  # type: ignore[arg-type]
        else:
            await interaction.response.send_message(text, ephemeral=True, **kwargs)  # type: ignore[arg-type]
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
