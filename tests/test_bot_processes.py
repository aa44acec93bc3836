"""Several bot processes on one PostgreSQL, each the real bot in a process of its own against the
fake Discord: a change made anywhere (an upload, `barometre load`, a rollback) is served by every
process within 2 s; a process started with an older folder does not roll the store back; two uploads
at the same moment in two processes both land; two processes for the same shard answer each
message once, the second standing by and taking over when the first stops."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conftest import DATA_DIR, PROJECT_DIR
from fakediscord import FakeDiscord, Upload
from fakediscord.fixtures import fake_discord  # noqa: F401  (fixture)
from test_versions import edition, phone

pytestmark = pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)

BOT_PROCESS = Path(__file__).with_name("bot_process.py")
PHONE = "quel est le score du canal téléphone en 2020 ?"
PROPAGATION_LIMIT = 2.0


class BotProcess:
    """`tests/bot_process.py` running with its own settings; its log in a file."""

    def __init__(self, name: str, environment: dict[str, str], folder: Path) -> None:
        self.name = name
        self.environment = environment
        self.log_path = folder / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> BotProcess:
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(sys.executable, str(BOT_PROCESS), env=self.environment,
                                                            stdout=log, stderr=log, cwd=PROJECT_DIR)
        log.close()
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    async def wait_log(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if time.monotonic() > deadline or (self.process and self.process.returncode is not None):
                raise AssertionError(f"{self.name} did not log {text!r}:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


class Cluster:
    """The fake Discord, one PostgreSQL store, and bot processes started on it."""

    def __init__(self, fake: FakeDiscord, url: str, folder: Path) -> None:
        self.fake, self.url, self.folder = fake, url, folder
        self.processes: list[BotProcess] = []

    def data_folder(self, name: str, change=None) -> Path:
        folder = self.folder / name
        shutil.copytree(DATA_DIR, folder)
        if change is not None:
            path = folder / "2020.yaml"
            path.write_bytes(change(path.read_bytes()))
        return folder

    def environment(self, data: Path, shards: str | None = None, count: int = 2) -> dict[str, str]:
        world = self.fake.world
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DISCORD_", "BAROMETRE_"))}
        environment.update({
            "DISCORD_TOKEN": self.fake.token, "DATABASE_URL": self.url, "BAROMETRE_DATA_DIR": str(data),
            "BOT_ADMIN_IDS": str(world.owner.id), "BOT_CHANNEL_IDS": str(world.questions_id),
            "BOT_DEV_GUILD_ID": str(world.guild_id), "LOG_LEVEL": "INFO", "FAKE_DISCORD_URL": self.fake.http_url,
            "BOT_SHARD_COUNT": str(count), "TEST_CHANGE_BARRIER": str(self.folder / "barrier"),
            "BOT_COMMAND_COOLDOWN": "off",  # one user asks all the questions
        })
        if shards is not None:
            environment["BOT_SHARD_IDS"] = shards
        return environment

    async def start_bot(self, name: str, data: Path, shard: int, count: int = 2, *, wait: bool = True) -> BotProcess:
        mark = len(self.fake.gateway.events.items)
        process = await BotProcess(name, self.environment(data, str(shard), count), self.folder).start()
        self.processes.append(process)
        if wait:
            await self.identified(shard, count, mark, process)
        return process

    async def identified(self, shard: int, count: int, mark: int, process: BotProcess, timeout: float = 60) -> None:
        try:
            await self.fake.gateway.events.wait_for(
                lambda e: e.op == 2 and (e.data or {}).get("shard") == [shard, count], timeout=timeout, start=mark,
                what=f"{process.name} to identify as shard {shard}/{count}")
        except Exception:
            raise AssertionError(f"{process.name} did not connect:\n{process.log()[-3000:]}") from None
        await asyncio.sleep(0.3)  # READY and GUILD_CREATE reach the client right after IDENTIFY

    async def barometre(self, *args: str, data: Path | None = None) -> str:
        """The `barometre` command in a process of its own; its stdout."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
        environment["DATABASE_URL"] = self.url
        if data is not None:
            environment["BAROMETRE_DATA_DIR"] = str(data)
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "barometre_data", *args, env=environment,
                                                       stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                       cwd=PROJECT_DIR)
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return out.decode()

    async def ask(self, question: str, shard: int) -> str:
        interaction = await self.fake.slash("question", {"texte": question}, shard=shard)
        return (await interaction.response(timeout=15)).embeds[0]["description"]

    async def serves(self, shard: int, question: str, expected: str, limit: float = PROPAGATION_LIMIT) -> float:
        """Ask the process of `shard` until it answers with `expected`: the seconds it took (<= limit)."""
        start = time.monotonic()
        while True:
            answer = await self.ask(question, shard)
            elapsed = time.monotonic() - start
            if expected in answer:
                return elapsed
            assert elapsed < limit, f"shard {shard} still answers {answer!r} after {elapsed:.2f} s"
            await asyncio.sleep(0.05)

    async def upload(self, shard: int, name: str, content: bytes) -> dict:
        world = self.fake.world
        interaction = await self.fake.slash("recharger", {"fichier": Upload(name, content)}, user=world.admin,
                                            shard=shard)
        return (await interaction.response(timeout=30)).embeds[0]

    async def close(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.processes))


