"""The store gives back exactly what the files say, reloads only what changed and says so, never
half-applies an import, fills itself on first use, and keeps the questions asked for /stats."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometre_data import store as store_module
from barometre_data.config import Settings, async_database_url
from barometre_data.knowledge import build_knowledge
from barometre_data.loader import DataError, DataErrors, LoadResult, load_dir
from barometre_data.schema import EditionFile
from barometre_data.store import Store

from conftest import DATA_DIR, run_sync


def edit_2020(folder: Path, change) -> None:
    path = folder / "2020.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def files_knowledge(folder: Path):
    result = load_dir(folder)
    assert result.errors == ()
    return result.knowledge()


# --------------------------------------------------------------------------- round trip

async def test_store_gives_back_what_the_files_say(store: Store, data_dir: Path) -> None:
    await store.import_data(load_dir(data_dir))
    assert await store.knowledge() == files_knowledge(data_dir)


async def test_every_fact_of_2020_survives_the_store(store: Store, mini_data: Path) -> None:
    await store.import_data(load_dir(mini_data))
    edition = (await store.knowledge()).editions[2020]

    assert edition.number == 8 and edition.completeness == "complete"
    assert edition.published is not None and edition.published.date == "2020-11-12"
    assert edition.structures_audited.value == 321 and edition.structures_audited.change == "+39 %"
    assert edition.audits_per_structure.value == 13
    assert edition.laureates_count.value == 9
    assert edition.audit_periods.values == ("février-mars 2020", "juin-septembre 2020")
    assert set(edition.channels.values) == {"courrier", "e-mail", "site-internet", "telephone", "reseaux-sociaux"}
    assert len(edition.determinants.values) == 8 and len(edition.determinants.values_en) == 8

    assert len(edition.categories) == 9
    assert edition.categories["services-sociaux"] == "Services sociaux, d'aide à la personne, de solidarité et de santé"
    assert len(edition.awards) == 9
    assert all(a.category_label == edition.categories[a.category] for a in edition.awards)
    by_category = {a.category: a for a in edition.awards}
    assert by_category["services-sociaux"].structure.name == "CCAS de la ville de Saumur"
    assert by_category["services-sociaux"].structure.department == "Maine-et-Loire"
    assert by_category["regions"].structure.region == "Hauts-de-France"
    assert all(a.structure.department for a in edition.awards if a.category != "regions")
    assert {a.category: a.mention for a in edition.awards if a.mention} == {
        "villes-plus-50000": "numérique", "villes-moins-20000": "participation citoyenne",
        "maisons-france-services": "compétence accueil"}

    scores = {(s.subject, s.target): s for s in edition.scores}
    assert (scores["global", None].value, scores["global", None].change, scores["global", None].trend) == \
        (62, -6.5, "baisse")
    assert scores["certified", None].value == 69
    non_certified = scores["non-certified", None]
    assert (non_certified.value, non_certified.derived) == (61, True) and "69 - 8" in non_certified.rule
    channels = {t: (s.value, s.change, s.trend) for (subject, t), s in scores.items() if subject == "channel"}
    assert channels == {"telephone": (81, 0, "stable"), "reseaux-sociaux": (72, 0, "stable"),
                        "e-mail": (63, -8, "baisse"), "site-internet": (63, -3, "baisse"),
                        "courrier": (50, -6, "baisse")}
    standings = {s.standing: s.target for s in edition.scores if s.standing}
    assert standings == {"best": "villes-plus-50000", "worst": "services-sociaux-education"}
    assert all(s.sources for s in edition.scores) and all(a.sources for a in edition.awards)
    assert any("Vooter" in f.text for f in edition.facts) and edition.gaps and edition.gaps_en


# --------------------------------------------------------------------------- reloads

async def test_second_import_changes_nothing(store: Store, mini_data: Path) -> None:
    first = await store.import_data(load_dir(mini_data))
    dump = await store.dump()
    second = await store.import_data(load_dir(mini_data))

    assert first.count("edition", "added") == 1 and first.count("award", "added") == 9
    assert second.empty and second.changes == ()
    assert str(second).startswith("Aucun changement")
    assert second.render("en").startswith("No change")
    assert await store.dump() == dump


async def test_reload_reports_exactly_what_changed(store: Store, mini_data: Path) -> None:
    await store.import_data(load_dir(mini_data))

    def change(doc: dict) -> None:
        doc["awards"][0]["mention"] = "accueil numérique"
        del doc["scores"][4]  # the social networks score
        doc["facts"].insert(0, {"text": "Un fait nouveau.", "source": doc["facts"][0]["source"]})
        doc["structures_audited"]["value"] = 322
        doc["categories"][3]["label"] = "Intercommunalités (EPCI)"
    edit_2020(mini_data, change)
    summary = await store.import_data(load_dir(mini_data))

    assert [(c.kind, c.action, c.label, c.fields) for c in summary.changes] == [
        ("edition", "changed", "2020", ("categories",)),
        ("award", "changed", "2020 · villes-plus-50000 · Hôtel de ville de Villeurbanne", ("mention",)),
        ("score", "removed", "2020 · channel reseaux-sociaux", ()),
        ("fact", "added", "2020 · fact « Un fait nouveau. »", ()),
        ("fact", "changed", "2020 · structures_audited", ("value",)),
    ]
    assert await store.knowledge() == files_knowledge(mini_data)
    text = str(summary)
    assert "Lauréats : 1 modification" in text and "~ 2020 · villes-plus-50000 · Hôtel de ville de Villeurbanne (mention)" in text
    assert "Scores : 1 suppression" in text and "- 2020 · channel reseaux-sociaux" in text
    assert text.endswith("La base contient 1 édition (2020).")
    english = summary.render("en")
    assert "Awards: 1 changed" in english and english.endswith("The store holds 1 edition (2020).")


async def test_reordering_is_applied_but_not_reported(store: Store, mini_data: Path) -> None:
    await store.import_data(load_dir(mini_data))
    edit_2020(mini_data, lambda doc: doc["awards"].reverse())
    summary = await store.import_data(load_dir(mini_data))
    assert summary.empty
    assert [a.structure.name for a in (await store.knowledge()).editions[2020].awards][0] == "CCAS de la ville de Saumur"


async def test_editions_added_and_removed(store: Store, mini_data: Path) -> None:
    await store.import_data(load_dir(mini_data))
    shutil.copy(DATA_DIR / "2013.yaml", mini_data / "2013.yaml")
    added = await store.import_data(load_dir(mini_data))
    assert added.of("edition") and [c.label for c in added.of("edition")] == ["2013"]
    assert added.count("edition", "added") == 1 and added.count("award", "added") == 3
    assert added.years == (2013, 2020)

    (mini_data / "2013.yaml").unlink()
    removed = await store.import_data(load_dir(mini_data))
    assert removed.count("edition", "removed") == 1 and removed.count("award", "removed") == 3
    assert removed.count("award", "added") == 0
    assert await store.knowledge() == files_knowledge(mini_data)
    # structures only 2013 knew are gone too
    assert {s["name"] for s in (await store.dump())["structure"]} == {
        a.structure.name for a in files_knowledge(mini_data).editions[2020].awards}


async def test_structure_details_changed(store: Store, mini_data: Path) -> None:
    await store.import_data(load_dir(mini_data))
    edit_2020(mini_data, lambda doc: doc["awards"][8].update(commune="Saumur (49)"))
    summary = await store.import_data(load_dir(mini_data))
    assert [(c.kind, c.action, c.label, c.fields) for c in summary.changes] == [
        ("structure", "changed", "CCAS de la ville de Saumur (Maine-et-Loire)", ("commune",))]


async def test_failed_import_changes_nothing(store: Store, mini_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await store.import_data(load_dir(mini_data))
    before = await store.dump()
    edit_2020(mini_data, lambda doc: (doc["awards"].pop(0), doc["scores"].pop(0), doc.update(name="renamed")))
    real_apply = store_module._apply

    async def apply_then_fail(*args, **kwargs):
        await real_apply(*args, **kwargs)  # every row written (flushed) ...
        raise RuntimeError("disk full")  # ... then the transaction fails

    monkeypatch.setattr(store_module, "_apply", apply_then_fail)
    with pytest.raises(RuntimeError):
        await store.import_data(load_dir(mini_data))
    assert await store.dump() == before


async def test_result_with_errors_is_refused(store: Store, mini_data: Path) -> None:
    await store.import_data(load_dir(mini_data))
    before = await store.dump()
    result = load_dir(mini_data)
    bad = LoadResult(result.directory, result.vocabulary, result.editions, (DataError("2020.yaml", "year", "bad"),))
    with pytest.raises(DataErrors):
        await store.import_data(bad)
    assert await store.dump() == before


# a property: whatever sequence of edits, the store ends up equal to the files, and a reload is a no-op

_BASE = load_dir(DATA_DIR)
_VOCABULARY = _BASE.vocabulary
_EDITIONS = {doc.year: doc for _, doc in _BASE.editions}


@st.composite
def variants(draw: st.DrawFn) -> list[EditionFile]:
    docs = []
    for year in draw(st.lists(st.sampled_from(sorted(_EDITIONS)), unique=True, max_size=4)):
        doc = _EDITIONS[year]
        awards = draw(st.permutations(doc.awards))[: draw(st.integers(0, len(doc.awards)))]
        scores = draw(st.permutations(doc.scores))[: draw(st.integers(0, len(doc.scores)))]
        facts = draw(st.permutations(doc.facts))[: draw(st.integers(0, len(doc.facts)))]
        if awards and draw(st.booleans()):
            awards = [awards[0].model_copy(update={"mention": draw(st.sampled_from(["a", "b", None]))}), *awards[1:]]
        scores = [s for s in scores if s.subject != "structure" or s.structure in {a.name for a in awards}]
        docs.append(doc.model_copy(update={"awards": awards, "scores": scores, "facts": facts,
                                           "name": draw(st.sampled_from([doc.name, doc.name + " bis"]))}))
    return docs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(variants(), min_size=1, max_size=3))
def test_any_sequence_of_reloads_ends_equal_to_the_files(steps: list[list[EditionFile]], tmp_path: Path) -> None:
    async def scenario() -> None:
        store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'property.db'}", autoload=False)
        try:
            for docs in steps:
                if not docs:
                    continue
                result = LoadResult(tmp_path, _VOCABULARY, tuple((f"{d.year}.yaml", d) for d in docs), ())
                await store.import_data(result)
                assert await store.knowledge() == build_knowledge(_VOCABULARY, docs)
                assert (await store.import_data(result)).empty
        finally:
            await store.close()
            for path in tmp_path.glob("property.db*"):
                path.unlink()

    run_sync(scenario())


# --------------------------------------------------------------------------- opening

async def test_first_open_fills_the_store_from_the_data_folder(store_url: str, mini_data: Path) -> None:
    store = await Store.open(store_url, data_dir=mini_data)
    try:
        assert (await store.knowledge()).years == [2020]
        dump = await store.dump()
    finally:
        await store.close()
    # later opens leave a store that holds data alone, even if the folder changed meanwhile
    edit_2020(mini_data, lambda doc: doc.update(name="renamed"))
    again = await Store.open(store_url, data_dir=mini_data)
    try:
        assert await again.dump() == dump
    finally:
        await again.close()


async def test_open_without_arguments_uses_the_environment(store_url: str, mini_data: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("BAROMETRE_DATA_DIR", str(mini_data))
    store = await Store.open()
    try:
        assert (await store.knowledge()).years == [2020]
    finally:
        await store.close()


async def test_first_open_with_bad_data_raises_and_stays_empty(store_url: str, mini_data: Path) -> None:
    edit_2020(mini_data, lambda doc: doc["scores"][0].update(value=101))
    with pytest.raises(DataErrors) as raised:
        await Store.open(store_url, data_dir=mini_data)
    assert "scores[0].value: score 101 is outside 0-100" in str(raised.value)
    store = await Store.open(store_url, autoload=False)
    try:
        assert not await store.has_data()
    finally:
        await store.close()


async def test_sqlite_file_uses_write_ahead_logging(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'b.db'}", autoload=False)
    try:
        async with store.engine.connect() as connection:
            mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
        assert mode == "wal"
        assert (tmp_path / "sub" / "b.db").exists()
    finally:
        await store.close()


def test_settings_from_env_file_and_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=postgresql://u:p@127.0.0.1:5432/b\nLOG_LEVEL=debug\n"
                        "BAROMETRE_DATA_DIR=/srv/data\n", encoding="utf-8")
    from_file = Settings.from_env(environ={}, env_file=env_file)
    assert from_file.database_url == "postgresql+asyncpg://u:p@127.0.0.1:5432/b"
    assert from_file.data_dir == Path("/srv/data") and from_file.log_level == "DEBUG"

    overridden = Settings.from_env(environ={"DATABASE_URL": "sqlite:///x.db", "LOG_LEVEL": ""}, env_file=env_file)
    assert overridden.database_url == "sqlite+aiosqlite:///x.db"
    assert overridden.log_level == "INFO"  # empty means unset

    default = Settings.from_env(environ={}, env_file=tmp_path / "none")
    assert default.database_url == f"sqlite+aiosqlite:///{default.project_dir / 'barometre.db'}"
    assert default.data_dir == default.project_dir / "data"
    assert async_database_url("postgresql+asyncpg://h/db") == "postgresql+asyncpg://h/db"


# --------------------------------------------------------------------------- questions asked

async def test_query_stats(store: Store, mini_data: Path) -> None:
    assert (await store.query_stats()).total == 0 and (await store.query_stats()).share_answered == 0.0
    for question, found in [("Qui a gagné en 2020 ?", True), ("Quel est le score du courrier ?", True),
                            ("Qui a gagné en 2030 ?", False), ("qui a gagne en 2030", False),
                            ("QUI A GAGNÉ EN 2030 ?", False), ("météo demain", False)]:
        await store.log_query(question, found, intent="laureate" if found else "unknown", lang="fr")
    await store.import_data(load_dir(mini_data))  # imports never touch the log

    stats = await store.query_stats()
    assert (stats.total, stats.answered, round(stats.share_answered, 3)) == (6, 2, 0.333)
    assert stats.unanswered[0][1] == 3 and stats.unanswered[0][0].lower().startswith("qui a gagn")
    assert stats.unanswered[1] == ("météo demain", 1)
    assert (await store.query_stats(limit=1)).unanswered == stats.unanswered[:1]
    assert "6 questions, 2 avec réponse (33%)" in str(stats)
    assert "3 × " in stats.render("en") and len((await store.dump())["query_log"]) == 6


async def test_the_glossary_is_stored_and_its_changes_reported(store: Store, mini_data: Path) -> None:
    shutil.copy(DATA_DIR / "glossary.yaml", mini_data / "glossary.yaml")
    first = await store.import_data(load_dir(mini_data))
    glossary = (await store.knowledge()).glossary
    assert first.count("glossary", "added") == len(glossary) >= 10
    term = glossary["citoyen-mystere"]
    assert "mystery shopper" in term.aliases and term.meaning("en").startswith("An investigator")
    assert all(c.quote for c in term.citations) and term.sources

    path = mini_data / "glossary.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["terms"]["ccas"]["definition_en"] = "A municipal social action centre."
    del doc["terms"]["trophees"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    second = await store.import_data(load_dir(mini_data))
    assert [(c.action, c.label, c.fields) for c in second.of("glossary")] == [
        ("removed", "trophees", ()), ("changed", "ccas", ("definition_en",))]
    assert "Glossary: 1 removed, 1 changed" in second.render("en")
    assert (await store.knowledge()) == load_dir(mini_data).knowledge()


def test_the_shape_is_written_once() -> None:
    """Rows are the snapshot's own fields as JSON: an older payload (a field missing) still reads,
    and every field of a score, an award and an edition reaches the store without a column of its own."""
    from dataclasses import fields

    from barometre_data.knowledge import Award, Edition, Score, from_json
    from barometre_data.models import Award as AwardRow, Edition as EditionRow, Score as ScoreRow

    old = from_json(Score, {"year": 2020, "subject": "global", "target": None, "value": 62, "rule": None})
    assert (old.value, old.rule_en, old.channel) == (62, None, None)
    for snapshot, table in ((Score, ScoreRow), (Award, AwardRow), (Edition, EditionRow)):
        columns = set(table.__table__.columns.keys())
        assert len(columns) <= 7 and "payload" in columns, table
        assert len([f for f in fields(snapshot) if f.name not in columns]) > 3
