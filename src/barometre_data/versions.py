"""Data versions: the store keeps the data files themselves, and every change of the data is a
numbered version with a content hash, made in one serialised transaction.

    versions = store.versions
    info = await versions.current()                      # VersionInfo (number, hash...) or None
    commit = await versions.take_folder(Path("data"))    # at start: what changed in data/, if safe
    commit = await versions.load_folder(Path("data"))    # `barometre load`: exactly that folder
    commit = await versions.upload("2023.yaml", content) # an edition file (or synonyms.yaml)
    commit = await versions.rollback(12)                 # the files of version 12, as a new version
    files = await versions.files()                       # {name: bytes} of the current version

A change takes the data lock (a PostgreSQL advisory lock; a file lock beside a SQLite file), reads
the current version, validates the new set of files against it, imports it, writes the version and
tells every process (PostgreSQL NOTIFY; SQLite processes check the version on a timer), all in one
transaction: two changes at the same moment both land, one after the other.

A start never rolls a newer store back: a folder whose content was taken in once is never taken in
again; a folder's change to a file that an upload (or a rollback) changed since the folder was last
taken in is refused with one line naming both, and the operator decides (`barometre load DIR`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, LargeBinary, text
from sqlmodel import Field, SQLModel, col, delete, select

from .errors import Busy
from .loader import SPECIAL_FILES, DataError, LoadResult, load_dir, validate_files, validate_upload

if TYPE_CHECKING:
    from .store import ChangeSummary, Store

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "barometre_data"
LOCK_KEY = 0x6261726F_6D657472 & 0x7FFFFFFFFFFFFFFF  # "barometr": the data lock (pg_advisory_xact_lock)
DATA_LOCK_WAIT = 120.0  # seconds a change waits for another one to finish before it gives up (Busy)
STORE_LABEL = Path("store")  # what validation errors of the store's own files are relative to


# --------------------------------------------------------------------------- tables

class DataVersion(SQLModel, table=True):
    """One version of the data: the files it is made of, by content hash."""

    __tablename__ = "data_version"

    id: int = Field(primary_key=True)  # the version number: 1, 2, 3...
    created_at: datetime  # UTC
    origin: str  # folder (a start or /recharger) / load (`barometre load`) / upload / rollback
    detail: str | None = None  # the folder, the uploaded file, the version rolled back to
    content_hash: str  # sha256 of the files' names and contents
    files: dict[str, str] = Field(default_factory=dict, sa_type=JSON)  # file name -> DataBlob hash
    summary: str | None = None  # what changed, in a few words (English)


class DataBlob(SQLModel, table=True):
    """The content of a data file, by its sha256."""

    __tablename__ = "data_blob"

    hash: str = Field(primary_key=True)
    content: bytes = Field(sa_type=LargeBinary)


class DataFolder(SQLModel, table=True):
    """A data folder's content that was taken in (at a start, /recharger or `barometre load`)."""

    __tablename__ = "data_folder"

    hash: str = Field(primary_key=True)  # content hash of the folder's files
    path: str = Field(primary_key=True)  # where it was read (one row per place the content was seen)
    files: dict[str, str] = Field(default_factory=dict, sa_type=JSON)  # file name -> DataBlob hash
    version: int  # the store's version once it was taken in
    seen_at: datetime  # UTC


class ServingProcess(SQLModel, table=True):
    """A running process following the store (a bot, `barometre chat`) and the data version it serves,
    refreshed every few seconds (for /stats)."""

    __tablename__ = "serving_process"

    name: str = Field(primary_key=True)  # host:pid:tag
    shards: str | None = None  # the Discord shards it serves ("0, 1"), None when it is no bot
    version: int = 0  # the data version it serves
    started_at: datetime  # UTC
    seen_at: datetime = Field(index=True)  # UTC, last report


VERSION_TABLES = [DataVersion, DataBlob, DataFolder, ServingProcess]


# --------------------------------------------------------------------------- hashes