@pytest.fixture
async def cluster(fake_discord: FakeDiscord, store_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:  # noqa: F811
    running = Cluster(fake_discord, store_url, tmp_path)
    try:
        yield running
    finally:
        await running.close()


async def test_every_process_follows_every_change(cluster: Cluster) -> None:
    shipped = cluster.data_folder("data")
    a = await cluster.start_bot("a", shipped, shard=0)
    b = await cluster.start_bot("b", cluster.data_folder("data-b"), shard=1)
    assert "81/100" in await cluster.ask(PHONE, 1)

    # an upload in A: B answers from the new data within 2 s
    report = await cluster.upload(0, "2020.yaml", phone((shipped / "2020.yaml").read_bytes(), 81, 88))
    assert report["title"] == "Données rechargées." and "version 2" in report["description"]
    await cluster.serves(1, PHONE, "88/100")

    # `barometre load` from a third process: both bots follow
    out = await cluster.barometre("load", str(cluster.data_folder("data-c", lambda c: phone(c, 81, 77))))
    assert "version 3" in out
    await asyncio.gather(cluster.serves(0, PHONE, "77/100"), cluster.serves(1, PHONE, "77/100"))

    # a process started with an older folder (the shipped one, phone 81) does not roll the store back,
    # nor does /recharger in a bot whose folder is older
    assert "77/100" in await cluster.barometre("ask", PHONE, data=shipped)
    interaction = await cluster.fake.slash("recharger", user=cluster.fake.world.admin, shard=1)
    reloaded = (await interaction.response(timeout=30)).embeds[0]
    assert reloaded["title"] == "Données rechargées : rien n'a changé." and "version 3" in reloaded["description"]
    assert "77/100" in await cluster.ask(PHONE, 0) and "77/100" in await cluster.ask(PHONE, 1)

    # a rollback by an admin in A to the version before the upload: every process serves the old figures
    interaction = await cluster.fake.slash("versions", {"restaurer": 1}, user=cluster.fake.world.admin, shard=0)
    rolled = (await interaction.response(timeout=30)).embeds[0]
    assert "version 4" in rolled["description"], rolled
    await asyncio.gather(cluster.serves(0, PHONE, "81/100"), cluster.serves(1, PHONE, "81/100"))
    history = await cluster.barometre("data", "history")
    assert "rollback to version 1" in history and "load " in history and "upload 2020.yaml" in history
    # and `barometre data rollback` from a process of its own, back to the loaded version (77)
    assert "version 5" in await cluster.barometre("data", "rollback", "3")
    await asyncio.gather(cluster.serves(0, PHONE, "77/100"), cluster.serves(1, PHONE, "77/100"))

    # export then load: no change
    exported = cluster.folder / "export"
    await cluster.barometre("data", "export", str(exported))
    again = await cluster.barometre("load", str(exported))
    assert again.startswith("Aucun changement") and "version 5" in again

    # two uploads of two new editions at the same moment, one in each process (forced to overlap)
    barrier = cluster.folder / "barrier"
    barrier.mkdir()
    (barrier / "armed").touch()
    first, second = await asyncio.gather(cluster.upload(0, "2030.yaml", edition(2030)),
                                         cluster.upload(1, "2031.yaml", edition(2031)))
    assert len(list(barrier.glob("waiting-*"))) == 2  # both were waiting at once
    for report in (first, second):
        assert report["title"] == "Données rechargées.", report
        assert "Éditions : 1 ajout" in report["description"]
    assert {"version 6", "version 7"} == {next(w for w in ("version 6", "version 7") if w in r["description"])
                                          for r in (first, second)}
    for shard in (0, 1):
        for year in (2030, 2031):
            await cluster.serves(shard, f"qui a gagné en {year} ?", "Saumur")
    # /stats in A: the version A serves, and the other process (B, shard 1) with the version it serves
    deadline = time.monotonic() + PROPAGATION_LIMIT
    while True:
        interaction = await cluster.fake.slash("stats", user=cluster.fake.world.admin, shard=0)
        stats = (await interaction.response(timeout=15)).embeds[0]["description"]
        if "version 7 (" in stats and "shard(s) 1 : version 7" in stats:
            break
        assert time.monotonic() < deadline, stats
        await asyncio.sleep(0.1)
    assert "Données servies par ce processus : version 7 (" in stats and "shard(s) 0" in stats
    assert a.process.returncode is None and b.process.returncode is None


async def test_two_processes_for_one_shard_answer_each_message_once(cluster: Cluster) -> None:
    fake = cluster.fake
    data = cluster.data_folder("data")
    first = await cluster.start_bot("first", data, shard=0, count=1)
    second = await cluster.start_bot("second", data, shard=0, count=1, wait=False)
    await second.wait_log("standing by")

    async def answered_once(text: str, author) -> None:
        message = await fake.send_message(text, channel_id=fake.world.questions_id, author=author)
        await fake.wait_for_reply(message, timeout=15)
        await asyncio.sleep(0.5)  # time for a second answer, if any
        assert len(fake.replies_to(message)) == 1

    for i, author in enumerate([fake.world.member, fake.world.admin, fake.world.member]):
        await answered_once(f"qui a gagné en 2020 ? ({i})", author)
    assert len(fake.gateway.sessions) == 1

    mark = len(fake.gateway.events.items)
    stopped = time.monotonic()
    await first.stop()
    await cluster.identified(0, 1, mark, second, timeout=30)
    took_over = time.monotonic() - stopped
    assert took_over < 10, f"the standby took {took_over:.1f} s to take over"
    assert "took over" in second.log()
    await answered_once("qui a gagné en 2019 ?", fake.world.admin)
