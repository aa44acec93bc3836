"""Packaging and deployment as an operator meets them: the wheel carries the data and the
migrations (`pip install .` into a fresh virtual environment answers from any folder), the
Dockerfile's steps work as an unprivileged user with the data read-only (replayed here: no Docker
daemon runs on these machines), and compose.yaml follows the Compose specification's published JSON
schema (the copy vendored by the check-jsonschema package)."""

from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import PROJECT_DIR

QUESTION = "score du courrier 2020"
SOURCES = ("pyproject.toml", "README.md", "src", "bot", "data")  # what a build needs (as the Dockerfile copies)


def _copy_sources(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.db", "*.db-*")
    for name in SOURCES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy(source, target / name)
    return target


def _clean_environment(**extra: str) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_FIND_LINKS",
            "PIP_CONFIG_FILE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY")
    return {**{k: v for k, v in os.environ.items() if k in keep}, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of its sources (as `pip install .` builds it)."""
    folder = tmp_path_factory.mktemp("wheel")
    sources = _copy_sources(folder / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder / "dist"),
                    str(sources)], check=True, capture_output=True, timeout=300)
    return next((folder / "dist").glob("barometre_bot-*.whl"))


def test_the_wheel_carries_the_data_and_the_migrations(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    data = {name.split("/")[-1] for name in names if name.startswith("barometre_data/data/")}
    assert {path.name for path in (PROJECT_DIR / "data").iterdir() if path.is_file()} <= data
    assert "barometre_data/migrations/env.py" in names and "barometre_data/migrations/script.py.mako" in names
    revisions = {p.name for p in (PROJECT_DIR / "src/barometre_data/migrations/versions").glob("*.py")}
    assert {f"barometre_data/migrations/versions/{name}" for name in revisions} <= names
    assert not any(name.startswith(("tests/", "fakediscord/")) for name in names)
    packages = {str(init.parent.relative_to(root)) for root in (PROJECT_DIR / "src", PROJECT_DIR)
                for init in root.glob("*/**/__init__.py") if init.parts[len(root.parts)] in ("barometre_data", "bot")}
    assert {f"{package}/__init__.py" for package in packages} <= names, "a package missing from pyproject's list"


def test_the_readme_invite_asks_for_the_permissions_the_bot_needs() -> None:
    import discord

    needed = discord.Permissions(view_channel=True, send_messages=True, send_messages_in_threads=True,
                                 embed_links=True, attach_files=True, read_message_history=True)
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert f"permissions={needed.value}" in readme and f"`{needed.value}`" in readme


def test_pip_install_then_ask_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   capture_output=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    done = subprocess.run([str(venv / "bin/barometre"), "ask", QUESTION], cwd=elsewhere, capture_output=True,
                          text=True, timeout=120, env=_clean_environment(HOME=str(home)))
    assert done.returncode == 0, done.stderr
    assert "50/100" in done.stdout
    assert list(elsewhere.iterdir()) == []  # nothing left in the folder it ran from
    assert (home / ".local/share/barometre/barometre.db").exists()  # the store in the user's data folder
    test_tools = subprocess.run([str(venv / "bin/python"), "-c", "import pytest"], capture_output=True)
    assert test_tools.returncode != 0  # runtime dependencies only


# --------------------------------------------------------------------------- the Dockerfile, replayed

class Replay:
    """Runs a Dockerfile's steps on this machine: its absolute paths under `root`, RUN steps as
    `user`, `python` the machine's /usr/bin/python3 (a python:3.11 image's interpreter)."""

    def __init__(self, root: Path, user: str | None) -> None:
        self.root, self.user = root, user
        self.stages: dict[str, Path] = {}
        bin_dir = root / "usr-local-bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / "python").symlink_to(SYSTEM_PYTHON)
        self.env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(root / "home"), "LANG": "C.UTF-8",
                    **{k: v for k, v in _clean_environment().items() if k.startswith(("PIP_", "SSL_", "HTTP"))}}
        (root / "home").mkdir()
        self.workdir = root
        self.skipped: list[str] = []
        self.final: dict[str, str] = {}

    def path(self, text: str) -> str:
        """Absolute paths of the image, moved under the replay's root."""
        return re.sub(r"(?<![\w.$])/(src|wheels|opt|app)\b", lambda m: f"{self.root}/{m.group(1)}", text)

    def replay(self, dockerfile: Path) -> None:
        steps = {"FROM": self._from, "WORKDIR": self._workdir, "COPY": self._copy, "ENV": self._env, "RUN": self._run}
        for instruction, argument in _instructions(dockerfile.read_text(encoding="utf-8")):
            if instruction in steps:
                steps[instruction](argument)
            else:  # USER, VOLUME, HEALTHCHECK, CMD...: what the image would do when run
                self.final[instruction] = argument

    def _from(self, argument: str) -> None:
        parts = argument.split()
        if len(parts) == 3 and parts[1].upper() == "AS":
            self.stages[parts[2]] = self.root

    def _workdir(self, argument: str) -> None:
        self.workdir = Path(self.path(argument))
        self.workdir.mkdir(parents=True, exist_ok=True)

    def _copy(self, argument: str) -> None:
        words = [w for w in shlex.split(argument) if not w.startswith("--chown")]
        staged = words[0].startswith("--from=")
        if staged:
            words = words[1:]
        *sources, target = words
        destination = Path(self.path(target)) if target.startswith("/") else self.workdir / target
        for source in sources:
            origin = Path(self.path(source)) if staged else PROJECT_DIR / source
            if origin.resolve() == destination.resolve():  # stages share this machine's folders
                continue
            if origin.is_dir():
                shutil.copytree(origin, destination if target.endswith("/") and len(sources) == 1
                                else destination / origin.name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.db", "*.db-*"))
            else:
                if target.endswith("/"):
                    destination.mkdir(parents=True, exist_ok=True)
                shutil.copy(origin, destination / origin.name if target.endswith("/") else destination)
        _give_to(self.root, self.user)

    def _env(self, argument: str) -> None:
        for word in shlex.split(argument):
            name, value = word.split("=", 1)
            self.env[name] = self.path(re.sub(r"\$(\w+)", lambda m: self.env.get(m.group(1), ""), value))

    def _run(self, argument: str) -> None:
        if re.search(r"\b(useradd|chown)\b", argument):  # the image's user: here the replay runs as one
            self.skipped.append(argument)
            return
        done = subprocess.run(_as(self.user, ["bash", "-euc", self.path(argument)]), cwd=self.workdir,
                              env=self.env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"RUN {argument}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


SYSTEM_PYTHON = Path("/usr/bin/python3")


def _instructions(text: str) -> Iterator[tuple[str, str]]:
    logical = re.sub(r"\\\n", " ", text)
    for line in logical.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, argument = line.partition(" ")
            yield instruction.upper(), argument.strip()


def _as(user: str | None, command: list[str]) -> list[str]:
    return [shutil.which("runuser") or "/usr/sbin/runuser", "-u", user, "--", *command] if user else command


def _give_to(root: Path, user: str | None) -> None:
    if user:
        subprocess.run(["chown", "-R", user, str(root)], check=True)


@pytest.fixture
def replay_root() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="barometre-image-"))  # not under pytest's 0700 folder
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not SYSTEM_PYTHON.exists(), reason="the replay needs /usr/bin/python3 (Debian's python3-venv)")
def test_the_dockerfile_steps_work_unprivileged_with_read_only_data(replay_root: Path) -> None:
    user = "nobody" if os.geteuid() == 0 else None
    replay = Replay(replay_root, user)
    replay.replay(PROJECT_DIR / "Dockerfile")
    assert replay.skipped and all("useradd" in s or "chown" in s for s in replay.skipped)
    assert replay.final["USER"] == "barometre" and "barometre-bot" in replay.final["CMD"]

    app = replay_root / "app"
    subprocess.run(["chown", "-R", "root", str(app / "data")] if user else ["true"], check=True)
    subprocess.run(["chmod", "-R", "a-w", str(app / "data")], check=True)  # the data read-only
    (app / "state").mkdir(exist_ok=True)
    _give_to(app / "state", user)
    environment = {**replay.env, "HOME": str(replay_root / "home")}
    assert environment["DATABASE_URL"] == f"sqlite:///{app}/state/barometre.db"
    done = subprocess.run(_as(user, ["barometre", "ask", QUESTION]), cwd=app, env=environment, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "50/100" in done.stdout, done.stderr
    if user:
        assert pwd.getpwuid((app / "state/barometre.db").stat().st_uid).pw_name == user
    assert not any(p.stat().st_mode & stat.S_IWUSR for p in (app / "data").iterdir())
    health = json.loads(replay.final["HEALTHCHECK"].split("CMD", 1)[1])
    checked = subprocess.run(_as(user, health), cwd=app, env=environment, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# --------------------------------------------------------------------------- compose.yaml

def compose_schema() -> dict:
    vendored = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    return json.loads(vendored.read_text(encoding="utf-8"))


def test_compose_file_follows_the_compose_specification() -> None:
    compose = yaml.safe_load((PROJECT_DIR / "compose.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(compose, compose_schema())  # raises with the path of what is wrong
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in bot and "healthcheck" in db and bot["restart"] == db["restart"] == "unless-stopped"
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_the_schema_check_catches_a_mistake() -> None:
    compose = yaml.safe_load((PROJECT_DIR / "compose.yaml").read_text(encoding="utf-8"))
    compose["services"]["bot"]["restart_policy"] = "always"  # not a Compose key
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(compose, compose_schema())