def blob_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def content_hash(files: Mapping[str, str]) -> str:
    """The hash of a set of files given as name -> blob hash."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{files[name]}\n".encode())
    return digest.hexdigest()


def hashes(files: Mapping[str, bytes]) -> dict[str, str]:
    return {name: blob_hash(content) for name, content in files.items()}


# --------------------------------------------------------------------------- what callers get

@dataclass(frozen=True)
class VersionInfo:
    number: int
    content_hash: str
    created_at: datetime
    origin: str
    detail: str | None = None
    summary: str | None = None

    @property
    def short_hash(self) -> str:
        return self.content_hash[:10]

    def label(self) -> str:
        """e.g. 'version 12 (3f2a9c01d4)'"""
        return f"version {self.number} ({self.short_hash})"

    def line(self) -> str:
        """One line of `barometre data history`."""
        when = self.created_at.strftime("%Y-%m-%d %H:%M:%S")
        what = self.origin + (f" {self.detail}" if self.detail else "")
        return f"{self.number:>4}  {when}  {self.short_hash}  {what}" + (f"  ({self.summary})" if self.summary else "")


@dataclass(frozen=True)
class Commit:
    """What a data change did: the version now current, and the change it made (None: nothing)."""

    version: VersionInfo | None
    summary: ChangeSummary | None = None
    changed: bool = False
    notice: str | None = None  # a folder not taken in, and why (one line)


class Refused(Exception):
    """A change that would undo a newer one (one line saying what and what to do)."""


def as_utc(moment: datetime) -> datetime:
    """A time read back from the store, in UTC (SQLite gives it back without its time zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _info(row: DataVersion) -> VersionInfo:
    created = as_utc(row.created_at)
    return VersionInfo(row.id, row.content_hash, created, row.origin, row.detail, row.summary)


@dataclass(frozen=True)
class _Proposal:
    result: LoadResult  # validated
    files: dict[str, bytes]  # the new version's files, by name
    origin: str
    detail: str | None


@dataclass(frozen=True)
class _Current:
    version: VersionInfo | None
    files: dict[str, bytes]  # the current version's files (empty before the first version)
    manifest: dict[str, str]  # name -> hash


# --------------------------------------------------------------------------- planning a folder

def plan_folder(folder: Mapping[str, str], base: Mapping[str, str] | None,
                current: Mapping[str, str] | None) -> tuple[dict[str, str | None], list[str]]:
    """What a folder brings, as name -> new hash (None: removed), and the names in conflict.

    `base` is the folder's content when it was last taken in (None: never), `current` the store's
    files (None: a store that predates versions). The folder's changes since `base` are applied to
    `current`, unless the store changed that file since in another way (an upload, a rollback).
    """
    base = base or {}
    changed = {name: folder.get(name) for name in set(folder) | set(base) if folder.get(name) != base.get(name)}
    if current is None:
        return changed, []
    conflicts = sorted(name for name, new in changed.items()
                       if current.get(name) != base.get(name) and current.get(name) != new)
    return changed, conflicts


# --------------------------------------------------------------------------- the data lock

class _FileLock:
    """An exclusive lock on a file beside a SQLite database (between processes), taken without
    blocking the event loop."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.asynccontextmanager
    async def held(self, deadline: float, waited: float, poll: float = 0.02) -> AsyncIterator[None]:
        """Held until the block ends; Busy if another process still holds it at `deadline` (monotonic)."""
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise _busy(waited) from None
                    await asyncio.sleep(poll)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _busy(waited: float) -> Busy:
    return Busy(f"another data change (an upload, a reload or `barometre load`, maybe in another process) "
                f"has held the data lock for more than {waited:g} s: nothing was changed; try again in a minute")


async def _pg_data_lock(session: Any, deadline: float, waited: float) -> None:
    """The data lock of this transaction on PostgreSQL (released at its end). Tried rather than waited
    for, so the wait is bounded by `deadline` and not cut by the statement time limit."""
    connection = await session.connection()
    pause = 0.05
    while not (await connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY})).scalar():
        if time.monotonic() >= deadline:
            raise _busy(waited)
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)


def sqlite_file(store: Store) -> Path | None:
    database = store.engine.url.database
    if store.engine.dialect.name != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    return Path(database).expanduser()


# --------------------------------------------------------------------------- the versioned data

class Versions:
    """The data's versions in one store (`store.versions`)."""

    def __init__(self, store: Store, lock_wait: float = DATA_LOCK_WAIT) -> None:
        self.store = store
        self.lock_wait = lock_wait  # seconds a change waits for the data lock, then Busy
        self._local = asyncio.Lock()  # changes from this process, one at a time
        database = sqlite_file(store)
        self._file_lock = _FileLock(database.with_name(database.name + ".lock")) if database else None

    @property
    def postgres(self) -> bool:
        return self.store.engine.dialect.name == "postgresql"

    # ---- reading

    async def current(self) -> VersionInfo | None:
        async with self.store._sessions() as session:
            row = (await session.exec(select(DataVersion).order_by(col(DataVersion.id).desc()).limit(1))).first()
        return _info(row) if row else None

    async def current_number(self) -> int:
        """The current version number (0 before the first): what processes check to follow the store."""
        async with self.store._sessions() as session:
            number = (await session.exec(select(DataVersion.id).order_by(col(DataVersion.id).desc()).limit(1))).first()
        return number or 0

    async def history(self, limit: int | None = None) -> list[VersionInfo]:
        """The versions, newest first."""
        async with self.store._sessions() as session:
            query = select(DataVersion).order_by(col(DataVersion.id).desc())
            rows = (await session.exec(query.limit(limit) if limit else query)).all()
        return [_info(row) for row in rows]

    async def files(self, number: int | None = None) -> dict[str, bytes]:
        """The files of a version (default: the current one), by name; {} before the first version."""
        async with self.store._sessions() as session:
            query = select(DataVersion)
            query = query.where(DataVersion.id == number) if number is not None \
                else query.order_by(col(DataVersion.id).desc()).limit(1)
            row = (await session.exec(query)).first()
            if row is None:
                if number is not None:
                    raise LookupError(f"no version {number}")
                return {}
            return await _blobs(session, row.files)

    async def export(self, directory: Path) -> tuple[VersionInfo | None, list[Path]]:
        """Write the current version's files into `directory` (as edition files + synonyms.yaml)."""
        async with self.store._sessions() as session:
            row = (await session.exec(select(DataVersion).order_by(col(DataVersion.id).desc()).limit(1))).first()
            files = await _blobs(session, row.files) if row else {}
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in sorted(files.items()):
            path = directory / name
            path.write_bytes(content)
            written.append(path)
        return (_info(row) if row else None), written

    # ---- the processes serving the data

    async def report_serving(self, name: str, shards: str | None, version: int, started_at: datetime) -> None:
        now = datetime.now(UTC)
        async with self.store._sessions() as session, session.begin():
            row = await session.get(ServingProcess, name)
            if row is None:
                session.add(ServingProcess(name=name, shards=shards, version=version,
                                           started_at=started_at, seen_at=now))
            else:
                row.shards, row.version, row.seen_at = shards, version, now
            await session.exec(delete(ServingProcess).where(col(ServingProcess.seen_at) < now - timedelta(days=1)))

    async def forget_serving(self, name: str) -> None:
        async with self.store._sessions() as session, session.begin():
            await session.exec(delete(ServingProcess).where(col(ServingProcess.name) == name))

    async def serving(self, within: float = 30.0) -> list[ServingProcess]:
        """The processes that reported in the last `within` seconds, by name."""
        since = datetime.now(UTC) - timedelta(seconds=within)
        async with self.store._sessions() as session:
            rows = (await session.exec(select(ServingProcess).where(ServingProcess.seen_at >= since)
                                       .order_by(ServingProcess.name))).all()
        return list(rows)

    # ---- changing

    async def take_folder(self, directory: Path) -> Commit:
        """At a start (or /recharger): take in what changed in the data folder, unless it was taken in
        already or it would undo a newer change; the refusal is the commit's notice (one line)."""
        directory = Path(directory)
        result = await asyncio.to_thread(load_dir, directory)
        folder = _by_name(result.files or {})
        folder_hashes = hashes(folder)
        folder_hash = content_hash(folder_hashes)
        path = str(directory.resolve())

        def propose(current: _Current, seen: DataFolder | None, base: DataFolder | None,
                    history: list[DataVersion]) -> _Proposal | None:
            if seen is not None:
                return None
            result.raise_for_errors()
            changes, conflicts = plan_folder(folder_hashes, base.files if base else None,
                                             current.manifest if current.version else None)
            if conflicts:
                raise Refused(_conflict_line(directory, conflicts, history, base))
            files = dict(current.files) if current.version else {}
            for name, new in changes.items():
                if new is None:
                    files.pop(name, None)
                else:
                    files[name] = folder[name]
            checked = validate_files(STORE_LABEL, files) if files != folder else result
            return _Proposal(checked, files, "folder", path)

        return await self._change(propose, folder=(path, folder_hash, folder_hashes), check_seen=True)

    async def load_folder(self, directory: Path, result: LoadResult | None = None) -> Commit:
        """`barometre load`: the store holds exactly the folder's files (the operator's decision)."""
        directory = Path(directory)
        if result is None:
            result = await asyncio.to_thread(load_dir, directory)
        result.raise_for_errors()
        folder = _by_name(result.files or {})
        folder_hashes = hashes(folder)
        path = str(directory.resolve())

        def propose(current: _Current, *_: Any) -> _Proposal:
            return _Proposal(result, folder, "load", path)

        return await self._change(propose, folder=(path, content_hash(folder_hashes), folder_hashes))

    async def upload(self, name: str, content: bytes, author: str | None = None) -> Commit:
        """An uploaded data file, checked with the store's current files (it takes the place of the file
        of the same year)."""
        def propose(current: _Current, *_: Any) -> _Proposal:
            result = validate_upload(STORE_LABEL, current.files, name, content)
            result.raise_for_errors()
            target = Path(result.target).name if result.target else Path(name).name
            files = {n: c for n, c in current.files.items() if n not in _replaced(current.files, result)}
            files[target] = content
            detail = target + (f" (as {Path(name).name})" if Path(name).name != target else "") \
                + (f" by {author}" if author else "")
            return _Proposal(result, files, "upload", detail)

        return await self._change(propose)

    async def rollback(self, number: int) -> Commit:
        """A new version holding the files of version `number`."""
        async with self.store._sessions() as session:
            row = await session.get(DataVersion, number)
            if row is None:
                raise LookupError(f"no version {number}")
            old = await _blobs(session, row.files)

        def propose(current: _Current, *_: Any) -> _Proposal:
            result = validate_files(STORE_LABEL, old)
            result.raise_for_errors()
            return _Proposal(result, dict(old), "rollback", f"to version {number}")

        return await self._change(propose)

    # ---- the one transaction

    @contextlib.asynccontextmanager
    async def _locked(self) -> AsyncIterator[float]:
        """This process's turn, and the file lock on SQLite; yields the deadline (monotonic) for the
        rest of the wait (PostgreSQL's lock is taken in the transaction). Busy past `lock_wait`."""
        deadline = time.monotonic() + self.lock_wait
        try:
            await asyncio.wait_for(self._local.acquire(), self.lock_wait)
        except TimeoutError:
            raise _busy(self.lock_wait) from None
        try:
            if self._file_lock is None:
                yield deadline
            else:
                async with self._file_lock.held(deadline, self.lock_wait):
                    yield deadline
        finally:
            self._local.release()

    async def _change(self, propose: Callable[..., _Proposal | None], *,
                      folder: tuple[str, str, dict[str, str]] | None = None, check_seen: bool = False) -> Commit:
        """One transaction under the data lock: `propose(current, seen, base, history)` (run in a worker)
        gives the new files, validated, or None (nothing to do), or raises Refused / DataErrors.
        `folder` (path, hash, files) is a data folder being taken in: remembered, whatever happens."""
        folder_path, folder_hash = (folder[0], folder[1]) if folder else (None, None)
        store = self.store
        async with self._locked() as deadline, store._sessions() as session, session.begin():
            if self.postgres:
                await _pg_data_lock(session, deadline, self.lock_wait)
            row = (await session.exec(select(DataVersion).order_by(col(DataVersion.id).desc()).limit(1))).first()
            current_files = await _blobs(session, row.files) if row else {}
            current = _Current(_info(row) if row else None, current_files, dict(row.files) if row else {})
            seen = (await session.exec(select(DataFolder).where(DataFolder.hash == folder_hash).limit(1))).first() \
                if check_seen else None
            base = None
            if folder_path:  # the folder as last taken in from this place (else from anywhere)
                latest = select(DataFolder).order_by(col(DataFolder.seen_at).desc()).limit(1)
                base = (await session.exec(latest.where(DataFolder.path == folder_path))).first() \
                    or (await session.exec(latest)).first()
            history = (await session.exec(select(DataVersion).order_by(col(DataVersion.id).desc()))).all() \
                if folder_path and row else []
            try:
                proposal = await asyncio.to_thread(propose, current, seen, base, list(history))
            except Refused as exc:
                return Commit(current.version, notice=str(exc))
            if proposal is None:
                await _remember(session, folder, current.version)
                return Commit(current.version)
            new_hashes = hashes(proposal.files)
            new_hash = content_hash(new_hashes)
            summary = await store._import_in(session, proposal.result)
            now = datetime.now(UTC)
            version = current.version
            changed = row is None or new_hash != row.content_hash or not summary.empty
            if changed:
                contents = {digest: proposal.files[name] for name, digest in new_hashes.items()}
                for digest, content in contents.items():
                    if await session.get(DataBlob, digest) is None:
                        session.add(DataBlob(hash=digest, content=content))
                number = (row.id if row else 0) + 1
                new_row = DataVersion(id=number, created_at=now, origin=proposal.origin, detail=proposal.detail,
                                      content_hash=new_hash, files=new_hashes, summary=_short(summary))
                session.add(new_row)
                version = _info(new_row)
                await session.flush()
                if self.postgres:
                    await (await session.connection()).execute(text("SELECT pg_notify(:channel, :payload)"),
                                                               {"channel": NOTIFY_CHANNEL, "payload": str(number)})
            await _remember(session, folder, version)
        if changed:
            log.info("data %s: %s, %s", version.label() if version else "?", proposal.origin,
                     summary.render("en", limit=0).replace("\n", "; "))  # counts: one short line
        return Commit(version, summary, changed)


# --------------------------------------------------------------------------- helpers

async def _remember(session: Any, folder: tuple[str, str, dict[str, str]] | None, version: VersionInfo | None) -> None:
    """Remember a data folder's content where it was read: never taken in again, the base of the next."""
    if folder is None:
        return
    path, digest, files = folder
    now = datetime.now(UTC)
    existing = await session.get(DataFolder, (digest, path))
    if existing is None:
        session.add(DataFolder(hash=digest, path=path, files=files, version=version.number if version else 0,
                               seen_at=now))
    else:
        existing.seen_at = now

async def _blobs(session: Any, manifest: Mapping[str, str]) -> dict[str, bytes]:
    if not manifest:
        return {}
    rows = (await session.exec(select(DataBlob).where(col(DataBlob.hash).in_(set(manifest.values()))))).all()
    contents = {row.hash: row.content for row in rows}
    return {name: contents[digest] for name, digest in manifest.items()}


def _by_name(files: Mapping[str, bytes]) -> dict[str, bytes]:
    return {Path(label).name: content for label, content in files.items()}


def _replaced(files: Mapping[str, bytes], result: LoadResult) -> set[str]:
    """The store's files an upload takes the place of (those no longer among the validated editions)."""
    kept = {Path(label).name for label, _ in result.editions} | set(SPECIAL_FILES)
    return {name for name in files if name not in kept}


def _short(summary: ChangeSummary) -> str:
    if summary.empty:
        return "no change"
    counts: dict[str, int] = {}
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for change in summary.changes:
        key = f"{change.kind} {marks.get(change.action, '?')}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{key}{n}" for key, n in counts.items())  # e.g. "edition +1, score ~2"


