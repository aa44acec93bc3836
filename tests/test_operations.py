"""What an operator sees: the bot stopped by SIGTERM / SIGINT (Docker, systemd, Ctrl-C) closes
cleanly; each mistake or outage at start is one line on stderr and a non-zero status; the terminal
chat has line editing and history and ends on Ctrl-C / Ctrl-D with one line. The bot runs in a
process of its own against the fake Discord (tests/bot_process.py), the chat on a pseudo-terminal."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from conftest import DATA_DIR
from conftest_bot import bot_environment, store_template  # noqa: F401  (fixture)
from fakediscord import FakeDiscord
from fakediscord.fake import make_token
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)

BOT_PROCESS = Path(__file__).with_name("bot_process.py")
BAROMETRE = [sys.executable, "-m", "barometre_data"]
TRACES = ("Traceback", "PyNaCl", "davey", "voice will NOT")


def clean_environment(**settings: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("BOT_", "DISCORD_", "BAROMETRE_", "DATABASE_", "LOG_", "FAKE_"))}
    return {**environ, **settings}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO) ")  # the bot's ordinary log lines


def assert_one_line(err: str, *expected: str) -> None:
    """One line says what is wrong (besides the bot's ordinary INFO log lines), and no traceback."""
    lines = [line for line in err.splitlines() if not LOG_RECORD.match(line)]
    assert len(lines) == 1 and err.endswith("\n"), f"not one line:\n{err}"
    assert not any(trace in err for trace in TRACES), err
    for text in expected:
        assert text in err, err


# --------------------------------------------------------------------------- stopping the bot

@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_closes_the_bot_cleanly(fake_discord: FakeDiscord, tmp_path: Path,  # noqa: F811
                                                    store_template: Path, signum: int) -> None:  # noqa: F811
    environ = clean_environment(**bot_environment(fake_discord, tmp_path, store_template),
                                FAKE_DISCORD_URL=fake_discord.http_url)
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(sys.executable, str(BOT_PROCESS), env=environ,
                                                       stdout=log, stderr=log, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while "connected as" not in log_path.read_text(encoding="utf-8"):
            assert process.returncode is None and time.monotonic() < deadline, log_path.read_text(encoding="utf-8")
            await asyncio.sleep(0.1)
        message = await fake_discord.send_message("score du courrier en 2020", channel_id=fake_discord.world.questions_id)
        assert "50/100" in (await fake_discord.wait_for_reply(message)).text()

        started = time.monotonic()
        process.send_signal(signum)
        try:
            status = await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            raise AssertionError(f"still running 5 s after the signal:\n{log_path.read_text(encoding='utf-8')}") from None
        elapsed = time.monotonic() - started
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = log_path.read_text(encoding="utf-8")
    assert status == 0 and elapsed < 5, log
    assert log.count("stopped: gateway closed, pending writes flushed, store closed") == 1
    assert f"{signal.Signals(signum).name} received" in log
    assert not any(trace in log for trace in TRACES), log
    assert fake_discord.gateway.count("disconnect") >= 1


# --------------------------------------------------------------------------- start-up errors

def run_bot(environ: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BOT_PROCESS)], env=environ, cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_bot_without_network_says_so_in_one_line(tmp_path: Path) -> None:
    environ = clean_environment(DISCORD_TOKEN=make_token(123456789012345678), DATABASE_URL=f"sqlite:///{tmp_path}/b.db",
                                BAROMETRE_DATA_DIR=str(DATA_DIR),
                                FAKE_DISCORD_URL=f"http://127.0.0.1:{closed_port()}")
    done = run_bot(environ, tmp_path)
    assert done.returncode == 1
    assert_one_line(done.stderr, "barometre-bot: cannot reach Discord", "check the network")


async def test_bot_with_a_token_discord_refuses(fake_discord: FakeDiscord, tmp_path: Path,  # noqa: F811
                                                store_template: Path) -> None:  # noqa: F811
    environ = clean_environment(**bot_environment(fake_discord, tmp_path, store_template),
                                FAKE_DISCORD_URL=fake_discord.http_url)
    environ["DISCORD_TOKEN"] = make_token(fake_discord.world.bot.id)  # well formed, not the bot's
    done = await asyncio.to_thread(run_bot, environ, tmp_path)
    assert done.returncode == 2
    assert_one_line(done.stderr, "barometre-bot: Discord refused the token")
    assert environ["DISCORD_TOKEN"] not in done.stderr


# case: (settings, expected exit status (2: a setting to fix, 1: an outage), what the line says)
BAD_STARTS = {
    "malformed database URL": ({"DATABASE_URL": "mysql://root:hunter2@db/barometre"}, 2,
                               ["DATABASE_URL (mysql) is not a database this program can use"]),
    "unparsable database URL": ({"DATABASE_URL": "not a url"}, 2, ["DATABASE_URL (no scheme)"]),
    "database down": ({"DATABASE_URL": "postgresql://bot:hunter2@127.0.0.1:{port}/barometre"}, 1,
                      ["cannot open the database postgresql+asyncpg://bot:***@127.0.0.1:", "is it running"]),
    "database file not writable": ({"DATABASE_URL": "sqlite:////proc/no/such/dir/b.db"}, 1,
                                   ["cannot open the database sqlite+aiosqlite:////proc/no/such/dir/b.db"]),
    "log level": ({"LOG_LEVEL": "verbose"}, 2, ["LOG_LEVEL: 'VERBOSE' is not one of DEBUG, INFO"]),
    "time limit not a number": ({"DATABASE_CONNECT_TIMEOUT": "5s"}, 2,
                                ["DATABASE_CONNECT_TIMEOUT must be a number of seconds, got '5s'"]),
    "retention below zero": ({"QUERY_LOG_RETENTION_DAYS": "-1"}, 2,
                             ["QUERY_LOG_RETENTION_DAYS must be 0 (no limit) or more"]),
}


@pytest.mark.parametrize("case", BAD_STARTS, ids=list(BAD_STARTS))
def test_cli_start_errors_are_one_line(case: str, tmp_path: Path) -> None:
    settings, status, expected = BAD_STARTS[case]
    settings = {k: v.format(port=closed_port()) for k, v in settings.items()}
    environ = clean_environment(**{"DATABASE_URL": f"sqlite:///{tmp_path}/b.db", "BAROMETRE_DATA_DIR": str(DATA_DIR),
                                   **settings})
    done = subprocess.run([*BAROMETRE, "ask", "score du courrier 2020"], env=environ, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == status and done.stdout == ""
    assert_one_line(done.stderr, "barometre: ", *expected)
    assert "hunter2" not in done.stderr


def test_a_first_start_logs_short_lines(tmp_path: Path) -> None:
    """The first start fills the store from data/: the log says what it did in a few short lines, not
    a line listing every edition and award."""
    environ = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path}/b.db", BAROMETRE_DATA_DIR=str(DATA_DIR))
    done = subprocess.run([*BAROMETRE, "ask", "score du courrier 2020"], env=environ, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "50/100" in done.stdout
    lines = done.stderr.splitlines()
    assert any("data version 1" in line and "Awards:" in line for line in lines), done.stderr
    assert lines and all(len(line) <= 400 for line in lines), max(lines, key=len)


@pytest.mark.parametrize("case", BAD_STARTS, ids=list(BAD_STARTS))
async def test_bot_start_errors_are_one_line(case: str, fake_discord: FakeDiscord, tmp_path: Path,  # noqa: F811
                                             store_template: Path) -> None:  # noqa: F811
    settings, status, expected = BAD_STARTS[case]
    settings = {k: v.format(port=closed_port()) for k, v in settings.items()}
    environ = clean_environment(**bot_environment(fake_discord, tmp_path, store_template),
                                FAKE_DISCORD_URL=fake_discord.http_url)
    environ.update(settings)
    done = await asyncio.to_thread(run_bot, environ, tmp_path)
    assert done.returncode == status
    assert_one_line(done.stderr, "barometre-bot: ", *expected)
    assert "hunter2" not in done.stderr and environ["DISCORD_TOKEN"] not in done.stderr


# --------------------------------------------------------------------------- the terminal chat

def _own_terminal() -> None:
    """In the child: a session of its own whose controlling terminal is the pty (Ctrl-C is SIGINT)."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """`barometre chat` on a pseudo-terminal, as a person types into it."""

    def __init__(self, tmp_path: Path) -> None:
        environ = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path}/b.db", BAROMETRE_DATA_DIR=str(DATA_DIR),
                                    TERM="xterm")
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen([*BAROMETRE, "chat"], stdin=slave, stdout=slave, stderr=slave,
                                        env=environ, cwd=tmp_path, preexec_fn=_own_terminal)
        os.close(slave)
        self.screen = ""

    def read_until(self, text: str, timeout: float = 60, start: int = 0) -> int:
        """Wait until `text` is shown after `start`; where it ends."""
        deadline = time.monotonic() + timeout
        while text not in self.screen[start:]:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{text!r} not shown:\n{self.screen}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.screen += os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:  # the program ended
                    break
        return self.screen.index(text, start) + len(text)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_until_reading(self, timeout: float = 10) -> None:
        """Wait until the program sleeps waiting for a key (readline's select()). Python's readline
        only looks for a Ctrl-C (SIGINT) while it waits in select(): a Ctrl-C arriving in the instant
        between the prompt being drawn and that wait is seen at the next key only (a CPython race,
        `Modules/readline.c`), so a test that sends Ctrl-C the moment "> " shows must wait for it."""
        wchan = Path(f"/proc/{self.process.pid}/wchan")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                where = wchan.read_text()
            except OSError:
                where = ""
            if where in ("", "0"):  # the kernel does not say: a pause instead
                time.sleep(0.5)
                return
            if "poll" in where or "select" in where:
                return
            time.sleep(0.01)

    def close(self) -> int:
        try:
            try:
                status = self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                while select.select([self.master], [], [], 0.2)[0]:
                    try:
                        self.screen += os.read(self.master, 4096).decode("utf-8", "replace")
                    except OSError:
                        break
                raise AssertionError(f"still running 5 s after the key:\n{self.screen[-1500:]}") from None
            while select.select([self.master], [], [], 0.2)[0]:  # what it printed last
                try:
                    self.screen += os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:
                    break
            return status
        finally:
            if self.process.poll() is None:
                self.process.kill()
            os.close(self.master)


@pytest.mark.parametrize("key", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_terminal_chat_edits_lines_keeps_history_and_ends_in_one_line(key: str, tmp_path: Path) -> None:
    terminal = Terminal(tmp_path)
    try:
        terminal.read_until("> ")
        terminal.type("score du courier 2021\x7f\x7f\x7f\x7f20\r")  # four backspaces: "2020", and a typo
        mark = terminal.read_until("> ", start=terminal.read_until("50/100"))
        terminal.type("\x1b[A\x01\x1b[3~\x1b[3~\x1b[3~\x1b[3~\x1b[3~\x1b[3~\r")  # Up, Home, delete "score "
        end = terminal.read_until("50/100", timeout=30, start=mark)
        recalled = terminal.screen[mark:end]
        assert recalled.startswith("score du courier 20") and "[A" not in recalled, repr(recalled)  # drawn, not sent
        terminal.read_until("> ", start=end)
        terminal.wait_until_reading()
        terminal.type(key)
        status = terminal.close()
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
    after = terminal.screen[terminal.screen.rfind("> "):]
    assert status == 0
    assert after.strip().splitlines()[-1].strip() == "Au revoir.", after
    assert "Traceback" not in terminal.screen and "KeyboardInterrupt" not in terminal.screen
