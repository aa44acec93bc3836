"""`barometre ask` and `barometre chat`: the question engine on the terminal.

`chat --json` is a contract other tools rely on: one JSON object per question, on one line, with at
least answer, found, intent, confidence, suggestions, sources, year; nothing else on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from .config import Settings
from .engine import Answer
from .service import BarometreService

CONVERSATION = "terminal"


def configure_ask(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question, in French or English")
    parser.add_argument("--json", action="store_true", help="print the answer as one JSON object")


def configure_chat(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per question on stdout (reads one question per line)")


def render(answer: Answer, as_json: bool) -> str:
    if as_json:
        return json.dumps(answer.to_json(), ensure_ascii=False)
    lines = [answer.text]
    if answer.suggestions and not answer.found:
        lines.append(("Suggestions : " if answer.lang == "fr" else "Suggestions: ") + " | ".join(answer.suggestions))
    return "\n".join(lines)


async def ask(args: argparse.Namespace, settings: Settings) -> int:
    service = await BarometreService.open(settings, log_queries=False, follow=False)  # one answer: nothing to follow
    try:
        answer = await service.ask(args.question, CONVERSATION)
        print(render(answer, args.json))
    finally:
        await service.close()
    return 0


GREETING = "Baromètre bot — posez une question (Ctrl-D ou Ctrl-C pour quitter). Exemple : qui a gagné en 2020 ?"
GOODBYE = "Au revoir."


def chat_command(args: argparse.Namespace, settings: Settings) -> int | Awaitable[int]:
    """`barometre chat`: on a terminal, a line-edited conversation; piped or --json, one question a line."""
    if sys.stdin.isatty() and sys.stdout.isatty() and not args.json:
        return terminal_chat(settings)
    return chat(args, settings)


def terminal_chat(settings: Settings, read: Callable[[str], str] = input) -> int:
    """The conversation on a terminal. `input()` runs on the main thread, so readline gives line
    editing and history (the Up arrow recalls a question), and Ctrl-C / Ctrl-D end it at once with
    one line; the service runs on an event loop between two questions."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (input() edits lines and keeps a history once it is loaded)
    with asyncio.Runner() as runner:
        service = runner.run(BarometreService.open(settings, log_queries=False))
        try:
            print(GREETING)
            while True:
                question = read("> ")
                if question.strip():
                    print(render(runner.run(service.ask(question, CONVERSATION)), False), end="\n\n", flush=True)
        except (EOFError, KeyboardInterrupt):
            print(f"\n{GOODBYE}")
        finally:
            _close(runner, service)
    return 0


def _close(runner: asyncio.Runner, service: BarometreService) -> None:
    """Close the service even if Ctrl-C is pressed again meanwhile (an open store keeps the process alive)."""
    for _ in range(3):
        try:
            runner.run(service.close())
            return
        except KeyboardInterrupt:
            continue


async def chat(args: argparse.Namespace, settings: Settings, stdin: TextIO | None = None,
               stdout: TextIO | None = None) -> int:
    """One question per line of `stdin` until its end (piped input, `--json`)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    service = await BarometreService.open(settings, log_queries=False)
    try:
        while True:
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            question = line.rstrip("\r\n")
            if not question.strip():
                continue
            answer = await service.ask(question, CONVERSATION)
            print(render(answer, args.json), file=stdout, flush=True)
    finally:
        await service.close()
    return 0
