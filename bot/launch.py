"""What `make run` starts: the Discord bot when DISCORD_TOKEN is set (environment or .env), otherwise
the terminal chat (`barometre chat`), after one line saying so."""

from __future__ import annotations

import sys

from .config import token_in_environment


def main(argv: list[str] | None = None) -> int:
    if token_in_environment():
        from .__main__ import main as bot_main

        return bot_main(argv or [])
    print("DISCORD_TOKEN is not set (environment or .env): starting the terminal chat instead of the Discord bot.",
          flush=True)
    from barometre_data.cli import main as cli_main

    return cli_main(["chat"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