def _conflict_line(directory: Path, names: list[str], history: list[DataVersion], base: DataFolder | None) -> str:
    """One line: the folder's file(s), the newer version that changed them, what the operator can do."""
    since = base.version if base else 0
    parts = []
    for name in names:
        newer = _last_change_of(name, history, since)
        by = f"{newer.origin}" + (f" {newer.detail}" if newer.detail else "") \
            + f" (version {newer.id}, {newer.created_at:%Y-%m-%d %H:%M})" if newer else "a newer version"
        parts.append(f"{directory / name} changed in the folder, but {by} changed {name} since")
    return ("; ".join(parts) + f": folder not taken in, the store keeps serving its version "
            f"(`barometre load {directory}` takes the folder, `barometre data export DIR` writes the store's files)")


def _last_change_of(name: str, history: list[DataVersion], since: int) -> DataVersion | None:
    """The newest version after `since` that changed file `name` (history is newest first)."""
    for newer, older in zip(history, history[1:] + [None]):
        if newer.id <= since:
            return None
        if older is None or newer.files.get(name) != older.files.get(name):
            return newer
    return None


__all__ = ["Commit", "DataBlob", "DataError", "DataFolder", "DataVersion", "Refused", "ServingProcess", "VERSION_TABLES",
           "VersionInfo", "Versions", "plan_folder"]
