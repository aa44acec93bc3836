"""Admin commands, shown by Discord only to members who can manage the server (default_permissions;
a server shows them to others in Server Settings > Integrations) and checked on the bot's side: /recharger (reload data/ or import an uploaded
edition file), /versions (the data versions, or roll back to one), /stats, and the owner's text
command !sync."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from barometre_data.service import ReloadReport

from ..checks import admin_only
from ..client import BarometreBot
from ..errors import send_ephemeral
from ..render import text_embed
from ..text import interaction_lang, load_bot_wording

log = logging.getLogger(__name__)
W = load_bot_wording()
MAX_UPLOAD_BYTES = 512 * 1024  # an edition file is a few kilobytes
ERRORS_FILENAME = "erreurs.txt"


class Admin(commands.Cog):
    def __init__(self, bot: BarometreBot) -> None:
        self.bot = bot

    @app_commands.command(name=W.name("recharger"), description=W.description("recharger"))
    @app_commands.rename(fichier=W.name("recharger", "fichier"))
    @app_commands.describe(fichier=W.description("recharger", "fichier"))
    @app_commands.default_permissions(manage_guild=True)  # shown to managers; BOT_ADMIN_IDS: README
    @admin_only()
    async def recharger(self, interaction: discord.Interaction, fichier: discord.Attachment | None = None) -> None:
        lang = interaction_lang(interaction)
        if fichier is not None and fichier.size > MAX_UPLOAD_BYTES:
            await send_ephemeral(interaction, W.t("file_too_big", lang, name=fichier.filename,
                                                  size=-(-fichier.size // 1024), limit=MAX_UPLOAD_BYTES // 1024))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if fichier is None:
            report = await self.bot.service.reload()
        else:
            try:
                content = await fichier.read()
            except (discord.HTTPException, OSError) as exc:
                log.warning("could not download %s: %s", fichier.filename, exc)
                await send_ephemeral(interaction, W.t("file_unreadable", lang, name=fichier.filename,
                                                      reason=type(exc).__name__))
                return
            report = await self.bot.service.import_file(fichier.filename, content,
                                                        author=f"user {interaction.user.id}")
        log.info("data %s by user %s (%s): %s", "import of " + fichier.filename if fichier else "reload",
                 interaction.user.id, "ok" if report.ok else "refused", report.render("en").replace("\n", " | "))
        await self.send_report(interaction, report, lang)

    async def send_report(self, interaction: discord.Interaction, report: ReloadReport, lang: str) -> None:
        if report.ok:
            summary = report.summary
            title = W.t("reload_unchanged" if summary is None or summary.empty else "reload_ok", lang)
            lines = summary.render(lang).split("\n") if summary is not None else []
            if report.notice:
                lines.append(report.notice)
            if report.version is not None:
                lines.append(W.t("data_version", lang, number=report.version.number, hash=report.version.short_hash))
            await interaction.followup.send(embed=text_embed(title, lines), ephemeral=True)
            return
        if report.reason is not None:  # nothing wrong with the data (e.g. the database is away): one sentence
            await interaction.followup.send(embed=text_embed(report.render(lang), [], ok=False), ephemeral=True)
            return
        title = W.t("reload_failed", lang, count=len(report.errors))
        embed = text_embed(title, [f"• {error}" for error in report.errors], ok=False)
        files = []
        if len(embed.description or "") < sum(len(e) + 3 for e in report.errors):
            embed.set_footer(text=W.t("reload_errors_file", lang))
            files = [discord.File(io.BytesIO("\n".join(report.errors).encode()), filename=ERRORS_FILENAME)]
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    @app_commands.command(name=W.name("stats"), description=W.description("stats"))
    @app_commands.default_permissions(manage_guild=True)  # shown to managers; BOT_ADMIN_IDS: README
    @admin_only()
    async def stats(self, interaction: discord.Interaction) -> None:
        lang = interaction_lang(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await self.bot.service.stats()
        years = self.bot.service.knowledge.years
        lines = [stats.render(lang), ""]
        if years:
            lines.append(W.t("stats_editions", lang, count=len(years), first=years[0], last=years[-1]))
        lines.append(W.t("stats_discord", lang, servers=len(self.bot.guilds), latency=round(self.bot.latency * 1000)))
        served, latest = self.bot.service.version, await self.bot.service.store_version()
        if served is not None:
            lines.append(W.t("stats_version", lang, number=served.number, hash=served.short_hash,
                             shards=", ".join(map(str, self.bot.served_shards))))
        if latest is not None and latest != served:
            lines.append(W.t("stats_store_version", lang, number=latest.number, hash=latest.short_hash))
        others = [p for p in await self.bot.service.serving() if p.name != self.bot.service.process_name]
        if others:
            lines.append(W.t("stats_processes", lang))
            lines += [W.t("stats_process", lang, name=p.name, version=p.version,
                          shards=p.shards if p.shards is not None else "—") for p in others[:20]]
        await interaction.followup.send(embed=text_embed(W.t("stats_title", lang), lines), ephemeral=True)

    @app_commands.command(name=W.name("versions"), description=W.description("versions"))
    @app_commands.rename(restaurer=W.name("versions", "restaurer"))
    @app_commands.describe(restaurer=W.description("versions", "restaurer"))
    @app_commands.default_permissions(manage_guild=True)  # shown to managers; BOT_ADMIN_IDS: README
    @admin_only()
    async def versions(self, interaction: discord.Interaction,
                       restaurer: app_commands.Range[int, 1] | None = None) -> None:
        lang = interaction_lang(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if restaurer is not None:
            report = await self.bot.service.rollback(restaurer)
            log.info("data rollback to version %s by user %s: %s", restaurer, interaction.user.id,
                     report.render("en").replace("\n", " | "))
            await self.send_report(interaction, report, lang)
            return
        history = await self.bot.service.history(limit=15)
        # code spans on purpose: a backtick in a line could not close them early
        lines = [f"`{info.line().strip().replace('`', 'ˋ')}`" for info in history] or [W.t("versions_none", lang)]
        await interaction.followup.send(embed=text_embed(W.t("versions_title", lang), lines, escape=False),
                                        ephemeral=True)

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context, where: str | None = None) -> None:
        """!sync: register the slash commands everywhere; !sync ici / here: on this server only."""
        guild_id = ctx.guild.id if where in ("ici", "here", "guild", "serveur", "server") and ctx.guild else None
        synced = await self.bot.sync_commands(guild_id)
        scope = W.t("sync_guild" if guild_id else "sync_global", "fr")
        await ctx.reply(W.t("sync_done", "fr", count=len(synced), where=scope), mention_author=False)


async def setup(bot: BarometreBot) -> None:
    await bot.add_cog(Admin(bot))
