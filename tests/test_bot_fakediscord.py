"""The fake Discord itself, proven with a tiny real discord.py client (no bot code involved)."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord import app_commands

from fakediscord import FakeDiscord, Upload
from fakediscord.commands import command_errors
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)


class Buttons(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Oui", custom_id="tiny:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"clicked by {interaction.user.name}", ephemeral=True)

    @discord.ui.button(label="Later", custom_id="tiny:later")
    async def later(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # type 6: no visible answer yet
        await interaction.edit_original_response(content="edited later", view=None)


class TinyClient(discord.Client):
    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none(),
                         guild_ready_timeout=0.05)
        self.guild_id = guild_id
        self.tree = app_commands.CommandTree(self)
        self.uploaded: bytes | None = None

        @self.tree.command(name="echo", description="Repeat text")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(text.upper(), view=Buttons())

        @self.tree.command(name="slow", description="Defer then edit, with a file")
        async def slow(interaction: discord.Interaction, file: discord.Attachment) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            self.uploaded = await file.read()
            await interaction.followup.send("done", file=discord.File(__file__, filename="t.py"), ephemeral=True)

        @self.tree.command(name="pick", description="Autocomplete")
        async def pick(interaction: discord.Interaction, fruit: str) -> None:
            await interaction.response.send_message(fruit)

        @pick.autocomplete("fruit")
        async def fruits(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            names = ["apple", "apricot", "banana"]
            return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    async def setup_hook(self) -> None:
        self.add_view(Buttons())
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        if message.content.endswith("ping"):
            await message.reply(f"pong {message.content}", mention_author=False)


@pytest.fixture
def tiny(fake_discord: FakeDiscord) -> TinyClient:  # noqa: F811
    return TinyClient(fake_discord.world.guild_id)


async def test_client_logs_in_and_sees_the_guild(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811
    async with fake_discord.running(tiny):
        assert tiny.user.id == fake_discord.world.bot.id
        assert tiny.application_id == fake_discord.world.app_id
        guild = tiny.get_guild(fake_discord.world.guild_id)
        assert guild is not None and {c.name for c in guild.text_channels} == {"general", "barometre"}
        identify = next(e for e in fake_discord.gateway.events.items if e.op == 2)
        assert discord.Intents._from_value(identify.data["intents"]).message_content
        assert identify.data["token"] == "<redacted>"
        assert [c["name"] for c in fake_discord.rest.guild_commands[guild.id]] == ["echo", "slow", "pick"]
    assert fake_discord.rest.unhandled == []


async def test_message_reply_and_allowed_mentions(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811
    async with fake_discord.running(tiny):
        message = await fake_discord.send_message("@everyone ping", mentions_bot=True)
        reply = await fake_discord.wait_for_reply(message)
        assert reply.content == f"pong <@{fake_discord.world.bot.id}> @everyone ping"
        assert reply.allowed_mentions == {"parse": [], "replied_user": False}


async def test_slash_command_then_button_click(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811
    async with fake_discord.running(tiny):
        interaction = await fake_discord.slash("echo", {"text": "hello"})
        answer = await interaction.response()
        assert answer.callback_type == 4 and answer.content == "HELLO" and not answer.ephemeral
        assert [b["custom_id"] for b in answer.buttons] == ["tiny:yes", "tiny:later"]
        click = await fake_discord.click("tiny:yes", answer, user=fake_discord.world.admin)
        clicked = await click.response()
        assert clicked.content == "clicked by admin" and clicked.ephemeral
        later = await fake_discord.click("tiny:later", answer)
        assert (await later.callback()).callback_type == 6
        edited = await later.response()
        assert edited.kind == "edit_original" and edited.message["id"] == answer.message["id"]
        assert fake_discord.rest.messages[int(answer.message["id"])]["content"] == "edited later"
        assert fake_discord.rest.messages[int(answer.message["id"])]["components"] == []


async def test_defer_attachment_and_file_followup(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811
    async with fake_discord.running(tiny):
        interaction = await fake_discord.slash("slow", {"file": Upload("x.yaml", b"year: 2020\n")})
        deferred = await interaction.callback()
        assert deferred.callback_type == 5 and deferred.ephemeral
        followup = await interaction.response()
        assert followup.kind == "followup" and followup.ephemeral
        assert followup.files[0].filename == "t.py" and followup.files[0].content.startswith(b'"""')
        assert tiny.uploaded == b"year: 2020\n"


async def test_a_response_after_three_seconds_is_refused(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811,E501
    fake_discord.rest.interaction_deadline = 0.0  # every response is late
    async with fake_discord.running(tiny):
        interaction = await fake_discord.slash("echo", {"text": "hello"})
        late = await fake_discord.wait_for_response(lambda s: s.kind == "late_callback")
        assert late.interaction_id == interaction.id and interaction.all() == [late]


async def test_autocomplete(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811
    async with fake_discord.running(tiny):
        choices = await fake_discord.autocomplete("pick", {"fruit": "ap"}, focused="fruit")
        assert [c["value"] for c in choices] == ["apple", "apricot"]


async def test_unknown_command_or_option_is_refused_like_discord(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811,E501
    async with fake_discord.running(tiny):
        with pytest.raises(LookupError):
            await fake_discord.slash("nope")
        with pytest.raises(LookupError):
            await fake_discord.slash("echo", {"txt": "x"})


async def test_dropped_connection_resumes_and_replays(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811
    resumed = asyncio.Event()
    async def on_resumed() -> None:
        resumed.set()

    tiny.on_resumed = on_resumed  # type: ignore[method-assign]
    async with fake_discord.running(tiny):
        await fake_discord.drop_connection()
        message = await fake_discord.send_message("ping")  # sent while the client is away
        reply = await fake_discord.wait_for_reply(message, timeout=20)
        assert reply.content == "pong ping"
        await fake_discord.wait_resumed()
        await asyncio.wait_for(resumed.wait(), 10)
        assert fake_discord.gateway.count(2) == 1  # identified once
        assert fake_discord.gateway.count(6) == 1  # resumed once
        connects = [e for e in fake_discord.gateway.events.items if e.op == "connect"]
        assert [c.data["path"] for c in connects] == ["/gateway", "/resume-gateway"]


async def test_reconnect_request_is_followed_by_a_resume(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811,E501
    async with fake_discord.running(tiny):
        await fake_discord.ask_to_reconnect()
        await fake_discord.wait_resumed()
        message = await fake_discord.send_message("ping")
        assert (await fake_discord.wait_for_reply(message)).content == "pong ping"
        assert fake_discord.gateway.count(2) == 1 and fake_discord.gateway.count(6) == 1


async def test_wrong_token_is_a_login_failure(fake_discord: FakeDiscord, tiny: TinyClient) -> None:  # noqa: F811
    with pytest.raises(discord.LoginFailure):
        await tiny.login("not-the-token")
    await tiny.close()


def test_command_limits() -> None:
    good = {"name": "laureat", "description": "Qui a gagné", "name_localizations": {"fr": "lauréat"},
            "options": [{"name": "annee", "description": "Année", "type": 4}]}
    assert command_errors([good]) == []
    assert command_errors([{**good, "name": "Laureat"}])
    assert command_errors([{**good, "description": "x" * 101}])
    assert command_errors([good, {**good, "name_localizations": {}}])  # duplicate name
    other = {**good, "name": "score", "name_localizations": {"fr": "lauréat"}}
    assert command_errors([good, other])  # duplicate French name
    many = {**good, "options": [{"name": "c", "description": "d", "type": 3,
                                 "choices": [{"name": str(i), "value": str(i)} for i in range(26)]}]}
    assert command_errors([many])
