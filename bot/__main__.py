"""`python -m bot` / `barometre-bot`: run the bot; `barometre-bot sync [--guild ID]`: register the
slash commands with Discord (globally, or on one server) and exit."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import discord

from .client import BarometreBot
from .config import BotConfig, ConfigError
from .logs import setup_logging

log = logging.getLogger("bot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="barometre-bot", description="The baromètre Discord bot.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sync = sub.add_parser("sync", help="register the slash commands with Discord and exit")
    sync.add_argument("--guild", type=int, metavar="ID",
                      help="a server id: sync there only (instant) instead of globally (up to an hour)")
    return parser


async def run(config: BotConfig) -> int:
    async with BarometreBot(config) as bot:
        await bot.start(config.token or "")
    return 1 if bot.lost_shards else 0


async def sync(config: BotConfig, guild_id: int | None) -> int:
    async with BarometreBot(config, open_service=False) as bot:
        await bot.login(config.token or "")
        synced = await bot.sync_commands(guild_id)
    where = f"on server {guild_id}" if guild_id else "globally (visible within an hour)"
    print(f"{len(synced)} commands synced {where}: {', '.join('/' + c.name for c in synced)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = BotConfig.from_env()
    except ConfigError as exc:
        print(f"barometre-bot: {exc}", file=sys.stderr)
        return 2
    setup_logging(config.log_level, secrets=[config.token or ""])
    try:
        if args.command == "sync":
            return asyncio.run(sync(config, args.guild))
        return asyncio.run(run(config))
    except discord.LoginFailure:
        print("barometre-bot: Discord refused the token (DISCORD_TOKEN): reset it in the developer portal "
              "and update .env.", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print("barometre-bot: enable 'Message Content Intent' for the bot in the developer portal "
              "(Bot > Privileged Gateway Intents).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
