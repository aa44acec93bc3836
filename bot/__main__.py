"""`python -m bot` / `barometre-bot`: run the bot; `barometre-bot sync [--guild ID]`: register the
slash commands with Discord (globally, or on one server) and exit."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import threading

import aiohttp
import discord

from barometre_data.errors import StartupError, first_line

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


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)  # what Docker / systemd send, and Ctrl-C


async def run(config: BotConfig) -> int:
    """Run until Discord or a stop signal ends it. SIGTERM / SIGINT close the gateway, let the
    service write what is pending and close the store, then log one line: the exit status is 0."""
    stopping: list[asyncio.Task[None]] = []
    loop = asyncio.get_running_loop()
    async with BarometreBot(config) as bot:

        def stop(signum: int) -> None:
            if not stopping:  # a second signal while closing changes nothing
                log.info("%s received: closing", signal.Signals(signum).name)
                stopping.append(loop.create_task(bot.close()))

        handled = threading.current_thread() is threading.main_thread()  # (tests run main() in a thread)
        for signum in STOP_SIGNALS if handled else ():
            loop.add_signal_handler(signum, stop, signum)
        try:
            await bot.start(config.token or "")
        finally:
            for signum in STOP_SIGNALS if handled else ():
                loop.remove_signal_handler(signum)
            if stopping:
                await stopping[0]
    if stopping:
        log.info("stopped: gateway closed, pending writes flushed, store closed")
        return 0
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
        return 2
    except discord.PrivilegedIntentsRequired:
        print("barometre-bot: enable 'Message Content Intent' for the bot in the developer portal "
              "(Bot > Privileged Gateway Intents).", file=sys.stderr)
        return 2
    except StartupError as exc:  # the database: malformed URL, down, too new
        print(f"barometre-bot: {exc}", file=sys.stderr)
        return exc.exit_status
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound) as exc:
        print(f"barometre-bot: cannot reach Discord ({first_line(exc)}): check the network, DNS or proxy "
              "of this machine, then start again.", file=sys.stderr)
        return 1
    except discord.DiscordServerError as exc:
        print(f"barometre-bot: Discord answered {exc.status} (its own trouble): start again in a few minutes.",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
