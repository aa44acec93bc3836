"""The "wrong answer?" button under every answer: a click keeps the question, the answer and the data
version that gave it, once per person, and /stats lists the recent ones (issue 9, feedback)."""

from __future__ import annotations

import pytest

from barometre_data.feedback import FlaggedAnswer
from bot.client import BarometreBot
from bot.feedback import AnswerMemory, ShownAnswer
from conftest_bot import bot, bot_config, flag_button, store_template, suggestion_buttons  # noqa: F401  (fixtures)
from fakediscord import FakeDiscord, Sent
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)
from fakediscord.payloads import MANAGE_GUILD


async def flags(bot: BarometreBot) -> tuple[int, tuple[FlaggedAnswer, ...]]:
    return await bot.service.store.recent_flags(limit=10)


async def click_flag(fake: FakeDiscord, answer: Sent, user: object = None, locale: str = "fr") -> Sent:
    click = await fake.click(flag_button(answer)["custom_id"], answer, user=user, locale=locale)  # type: ignore[arg-type]
    reply = await click.response()
    assert reply.ephemeral, reply.summary()
    return reply


async def test_a_wrong_answer_click_is_kept_with_question_answer_and_data_version(
        fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    message = await fake_discord.send_message("qui a gagné en 2020 ?", mentions_bot=True)
    answer = await fake_discord.wait_for_reply(message)
    assert flag_button(answer)["label"] == "Réponse fausse ?"
    assert await flags(bot) == (0, ())

    thanks = await click_flag(fake_discord, answer)
    assert "Merci" in thanks.text()
    total, [flag] = await flags(bot)
    assert total == 1
    assert flag.question == "qui a gagné en 2020 ?" and "Saumur" in flag.answer
    assert flag.data_version == bot.service.version.number and flag.year == 2020 and flag.found is True

    again = await click_flag(fake_discord, answer)  # the same person twice: counted once
    assert "déjà" in again.text() and (await flags(bot))[0] == 1
    bob = fake_discord.world.add_user("bob")
    await click_flag(fake_discord, answer, user=bob)  # someone else: counted too
    assert (await flags(bot))[0] == 2


async def test_stats_lists_the_flagged_answers(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    answer = await (await fake_discord.slash("question", {"texte": "score du courrier 2020"})).response()
    await click_flag(fake_discord, answer)
    report = await (await fake_discord.slash("stats", user=fake_discord.world.admin,
                                             member_permissions=MANAGE_GUILD)).response()
    text = report.embeds[0]["description"]
    assert "Réponses signalées comme fausses : 1" in text
    assert f"v{bot.service.version.number}" in text and "score du courrier 2020" in text and "50" in text


async def test_every_answer_has_the_button_slash_commands_too(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    laureate = await (await fake_discord.slash("laureat", {"categorie": "sociaux", "annee": 2020})).response()
    unknown = await (await fake_discord.slash("question", {"texte": "quelle est la météo demain ?"})).response()
    english = await (await fake_discord.slash("question", {"texte": "what was the phone score?"},
                                              locale="en-GB")).response()
    assert flag_button(unknown) and flag_button(english)["label"] == "Wrong answer?"
    await click_flag(fake_discord, laureate)
    thanks = await click_flag(fake_discord, english, locale="en-GB")
    assert "Thank you" in thanks.text()
    _, (english_flag, laureate_flag) = await flags(bot)
    assert laureate_flag.question is not None and laureate_flag.question.startswith("/laureat")
    assert "sociaux" in laureate_flag.question and english_flag.lang == "en"


async def test_a_click_after_a_restart_reads_the_answer_back_from_the_message(
        fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    answer = await (await fake_discord.slash("question", {"texte": "score du téléphone 2020"})).response()
    bot.answers = AnswerMemory()  # what a restarted bot remembers: nothing
    await click_flag(fake_discord, answer)
    _, [flag] = await flags(bot)
    assert flag.question == "score du téléphone 2020" and "81" in flag.answer
    assert flag.data_version == bot.service.version.number  # carried by the button itself


async def test_the_database_away_is_said_and_nothing_is_lost(fake_discord: FakeDiscord, bot: BarometreBot,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    answer = await (await fake_discord.slash("question", {"texte": "qui a gagné en 2019 ?"})).response()
    real_flag = bot.service.flag

    async def away(flag: FlaggedAnswer) -> None:
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(bot.service, "flag", away)
    failed = await click_flag(fake_discord, answer)
    assert "pas pu" in failed.text() and "Traceback" not in failed.text()
    monkeypatch.setattr(bot.service, "flag", real_flag)
    assert "Merci" in (await click_flag(fake_discord, answer)).text()  # the same person may try again
    assert (await flags(bot))[0] == 1


async def test_suggestion_buttons_come_first_and_the_flag_below(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    message = await fake_discord.send_message("sociaux", mentions_bot=True)
    reply = await fake_discord.wait_for_reply(message)
    rows = reply.components
    assert len(suggestion_buttons(reply)) == 2 and [b["custom_id"] for b in rows[-1]["components"]] == [
        flag_button(reply)["custom_id"]]


def test_the_memory_is_bounded_and_forgets_the_oldest() -> None:
    memory = AnswerMemory(size=3)
    tokens = [memory.remember(ShownAnswer(f"q{i}", f"a{i}")) for i in range(5)]
    assert len(memory) == 3 and memory.recall(tokens[0]) is None and memory.recall(tokens[1]) is None
    assert memory.recall(tokens[4]) is not None and memory.recall(tokens[4]).question == "q4"  # type: ignore[union-attr]
    assert len(set(tokens)) == 5
