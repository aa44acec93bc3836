"""Admin commands through Discord: rights checked by the bot, reloads and imports with their
report, bad files refused while the previous data keeps being served, /stats, !sync."""

from __future__ import annotations

from barometre_data.service import ReloadReport
from bot.client import BarometreBot
from bot.config import BotConfig
from conftest import data_lock_held_elsewhere
from conftest_bot import bot, bot_config, store_template  # noqa: F401  (fixtures)
from fakediscord import FakeDiscord, Upload
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)
from fakediscord.payloads import ADMINISTRATOR, MANAGE_GUILD, MEMBER_PERMISSIONS


async def ask(fake: FakeDiscord, question: str) -> str:
    return (await (await fake.slash("question", {"texte": question})).response()).embeds[0]["description"]


async def test_recharger_refused_for_a_plain_member(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    answer = await (await fake_discord.slash("recharger", user=fake_discord.world.member)).response()
    assert answer.callback_type == 4 and answer.ephemeral and "réservée" in answer.content
    refused = await (await fake_discord.slash("stats", user=fake_discord.world.member)).response()
    assert refused.ephemeral and "réservée" in refused.content and refused.embeds == []


async def test_recharger_accepted_for_admins(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    for user, permissions in [(fake_discord.world.admin, None),  # a role with Manage Server
                              (fake_discord.world.member, MEMBER_PERMISSIONS | ADMINISTRATOR),
                              (fake_discord.world.owner, MEMBER_PERMISSIONS)]:  # in BOT_ADMIN_IDS
        interaction = await fake_discord.slash("recharger", user=user, member_permissions=permissions)
        deferred = await interaction.callback()
        assert deferred.callback_type == 5 and deferred.ephemeral
        report = await interaction.response()
        assert report.ephemeral and report.embeds[0]["title"] == "Données rechargées : rien n'a changé."


async def test_a_bad_file_is_refused_with_every_error_and_old_data_still_served(
        fake_discord: FakeDiscord, bot: BarometreBot, bot_config: BotConfig) -> None:  # noqa: F811
    original = (bot_config.data.data_dir / "2020.yaml").read_bytes()
    broken = original.replace(b"services-sociaux", b"sociau")
    interaction = await fake_discord.slash("recharger", {"fichier": Upload("2020.yaml", broken)},
                                           user=fake_discord.world.admin)
    report = await interaction.response()
    assert report.ephemeral and report.embeds[0]["title"].startswith("Données refusées (")
    errors = report.embeds[0]["description"]
    assert 'categories[8].id: unknown category "sociau"' in errors and "awards[" in errors
    assert (bot_config.data.data_dir / "2020.yaml").read_bytes() == original  # not written
    assert "Saumur" in await ask(fake_discord, "qui a gagné dans la catégorie services sociaux en 2020 ?")

    not_text = await (await fake_discord.slash("recharger", {"fichier": Upload("2020.yaml", b"\xff\xfe\x00bad")},
                                               user=fake_discord.world.admin)).response()
    assert "UTF-8" in not_text.embeds[0]["description"]
    too_big = await (await fake_discord.slash("recharger", {"fichier": Upload("2020.yaml", b"#" * 600_000)},
                                              user=fake_discord.world.admin)).response()
    assert too_big.callback_type == 4 and too_big.ephemeral and "limite" in too_big.content


async def test_a_good_file_is_imported_and_served(fake_discord: FakeDiscord, bot: BarometreBot,  # noqa: F811
                                                  bot_config: BotConfig) -> None:  # noqa: F811
    original = (bot_config.data.data_dir / "2020.yaml").read_text(encoding="utf-8")
    assert "CCAS de la ville de Saumur" in original
    changed = original.replace("CCAS de la ville de Saumur", "Centre communal d'action sociale de Saumur")
    interaction = await fake_discord.slash("recharger", {"fichier": Upload("2020.yaml", changed.encode())},
                                           user=fake_discord.world.admin)
    report = await interaction.response()
    assert report.embeds[0]["title"] == "Données rechargées."
    assert "Centre communal" in report.embeds[0]["description"] or "~" in report.embeds[0]["description"]
    assert "Centre communal d'action sociale de Saumur" in await ask(fake_discord, "qui a gagné en 2020 ?")
    assert (bot_config.data.data_dir / "2020.yaml").read_text(encoding="utf-8") == original  # kept in the store
    assert (await bot.service.store.versions.files())["2020.yaml"].decode() == changed


async def test_an_upload_behind_a_long_change_says_so_and_changes_nothing(fake_discord: FakeDiscord,  # noqa: F811
                                                                         bot: BarometreBot,  # noqa: F811
                                                                         bot_config: BotConfig) -> None:  # noqa: F811
    original = (bot_config.data.data_dir / "2020.yaml").read_text(encoding="utf-8")
    changed = original.replace("CCAS de la ville de Saumur", "Centre communal d'action sociale de Saumur")
    bot.service.store.versions.lock_wait = 0.5
    async with data_lock_held_elsewhere(bot.service.store):
        interaction = await fake_discord.slash("recharger", {"fichier": Upload("2020.yaml", changed.encode())},
                                               user=fake_discord.world.admin)
        report = await interaction.response()
    assert report.ephemeral and "Une autre modification des données" in report.embeds[0]["title"]
    assert "rien n'a été changé" in report.embeds[0]["title"] and "Traceback" not in report.text()
    assert "CCAS de la ville de Saumur" in await ask(fake_discord, "qui a gagné en 2020 ?")


async def test_stats_for_admins(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    await ask(fake_discord, "qui a gagné en 2020 ?")
    await ask(fake_discord, "blorp")
    report = await (await fake_discord.slash("stats", user=fake_discord.world.admin,
                                             member_permissions=MANAGE_GUILD)).response()
    text = report.embeds[0]["description"]
    assert report.ephemeral and "2 questions" in text and "blorp" in text and "2012–2022" in text
    assert "Données servies par ce processus : version 1 (" in text and "shard(s) 0" in text


async def test_sync_text_command_is_for_the_owner(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    refused = await fake_discord.send_message("!sync", author=fake_discord.world.admin)
    assert "propriétaire" in (await fake_discord.wait_for_reply(refused)).content
    fake_discord.rest.global_commands = []
    done = await fake_discord.send_message("!sync", author=fake_discord.world.owner)
    reply = await fake_discord.wait_for_reply(done)
    assert reply.content.startswith("9 commande(s)")
    assert sorted(c["name"] for c in fake_discord.rest.global_commands) == [
        "aide", "evolution", "laureat", "palmares", "question", "recharger", "score", "stats", "versions"]
    assert fake_discord.replies_to(refused)[0].embeds == []  # no question answer for a command


async def test_every_error_is_given_even_when_too_many_for_a_message(fake_discord: FakeDiscord, bot: BarometreBot,  # noqa: F811,E501
                                                                    monkeypatch) -> None:
    errors = [f"2020.yaml: awards[{i}].category: unknown category \"x{i}\" (did you mean \"y{i}\"?)" for i in range(300)]

    async def refuse(name: str, content: bytes, author: str | None = None) -> ReloadReport:
        return ReloadReport(False, errors=errors)

    monkeypatch.setattr(bot.service, "import_file", refuse)
    interaction = await fake_discord.slash("recharger", {"fichier": Upload("2020.yaml", b"year: 2020\n")},
                                           user=fake_discord.world.admin)
    report = await interaction.response()
    assert report.embeds[0]["title"] == "Données refusées (300 erreur(s)). Les données précédentes restent en service."
    assert len(report.embeds[0]["description"]) <= 4096
    [attached] = report.files
    assert attached.content.decode().splitlines() == errors


async def test_versions_for_admins(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    admin = fake_discord.world.admin
    refused = await (await fake_discord.slash("versions", user=fake_discord.world.member)).response()
    assert refused.ephemeral and "réservée" in refused.content
    listing = (await (await fake_discord.slash("versions", user=admin)).response()).embeds[0]
    assert listing["title"].startswith("Versions des données")
    assert listing["description"].startswith("`1  ") and "folder" in listing["description"]
    unknown = (await (await fake_discord.slash("versions", {"restaurer": 99}, user=admin)).response()).embeds[0]
    assert unknown["title"].startswith("Données refusées") and "no version 99" in unknown["description"]
