"""Structured questions: /laureat, /score, /palmares, /evolution (with a chart), /aide.

Options are typed with autocomplete (suggested from memory); whatever is submitted is resolved again,
since a user may type anything."""

from __future__ import annotations

import asyncio
import io
import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from barometre_data.chart import series_png
from barometre_data.engine import Answer
from barometre_data.engine.wording import load_wording

from ..client import BarometreBot
from ..errors import send_ephemeral
from ..render import CHART_FILENAME, MAX_BUTTONS
from ..replies import conversation_key, in_time, send_answer
from ..text import interaction_lang, load_bot_wording

log = logging.getLogger(__name__)
W = load_bot_wording()
OPTION_MAX = 100


def _service(interaction: discord.Interaction):  # -> BarometreService
    return interaction.client.service  # type: ignore[attr-defined]


async def _choices(kind: str, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    pairs = _service(interaction).choices(kind, current, interaction_lang(interaction))
    return [app_commands.Choice(name=label, value=value) for label, value in pairs]


async def category_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _choices("category", interaction, current)


async def channel_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _choices("channel", interaction, current)


async def year_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _choices("year", interaction, current)


class Facts(commands.Cog):
    def __init__(self, bot: BarometreBot) -> None:
        self.bot = bot

    # -- resolving what was submitted ---------------------------------------------------------------
    async def resolve(self, interaction: discord.Interaction, kind: str, value: str) -> str | None:
        """The id for a submitted value, or None after telling the user (with close choices)."""
        service = self.bot.service
        resolved = service.resolve(kind, value)
        if resolved is not None:
            return resolved
        lang = interaction_lang(interaction)
        text = W.t("unknown_value", lang, value=value, what=W.t(f"what_{kind}", lang))
        close = [label for label, _ in service.choices(kind, value, lang)[:MAX_BUTTONS]]
        if close:
            quoted = ", ".join(W.t("quoted", lang, text=label) for label in close)
            text += " " + W.t("did_you_mean", lang, choices=quoted)
        await send_ephemeral(interaction, text)
        return None

    async def resolve_year(self, interaction: discord.Interaction, value: str | None) -> int | None | bool:
        """The year as an int, None when not given, False when refused (the user was told)."""
        if value is None:
            return None
        resolved = self.bot.service.resolve("year", value)
        if resolved is not None:
            return int(resolved)
        typed = re.search(r"\b(19|20)\d\d\b", value)
        if typed:  # a year without an edition: the engine says which editions exist
            return int(typed.group(0))
        await self.resolve(interaction, "year", value)
        return False

    def subject_slots(self, subject_id: str) -> dict[str, str]:
        vocabulary = self.bot.service.knowledge.vocabulary
        return {"subject": subject_id} if subject_id in vocabulary.subjects else {"channel": subject_id}

    async def run(self, interaction: discord.Interaction, intent: str, **slots: object) -> Answer:
        return await in_time(interaction, self.bot.service.command(
            intent, conversation=conversation_key(interaction.channel_id, interaction.user.id),
            lang=interaction_lang(interaction), **slots))

    # -- commands ---------------------------------------------------------------------------------
    @app_commands.command(name=W.name("laureat"), description=W.description("laureat"))
    @app_commands.rename(categorie=W.name("laureat", "categorie"), annee=W.name("laureat", "annee"))
    @app_commands.describe(categorie=W.description("laureat", "categorie"), annee=W.description("laureat", "annee"))
    @app_commands.autocomplete(categorie=category_autocomplete, annee=year_autocomplete)
    async def laureat(self, interaction: discord.Interaction, categorie: app_commands.Range[str, 1, OPTION_MAX],
                      annee: app_commands.Range[str, 1, OPTION_MAX] | None = None) -> None:
        category = await self.resolve(interaction, "category", categorie)
        year = await self.resolve_year(interaction, annee)
        if category is None or year is False:
            return
        await send_answer(interaction, await self.run(interaction, "laureate", category=category, year=year))

    @app_commands.command(name=W.name("score"), description=W.description("score"))
    @app_commands.rename(canal=W.name("score", "canal"), annee=W.name("score", "annee"))
    @app_commands.describe(canal=W.description("score", "canal"), annee=W.description("score", "annee"))
    @app_commands.autocomplete(canal=channel_autocomplete, annee=year_autocomplete)
    async def score(self, interaction: discord.Interaction, canal: app_commands.Range[str, 1, OPTION_MAX],
                    annee: app_commands.Range[str, 1, OPTION_MAX] | None = None) -> None:
        subject = await self.resolve(interaction, "channel", canal)
        year = await self.resolve_year(interaction, annee)
        if subject is None or year is False:
            return
        answer = await self.run(interaction, "score", year=year, **self.subject_slots(subject))
        await send_answer(interaction, answer)

    @app_commands.command(name=W.name("palmares"), description=W.description("palmares"))
    @app_commands.rename(annee=W.name("palmares", "annee"))
    @app_commands.describe(annee=W.description("palmares", "annee"))
    @app_commands.autocomplete(annee=year_autocomplete)
    async def palmares(self, interaction: discord.Interaction,
                       annee: app_commands.Range[str, 1, OPTION_MAX] | None = None) -> None:
        year = await self.resolve_year(interaction, annee)
        if year is False:
            return
        await send_answer(interaction, await self.run(interaction, "palmares", year=year))

    @app_commands.command(name=W.name("evolution"), description=W.description("evolution"))
    @app_commands.rename(sujet=W.name("evolution", "sujet"))
    @app_commands.describe(sujet=W.description("evolution", "sujet"))
    @app_commands.autocomplete(sujet=channel_autocomplete)
    async def evolution(self, interaction: discord.Interaction,
                        sujet: app_commands.Range[str, 1, OPTION_MAX] | None = None) -> None:
        subject = await self.resolve(interaction, "subject", sujet) if sujet else "global"
        if subject is None:
            return
        await interaction.response.defer(thinking=True)  # the chart takes a moment
        answer = await self.run(interaction, "series", **self.subject_slots(subject))
        if len(answer.series) < 2:
            await send_answer(interaction, answer)
            return
        lang = answer.lang
        png = await asyncio.to_thread(
            series_png, answer.series, title=W.t("chart_title", lang, subject=self.subject_label(subject, lang)),
            ylabel=W.t("chart_ylabel", lang), value_label=lambda v: load_wording().num(v, lang))
        chart = discord.File(fp=io.BytesIO(png), filename=CHART_FILENAME)
        await send_answer(interaction, answer, files=[chart], image=CHART_FILENAME)

    def subject_label(self, subject_id: str, lang: str) -> str:
        vocabulary = self.bot.service.knowledge.vocabulary
        term = vocabulary.subjects.get(subject_id) or vocabulary.channels.get(subject_id)
        label = term.label(lang) if term else subject_id
        return label[:1].upper() + label[1:]

    @app_commands.command(name=W.name("aide"), description=W.description("aide"))
    async def aide(self, interaction: discord.Interaction) -> None:
        lang = interaction_lang(interaction)
        answer = await self.bot.service.command("help", lang=lang)
        await send_answer(interaction, answer, ephemeral=True)


async def setup(bot: BarometreBot) -> None:
    await bot.add_cog(Facts(bot))
