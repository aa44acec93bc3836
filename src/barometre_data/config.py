"""Settings of the data side (store and data directory), read from the environment and `.env`.

Values set in the environment win over `.env`. Nothing is read at import time: call
`Settings.from_env()` where the settings are needed and pass the object along.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from .errors import SettingError

_PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CONNECT_TIMEOUT = 5.0  # seconds to reach the database
DEFAULT_STATEMENT_TIMEOUT = 30.0  # seconds for one statement
DEFAULT_QUERY_LOG_DAYS = 365.0  # the query log keeps a year of questions
DEFAULT_QUERY_LOG_ROWS = 1_000_000  # and at most this many (the newest)


def _checkout() -> Path | None:
    root = _PACKAGE_DIR.parents[1]
    return root if (root / "pyproject.toml").is_file() else None


def project_dir() -> Path:
    """The checkout root (the folder holding pyproject.toml), else the current directory."""
    return _checkout() or Path.cwd()


def default_data_dir() -> Path:
    """The checkout's data/, else the data files shipped inside the installed package."""
    checkout = _checkout()
    return checkout / "data" if checkout is not None else _PACKAGE_DIR / "data"


def default_database() -> Path:
    """The checkout's barometre.db, else barometre.db in the user's data folder (XDG_DATA_HOME,
    ~/.local/share): an installed program leaves nothing in the folder it is started from."""
    checkout = _checkout()
    if checkout is not None:
        return checkout / "barometre.db"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "barometre" / "barometre.db"


def async_database_url(url: str) -> str:
    """Give a plain `sqlite://` or `postgresql://` URL its async driver; other URLs are kept as they are."""
    for plain, driver in (("sqlite", "sqlite+aiosqlite"), ("postgresql", "postgresql+asyncpg"),
                          ("postgres", "postgresql+asyncpg")):
        if url.startswith(plain + "://"):
            return driver + url[len(plain):]
    return url


def read_environment(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> dict[str, str]:
    """`environ` (default: os.environ) over the `.env` file (default: <project>/.env); values stripped,
    empty ones dropped. The one reader of settings, for the data side and the bot."""
    env_file = project_dir() / ".env" if env_file is None else env_file
    values: dict[str, str | None] = dict(dotenv_values(env_file)) if env_file.is_file() else {}
    values.update(os.environ if environ is None else environ)
    return {name: value.strip() for name, value in values.items() if value and value.strip()}


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    database_url: str  # SQLAlchemy async URL (sqlite+aiosqlite:///... or postgresql+asyncpg://...)
    data_dir: Path  # the folder of data/*.yaml
    log_level: str = "INFO"
    project_dir: Path = _PACKAGE_DIR
    poll_seconds: float = 1.0  # SQLite: how often a running process checks for a new data version
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT
    query_log_days: float = DEFAULT_QUERY_LOG_DAYS  # 0: keep questions forever
    query_log_rows: int = DEFAULT_QUERY_LOG_ROWS  # 0: no limit on the number of rows

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> "Settings":
        """Settings from `environ` (default: os.environ) over the `.env` file (default: <project>/.env)."""
        root = project_dir()
        values = read_environment(environ, env_file)
        get = values.get

        database_url = get("DATABASE_URL")
        data_dir = get("BAROMETRE_DATA_DIR")
        return cls(
            database_url=async_database_url(database_url) if database_url
            else sqlite_url(default_database()),
            data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(),
            log_level=(get("LOG_LEVEL") or "INFO").upper(),
            project_dir=root,
            poll_seconds=_seconds(get("BAROMETRE_POLL_SECONDS"), 1.0),
            connect_timeout=_limit_seconds(values, "DATABASE_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
            statement_timeout=_limit_seconds(values, "DATABASE_STATEMENT_TIMEOUT", DEFAULT_STATEMENT_TIMEOUT),
            query_log_days=_retention(values, "QUERY_LOG_RETENTION_DAYS", DEFAULT_QUERY_LOG_DAYS),
            query_log_rows=int(_retention(values, "QUERY_LOG_MAX_ROWS", DEFAULT_QUERY_LOG_ROWS)),
        )


def _seconds(raw: str | None, default: float) -> float:
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise SettingError(f"BAROMETRE_POLL_SECONDS: {raw!r} is not a number of seconds") from None
    return value if value > 0 else default


def _limit_seconds(values: Mapping[str, str], name: str, default: float) -> float:
    raw = values.get(name)
    if raw is None:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0 < seconds < 86_400:
        raise SettingError(f"{name} must be between 0 and 86400 seconds, got {raw!r}")
    return seconds


def _retention(values: Mapping[str, str], name: str, default: float) -> float:
    raw = values.get(name)
    if raw is None:
        return default
    try:
        number = float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number (0 for no limit), got {raw!r}") from None
    if number < 0 or number != number or number == float("inf"):
        raise SettingError(f"{name} must be 0 (no limit) or more, got {raw!r}")
    return number
