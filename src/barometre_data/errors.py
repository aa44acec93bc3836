"""Errors an operator can act on (a wrong setting, a database down or too new): `str()` is one line
that says what is wrong and what to do, never a secret. The commands (`barometre`, `barometre-bot`)
print it on stderr and exit with a non-zero status instead of a traceback."""

from __future__ import annotations


class StartupError(Exception):
    """The program cannot start (or go on) until an operator fixes something outside it. Exit status
    2: a setting to change (a service manager should not restart in a loop); 1: an outage that may
    pass (restarting later can work)."""

    exit_status = 2


class SettingError(StartupError, ValueError):
    """A setting (environment or .env) that is not a value the program can use: names the setting."""


class Busy(StartupError):
    """Another data change held the data lock for longer than a change waits (it may pass: status 1)."""

    exit_status = 1


class SchemaError(StartupError):
    """The database's schema is one this program cannot use (newer, or not the store's)."""


class DatabaseUnavailable(StartupError):
    """The database cannot be reached or opened (it may come back: exit status 1)."""

    exit_status = 1


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def check_log_level(level: str) -> str:
    """`level` upper-cased if logging knows it, else a StartupError naming LOG_LEVEL."""
    if level.upper() not in LOG_LEVELS:
        raise StartupError(f"LOG_LEVEL: {level!r} is not one of {', '.join(LOG_LEVELS)}")
    return level.upper()


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (drivers add SQL and links below it)."""
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__
