"""The `barometre` command as an admin uses it: check, load (with its change summary), facts."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from barometre_data import cli
from barometre_data.store import Store

from conftest import DATA_DIR, PROJECT_DIR, run_sync


def barometre(*args: str, url: str | None = None) -> int:
    return cli.main((["--database-url", url] if url else []) + list(args))


def store_dump(url: str) -> dict:
    async def dump() -> dict:
        store = await Store.open(url, autoload=False)
        try:
            return await store.dump()
        finally:
            await store.close()
    return run_sync(dump())


def break_2020(folder: Path) -> None:
    path = folder / "2020.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["awards"][3]["category"] = "sociau"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_check_valid_folder(mini_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert barometre("check", str(mini_data)) == 0
    out, err = capsys.readouterr()
    assert "OK" in out and "2020" in out and err == ""


def test_check_bad_folder(mini_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    break_2020(mini_data)
    assert barometre("check", str(mini_data)) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f'{mini_data / "2020.yaml"}: awards[3].category: unknown category "sociau" ' \
           '(did you mean "services-sociaux"?)' in err.splitlines()
    assert "1 error; nothing was changed." in err


def test_load_then_reload(store_url: str, mini_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert barometre("load", str(mini_data), url=store_url) == 0
    out = capsys.readouterr().out
    assert "Éditions : 1 ajout" in out and "Lauréats : 9 ajouts" in out
    assert "La base contient 1 édition (2020).\nDonnées en service : version 1 (" in out

    assert barometre("load", str(mini_data), "--lang", "en", url=store_url) == 0
    assert capsys.readouterr().out.startswith("No change")


def test_load_with_an_error_changes_nothing(store_url: str, mini_data: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert barometre("load", str(mini_data), url=store_url) == 0
    before = store_dump(store_url)
    capsys.readouterr()

    break_2020(mini_data)
    assert barometre("load", str(mini_data), url=store_url) == 1
    out, err = capsys.readouterr()
    assert out == "" and 'awards[3].category: unknown category "sociau"' in err
    assert store_dump(store_url) == before


def test_load_of_the_project_data_reports_every_edition(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert barometre("load", str(DATA_DIR), "--all", url=store_url) == 0
    out = capsys.readouterr().out
    editions = int(re.search(r"Éditions : (\d+) ajouts?", out).group(1))
    assert editions >= 10
    assert re.search(rf"La base contient {editions} éditions \(2012–20\d\d\)\.", out)
    assert "… et" not in out  # --all lists everything


def test_data_history_rollback_and_export(store_url: str, mini_data: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert barometre("load", str(mini_data), url=store_url) == 0
    path = mini_data / "2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("channel: telephone, value: 81",
                                                            "channel: telephone, value: 88"), encoding="utf-8")
    assert barometre("load", str(mini_data), url=store_url) == 0
    capsys.readouterr()
    assert barometre("data", "history", url=store_url) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[1].split()[0] == "2" and "load " in lines[1] and "score ~1" in lines[1]

    assert barometre("data", "rollback", "1", "--lang", "en", url=store_url) == 0
    out = capsys.readouterr().out
    assert "Scores: 1 changed" in out and "Data served: version 3 (" in out
    assert barometre("data", "rollback", "9", url=store_url) == 1
    assert "no version 9" in capsys.readouterr().err

    export = tmp_path / "export"
    assert barometre("data", "export", str(export), url=store_url) == 0
    assert "version 3" in capsys.readouterr().out and "value: 81" in (export / "2020.yaml").read_text(encoding="utf-8")
    assert barometre("load", str(export), url=store_url) == 0
    assert capsys.readouterr().out.startswith("Aucun changement")


def test_facts_of_one_edition(store_url: str, mini_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    barometre("load", str(mini_data), url=store_url)
    capsys.readouterr()
    assert barometre("facts", "--year", "2020", url=store_url) == 0
    out = capsys.readouterr().out
    assert out.startswith("2020 · 8e édition · ")
    for expected in ("structures auditées : 321 (+39 %)", "audits par structure : 13", "score global : 62/100, -6,5, baisse",
                     "canal téléphone : 81/100, 0, stable", "lauréats connus : 9",
                     "Villes de plus de 50 000 habitants : Hôtel de ville de Villeurbanne (Rhône), mention « numérique »"):
        assert expected in out

    assert barometre("facts", "--year", "2020", "--lang", "en", url=store_url) == 0
    english = capsys.readouterr().out
    assert english.startswith("2020 · 8th edition · ") and "channel phone: 81/100, 0, stable" in english
    assert "non-certified structures: 61/100, derived: 69 - 8 (the certified structures' score" in english
    assert "overall score: 62/100, -6.5, down" in english
    assert "score des certifiées" not in english


def test_facts_in_english_show_no_french_rule(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    barometre("load", str(DATA_DIR), url=store_url)
    capsys.readouterr()
    assert barometre("facts", "--lang", "en", url=store_url) == 0
    english = capsys.readouterr().out
    knowledge = cli.load_dir(DATA_DIR).knowledge()
    rules = [s.rule for e in knowledge.editions.values() for s in e.scores if s.derived] + \
        [c.rule for e in knowledge.editions.values() for c in (e.structures_audited, e.laureates_count) if c and c.derived]
    assert rules and not [rule for rule in rules if rule in english]


def test_facts_fills_an_empty_store_first(store_url: str, mini_data: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BAROMETRE_DATA_DIR", str(mini_data))
    assert barometre("facts", url=store_url) == 0
    assert "321" in capsys.readouterr().out


def test_facts_of_a_missing_year(store_url: str, mini_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    barometre("load", str(mini_data), url=store_url)
    capsys.readouterr()
    assert barometre("facts", "--year", "1999", url=store_url) == 1
    assert "aucune édition 1999 (éditions : 2020)" in capsys.readouterr().err


def test_a_subcommand_is_one_entry(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("question")

    async def run(args: argparse.Namespace, settings) -> int:
        print(f"asked: {args.question}")
        return 3

    monkeypatch.setitem(cli.SUBCOMMANDS, "ask", cli.Subcommand("ask a question", configure, run))
    assert barometre("ask", "qui a gagné ?") == 3
    assert capsys.readouterr().out == "asked: qui a gagné ?\n"


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run([sys.executable, "-m", "barometre_data", "--help"], capture_output=True, text=True,
                          cwd=PROJECT_DIR, timeout=60)
    assert done.returncode == 0
    assert all(name in done.stdout for name in ("check", "load", "facts"))


def test_facts_show_the_new_research_with_sources_and_derived_marks(store_url: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    barometre("load", str(DATA_DIR), url=store_url)
    capsys.readouterr()
    assert barometre("facts", url=store_url) == 0
    out = capsys.readouterr().out
    for expected in ("présentation : 2014-10-14", "structure Craponne : 90,8 %, meilleur [lagazettedescommunes.com]",
                     "catégorie non précisée : Changé [lagazettedescommunes.com]",
                     "type villes : 67,2 % [lagazettedescommunes.com]",
                     "Belfort (Territoire de Belfort), rang 2 [francebleu.fr]",
                     "Narbonne (Aude), rang 3 [déduit : 3e, lu dans",
                     "canal courrier : 56/100, déduit : 50 + 6",
                     "canal téléphone : environ 81/100, déduit : 81 (score 2020",
                     "structure Département de Maine-et-Loire · canal téléphone : 87/100 [maine-et-loire.fr]"):
        assert expected in out, expected
    assert barometre("facts", "--year", "2019", "--lang", "en", url=store_url) == 0
    english = capsys.readouterr().out
    assert "channel phone: about 81/100, derived: 81 (the 2020 phone score" in english
    assert "channel postal mail: 56/100, derived: 50 + 6 (the 2020 postal-mail score" in english
