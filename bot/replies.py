"""Sending answers: to an interaction or as a reply to a message, with suggestion buttons that ask
the suggested question when clicked (in the conversation of whoever clicks), and the "wrong answer"
button (bot/feedback.py)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Hashable
from typing import Any, TypeVar

import discord

from barometre_data.engine import Answer

from .errors import send_ephemeral
from .feedback import FlagButton
from .render import answer_embed, buttons_view
from .text import interaction_lang, load_bot_wording

log = logging.getLogger(__name__)
T = TypeVar("T")
# Discord drops an interaction not answered within 3 s: past this, defer first, then answer.
RESPOND_WITHIN = 2.0


def conversation_key(channel_id: int | None, user_id: int) -> Hashable:
    """One conversation per (channel, user): follow-up questions there continue it."""
    return (channel_id or 0, user_id)


class SuggestionButton(discord.ui.DynamicItem[discord.ui.Button], template=r"baro:ask:(?P<asker>[0-9]+):(?P<index>[0-9]+)"):
    """A suggested question; survives restarts (the custom id carries who asked and which button)."""

    def __init__(self, asker_id: int, index: int, label: str) -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary,
                                           custom_id=f"baro:ask:{asker_id}:{index}"))
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> SuggestionButton:
        label = getattr(item, "label", None) or ""
        return cls(int(match["asker"]), int(match["index"]), label)

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        question = self.item.label or ""
        try:
            await answer_click(interaction, self.asker_id, question)
        except Exception:
            log.exception("suggestion button failed for user %s", interaction.user.id)
            await send_ephemeral(interaction, load_bot_wording().t("error", interaction_lang(interaction)))


async def in_time(interaction: discord.Interaction, work: Awaitable[T], *, update: bool = False,
                  ephemeral: bool = False) -> T:
    """The result of work; if it takes longer than RESPOND_WITHIN, the interaction is deferred meanwhile
    (update: the component's message will be edited; else a 'thinking...' response, maybe ephemeral)."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.wait_for(asyncio.shield(task), RESPOND_WITHIN)
    except TimeoutError:
        if not interaction.response.is_done():
            if update:
                await interaction.response.defer()
            else:
                await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        return await task


def answer_view(client: Any, answer: Answer, asker_id: int, question: str | None) -> discord.ui.View | None:
    """The buttons under an answer: its suggestions (they ask for `asker_id`), and "wrong answer?",
    which remembers the question, the answer and the data version served (client: the bot)."""
    version = client.service.version.number if client.service.version is not None else None
    flag = FlagButton.for_answer(client.answers, question, answer, version)
    return buttons_view(answer, lambda index, label: SuggestionButton(asker_id, index, label), [flag])


def command_text(interaction: discord.Interaction) -> str | None:
    """A slash command as its user typed it ("/laureat categorie:sociaux annee:2020"), for the record
    of a flagged answer."""
    if interaction.command is None:
        return None
    options = " ".join(f"{name}:{value}" for name, value in interaction.namespace)
    return f"/{interaction.command.qualified_name} {options}".strip()


async def send_answer(interaction: discord.Interaction, answer: Answer, *, question: str | None = None,
                      ephemeral: bool = False, files: list[discord.File] | None = None,
                      image: str | None = None) -> None:
    """Answer an interaction (or fill in its deferred response)."""
    embed = answer_embed(answer, question=question)
    if image:
        embed.set_image(url=f"attachment://{image}")
    view = answer_view(interaction.client, answer, interaction.user.id, question or command_text(interaction))
    kwargs: dict[str, Any] = {"embed": embed}
    if view is not None:
        kwargs["view"] = view
    if files:
        kwargs["files"] = files
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)


async def reply_to_message(client: Any, message: discord.Message, answer: Answer, question: str) -> discord.Message:
    view = answer_view(client, answer, message.author.id, question)
    kwargs: dict[str, Any] = {"embed": answer_embed(answer)}
    if view is not None:
        kwargs["view"] = view
    return await message.reply(mention_author=False, **kwargs)


async def answer_click(interaction: discord.Interaction, asker_id: int, question: str) -> None:
    """The asker's click replaces the question message by the answer; anyone else's click gets the
    answer privately, from their own conversation, and leaves the message alone."""
    service = interaction.client.service  # type: ignore[attr-defined]
    mine = interaction.user.id == asker_id
    key = conversation_key(interaction.channel_id, interaction.user.id)
    answer = await in_time(interaction, service.ask(question, conversation=key), update=mine, ephemeral=not mine)
    embed = answer_embed(answer, question=question)
    view = answer_view(interaction.client, answer, interaction.user.id, question)
    if mine:
        if interaction.response.is_done():
            await interaction.edit_original_response(embed=embed, view=view)
        else:
            await interaction.response.edit_message(embed=embed, view=view)
        return
    text = load_bot_wording().t("not_your_question", interaction_lang(interaction))
    kwargs: dict[str, Any] = {"embed": embed}
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(text, ephemeral=True, **kwargs)
