"""The Discord client: a small commands.Bot that loads the cogs and owns the BarometreService."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from barometre_data.service import BarometreService

from .config import BotConfig
from .errors import BotTree
from .text import CommandTranslator, load_bot_wording

log = logging.getLogger(__name__)

COGS = ("bot.cogs.questions", "bot.cogs.facts", "bot.cogs.admin")
PREFIX = "!"  # text commands (only the owner's !sync)


def intents() -> discord.Intents:
    wanted = discord.Intents.default()
    wanted.message_content = True  # questions asked in channels; enable it in the developer portal
    return wanted


class BarometreBot(commands.Bot):
    def __init__(self, config: BotConfig, *, service: BarometreService | None = None, open_service: bool = True,
                 **options: Any) -> None:
        super().__init__(
            command_prefix=PREFIX,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=BotTree,
            **options,
        )
        self.config = config
        self._service = service
        self._owns_service = False
        self._open_service = open_service

    @property
    def service(self) -> BarometreService:
        if self._service is None:
            raise RuntimeError("the service is not open (setup_hook has not run)")
        return self._service

    async def setup_hook(self) -> None:
        if self._service is None and self._open_service:
            self._service = await BarometreService.open(self.config.data)
            self._owns_service = True
        await self.tree.set_translator(CommandTranslator())
        for extension in COGS:
            await self.load_extension(extension)
        if self.config.dev_guild_id is not None:
            synced = await self.sync_commands(self.config.dev_guild_id)
            log.info("synced %d commands to the development server %s", len(synced), self.config.dev_guild_id)

    async def sync_commands(self, guild_id: int | None = None) -> list[app_commands.AppCommand]:
        """Register the slash commands with Discord: globally, or copied to one server (instant)."""
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("connected as %s (id %s) to %d server(s)", self.user, self.user.id, len(self.guilds))

    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:  # type: ignore[override]
        if isinstance(error, commands.CommandNotFound):
            return  # "!something" that is not ours: not an error
        lang = "fr"
        wording = load_bot_wording()
        if isinstance(error, commands.NotOwner | commands.CheckFailure):
            await ctx.reply(wording.t("not_owner", lang), mention_author=False)
            return
        original = getattr(error, "original", error)
        log.error("!%s failed for user %s", ctx.invoked_with, ctx.author.id,
                  exc_info=(type(original), original, original.__traceback__))
        await ctx.reply(wording.t("error", lang), mention_author=False)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._owns_service and self._service is not None:
                service, self._service = self._service, None
                await service.close()
