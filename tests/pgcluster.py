"""A PostgreSQL cluster of a test's own (never the shared one): initdb into a temporary folder, a free
port on 127.0.0.1, the server tools of /usr/lib/postgresql/*/bin (run as the `postgres` user when
root, as `.ci/run` does). The test may stop, restart, freeze (SIGSTOP of every server process) and
thaw it; `frozen()` undoes the pause in a `finally`.

    with private_cluster() as cluster:          # skips (or fails in CI) without PostgreSQL binaries
        url = cluster.url                       # postgresql+asyncpg://postgres@127.0.0.1:PORT/postgres
        cluster.stop(); cluster.start()
        with cluster.frozen(): ...
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def pg_bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                        key=lambda p: [int(x) if x.isdigit() else x for x in p.parent.name.split(".")])
    return next((c for c in reversed(candidates) if (c / "initdb").is_file()), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateCluster:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="barometre-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._stopped_pids: list[int] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, cwd=self.folder, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")

    def start(self) -> None:
        result = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60",
                           "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
                                 "-c full_page_writes=off", "start", check=False)
        if result.returncode != 0:
            log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the private PostgreSQL did not start: {result.stderr}\n{log}")

    def stop(self) -> None:
        self.thaw()
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def _server_pids(self) -> list[int]:
        """The postmaster and every process it started (backends, checkpointer...)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return []
        postmaster = int(pid_file.read_text().split("\n", 1)[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def freeze(self) -> None:
        """SIGSTOP the whole server: connections stay open, nothing answers (what a hung host looks like)."""
        pids = self._server_pids()
        if pids:
            os.kill(pids[0], signal.SIGSTOP)  # the postmaster first: it cannot start new backends meanwhile
            self._stopped_pids.append(pids[0])
            for pid in self._server_pids()[1:]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
                    self._stopped_pids.append(pid)

    def thaw(self) -> None:
        while self._stopped_pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._stopped_pids.pop(), signal.SIGCONT)

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        self.freeze()
        try:
            yield
        finally:
            self.thaw()

    def remove(self) -> None:
        try:
            self.thaw()
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        if os.environ.get("BAROMETRE_REQUIRE_POSTGRES"):
            pytest.fail("BAROMETRE_REQUIRE_POSTGRES is set but no PostgreSQL server binaries were found")
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): the database fault tests need their own cluster")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
    cluster = PrivateCluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
