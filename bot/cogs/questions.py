"""Questions in plain words: /question, and messages in the question channels or mentioning the bot."""

from __future__ import annotations

import logging
import re
import time

import discord
from discord import app_commands
from discord.ext import commands

from ..client import BarometreBot
from ..feedback import FlagButton
from ..replies import SuggestionButton, conversation_key, in_time, reply_to_message, send_answer
from ..text import load_bot_wording

log = logging.getLogger(__name__)
W = load_bot_wording()
QUESTION_MAX = 500


class Questions(commands.Cog):
    # Channel questions per user: `rate` within `per` seconds, then one polite message per wait.
    cooldown_rate = 5
    cooldown_per = 30.0

    def __init__(self, bot: BarometreBot) -> None:
        self.bot = bot
        self.set_cooldown(self.cooldown_rate, self.cooldown_per)
        self._told_to_wait: dict[int, float] = {}  # user id -> until when (monotonic)
        self._langs: dict[int, str] = {}  # user id -> language of their last answer (for bot messages)

    def set_cooldown(self, rate: int, per: float) -> None:
        self.cooldown_rate, self.cooldown_per = rate, per
        self.cooldown = commands.CooldownMapping.from_cooldown(rate, per, commands.BucketType.user)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(SuggestionButton, FlagButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(SuggestionButton, FlagButton)

    @app_commands.command(name=W.name("question"), description=W.description("question"))
    @app_commands.rename(texte=W.name("question", "texte"))
    @app_commands.describe(texte=W.description("question", "texte"))
    async def question(self, interaction: discord.Interaction,
                       texte: app_commands.Range[str, 1, QUESTION_MAX]) -> None:
        key = conversation_key(interaction.channel_id, interaction.user.id)
        answer = await in_time(interaction, self.bot.service.ask(texte, conversation=key))
        await send_answer(interaction, answer, question=texte)

    # -- messages -------------------------------------------------------------------------------------
    def addressed_to_me(self, message: discord.Message) -> bool:
        me = self.bot.user
        if message.author.bot or me is None or message.author.id == me.id:
            return False
        if message.guild is None:
            return True  # a direct message
        channel_ids = self.bot.config.channel_ids
        parent_id = getattr(message.channel, "parent_id", None)
        if message.channel.id in channel_ids or (parent_id is not None and parent_id in channel_ids):
            return True
        return any(user.id == me.id for user in message.mentions)  # @everyone / roles do not count

    def question_text(self, message: discord.Message) -> str:
        assert self.bot.user is not None
        return re.sub(rf"<@!?{self.bot.user.id}>", " ", message.content).strip()

    def wait_time(self, message: discord.Message) -> float | None:
        """Seconds to wait when the user asks too often, else None (and the question counts)."""
        bucket = self.cooldown.get_bucket(message)
        retry_after = bucket.update_rate_limit() if bucket is not None else None
        return retry_after or None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self.addressed_to_me(message):
            return
        if message.content.startswith(self.bot.command_prefix):  # type: ignore[arg-type]
            context = await self.bot.get_context(message)
            if context.valid:
                return  # a text command (!sync), handled by the commands extension
        text = self.question_text(message)
        lang = self._langs.get(message.author.id, "fr")
        try:
            if not text:
                await message.reply(W.t("empty_question", lang), mention_author=False)
                return
            retry_after = self.wait_time(message)
            if retry_after is not None:
                await self.ask_to_wait(message, retry_after, lang)
                return
            key = conversation_key(message.channel.id, message.author.id)
            answer = await self.bot.service.ask(text, conversation=key)
            self._langs[message.author.id] = answer.lang
            await reply_to_message(self.bot, message, answer, text)
        except Exception:
            log.exception("question from user %s in channel %s failed", message.author.id, message.channel.id)
            try:
                await message.reply(W.t("error", lang), mention_author=False)
            except discord.HTTPException:
                log.warning("could not send the error message", exc_info=True)

    async def ask_to_wait(self, message: discord.Message, retry_after: float, lang: str) -> None:
        now = time.monotonic()
        if self._told_to_wait.get(message.author.id, 0.0) > now:
            return  # told already: stay quiet rather than flood the channel
        self._told_to_wait = {user: until for user, until in self._told_to_wait.items() if until > now}
        self._told_to_wait[message.author.id] = now + retry_after
        seconds = max(1, round(retry_after))
        await message.reply(W.t("cooldown", lang, seconds=seconds), mention_author=False)


async def setup(bot: BarometreBot) -> None:
    await bot.add_cog(Questions(bot))
