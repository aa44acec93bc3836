"""Bot settings, read from the environment over `.env` (the data side's settings come along).

DISCORD_TOKEN        the bot token (required to run the bot; never logged or printed)
DATABASE_URL         the store (see barometre_data.config); a SQLite file by default
BOT_ADMIN_IDS        user ids allowed to run admin commands, besides members with Manage Server
BOT_CHANNEL_IDS      channel ids where every message is taken as a question (elsewhere: mention the bot)
BOT_DEV_GUILD_ID     a server id where commands are synced at start-up (instant, for development)
BOT_SHARD_COUNT      how many Discord shards the bot runs as, over all its processes (default 1)
BOT_SHARD_IDS        the shards this process serves (comma-separated, default all of them)
BOT_COMMAND_COOLDOWN slash commands per user: "5/30" (default: 5 within 30 seconds), or "off"
LOG_LEVEL            DEBUG, INFO (default), WARNING, ERROR
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from barometre_data.config import Settings, project_dir, read_environment

# Three base64url parts separated by dots: the bot's id, a timestamp, an HMAC.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and what to do (never its value)."""


def _ids(name: str, raw: str | None) -> frozenset[int]:
    if not raw:
        return frozenset()
    ids = set()
    for part in re.split(r"[,\s]+", raw.strip()):
        if not part:
            continue
        if not part.isdigit():
            raise ConfigError(f"{name}: {part!r} is not a Discord id (a number); separate ids with commas.")
        ids.add(int(part))
    return frozenset(ids)


def check_token(token: str | None) -> str:
    """The token if it looks like a bot token; otherwise a ConfigError that does not echo it."""
    if token is None or not token.strip():
        raise ConfigError(
            "DISCORD_TOKEN is not set. Put the bot token (Discord developer portal > your application > "
            "Bot > Reset Token) in the environment or in .env as DISCORD_TOKEN=..."
        )
    token = token.strip()
    if token.lower().startswith("bot "):
        raise ConfigError("DISCORD_TOKEN starts with 'Bot ': give the token alone, without that prefix.")
    if not _TOKEN_SHAPE.fullmatch(token):
        raise ConfigError(
            f"DISCORD_TOKEN is malformed ({len(token)} characters): a bot token is three parts separated by "
            "dots, letters, digits, '-' and '_' only. Copy it again from the developer portal."
        )
    return token


@dataclass(frozen=True)
class BotConfig:
    token: str | None = field(repr=False)
    data: Settings
    admin_ids: frozenset[int] = frozenset()
    channel_ids: frozenset[int] = frozenset()
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    shard_count: int = 1
    shard_ids: tuple[int, ...] | None = None  # None: every shard of shard_count
    command_cooldown: tuple[int, float] | None = (5, 30.0)  # slash commands per user: (rate, seconds); None: off

    @property
    def served_shards(self) -> tuple[int, ...]:
        return self.shard_ids if self.shard_ids is not None else tuple(range(self.shard_count))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> BotConfig:
        """Settings from `environ` (default os.environ) over `.env`; ConfigError names what is wrong."""
        env_file = project_dir() / ".env" if env_file is None else env_file
        values = read_environment(environ, env_file)
        get = values.get
        token = check_token(get("DISCORD_TOKEN"))
        dev_guild = _ids("BOT_DEV_GUILD_ID", get("BOT_DEV_GUILD_ID"))
        if len(dev_guild) > 1:
            raise ConfigError("BOT_DEV_GUILD_ID: give one server id.")
        shard_count, shard_ids = _shards(get("BOT_SHARD_COUNT"), get("BOT_SHARD_IDS"))
        log_level = (get("LOG_LEVEL") or "INFO").upper()
        if log_level not in _LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL: {log_level!r} is not one of {', '.join(_LOG_LEVELS)}.")
        try:
            data = Settings.from_env(environ=values, env_file=env_file)
        except ValueError as exc:  # a malformed data-side setting (a time limit...)
            raise ConfigError(f"{exc}.") from None
        return cls(
            token=token,
            data=data,
            admin_ids=_ids("BOT_ADMIN_IDS", get("BOT_ADMIN_IDS")),
            channel_ids=_ids("BOT_CHANNEL_IDS", get("BOT_CHANNEL_IDS")),
            dev_guild_id=next(iter(dev_guild), None),
            log_level=log_level,
            shard_count=shard_count,
            shard_ids=shard_ids,
            command_cooldown=_cooldown(get("BOT_COMMAND_COOLDOWN")),
        )


def _cooldown(raw: str | None) -> tuple[int, float] | None:
    if raw is None:
        return (5, 30.0)
    if raw.lower() in ("off", "0", "none"):
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*", raw)
    if not match or int(match[1]) < 1 or float(match[2]) <= 0:
        raise ConfigError(f"BOT_COMMAND_COOLDOWN: {raw!r} is not RATE/SECONDS (e.g. 5/30) or off.")
    return int(match[1]), float(match[2])


def _shards(count_raw: str | None, ids_raw: str | None) -> tuple[int, tuple[int, ...] | None]:
    if count_raw is None:
        if ids_raw:
            raise ConfigError("BOT_SHARD_IDS needs BOT_SHARD_COUNT (how many shards in all).")
        return 1, None
    if not count_raw.isdigit() or int(count_raw) < 1:
        raise ConfigError(f"BOT_SHARD_COUNT: {count_raw!r} is not a number of shards (1 or more).")
    count = int(count_raw)
    if not ids_raw:
        return count, None
    ids = []
    for part in re.split(r"[,\s]+", ids_raw.strip()):
        if not part:
            continue
        if not part.isdigit() or int(part) >= count:
            raise ConfigError(f"BOT_SHARD_IDS: {part!r} is not a shard id between 0 and {count - 1} "
                              "(BOT_SHARD_COUNT - 1); separate ids with commas.")
        ids.append(int(part))
    return count, tuple(sorted(set(ids)))


def token_in_environment(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> bool:
    """Whether a DISCORD_TOKEN is set at all (env or .env), valid or not."""
    env_file = project_dir() / ".env" if env_file is None else env_file
    return bool(read_environment(environ, env_file).get("DISCORD_TOKEN"))
