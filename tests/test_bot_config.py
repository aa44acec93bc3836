"""Bot settings and start-up: clear messages for a missing or malformed token, the token never in
logs or output, `barometre-bot sync`, and `make run` falling back to the terminal chat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.__main__ as bot_main
import bot.config
import bot.launch
from bot.client import BarometreBot
from bot.config import BotConfig, ConfigError
from bot.logs import RedactingFormatter
from conftest_bot import bot_environment, store_template  # noqa: F401  (fixture)
from fakediscord import FakeDiscord
from fakediscord.fake import make_token
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)


@pytest.fixture
def root_logging() -> Iterator[None]:
    """bot.__main__ configures the root logger; put it back as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def config_from(tmp_path: Path, **environ: str) -> BotConfig:
    return BotConfig.from_env(environ=environ, env_file=tmp_path / "none.env")


def test_missing_token_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        config_from(tmp_path)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        config_from(tmp_path, DISCORD_TOKEN="   ")


@pytest.mark.parametrize("token", ["not a token at all secret-part", "Bot " + make_token(123456789012345678),
                                   make_token(123456789012345678)[:20], "a.b.c"])
def test_malformed_token_is_refused_without_echoing_it(tmp_path: Path, token: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from(tmp_path, DISCORD_TOKEN=token)
    message = str(caught.value)
    assert "DISCORD_TOKEN" in message
    assert token not in message and "secret-part" not in message


def test_token_from_dotenv_and_other_settings(tmp_path: Path) -> None:
    token = make_token(123456789012345678)
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={token}\nBOT_ADMIN_IDS=1, 2\nBOT_CHANNEL_IDS=3\nBOT_DEV_GUILD_ID=4\n")
    config = BotConfig.from_env(environ={"LOG_LEVEL": "debug"}, env_file=env_file)
    assert config.token == token and config.admin_ids == {1, 2} and config.channel_ids == {3}
    assert config.dev_guild_id == 4 and config.log_level == "DEBUG"
    assert token not in repr(config)
    with pytest.raises(ConfigError, match="BOT_ADMIN_IDS"):
        BotConfig.from_env(environ={"BOT_ADMIN_IDS": "12,alice"}, env_file=env_file)
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        BotConfig.from_env(environ={"LOG_LEVEL": "loud"}, env_file=env_file)


def test_shard_settings(tmp_path: Path) -> None:
    token = make_token(123456789012345678)
    assert config_from(tmp_path, DISCORD_TOKEN=token).served_shards == (0,)
    config = config_from(tmp_path, DISCORD_TOKEN=token, BOT_SHARD_COUNT="4", BOT_SHARD_IDS="3, 1")
    assert config.shard_count == 4 and config.served_shards == (1, 3)
    assert config_from(tmp_path, DISCORD_TOKEN=token, BOT_SHARD_COUNT="3").served_shards == (0, 1, 2)
    for environ, problem in [({"BOT_SHARD_IDS": "1"}, "needs BOT_SHARD_COUNT"),
                             ({"BOT_SHARD_COUNT": "0"}, "BOT_SHARD_COUNT"),
                             ({"BOT_SHARD_COUNT": "2", "BOT_SHARD_IDS": "2"}, "between 0 and 1")]:
        with pytest.raises(ConfigError, match=problem):
            config_from(tmp_path, DISCORD_TOKEN=token, **environ)


def test_main_exits_non_zero_with_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bot.config, "project_dir", lambda: tmp_path)  # no .env there
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert bot_main.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("barometre-bot: DISCORD_TOKEN is not set") and "Traceback" not in err
    monkeypatch.setenv("DISCORD_TOKEN", "Bot hunter2-secret.x.y")
    assert bot_main.main([]) == 2
    assert "hunter2" not in capsys.readouterr().err


def test_log_lines_mask_the_token() -> None:
    formatter = RedactingFormatter(["s3cr3t.t0k3n"])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token is %s", ("s3cr3t.t0k3n",), None)
    assert formatter.format(record).endswith("token is [secret]")


async def test_the_token_never_reaches_logs_or_output(fake_discord: FakeDiscord, tmp_path: Path,  # noqa: F811
                                                      store_template: Path,  # noqa: F811
                                                      caplog: pytest.LogCaptureFixture,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    config = BotConfig.from_env(environ={**bot_environment(fake_discord, tmp_path, store_template),
                                         "LOG_LEVEL": "DEBUG"}, env_file=tmp_path / "none.env")
    client = BarometreBot(config, guild_ready_timeout=0.05)
    async with fake_discord.running(client):
        await (await fake_discord.slash("question", {"texte": "qui a gagné en 2020 ?"})).response()
        await fake_discord.drop_connection()
        message = await fake_discord.send_message("score global", mentions_bot=True)
        await fake_discord.wait_for_reply(message)
    output = capsys.readouterr()
    assert len(caplog.records) > 20  # debug logging was really on
    assert config.token not in caplog.text
    assert config.token not in output.out + output.err
    assert all(config.token not in (s.text() + str(s.body)) for s in fake_discord.sent.items)


async def test_sync_subcommand_registers_commands_and_exits(fake_discord: FakeDiscord, tmp_path: Path,  # noqa: F811
                                                           store_template: Path,  # noqa: F811
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str],
                                                           root_logging: None) -> None:
    monkeypatch.setattr(bot.config, "project_dir", lambda: tmp_path)
    for name, value in bot_environment(fake_discord, tmp_path, store_template).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BOT_DEV_GUILD_ID")
    guild = fake_discord.world.guild_id
    code = await asyncio.to_thread(bot_main.main, ["sync", "--guild", str(guild)])
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"9 commands synced on server {guild}") and fake_discord.token not in out
    assert len(fake_discord.rest.guild_commands[guild]) == 9 and fake_discord.rest.global_commands == []
    assert fake_discord.gateway.count("connect") == 0  # REST only, no gateway session


async def test_a_token_discord_refuses(fake_discord: FakeDiscord, tmp_path: Path,  # noqa: F811
                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                       root_logging: None) -> None:
    monkeypatch.setattr(bot.config, "project_dir", lambda: tmp_path)
    wrong = make_token(fake_discord.world.bot.id)
    monkeypatch.setenv("DISCORD_TOKEN", wrong)
    assert await asyncio.to_thread(bot_main.main, []) == 2
    err = capsys.readouterr().err
    assert "Discord refused the token" in err and wrong not in err


def test_launch_without_token_starts_the_terminal_chat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bot.config, "project_dir", lambda: tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    calls: list[list[str]] = []
    monkeypatch.setattr("barometre_data.cli.main", lambda argv: calls.append(argv) or 0)
    assert bot.launch.main([]) == 0
    assert calls == [["chat"]]
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "DISCORD_TOKEN is not set" in out[0]


def test_launch_with_token_runs_the_bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.config, "project_dir", lambda: tmp_path)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=whatever\n")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    calls: list[list[str]] = []
    monkeypatch.setattr(bot_main, "main", lambda argv: calls.append(argv) or 0)
    monkeypatch.setattr("barometre_data.cli.main", lambda argv: pytest.fail("the chat started"))
    assert bot.launch.main([]) == 0 and calls == [[]]
