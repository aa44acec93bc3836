"""The `barometre` command (also `python -m barometre_data`).

    barometre check [DIR]          validate the data files only (errors on stderr, exit 1)
    barometre load [DIR]           validate, then import into the store; print what changed
    barometre facts [--year YYYY]  what the store holds, edition by edition
    barometre data history         the data versions (newest first)
    barometre data rollback N      a new version holding the files of version N
    barometre data export DIR      the current version's files, as a data folder
    barometre db upgrade|current   migrate the schema (as every start does) / show its revision
    barometre ask "QUESTION" [--json]   one answer
    barometre chat [--json]        a conversation (one question per line when stdin is not a terminal)

A subcommand is one entry of `SUBCOMMANDS`: a help line, a function adding its arguments, and a
function `run(args, settings) -> int` (plain or async) returning the exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import inspect
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


from .config import Settings, async_database_url
from .errors import StartupError, check_log_level
from .knowledge import Count, Edition, Knowledge, Score, TextList
from .loader import VOCABULARY_FILE, DataErrors, LoadResult, load_dir
from . import chat, migrate
from .store import ChangeSummary, Store
from .texts import texts


@dataclass(frozen=True)
class Subcommand:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Settings], int | Awaitable[int]]


def _print_errors(result: LoadResult) -> None:
    for error in result.errors:
        print(error, file=sys.stderr)
    n = len(result.errors)
    print(f"{n} error{'s' if n > 1 else ''}; nothing was changed.", file=sys.stderr)


def _directory_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", type=Path,
                        help="the data folder (default: BAROMETRE_DATA_DIR, else <project>/data)")


def _lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the output")


# --------------------------------------------------------------------------- check

def check(args: argparse.Namespace, settings: Settings) -> int:
    directory = args.directory or settings.data_dir
    result = load_dir(directory)
    if not result.ok:
        _print_errors(result)
        return 1
    years = result.years
    print(f"{directory}: OK ({VOCABULARY_FILE} and {len(years)} edition files: {', '.join(map(str, years))})")
    return 0


# --------------------------------------------------------------------------- load

def _configure_load(parser: argparse.ArgumentParser) -> None:
    _directory_argument(parser)
    _lang_argument(parser)
    parser.add_argument("--all", action="store_true", help="list every change (default: the first 10 of each kind)")


async def load(args: argparse.Namespace, settings: Settings) -> int:
    directory = args.directory or settings.data_dir
    result = await asyncio.to_thread(load_dir, directory)
    if not result.ok:
        _print_errors(result)
        return 1
    store = await Store.open(settings.database_url, autoload=False)
    try:
        commit = await store.versions.load_folder(directory, result)
    finally:
        await store.close()
    summary = commit.summary if commit.changed and commit.summary is not None else ChangeSummary()
    if not commit.changed and commit.summary is not None:
        summary = ChangeSummary((), commit.summary.years)
    print(summary.render(args.lang, limit=None if args.all else 10))
    if commit.version is not None:
        print(texts("reload", args.lang)["version"].format(number=commit.version.number,
                                                           hash=commit.version.short_hash))
    return 0


# --------------------------------------------------------------------------- data versions

def _configure_data(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    history = actions.add_parser("history", help="the data versions, newest first")
    history.add_argument("--limit", type=int, default=None, help="only the newest N")
    rollback = actions.add_parser("rollback", help="make a new version holding the files of an earlier one")
    rollback.add_argument("version", type=int, help="the version number (see `barometre data history`)")
    _lang_argument(rollback)
    export = actions.add_parser("export", help="write the current version's files into a folder")
    export.add_argument("directory", type=Path, help="the folder to write (created if needed)")


async def data(args: argparse.Namespace, settings: Settings) -> int:
    store = await Store.open(settings.database_url, autoload=False)
    try:
        versions = store.versions
        if args.action == "history":
            rows = await versions.history(args.limit)
            if not rows:
                print("no data version yet (`barometre load` makes the first)", file=sys.stderr)
                return 1
            print("   #  created (UTC)        hash        what")
            for info in rows:
                print(info.line())
            return 0
        if args.action == "rollback":
            try:
                commit = await versions.rollback(args.version)
            except LookupError as exc:
                print(f"barometre: {exc} (see `barometre data history`)", file=sys.stderr)
                return 1
            summary = commit.summary if commit.changed and commit.summary is not None else ChangeSummary()
            print(summary.render(args.lang))
            if commit.version is not None:
                print(texts("reload", args.lang)["version"].format(number=commit.version.number,
                                                                   hash=commit.version.short_hash))
            return 0
        exported, written = await versions.export(args.directory)
        if exported is None:
            print("no data version yet: nothing to export", file=sys.stderr)
            return 1
        print(f"{exported.label()}: {len(written)} files written to {args.directory}")
        return 0
    finally:
        await store.close()


# --------------------------------------------------------------------------- facts



def _ordinal(n: int, lang: str) -> str:
    if lang == "en":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    else:
        suffix = "re" if n == 1 else "e"
    return texts("facts", lang)["edition"].format(n=n, suffix=suffix)


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def _hosts(sources: tuple[str, ...]) -> str:
    """The sites a fact comes from, in short: "[saumur-kiosque.com, afnor.org]"."""
    hosts = dict.fromkeys(urlsplit(url).netloc.removeprefix("www.") for url in sources)
    return f" [{', '.join(hosts)}]" if hosts else ""


def _score_line(score: Score, knowledge: Knowledge, lang: str) -> str:
    words, vocabulary = texts("facts", lang), knowledge.vocabulary
    terms = {"channel": vocabulary.channels, "kind": vocabulary.kinds}.get(score.subject, vocabulary.subjects)
    key = score.target if score.target is not None else score.subject
    term = terms.get(key)
    name = term.label(lang) if term else key
    if score.subject in ("channel", "kind", "structure"):
        name = f"{words[score.subject]} {name}"
    if score.subject == "structure" and score.channel:
        channel = vocabulary.channels.get(score.channel)
        name += f" · {words['channel']} {channel.label(lang) if channel else score.channel}"
    parts = []
    if score.value is not None:
        parts.append((f"{words['approx']} " if score.approx else "") + _number(score.value, lang)
                     + ("/100" if score.unit == "/100" else " %"))
    if score.change is not None:
        parts.append(f"{'+' if score.change > 0 else ''}{_number(score.change, lang)}")
    if score.trend:
        parts.append(words["trends"].get(score.trend, score.trend))
    if score.standing:
        parts.append(words[score.standing])
    if score.derived:
        parts.append(f"{words['derived']} : {score.rule}" if lang == "fr"
                     else f"{words['derived']}: {score.rule_en or score.rule}")
    note = score.note_en if lang == "en" and score.note_en else score.note
    if note and score.value is None:
        parts.append(note)
    return f"{name}: {', '.join(parts)}" if lang == "en" else f"{name} : {', '.join(parts)}"


def render_edition(edition: Edition, knowledge: Knowledge, lang: str = "fr") -> str:
    """A readable listing of one edition (for `barometre facts`)."""
    words = texts("facts", lang)
    sep = ": " if lang == "en" else " : "
    head = f"{edition.year}"
    if edition.number:
        head += f" · {_ordinal(edition.number, lang)}"
    lines = [f"{head} · {edition.name}"]

    def line(label: str, text: str, indent: str = "  ") -> None:
        lines.append(f"{indent}{label}{sep}{text}")

    completeness_note = edition.completeness_note_en if lang == "en" and edition.completeness_note_en \
        else edition.completeness_note
    line(words["completeness"], edition.completeness + (f" ({completeness_note})" if completeness_note else ""))
    for key in ("published", "presentation"):
        event = getattr(edition, key)
        if event is not None:
            note = event.note_en if lang == "en" and event.note_en else event.note
            line(words[key], " · ".join(x for x in (event.date, event.place, note) if x))
    for key in ("structures_audited", "audits_per_structure", "mystery_citizens", "criteria_count",
                "laureates_count"):
        count: Count | None = getattr(edition, key)
        if count is not None:
            line(words[key], f"{count.value}" + (f" ({count.change})" if count.change else "")
                 + (f" [{words['derived']}{sep}{count.rule_en if lang == 'en' and count.rule_en else count.rule}]"
                    if count.derived else ""))
    for key in ("audit_periods", "channels", "determinants"):
        items: TextList | None = getattr(edition, key)
        if items is None:
            continue
        values = items.values_en if lang == "en" and items.values_en else items.values
        if key == "channels":
            values = tuple(knowledge.vocabulary.channels[v].label(lang) if v in knowledge.vocabulary.channels
                           else v for v in values)
        line(words[key], ", ".join(values))
    if edition.scores:
        line(words["scores"], str(len(edition.scores)))
        for score in edition.scores:
            lines.append(f"    {_score_line(score, knowledge, lang)}{_hosts(score.sources)}")
    if edition.awards:
        line(words["awards"], str(len(edition.awards)))
        for award in edition.awards:
            category = knowledge.vocabulary.categories.get(award.category) if award.category else None
            label = (award.category_label if lang == "fr" and award.category_label
                     else category.label(lang) if category else words["no_category"])
            where = award.structure.department or award.structure.region
            text = award.structure.name + (f" ({where})" if where else "")
            if award.rank:
                text += f", {words['rank']} {award.rank}"
                if award.derived:
                    rule = award.rule_en if lang == "en" and award.rule_en else award.rule
                    text += f" [{words['derived']}{sep}{rule}]"
            if award.mention:
                text += f", {words['mention']} « {award.mention} »" if lang == "fr" \
                    else f", {words['mention']} \"{award.mention}\""
            lines.append(f"    {label}{sep}{text}{_hosts(award.sources)}")
    if edition.facts:
        line(words["facts"], str(len(edition.facts)))
        for fact in edition.facts:
            lines.append(f"    • {fact.en if lang == 'en' and fact.en else fact.text}{_hosts(fact.sources)}")
    gaps = edition.gaps_en if lang == "en" and edition.gaps_en else edition.gaps
    if gaps:
        line(words["gaps"], " ; ".join(gaps) if lang == "fr" else "; ".join(gaps))
    return "\n".join(lines)


def _configure_facts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="only this edition")
    _lang_argument(parser)


async def facts(args: argparse.Namespace, settings: Settings) -> int:
    store = await Store.from_settings(settings)
    try:
        knowledge = await store.knowledge()
    finally:
        await store.close()
    words = texts("facts", args.lang)
    if not knowledge.editions:
        print(words["none"], file=sys.stderr)
        return 1
    if args.year is not None and args.year not in knowledge.editions:
        print(words["unknown_year"].format(year=args.year, years=", ".join(map(str, knowledge.years))),
              file=sys.stderr)
        return 1
    years = [args.year] if args.year is not None else knowledge.years
    print("\n\n".join(render_edition(knowledge.editions[y], knowledge, args.lang) for y in years))
    return 0


# --------------------------------------------------------------------------- db

def _configure_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("upgrade", "current"),
                        help="upgrade: bring the schema to the newest revision (also done at every start); "
                             "current: print the database's revision and the newest one")


async def db(args: argparse.Namespace, settings: Settings) -> int:
    store = await Store.open(settings.database_url, autoload=False, upgrade=args.action == "upgrade")
    try:
        revision = await store.schema_revision()
    finally:
        await store.close()
    newest = migrate.head()
    if args.action == "current":
        state = "newest" if revision == newest else f"newest is {newest}"
        print(f"schema revision: {revision or 'none'} ({state})")
        return 0 if revision == newest else 1
    if store.migrated:
        print(f"schema upgraded to {revision} (applied: {', '.join(store.migrated)})")
    else:
        print(f"schema already at the newest revision ({revision})")
    return 0


# --------------------------------------------------------------------------- entry point

SUBCOMMANDS: dict[str, Subcommand] = {
    "check": Subcommand("validate the data files without importing them", _directory_argument, check),
    "load": Subcommand("validate the data files and import them into the store", _configure_load, load),
    "facts": Subcommand("list what the store holds, edition by edition", _configure_facts, facts),
    "data": Subcommand("data versions: history, rollback VERSION, export DIR", _configure_data, data),
    "db": Subcommand("the database schema: upgrade it (as every start does) or show its revision",
                     _configure_db, db),
    "ask": Subcommand("answer one question", chat.configure_ask, chat.ask),
    "chat": Subcommand("a conversation on the terminal (one question per line when piped)",
                       chat.configure_chat, chat.chat_command),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="barometre",
                                     description="Data and questions about AFNOR's baromètre de l'expérience citoyen.")
    parser.add_argument("--database-url", help="the store (default: DATABASE_URL, else barometre.db)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in SUBCOMMANDS.items():
        command.configure(commands.add_parser(name, help=command.help, description=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.database_url:
            settings = dataclasses.replace(settings, database_url=async_database_url(args.database_url))
        level = check_log_level(settings.log_level)
    except StartupError as exc:  # a malformed setting: one line naming it
        print(f"barometre: {exc}", file=sys.stderr)
        return exc.exit_status
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)  # our own line says what migrated
    try:
        status = SUBCOMMANDS[args.command].run(args, settings)
        if inspect.isawaitable(status):
            status = asyncio.run(_finish(status))
    except DataErrors as exc:  # e.g. the automatic first fill met a bad data file
        for error in exc.errors:
            print(error, file=sys.stderr)
        return 1
    except StartupError as exc:  # a setting or the database: one line, no traceback
        print(f"barometre: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:  # Ctrl-C during a command
        print("barometre: interrupted", file=sys.stderr)
        return 130
    return int(status)


async def _finish(status: Awaitable[int]) -> int:
    return await status
