"""Structured commands through Discord: autocomplete, resolution of typed values, /score, /palmares,
/evolution with its chart, /aide."""

from __future__ import annotations

from bot.client import BarometreBot
from conftest_bot import bot, bot_config, store_template  # noqa: F401  (fixtures)
from fakediscord import FakeDiscord
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def test_category_autocomplete_filters_on_what_was_typed(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811,E501
    everything = await fake_discord.autocomplete("laureat", {"categorie": ""}, focused="categorie")
    assert 1 < len(everything) <= 25
    assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in everything)
    typed = await fake_discord.autocomplete("laureat", {"categorie": "socia"}, focused="categorie")
    assert typed[0]["value"] == "services-sociaux" and len(typed) < len(everything)
    typo = await fake_discord.autocomplete("laureat", {"categorie": "intercomunalite"}, focused="categorie")
    assert typo and typo[0]["value"] == "intercommunalites"
    years = await fake_discord.autocomplete("laureat", {"categorie": "services-sociaux", "annee": "202"},
                                            focused="annee")
    assert {c["value"] for c in years} >= {"2020", "2021", "2022"} and "2013" not in {c["value"] for c in years}


async def test_autocomplete_speaks_the_users_language(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    french = await fake_discord.autocomplete("score", {"canal": "tel"}, focused="canal")
    english = await fake_discord.autocomplete("score", {"canal": "tel"}, focused="canal", locale="en-US")
    assert french[0] == {"name": "téléphone", "value": "telephone"}
    assert english[0] == {"name": "phone", "value": "telephone"}


async def test_laureat_resolves_what_the_user_typed(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    chosen = await (await fake_discord.slash("laureat", {"categorie": "services-sociaux", "annee": "2020"})).response()
    typed = await (await fake_discord.slash("laureat", {"categorie": "sociaux", "annee": "en 2020"})).response()
    assert "Saumur" in chosen.embeds[0]["description"]
    assert typed.embeds[0]["description"] == chosen.embeds[0]["description"]
    unknown = await (await fake_discord.slash("laureat", {"categorie": "xyzzy qwerty"})).response()
    assert unknown.ephemeral and "xyzzy qwerty" in unknown.content and unknown.embeds == []


async def test_score_with_change_against_the_previous_edition(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811,E501
    answer = await (await fake_discord.slash("score", {"canal": "global", "annee": "2019"})).response()
    text = answer.embeds[0]["description"]
    assert "68,5" in text and "2,5 points" in text and "2017" in text
    phone = await (await fake_discord.slash("score", {"canal": "téléphone"})).response()
    assert "81" in phone.embeds[0]["description"]
    missing = await (await fake_discord.slash("score", {"canal": "global", "annee": "2018"})).response()
    assert "2018" in missing.embeds[0]["description"]  # the engine explains there is no such edition


async def test_palmares(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    answer = await (await fake_discord.slash("palmares", {"annee": "2020"})).response()
    assert "Palmarès 2020" in answer.embeds[0]["description"] and "Saumur" in answer.embeds[0]["description"]


async def test_evolution_defers_then_sends_a_chart(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    interaction = await fake_discord.slash("evolution")
    assert (await interaction.callback()).callback_type == 5  # deferred before drawing
    answer = await interaction.response()
    assert answer.kind == "followup"
    [chart] = answer.files
    assert chart.filename == "evolution.png" and chart.content.startswith(PNG_MAGIC)
    assert answer.embeds[0]["image"]["url"] == "attachment://evolution.png"
    assert "score global" in answer.embeds[0]["description"].lower()
    phone = await (await fake_discord.slash("evolution", {"sujet": "tel"})).response()
    assert phone.files and "téléphone" in phone.embeds[0]["description"]


async def test_aide_is_private_with_example_buttons(fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    answer = await (await fake_discord.slash("aide", locale="en-GB")).response()
    assert answer.ephemeral and "barometer" in answer.embeds[0]["description"]
    assert answer.buttons and all(len(b["label"]) <= 80 for b in answer.buttons)
    clicked = await (await fake_discord.click(answer.buttons[0]["custom_id"], answer)).response()
    assert clicked.callback_type == 7 and clicked.embeds[0]["title"] == answer.buttons[0]["label"]
