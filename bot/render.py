"""Answers as Discord messages readable on a phone: an embed with the answer, the edition and
clickable sources; suggestions (clarification choices, example questions) as buttons."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

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


_URL = re.compile(r"https?://[^\s<]+")  # bare links stay as they are (Discord links them)
_INLINE = re.compile(r"[\\*_~|`]|\[(?=[^\]\n]*\]\()")  # emphasis, spoilers, code; a masked link's "["
_LINE_START = re.compile(r"^([ \t]*)(?:([-+#>])|(\d+)\.)(?=\s)", re.M)  # lists, headings, quotes
_MENTION = re.compile(r"<(?=[@#/:]|a:)|@(?=everyone|here)")
_URL_SAFE = "/:?#&=+%,;!$'@_.-~"  # kept as they are in a source URL; brackets, parentheses, <>, `*| are encoded


def _escape(text: str) -> str:
    return _INLINE.sub(lambda m: "\\" + m.group(0), text)


def plain(text: str) -> str:
    """Text from the data or from users, shown as written: markdown (a masked link `[x](url)`, bold,
    quotes, lists...) escaped, and mentions (<@id>, <#id>, @everyone) broken by a zero-width space so
    Discord neither formats nor links them."""
    parts, last = [], 0
    for url in _URL.finditer(text):
        parts += [_escape(text[last:url.start()]), url.group(0)]
        last = url.end()
    text = "".join([*parts, _escape(text[last:])])
    text = _LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\."), text)
    return _MENTION.sub(lambda m: m.group(0) + "\u200b", text)


def plain_url(url: str) -> str:
    """A source URL as a plain link: characters that could start markdown or a mention percent-encoded."""
    return quote(url.strip(), safe=_URL_SAFE)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def source_links(urls: Sequence[str], limit: int = FIELD_MAX) -> str:
    """The source URLs, one per line, as plain links (Discord links them; a source cannot hide its
    address behind other words)."""
    links: list[str] = []
    for url in urls:
        link = plain_url(url)
        if len("\n".join([*links, link])) > limit:
            break
        links.append(link)
    return "\n".join(links)


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
    embed = discord.Embed(title=clip(plain(question), TITLE_MAX) if question else None,
                          description=clip(plain(answer_text(answer)), DESCRIPTION_MAX),
                          colour=COLOR_FOUND if answer.found else COLOR_OTHER)
    if answer.sources:
        key = "source_field" if len(answer.sources) == 1 else "sources_field"
        embed.add_field(name=wording.t(key, lang), value=source_links(answer.sources), inline=False)
    footer = wording.t("footer_year", lang, year=answer.year) if answer.year else wording.t("footer", lang)
    embed.set_footer(text=footer)
    return embed


def buttons_view(answer: Answer, make_button: Callable[[int, str], discord.ui.Item[Any]],
                extra: Sequence[discord.ui.Item[Any]] = ()) -> discord.ui.View | None:
    """Buttons under an answer: its suggestions (make_button(index, label) builds each), then the
    `extra` items (the "wrong answer" button); None when there is none."""
    if not answer.suggestions and not extra:
        return None
    view = discord.ui.View(timeout=None)
    for index, suggestion in enumerate(answer.suggestions[:MAX_BUTTONS]):
        view.add_item(make_button(index, clip(suggestion, BUTTON_LABEL_MAX)))
    for item in extra:
        view.add_item(item)
    return view


def text_embed(title: str, lines: Sequence[str], *, ok: bool = True, escape: bool = True) -> discord.Embed:
    """A plain embed (admin reports): the lines that fit in the description, in order. The lines may
    hold data (names) and users' words (unanswered questions): shown as plain text, unless `escape`
    is False (lines already formatted on purpose, e.g. code spans)."""
    body = ""
    for line in (map(plain, lines) if escape else lines):
        candidate = f"{body}\n{line}" if body else line
        if len(candidate) > DESCRIPTION_MAX - 2:
            body += "\n…"
            break
        body = candidate
    return discord.Embed(title=clip(title, TITLE_MAX), description=body or None,
                         colour=COLOR_FOUND if ok else discord.Colour.red())
