"""One versioned source of truth: every data change is a numbered version holding the files
themselves; a start never rolls a newer store back; history, rollback and export; two changes at the
same moment both land, in order (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path

import pytest

from barometre_data.errors import Busy
from barometre_data.store import Store
from barometre_data.versions import Versions, content_hash, hashes, plan_folder

from conftest import DATA_DIR, data_lock_held_elsewhere


def edition(year: int, base: int = 2020) -> bytes:
    """A valid new edition file: the 2020 edition moved to `year` (numbered after the others)."""
    text = (DATA_DIR / f"{base}.yaml").read_text(encoding="utf-8")
    text = text.replace(f"year: {base}", f"year: {year}", 1)
    text = text.replace("edition: 8\n", f"edition: {year - 2000}\n", 1)
    return text.encode()


def phone(content: bytes, old: int, new: int) -> bytes:
    before = f"channel: telephone, value: {old}".encode()
    assert before in content
    return content.replace(before, f"channel: telephone, value: {new}".encode())


def phone_score(knowledge, year: int = 2020) -> float:
    return next(s.value for s in knowledge.editions[year].scores if s.subject == "channel" and s.target == "telephone")


async def test_plan_folder_applies_only_what_the_folder_changed() -> None:
    base = {"2019.yaml": "a", "2020.yaml": "b"}
    current = {"2019.yaml": "a", "2020.yaml": "B-upload", "2030.yaml": "new-upload"}
    changes, conflicts = plan_folder({"2019.yaml": "a2", "2020.yaml": "b"}, base, current)
    assert changes == {"2019.yaml": "a2"} and conflicts == []
    changes, conflicts = plan_folder({"2019.yaml": "a", "2020.yaml": "b2"}, base, current)
    assert conflicts == ["2020.yaml"]
    assert plan_folder({"2020.yaml": "x"}, None, None) == ({"2020.yaml": "x"}, [])
    assert content_hash({"a": "1", "b": "2"}) == content_hash({"b": "2", "a": "1"}) != content_hash({"a": "1"})


async def test_every_change_is_a_version_with_the_files_and_a_hash(store: Store, mini_data: Path) -> None:
    versions = store.versions
    assert await versions.current() is None and await versions.current_number() == 0
    first = await versions.take_folder(mini_data)
    assert first.changed and first.version.number == 1 and first.version.origin == "folder"
    files = await versions.files()
    assert files == {"synonyms.yaml": (mini_data / "synonyms.yaml").read_bytes(),
                     "2020.yaml": (mini_data / "2020.yaml").read_bytes()}
    assert first.version.content_hash == content_hash(hashes(files))

    upload = await versions.upload("2019.yaml", (DATA_DIR / "2019.yaml").read_bytes(), author="admin 42")
    assert upload.changed and upload.version.number == 2 and upload.version.origin == "upload"
    assert upload.summary.count("edition", "added") == 1 and upload.summary.years == (2019, 2020)
    assert set(await versions.files()) == {"synonyms.yaml", "2019.yaml", "2020.yaml"}
    assert 2019 in (await store.knowledge()).editions

    same = await versions.upload("2019.yaml", (DATA_DIR / "2019.yaml").read_bytes())
    assert not same.changed and same.version.number == 2  # no change, no new version
    history = await versions.history()
    assert [v.number for v in history] == [2, 1]
    assert "upload 2019.yaml by admin 42" in history[0].line() and "(edition +1, " in history[0].line()


async def test_a_start_never_rolls_a_newer_store_back(store: Store, mini_data: Path) -> None:
    versions = store.versions
    await versions.take_folder(mini_data)
    newer = phone((mini_data / "2020.yaml").read_bytes(), 81, 88)
    assert (await versions.upload("2020.yaml", newer)).version.number == 2

    again = await versions.take_folder(mini_data)  # the folder taken in once: never again
    assert not again.changed and again.notice is None and again.version.number == 2
    assert phone_score(await store.knowledge()) == 88

    copy = mini_data.parent / "elsewhere"  # the same content at another path: the same folder
    shutil.copytree(mini_data, copy)
    assert not (await versions.take_folder(copy)).changed
    assert phone_score(await store.knowledge()) == 88


async def test_a_folder_change_to_another_year_is_taken_in_with_the_upload_kept(store: Store,
                                                                               mini_data: Path) -> None:
    versions = store.versions
    await versions.take_folder(mini_data)
    await versions.upload("2019.yaml", (DATA_DIR / "2019.yaml").read_bytes())
    path = mini_data / "2020.yaml"
    path.write_bytes(phone(path.read_bytes(), 81, 83))
    commit = await versions.take_folder(mini_data)
    assert commit.changed and commit.notice is None and commit.version.number == 3
    knowledge = await store.knowledge()
    assert phone_score(knowledge) == 83 and 2019 in knowledge.editions  # the upload is still there


async def test_a_folder_change_to_a_year_an_upload_changed_since_is_refused(store: Store, mini_data: Path) -> None:
    versions = store.versions
    await versions.take_folder(mini_data)
    path = mini_data / "2020.yaml"
    await versions.upload("2020.yaml", phone(path.read_bytes(), 81, 88))
    path.write_bytes(phone(path.read_bytes(), 81, 77))
    before = await store.dump()
    commit = await versions.take_folder(mini_data)
    assert not commit.changed and commit.version.number == 2
    line = commit.notice
    assert line is not None and "\n" not in line
    assert f"{path} changed in the folder" in line and "upload 2020.yaml (version 2" in line
    assert "barometre load" in line
    assert await store.dump() == before and phone_score(await store.knowledge()) == 88

    loaded = await versions.load_folder(mini_data)  # the operator decides: the folder as it is
    assert loaded.changed and loaded.version.origin == "load" and phone_score(await store.knowledge()) == 77


async def test_rollback_then_export_then_load_is_no_change(store: Store, mini_data: Path, tmp_path: Path) -> None:
    versions = store.versions
    await versions.take_folder(mini_data)
    await versions.upload("2020.yaml", phone((mini_data / "2020.yaml").read_bytes(), 81, 88))
    back = await versions.rollback(1)
    assert back.changed and back.version.number == 3 and back.version.detail == "to version 1"
    assert back.version.content_hash == (await versions.history())[-1].content_hash
    assert phone_score(await store.knowledge()) == 81
    with pytest.raises(LookupError):
        await versions.rollback(99)

    await versions.upload("2019.yaml", (DATA_DIR / "2019.yaml").read_bytes())
    before = await store.dump()
    info, written = await versions.export(tmp_path / "export")
    assert info.number == 4 and sorted(p.name for p in written) == ["2019.yaml", "2020.yaml", "synonyms.yaml"]
    commit = await versions.load_folder(tmp_path / "export")
    assert not commit.changed and commit.version.number == 4 and commit.summary.empty
    assert await store.dump() == before


@contextlib.asynccontextmanager
async def overlapping(barrier: asyncio.Barrier):
    """Make every data change wait at `barrier` before it takes the data lock: the changes overlap."""
    original = Versions._locked

    @contextlib.asynccontextmanager
    async def locked(self: Versions):
        await asyncio.wait_for(barrier.wait(), 10)
        async with original(self) as deadline:
            yield deadline

    Versions._locked = locked  # type: ignore[method-assign]
    try:
        yield
    finally:
        Versions._locked = original  # type: ignore[method-assign]


@pytest.mark.parametrize("stores", [1, 2], ids=["one-store", "two-stores"])
async def test_two_uploads_at_the_same_moment_both_land(store_url: str, mini_data: Path, stores: int) -> None:
    first = await Store.open(store_url, data_dir=mini_data)
    second = await Store.open(store_url, autoload=False) if stores == 2 else first
    try:
        async with overlapping(asyncio.Barrier(2)):
            a, b = await asyncio.gather(first.versions.upload("2030.yaml", edition(2030)),
                                        second.versions.upload("2031.yaml", edition(2031)))
        assert a.changed and b.changed
        assert sorted([a.version.number, b.version.number]) == [2, 3]
        later = max(a, b, key=lambda c: c.version.number)
        assert later.summary.count("edition", "added") == 1 and set(later.summary.years) >= {2020, 2030, 2031}
        assert {2020, 2030, 2031} <= set((await first.knowledge()).editions)
        assert {"2030.yaml", "2031.yaml"} <= set(await second.versions.files())
    finally:
        if second is not first:
            await second.close()
        await first.close()


async def test_a_change_behind_one_too_long_gives_up_plainly_and_changes_nothing(store_url: str, mini_data: Path) -> None:
    store = await Store.open(store_url, data_dir=mini_data)
    try:
        before = await store.versions.current()
        store.versions.lock_wait = 0.5
        async with data_lock_held_elsewhere(store):
            with pytest.raises(Busy, match="held the data lock for more than 0.5 s: nothing was changed"):
                await store.versions.upload("2030.yaml", edition(2030))
        assert await store.versions.current() == before and 2030 not in (await store.knowledge()).editions
        landed = await store.versions.upload("2030.yaml", edition(2030))  # once the other change is done
        assert landed.changed and landed.version.number == before.number + 1
    finally:
        await store.close()


async def test_a_change_waits_past_the_statement_time_limit_for_the_lock(store_url: str, mini_data: Path) -> None:
    """A change queued behind a long one waits for it (up to `lock_wait`), even beyond the database's
    time limit for one statement."""
    store = await Store.open(store_url, data_dir=mini_data, statement_timeout=1.0)
    try:
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(data_lock_held_elsewhere(store))
            waiting = asyncio.ensure_future(store.versions.upload("2030.yaml", edition(2030)))
            await asyncio.sleep(2.5)  # longer than a statement may run
            assert not waiting.done()
        commit = await asyncio.wait_for(waiting, 20)
        assert commit.changed and 2030 in (await store.knowledge()).editions
    finally:
        await store.close()


async def test_a_folder_seen_elsewhere_is_the_base_of_its_next_change(store: Store, mini_data: Path,
                                                                      tmp_path: Path) -> None:
    """Loaded from one place, started from another (a container's /app/data): the next change of the
    folder is taken in, not refused as if it undid the store."""
    versions = store.versions
    await versions.load_folder(mini_data)
    shipped = tmp_path / "image-data"
    shutil.copytree(mini_data, shipped)
    assert not (await versions.take_folder(shipped)).changed
    path = shipped / "2020.yaml"
    path.write_bytes(phone(path.read_bytes(), 81, 84))
    commit = await versions.take_folder(shipped)
    assert commit.changed and commit.notice is None and phone_score(await store.knowledge()) == 84
