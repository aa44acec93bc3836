"""What keeps the bot's commands in hand: admin commands hidden from members who cannot manage the
server (default_member_permissions) and still checked by the bot; a member flooding slash commands
gets a polite private reply instead of answers, and others are not slowed down."""

from __future__ import annotations

import asyncio

from bot.client import BarometreBot
from conftest_bot import bot, bot_config, store_template  # noqa: F401  (fixtures)
from fakediscord import FakeDiscord
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)
from fakediscord.payloads import MANAGE_GUILD


async def test_admin_commands_carry_default_member_permissions(fake_discord: FakeDiscord,  # noqa: F811
                                                               bot: BarometreBot) -> None:  # noqa: F811
    synced = {c["name"]: c for c in fake_discord.rest.guild_commands[fake_discord.world.guild_id]}
    admin = {"recharger", "stats", "versions"}
    assert admin <= set(synced)
    for name, command in synced.items():
        value = command.get("default_member_permissions")
        assert (int(value) if value is not None else None) == (MANAGE_GUILD if name in admin else None), name
    # a hint to Discord's clients only: the bot still refuses a member who calls it anyway
    refused = await (await fake_discord.slash("stats", user=fake_discord.world.member)).response()
    assert refused.ephemeral and "réservée" in refused.content


async def test_a_slash_command_flood_gets_the_cooldown_reply(fake_discord: FakeDiscord,  # noqa: F811
                                                             bot: BarometreBot) -> None:  # noqa: F811
    member = fake_discord.world.member
    sent = [await fake_discord.slash("question", {"texte": "score du courrier 2020"}, user=member)
            for _ in range(bot.tree.cooldown_rate + 3)]
    replies = await asyncio.gather(*(interaction.response() for interaction in sent))
    answered = [r for r in replies if r.embeds and "50/100" in r.embeds[0]["description"]]
    slowed = [r for r in replies if not r.embeds]
    assert len(answered) == bot.tree.cooldown_rate and len(slowed) == 3
    assert all(r.ephemeral and r.content.startswith("Doucement") and " s." in r.content for r in slowed)
    # another member is not slowed down
    other = await (await fake_discord.slash("question", {"texte": "score global 2020"},
                                            user=fake_discord.world.admin)).response()
    assert other.embeds and not other.content.startswith("Doucement")
