"""Discord's limits on application commands, checked the way the API checks a bulk overwrite.
Used by the fake's PUT .../commands (answers 400 like Discord) and by offline structural tests."""

from __future__ import annotations

from typing import Any

CHAT_INPUT = 1
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


def _name_errors(where: str, name: Any, *, chat_input: bool) -> list[str]:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return [f"{where}: name {name!r} must have 1 to 32 characters"]
    errors = []
    if chat_input and not all(ch.isalnum() or ch in "-_" for ch in name):
        errors.append(f"{where}: name {name!r} may only contain letters, digits, '-' and '_'")
    if chat_input and name != name.lower():
        errors.append(f"{where}: name {name!r} must be lower case")
    return errors


def _description_errors(where: str, text: Any) -> list[str]:
    if not isinstance(text, str) or not 1 <= len(text) <= 100:
        return [f"{where}: description {text!r} must have 1 to 100 characters"]
    return []


def _localized(where: str, entry: dict[str, Any], *, chat_input: bool) -> list[str]:
    errors = _name_errors(where, entry.get("name"), chat_input=chat_input)
    for locale, name in (entry.get("name_localizations") or {}).items():
        errors += _name_errors(f"{where} [{locale}]", name, chat_input=chat_input)
    if chat_input:
        errors += _description_errors(where, entry.get("description"))
        for locale, text in (entry.get("description_localizations") or {}).items():
            errors += _description_errors(f"{where} [{locale}]", text)
    return errors


def _unique_names(where: str, entries: list[dict[str, Any]]) -> list[str]:
    """Names must be unique, in the default language and in every locale given."""
    errors = []
    locales = {loc for e in entries for loc in (e.get("name_localizations") or {})}
    for locale in [None, *sorted(locales)]:
        seen: dict[str, int] = {}
        for entry in entries:
            name = entry.get("name") if locale is None else (entry.get("name_localizations") or {}).get(
                locale, entry.get("name")
            )
            seen[name] = seen.get(name, 0) + 1
        errors += [f"{where}: name {n!r} used {c} times" + (f" [{locale}]" if locale else "")
                   for n, c in seen.items() if c > 1]
    return errors


def _option_errors(where: str, options: list[dict[str, Any]]) -> list[str]:
    errors = []
    if len(options) > 25:
        errors.append(f"{where}: {len(options)} options, at most 25")
    errors += _unique_names(where, options)
    seen_optional = False
    for option in options:
        at = f"{where} > {option.get('name')}"
        errors += _localized(at, option, chat_input=True)
        if option.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
            errors += _option_errors(at, option.get("options") or [])
            continue
        if option.get("required"):
            if seen_optional:
                errors.append(f"{at}: required options must come before optional ones")
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if choices and option.get("autocomplete"):
            errors.append(f"{at}: autocomplete and choices are exclusive")
        if len(choices) > 25:
            errors.append(f"{at}: {len(choices)} choices, at most 25")
        for choice in choices:
            name = choice.get("name")
            if not isinstance(name, str) or not 1 <= len(name) <= 100:
                errors.append(f"{at}: choice name {name!r} must have 1 to 100 characters")
            value = choice.get("value")
            if isinstance(value, str) and len(value) > 100:
                errors.append(f"{at}: choice value {value!r} longer than 100 characters")
    return errors


def _size(entry: Any) -> int:
    """Characters counted against the 4000 limit: names, descriptions, choice names and values."""
    if isinstance(entry, list):
        return sum(_size(e) for e in entry)
    if not isinstance(entry, dict):
        return 0
    total = len(str(entry.get("name", ""))) + len(str(entry.get("description", "")))
    if "value" in entry:
        total += len(str(entry["value"]))
    return total + _size(entry.get("options") or []) + _size(entry.get("choices") or [])


def command_errors(commands: list[dict[str, Any]]) -> list[str]:
    """Every reason Discord would refuse this list of commands (empty when it is fine)."""
    errors: list[str] = []
    chat = [c for c in commands if c.get("type", CHAT_INPUT) == CHAT_INPUT]
    if len(chat) > 100:
        errors.append(f"{len(chat)} slash commands, at most 100")
    errors += _unique_names("commands", chat)
    for command in commands:
        chat_input = command.get("type", CHAT_INPUT) == CHAT_INPUT
        where = f"/{command.get('name')}"
        errors += _localized(where, command, chat_input=chat_input)
        errors += _option_errors(where, command.get("options") or [])
        if _size(command) > 4000:
            errors.append(f"{where}: more than 4000 characters in names, descriptions and choices")
    return errors
