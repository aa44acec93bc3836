"""The Discord client: a small sharded bot (discord.py's AutoShardedBot, BOT_SHARD_COUNT /
BOT_SHARD_IDS) that loads the cogs and owns the BarometreService. Before it connects it takes the
lease of its shards in the store (`barometre_data.leases`): a second process for the same shards waits
as a standby and takes over when the first stops, so every message is answered once."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from barometre_data.service import BarometreService

from .config import BotConfig
from .errors import BotTree
from .feedback import AnswerMemory
from .text import CommandTranslator, load_bot_wording

log = logging.getLogger(__name__)

COGS = ("bot.cogs.questions", "bot.cogs.facts", "bot.cogs.admin")
PREFIX = "!"  # text commands (only the owner's !sync)


def intents() -> discord.Intents:
    wanted = discord.Intents.default()
    wanted.message_content = True  # questions asked in channels; enable it in the developer portal
    return wanted


class BarometreBot(commands.AutoShardedBot):
    def __init__(self, config: BotConfig, *, service: BarometreService | None = None, open_service: bool = True,
                 **options: Any) -> None:
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice here: no warnings
        super().__init__(
            command_prefix=PREFIX,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=BotTree,
            shard_count=config.shard_count,
            shard_ids=list(config.served_shards),
            **options,
        )
        assert isinstance(self.tree, BotTree)
        self.tree.set_cooldown(*(config.command_cooldown or (None,)))
        self.lost_shards = False  # set when the lease of the shards was lost (the bot then stops)
        self.config = config
        self.answers = AnswerMemory()  # what each "wrong answer" button is under (bot/feedback.py)
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

    @property
    def served_shards(self) -> tuple[int, ...]:
        return self.config.served_shards

    async def start(self, token: str, *, reconnect: bool = True) -> None:
        """Log in, take the lease of the shards (waiting as a standby while another process holds
        them), then connect to the gateway."""
        await self.login(token)
        if self._service is not None:
            await self._service.hold_shards(self.served_shards, on_lost=self._lease_lost)
        await self.connect(reconnect=reconnect)

    def _lease_lost(self) -> None:
        self.lost_shards = True
        asyncio.get_running_loop().create_task(self.close())

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
            if hasattr(self, "_AutoShardedClient__queue"):
                await super().close()
            else:  # never logged in (only its commands built): AutoShardedClient.close() would fail
                await self.http.close()
        finally:
            if self._owns_service and self._service is not None:
                service, self._service = self._service, None
                await service.close()
