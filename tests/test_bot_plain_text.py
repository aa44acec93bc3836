"""Text that comes from the data (names, sources) or from users (questions) reaches Discord as plain
text: a masked link `[Cliquez ici](https://…)` is not a link, a mention is not a mention, sources are
shown as plain URLs."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.client import BarometreBot
from bot.config import BotConfig
from bot.render import plain, source_links
from conftest_bot import bot_environment, store_template  # noqa: F401  (fixture)
from fakediscord import FakeDiscord
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)

PHISH = "https://evil.example/phish"
NAME = f"CCAS [Cliquez ici]({PHISH}) <@123456789012345678> de la ville de Saumur"
SOURCE = f"https://evil.example/[Cliquez ici]({PHISH})"
# a masked link Discord would show as a link: "[words](http...)" whose "[" is not escaped
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]\n]*\]\(\s*<?https?://")


@pytest.fixture
async def bot(fake_discord: FakeDiscord, tmp_path: Path,  # noqa: F811
              store_template: Path) -> AsyncIterator[BarometreBot]:  # noqa: F811
    """The bot on data whose 2020 social-services laureate has a masked link and a mention in its
    name and in one of its sources (an empty store, filled from that folder at start)."""
    environ = bot_environment(fake_discord, tmp_path, store_template)
    (tmp_path / "barometre.db").unlink()
    path = tmp_path / "data" / "2020.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('name: "CCAS de la ville de Saumur"', f'name: "{NAME}"')
    text = text.replace('      - "https://www.ville-saumur.fr/actualites/ccas-de-la-ville-de-saumur-laureat-2020-du-barometre-afnor-de-l-experience-citoyen"',
                        f'      - "{SOURCE}"')
    assert NAME in text and SOURCE in text
    path.write_text(text, encoding="utf-8")
    config = BotConfig.from_env(environ=environ, env_file=tmp_path / "no.env")
    client = BarometreBot(config, guild_ready_timeout=0.05)
    async with fake_discord.running(client):
        yield client


def shown_text(embed: dict) -> str:
    return "\n".join([embed.get("title") or "", embed.get("description") or "",
                      *(f["name"] + "\n" + f["value"] for f in embed.get("fields", []))])


async def test_a_masked_link_and_a_mention_in_a_name_or_a_source_stay_plain_text(
        fake_discord: FakeDiscord, bot: BarometreBot) -> None:  # noqa: F811
    interaction = await fake_discord.slash("question", {"texte": "qui a gagné dans la catégorie sociaux en 2020 ?"})
    embed = (await interaction.response()).embeds[0]
    text = shown_text(embed)
    assert "Cliquez ici" in embed["description"]  # the name is shown, as written
    assert not MASKED_LINK.search(text), text
    assert "<@123456789012345678>" not in text  # not a mention
    sources = embed["fields"][0]["value"].split("\n")
    assert all(line.startswith(("http://", "https://")) and " " not in line and "](" not in line
               for line in sources), sources
    assert "http://saumur-kiosque.com/infos_article.php?id_actu=58894" in sources


async def test_the_same_in_a_channel_reply_and_in_the_palmares(fake_discord: FakeDiscord,
                                                               bot: BarometreBot) -> None:  # noqa: F811
    message = await fake_discord.send_message("qui a gagné en 2020 ?", channel_id=fake_discord.world.questions_id)
    embed = (await fake_discord.wait_for_reply(message)).embeds[0]
    assert "Cliquez ici" in embed["description"] and not MASKED_LINK.search(shown_text(embed))
    palmares = (await (await fake_discord.slash("palmares", {"annee": "2020"})).response()).embeds[0]
    assert "Cliquez ici" in palmares["description"] and not MASKED_LINK.search(shown_text(palmares))


async def test_a_question_with_markdown_is_shown_plain_in_the_title(fake_discord: FakeDiscord,
                                                                    bot: BarometreBot) -> None:  # noqa: F811
    question = f"[Cliquez ici]({PHISH}) **score** du téléphone @everyone"
    embed = (await (await fake_discord.slash("question", {"texte": question})).response()).embeds[0]
    assert not MASKED_LINK.search(embed["title"]) and "**" not in embed["title"]
    assert "@everyone" not in embed["title"]


def test_plain_keeps_ordinary_text_and_links_readable() -> None:
    assert plain("En 2020, le score du canal téléphone était de 81/100 (stable).") == \
        "En 2020, le score du canal téléphone était de 81/100 (stable)."
    assert plain("voir https://afnor.org/a_b_c") == "voir https://afnor.org/a_b_c"
    assert plain("  - 2020 · award\n# titre\n> citation") == "  \\- 2020 · award\n\\# titre\n\\> citation"
    assert plain("*gras* __souligné__ ||spoiler|| `code`") == \
        "\\*gras\\* \\_\\_souligné\\_\\_ \\|\\|spoiler\\|\\| \\`code\\`"
    assert source_links(["https://a.example/x_(y)", "http://b.example/?id=1"]) == \
        "https://a.example/x_%28y%29\nhttp://b.example/?id=1"
