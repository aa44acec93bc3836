"""Answers as Discord messages readable on a phone: an embed with the answer, the edition and
clickable sources; suggestions (clarification choices, example questions) as buttons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlparse

import discord

from barometre_data.engine import Answer
from barometre_data.engine.wording import load_wording

from .text import BotWording, load_bot_wording

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_MAX = 1024
BUTTON_LABEL_MAX = 80
MAX_BUTTONS = 5  # one row: enough choices, still readable on a phone
COLOR_FOUND = discord.Colour(0x2F6DB5)
COLOR_OTHER = discord.Colour(0x8A8F98)
CHART_FILENAME = "evolution.png"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _host(url: str) -> str:
    return urlparse(url).netloc.removeprefix("www.") or url


def source_links(urls: Sequence[str], limit: int = FIELD_MAX) -> str:
    """'[afnor.org](https://...) · [saumur-kiosque.com](http://...)', numbered when a host repeats."""
    hosts = [_host(u) for u in urls]
    links: list[str] = []
    seen: dict[str, int] = {}
    for url, host in zip(urls, hosts):
        seen[host] = seen.get(host, 0) + 1
        name = host if hosts.count(host) == 1 else f"{host} ({seen[host]})"
        link = f"[{name}]({url})"
        if len(" · ".join([*links, link])) > limit:
            break
        links.append(link)
    return " · ".join(links)


def answer_text(answer: Answer) -> str:
    """The answer without the engine's plain 'Sources : host, host' line (shown as links instead)."""
    if not answer.sources:
        return answer.text
    line = load_wording().sources_line(answer.sources, answer.lang)
    lines = answer.text.rstrip().split("\n")
    if line and lines and lines[-1].strip() == line:
        lines = lines[:-1]
    return "\n".join(lines)


def answer_embed(answer: Answer, *, question: str | None = None, wording: BotWording | None = None) -> discord.Embed:
    """The answer; the question as title when the channel does not show it (slash commands, buttons)."""
    wording = wording or load_bot_wording()
    lang = answer.lang
    embed = discord.Embed(title=clip(question, TITLE_MAX) if question else None,
                          description=clip(answer_text(answer), DESCRIPTION_MAX),
                          colour=COLOR_FOUND if answer.found else COLOR_OTHER)
    if answer.sources:
        key = "source_field" if len(answer.sources) == 1 else "sources_field"
        embed.add_field(name=wording.t(key, lang), value=source_links(answer.sources), inline=False)
    footer = wording.t("footer_year", lang, year=answer.year) if answer.year else wording.t("footer", lang)
    embed.set_footer(text=footer)
    return embed


def suggestions_view(
    answer: Answer, make_button: Callable[[int, str], discord.ui.Item[discord.ui.View]]
) -> discord.ui.View | None:
    """Buttons for the answer's suggestions (make_button(index, label) builds each), or None."""
    if not answer.suggestions:
        return None
    view = discord.ui.View(timeout=None)
    for index, suggestion in enumerate(answer.suggestions[:MAX_BUTTONS]):
        view.add_item(make_button(index, clip(suggestion, BUTTON_LABEL_MAX)))
    return view


def text_embed(title: str, lines: Sequence[str], *, ok: bool = True) -> discord.Embed:
    """A plain embed (admin reports): the lines that fit in the description, in order."""
    body = ""
    for line in lines:
        candidate = f"{body}\n{line}" if body else line
        if len(candidate) > DESCRIPTION_MAX - 2:
            body += "\n…"
            break
        body = candidate
    return discord.Embed(title=clip(title, TITLE_MAX), description=body or None,
                         colour=COLOR_FOUND if ok else discord.Colour.red())
