"""An upload is all or nothing: the file kept in the store and the data changed in one transaction,
or neither. A failure in the middle of the change leaves the version, the stored files, the rows and
the served answers exactly as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from barometre_data.config import Settings, sqlite_url
from barometre_data.service import BarometreService


async def test_an_upload_that_fails_half_way_changes_nothing(tmp_path: Path, mini_data: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    service = await BarometreService.open(Settings(database_url=sqlite_url(tmp_path / "s.db"), data_dir=mini_data),
                                          follow=False)
    try:
        store = service.store
        version, files, rows = await store.versions.current(), await store.versions.files(), await store.dump()
        content = (mini_data / "2020.yaml").read_text(encoding="utf-8").replace(
            "channel: telephone, value: 81", "channel: telephone, value: 88").encode()
        real_import = store._import_in

        async def import_then_fail(session, result):  # the rows are written, then the disk or the server fails
            await real_import(session, result)
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(store, "_import_in", import_then_fail)
        report = await service.import_file("2020.yaml", content)
        assert not report.ok and report.errors
        assert await store.versions.current() == version
        assert await store.versions.files() == files
        assert await store.dump() == rows
        assert "81/100" in (await service.ask("score du téléphone en 2020")).text
        assert b"value: 88" not in (mini_data / "2020.yaml").read_bytes()

        monkeypatch.setattr(store, "_import_in", real_import)  # the same upload once the fault is gone
        assert (await service.import_file("2020.yaml", content)).ok
        assert "88/100" in (await service.ask("score du téléphone en 2020")).text
        assert (await store.versions.current()).number == version.number + 1
    finally:
        await service.close()
