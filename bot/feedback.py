"""The "wrong answer" button under every answer: a click keeps the question, the answer and the data
version that gave it (`BarometreService.flag`), and /stats lists the recent ones, so that a confident
wrong answer reaches the people who fix the data or the engine.

The button's custom id carries a token and the data version; the bot remembers what it showed under
each token (`AnswerMemory`, bounded). After a restart, or once the memory has forgotten it, the
answer is read back from the message the button is under (its embed), the question too when the
message shows it or replies to it.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import discord

from barometre_data.engine import Answer
from barometre_data.feedback import FlaggedAnswer

from .errors import send_ephemeral
from .render import COLOR_FOUND
from .text import interaction_lang, load_bot_wording

log = logging.getLogger(__name__)

MEMORY_SIZE = 5000  # answers remembered by token (the oldest are forgotten first)
TOKEN_HEX = 12  # characters of a token (48 random bits)
FLAG_ROW = 1  # the button's row: below the suggestions


@dataclass
class ShownAnswer:
    """An answer as the bot showed it, and who has flagged it already."""

    question: str | None
    text: str
    found: bool | None = None
    intent: str | None = None
    lang: str | None = None
    year: int | None = None
    data_version: int | None = None
    flagged_by: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, question: str | None, answer: Answer, data_version: int | None) -> ShownAnswer:
        return cls(question, answer.text, answer.found, answer.intent, answer.lang, answer.year, data_version)

    def flag(self) -> FlaggedAnswer:
        return FlaggedAnswer.now(self.question, self.text, found=self.found, intent=self.intent, lang=self.lang,
                                 year=self.year, data_version=self.data_version)


class AnswerMemory:
    """The answers recently shown, by token: bounded, the oldest forgotten first. Owned by the bot."""

    def __init__(self, size: int = MEMORY_SIZE) -> None:
        self.size = size
        self._shown: OrderedDict[str, ShownAnswer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._shown)

    def remember(self, shown: ShownAnswer, token: str | None = None) -> str:
        token = token or secrets.token_hex(TOKEN_HEX // 2)
        self._shown[token] = shown
        self._shown.move_to_end(token)
        while len(self._shown) > self.size:
            self._shown.popitem(last=False)
        return token

    def recall(self, token: str) -> ShownAnswer | None:
        return self._shown.get(token)


def shown_from_message(message: discord.Message | None, data_version: int | None) -> ShownAnswer | None:
    """What an answer message showed, read back from its embed (the bot has forgotten it): the answer,
    the question when the embed shows it (slash commands, buttons) or the message replies to it."""
    if message is None or not message.embeds or not message.embeds[0].description:
        return None
    embed = message.embeds[0]
    question = embed.title
    if question is None and message.reference is not None:
        asked = message.reference.resolved or message.reference.cached_message
        if isinstance(asked, discord.Message) and asked.content:
            question = asked.content
    return ShownAnswer(question, embed.description or "", found=embed.colour == COLOR_FOUND,
                       data_version=data_version)


class FlagButton(discord.ui.DynamicItem[discord.ui.Button],
                 template=r"baro:flag:(?P<version>[0-9]+|x):(?P<token>[0-9a-f]{1,32})"):
    """'Wrong answer?': logs the answer above it as wrong, once per person; survives restarts."""

    def __init__(self, token: str, data_version: int | None, lang: str = "fr") -> None:
        version = "x" if data_version is None else str(data_version)
        super().__init__(discord.ui.Button(label=load_bot_wording().t("flag_button", lang),
                                           style=discord.ButtonStyle.secondary, row=FLAG_ROW,
                                           custom_id=f"baro:flag:{version}:{token}"))
        self.token = token
        self.data_version = data_version

    @classmethod
    def for_answer(cls, memory: AnswerMemory, question: str | None, answer: Answer,
                   data_version: int | None) -> FlagButton:
        token = memory.remember(ShownAnswer.of(question, answer, data_version))
        return cls(token, data_version, answer.lang)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> FlagButton:
        version = None if match["version"] == "x" else int(match["version"])
        return cls(match["token"], version)

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        wording = load_bot_wording()
        memory: AnswerMemory = interaction.client.answers  # type: ignore[attr-defined]
        shown = memory.recall(self.token)
        if shown is None:  # forgotten (a restart, an old message): read it back from the message
            shown = shown_from_message(interaction.message, self.data_version)
            if shown is not None:
                memory.remember(shown, self.token)
        lang = shown.lang if shown is not None and shown.lang else interaction_lang(interaction)
        if shown is None:
            await send_ephemeral(interaction, wording.t("flag_unknown", lang))
            return
        if interaction.user.id in shown.flagged_by:
            await send_ephemeral(interaction, wording.t("flag_already", lang))
            return
        shown.flagged_by.add(interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)  # the database may be slow
        try:
            await interaction.client.service.flag(shown.flag())  # type: ignore[attr-defined]
        except Exception as exc:  # the database away: the person is told, and may click again
            shown.flagged_by.discard(interaction.user.id)
            log.warning("could not keep an answer flagged by user %s: %s", interaction.user.id,
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            await send_ephemeral(interaction, wording.t("flag_failed", lang))
            return
        log.info("answer flagged as wrong by user %s (data version %s)", interaction.user.id,
                 shown.data_version if shown.data_version is not None else "?")
        await send_ephemeral(interaction, wording.t("flag_thanks", lang))
