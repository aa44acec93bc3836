"""The service front-ends talk to: it follows data/, refuses bad data without losing anything, and
answers autocomplete from memory."""

from __future__ import annotations

from pathlib import Path

from barometre_data.config import Settings, sqlite_url
from barometre_data.service import BarometreService


def settings_for(tmp_path: Path, data: Path) -> Settings:
    return Settings(database_url=sqlite_url(tmp_path / "store.db"), data_dir=data)


async def open_service(tmp_path: Path, data: Path) -> BarometreService:
    return await BarometreService.open(settings_for(tmp_path, data), log_queries=True)


async def test_a_restart_picks_up_what_changed_in_data(tmp_path, mini_data):
    service = await open_service(tmp_path, mini_data)
    assert "81" in (await service.ask("score du téléphone")).text
    await service.close()
    path = mini_data / "2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("channel: telephone, value: 81",
                                                            "channel: telephone, value: 82"), encoding="utf-8")
    service = await open_service(tmp_path, mini_data)
    try:
        assert "82" in (await service.ask("score du téléphone")).text
    finally:
        await service.close()


async def test_a_restart_with_broken_data_keeps_serving_the_store(tmp_path, mini_data):
    service = await open_service(tmp_path, mini_data)
    await service.close()
    (mini_data / "2020.yaml").write_text("year: [unclosed", encoding="utf-8")
    service = await open_service(tmp_path, mini_data)
    try:
        answer = await service.ask("qui a gagné chez les interco en 2020 ?")
        assert answer.found and "Besançon" in answer.text
    finally:
        await service.close()


async def test_a_bad_upload_is_refused_with_its_errors_and_the_old_data_still_answers(tmp_path, mini_data):
    service = await open_service(tmp_path, mini_data)
    try:
        bad = (mini_data / "2020.yaml").read_text(encoding="utf-8").replace(
            "category: services-sociaux", "category: sociau", 1).encode()
        report = await service.import_file("2020.yaml", bad)
        assert not report.ok
        assert any('unknown category "sociau"' in e and "services-sociaux" in e for e in report.errors)
        assert "Saumur" in (await service.ask("qui a gagné dans la catégorie sociaux ?")).text
        assert b"sociau\n" not in (mini_data / "2020.yaml").read_bytes()
    finally:
        await service.close()


async def test_a_good_upload_is_served_and_kept_in_the_store_not_in_data(tmp_path, mini_data):
    service = await open_service(tmp_path, mini_data)
    try:
        new = (Path(__file__).resolve().parents[1] / "data" / "2019.yaml").read_bytes()
        report = await service.import_file("2019.yaml", new)
        assert report.ok and not report.summary.empty and report.version.number == 2
        assert not (mini_data / "2019.yaml").exists()  # data/ may be read-only: the store keeps the file
        assert "68" in (await service.ask("score global en 2019")).text
        assert (await service.store.versions.files())["2019.yaml"] == new
    finally:
        await service.close()
    service = await open_service(tmp_path, mini_data)  # a restart with the same data/ keeps the upload
    try:
        assert "68" in (await service.ask("score global en 2019")).text and service.version.number == 2
    finally:
        await service.close()


async def test_autocomplete_comes_from_memory_and_a_typed_value_is_resolved_again(tmp_path, mini_data):
    service = await open_service(tmp_path, mini_data)
    try:
        choices = service.choices("category", "soc", "fr")
        assert choices and choices[0][1] == "services-sociaux" and len(choices) <= 25
        assert all(len(label) <= 100 for label, _ in service.choices("category", "", "fr"))
        assert service.resolve("category", "interco") == "intercommunalites"
        assert service.resolve("channel", "telephonne") == "telephone"
        assert service.resolve("channel", "non certifiées") == "non-certified"
        assert service.resolve("year", "2020") == "2020"
        assert service.resolve("year", "1999") is None
    finally:
        await service.close()


async def test_questions_are_logged_for_the_stats(tmp_path, mini_data):
    service = await open_service(tmp_path, mini_data)
    try:
        await service.ask("score du téléphone")
        await service.ask("quel temps fait-il ?")
        await service.ask("Quel temps fait-il")
        stats = await service.stats()
        assert stats.total == 3 and stats.answered == 1
        assert stats.unanswered[0][1] == 2
    finally:
        await service.close()


async def test_help_command(tmp_path, mini_data):
    service = await open_service(tmp_path, mini_data)
    try:
        answer = await service.command("help", lang="en")
        assert not answer.found and "barometer" in answer.text and answer.suggestions
    finally:
        await service.close()


async def test_questions_asked_during_a_reload_are_all_answered(tmp_path, mini_data):
    import asyncio

    service = await open_service(tmp_path, mini_data)
    try:
        path = mini_data / "2020.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("channel: telephone, value: 81",
                                                                "channel: telephone, value: 83"), encoding="utf-8")

        async def ask_while_reloading():
            answers = []
            for _ in range(40):
                answers.append(await service.ask("score du téléphone en 2020", conversation=len(answers)))
                await asyncio.sleep(0)
            return answers

        report, answers = await asyncio.gather(service.reload(), ask_while_reloading())
        assert report.ok and not report.summary.empty
        assert all(a.found and ("81" in a.text or "83" in a.text) for a in answers)
        assert "83" in (await service.ask("score du téléphone en 2020")).text
    finally:
        await service.close()
