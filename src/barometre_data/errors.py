"""Errors an operator can act on (a wrong setting, a database down or too new): `str()` is one line
that says what is wrong and what to do, never a secret. The commands (`barometre`, `barometre-bot`)
print it on stderr and exit with a non-zero status instead of a traceback."""

from __future__ import annotations


class StartupError(Exception):
    """The program cannot start (or go on) until an operator fixes something outside it."""

    exit_status = 2


class SchemaError(StartupError):
    """The database's schema is one this program cannot use (newer, or not the store's)."""
