"""Questions through Discord: /question, mentions, the question channel, follow-ups, clarification
buttons, @everyone, cooldown, errors, a dropped gateway connection."""

from __future__ import annotations

import asyncio

import pytest

from bot import replies
from bot.client import BarometreBot
from conftest_bot import bot, bot_config, flag_button, store_template, suggestion_buttons  # noqa: F401  (fixtures)
from fakediscord import FakeDiscord, Sent
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)



def pings_nobody(sent: Sent) -> bool:
    mentions = sent.allowed_mentions
    return (mentions is not None and mentions.get("parse") == [] and not mentions.get("replied_user")
            and not mentions.get("users") and not mentions.get("roles"))


def embed(sent: Sent) -> dict:
    assert len(sent.embeds) == 1, sent.body
    return sent.embeds[0]


async def test_slash_question_gets_an_embed_with_year_and_sources(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811,E501
    interaction = await fake_discord.slash("question", {"texte": "Qui a gagné en 2020 ?"})
    answer = await interaction.response()
    assert answer.callback_type == 4 and not answer.ephemeral
    shown = embed(answer)
    assert shown["title"] == "Qui a gagné en 2020 ?"
    assert "Saumur" in shown["description"]
    assert "2020" in shown["footer"]["text"]
    sources = shown["fields"][0]
    assert sources["name"] == "Sources" and "\nhttps://indiko.afnor.org/" in sources["value"]  # plain URLs
    assert "Sources :" not in shown["description"]  # shown as links, not twice
    assert pings_nobody(answer)


async def test_mention_gets_a_reply_to_the_message(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    message = await fake_discord.send_message("qui a gagné en 2020 ?", mentions_bot=True)
    reply = await fake_discord.wait_for_reply(message)
    assert str(reply.reference["message_id"]) == message["id"]
    assert "Saumur" in embed(reply)["description"]
    assert pings_nobody(reply)


async def test_direct_message_gets_a_reply(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    message = await fake_discord.send_message("score du téléphone", direct=True)
    reply = await fake_discord.wait_for_reply(message)
    assert reply.channel_id == fake_discord.world.dm_id and "81" in embed(reply)["description"]


async def test_follow_up_question_in_the_same_channel_by_the_same_user(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811,E501
    channel = fake_discord.world.questions_id  # BOT_CHANNEL_IDS: no mention needed
    first = await fake_discord.send_message("score du téléphone", channel_id=channel)
    assert "81" in embed(await fake_discord.wait_for_reply(first))["description"]
    follow_up = await fake_discord.send_message("et en 2017 ?", channel_id=channel)
    text = embed(await fake_discord.wait_for_reply(follow_up))["description"]
    assert "téléphone" in text and "2017" in text and "76" in text
    # another user's "et en 2017 ?" does not continue alice's conversation
    other = fake_discord.world.add_user("bob")
    alone = await fake_discord.send_message("et en 2017 ?", channel_id=channel, author=other)
    assert "téléphone" not in embed(await fake_discord.wait_for_reply(alone))["description"]


async def test_messages_elsewhere_without_mention_and_from_bots_are_ignored(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811,E501
    ignored = [
        await fake_discord.send_message("qui a gagné en 2020 ?"),  # general channel, no mention
        await fake_discord.send_message("qui a gagné en 2020 ?", channel_id=fake_discord.world.questions_id,
                                        author=fake_discord.world.other_bot),
        await fake_discord.send_message("@everyone qui a gagné ?", mention_everyone=True),
    ]
    answered = await fake_discord.send_message("qui a gagné en 2020 ?", mentions_bot=True)
    await fake_discord.wait_for_reply(answered)
    assert [fake_discord.replies_to(m) for m in ignored] == [[], [], []]


async def test_everyone_in_a_question_never_pings(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    message = await fake_discord.send_message("@everyone @here qui a gagné en 2020 ?", mentions_bot=True,
                                              mention_everyone=True)
    reply = await fake_discord.wait_for_reply(message)
    assert pings_nobody(reply)
    assert "@everyone" not in reply.content and "@here" not in reply.content


async def test_clarification_buttons_then_a_click(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    message = await fake_discord.send_message("sociaux", mentions_bot=True)
    reply = await fake_discord.wait_for_reply(message)
    labels = [b["label"] for b in suggestion_buttons(reply)]
    assert len(labels) == 2 and "Services sociaux" in labels[0] and "réseaux sociaux" in labels[1]
    # someone else clicks: a private answer, the message stays as it is
    bob = fake_discord.world.add_user("bob")
    private = await (await fake_discord.click(reply.buttons[1]["custom_id"], reply, user=bob)).response()
    assert private.callback_type == 4 and private.ephemeral and "réseaux sociaux" in embed(private)["description"]
    # the asker clicks: the clarification becomes the answer, the choices gone ("wrong answer?" stays)
    click = await fake_discord.click(reply.buttons[0]["custom_id"], reply)
    answer = await click.response()
    assert answer.callback_type == 7
    assert embed(answer)["title"] == labels[0] and "Saumur" in embed(answer)["description"]
    assert suggestion_buttons(answer) == [] and flag_button(answer)["label"] == "Réponse fausse ?"
    edited = fake_discord.rest.messages[int(reply.message["id"])]
    assert [b["custom_id"] for row in edited["components"] for b in row["components"]] == [flag_button(answer)["custom_id"]]


async def test_channel_questions_have_a_polite_cooldown(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    cog = bot.get_cog("Questions")
    channel = fake_discord.world.questions_id
    for _ in range(cog.cooldown_rate):
        message = await fake_discord.send_message("score global", channel_id=channel)
        assert embed(await fake_discord.wait_for_reply(message))
    too_many = await fake_discord.send_message("score global", channel_id=channel)
    polite = await fake_discord.wait_for_reply(too_many)
    assert "Doucement" in polite.content and polite.embeds == []
    again = await fake_discord.send_message("score global", channel_id=channel)  # told once is enough
    other = await fake_discord.send_message("score global", channel_id=channel, author=fake_discord.world.admin)
    await fake_discord.wait_for_reply(other)
    assert fake_discord.replies_to(again) == []


async def test_an_error_is_a_short_message_not_a_traceback(fake_discord: FakeDiscord, bot: BarometreBot,  # noqa: F811
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(bot.service, "ask", broken)
    interaction = await fake_discord.slash("question", {"texte": "qui a gagné ?"})
    answer = await interaction.response()
    assert answer.ephemeral and "Désolé" in answer.content
    message = await fake_discord.send_message("qui a gagné ?", mentions_bot=True)
    reply = await fake_discord.wait_for_reply(message)
    assert "Désolé" in reply.content
    for sent in fake_discord.sent.items:
        assert "Traceback" not in sent.text() and "engine exploded" not in sent.text()
    assert "engine exploded" in caplog.text  # the log has it


async def test_the_bot_resumes_after_a_dropped_connection(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    await fake_discord.drop_connection()
    message = await fake_discord.send_message("qui a gagné en 2020 ?", mentions_bot=True)  # while away
    reply = await fake_discord.wait_for_reply(message, timeout=20)
    assert "Saumur" in embed(reply)["description"]
    await fake_discord.wait_resumed()
    assert fake_discord.gateway.count(2) == 1 and fake_discord.gateway.count(6) == 1  # one IDENTIFY, one RESUME
    interaction = await fake_discord.slash("question", {"texte": "score du téléphone"})
    assert "81" in embed(await interaction.response())["description"]


async def test_a_slow_answer_is_deferred_then_delivered(fake_discord: FakeDiscord, bot: BarometreBot,  # noqa: F811
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    release = asyncio.Event()
    real_ask = bot.service.ask

    async def slow_ask(question: str, conversation: object = None) -> object:
        await release.wait()  # the test decides when the answer is ready
        return await real_ask(question, conversation=conversation)

    monkeypatch.setattr(bot.service, "ask", slow_ask)
    monkeypatch.setattr(replies, "RESPOND_WITHIN", 0.05)
    interaction = await fake_discord.slash("question", {"texte": "score du téléphone"})
    assert (await interaction.callback()).callback_type == 5  # "thinking..." before Discord's 3 s are up
    release.set()
    answer = await interaction.response()
    assert answer.kind == "followup" and "81" in embed(answer)["description"]

    bob = fake_discord.world.add_user("bob")  # a fresh conversation, so "sociaux" is ambiguous
    message = await fake_discord.send_message("sociaux", mentions_bot=True, author=bob)
    reply = await fake_discord.wait_for_reply(message)
    release.clear()
    click = await fake_discord.click(reply.buttons[0]["custom_id"], reply, user=bob)
    assert (await click.callback()).callback_type == 6  # deferred update of the message
    release.set()
    edited = await click.response()
    assert edited.kind == "edit_original" and "Saumur" in embed(edited)["description"]
