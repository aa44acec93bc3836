"""`barometre ask` and `barometre chat`: the question engine on the terminal.

`chat --json` is a contract other tools rely on: one JSON object per question, on one line, with at
least answer, found, intent, confidence, suggestions, sources, year; nothing else on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
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


async def chat(args: argparse.Namespace, settings: Settings, stdin: TextIO | None = None,
               stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty() and not args.json
    service = await BarometreService.open(settings, log_queries=False)
    try:
        if interactive:
            print("Baromètre bot — posez une question (Ctrl-D pour quitter). Exemple : qui a gagné en 2020 ?",
                  file=stdout)
        while True:
            if interactive:
                print("> ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            question = line.rstrip("\r\n")
            if not question.strip():
                continue
            answer = await service.ask(question, CONVERSATION)
            print(render(answer, args.json), file=stdout, flush=True)
            if interactive:
                print(file=stdout)
    except KeyboardInterrupt:
        pass
    finally:
        await service.close()
    return 0
