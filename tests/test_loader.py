"""Bad data files are refused with a message naming the file, the entry and the reason, and the store
is left exactly as it was. Each case starts from a valid folder (synonyms.yaml + 2020.yaml)."""

from __future__ import annotations

import copy
import re
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from barometre_data.loader import DataError, DataErrors, load_dir, validate_extra
from barometre_data.store import Store

from conftest import DATA_DIR

SOURCE = "http://saumur-kiosque.com/infos_article.php?id_actu=58894"


def read_doc(folder: Path, name: str = "2020.yaml") -> dict:
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


def write_doc(folder: Path, doc: object, name: str = "2020.yaml") -> None:
    (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit(change: Callable[[dict], None], name: str = "2020.yaml") -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        doc = read_doc(folder, name)
        change(doc)
        write_doc(folder, doc, name)
    return apply


def write_text(text: str, name: str = "2020.yaml") -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_text(text, encoding="utf-8")


GLOSSARY = "glossary.yaml"


def glossary_edit(change: Callable[[dict], None]) -> Callable[[Path], None]:
    """Add the project's glossary to the folder, then change it."""
    def apply(folder: Path) -> None:
        shutil.copy(DATA_DIR / GLOSSARY, folder / GLOSSARY)
        edit(change, GLOSSARY)(folder)
    return apply


def glossary_with_a_term_twice(folder: Path) -> None:
    text = (DATA_DIR / GLOSSARY).read_text(encoding="utf-8")
    (folder / GLOSSARY).write_text(text + '  ccas:\n    fr: "CCAS"\n    en: "CCAS"\n', encoding="utf-8")


def line_of(folder: Path, name: str, text: str, last: bool = False) -> int:
    lines = (folder / name).read_text(encoding="utf-8").split("\n")
    return (len(lines) - lines[::-1].index(text) if last else lines.index(text) + 1)


def minimal_2021(folder: Path, **award: object) -> None:
    write_doc(folder, {"year": 2021, "name": "9e édition", "completeness": "partial",
                       "awards": [{**award, "source": SOURCE}]}, "2021.yaml")


@dataclass
class Case:
    id: str
    setup: Callable[[Path], None]
    file: str  # file name of the error
    entry: str | Callable[[Path], str]
    # the exact reason (a function of the folder when it names a path; a pattern when libyaml words it)
    reason: str | re.Pattern[str] | Callable[[Path], str]
    more: tuple[tuple[str, str, str], ...] = ()  # errors that follow from the first one


CASES = [
    Case("yaml syntax error gives the line",
         write_text('year: 2020\nname: "x"\ncompleteness: complete\n  scores: []\n'),
         "2020.yaml", "line 4", re.compile(r"YAML syntax error: mapping values are not allowed (here|in this context)")),
    Case("unclosed list gives the line where it started",
         write_text('year: 2020\nname: "x"\ncompleteness: complete\ngaps: [a, b\n'),
         "2020.yaml", "line 5",
         re.compile(r"YAML syntax error: .*expected ',' or '\]'.* \(while parsing a flow sequence from line 4\)")),
    Case("empty file", write_text(""), "2020.yaml", "", "the file is empty"),
    Case("file with comments only", write_text("# nothing yet\n"), "2020.yaml", "", "the file is empty"),
    Case("not UTF-8",
         lambda f: (f / "2020.yaml").write_bytes((f / "2020.yaml").read_text("utf-8").encode("cp1252")),
         "2020.yaml", "line 1", "not UTF-8 text (byte 0xe8); save the file as UTF-8"),
    Case("a list instead of a mapping", write_text("- year: 2020\n"),
         "2020.yaml", "", "expected a mapping of keys (year: ..., name: ...), got a list"),
    Case("a key given twice", write_text("year: 2020\nname: x\ncompleteness: complete\nname: y\n"),
         "2020.yaml", "line 4", 'the key "name" appears twice (first on line 2)'),
    Case("missing required field", edit(lambda d: d.pop("name")), "2020.yaml", "name", "required field missing"),
    Case("missing required field in an award", edit(lambda d: d["awards"][2].pop("name")),
         "2020.yaml", "awards[2].name", "required field missing"),
    Case("wrong type: text for a year", edit(lambda d: d.update(year="deux mille vingt")),
         "2020.yaml", "year", 'expected a whole number, got the text "deux mille vingt"'),
    Case("wrong type: text for a rank", edit(lambda d: d["awards"][0].update(rank="premier")),
         "2020.yaml", "awards[0].rank", 'expected a whole number, got the text "premier"'),
    Case("wrong type: a number for a name", edit(lambda d: d["awards"][1].update(name=2020)),
         "2020.yaml", "awards[1].name", "expected text, got the number 2020"),
    Case("wrong type: an unquoted date", edit(lambda d: d["published"].update(date=dt.date(2020, 11, 12))),
         "2020.yaml", "published.date", 'expected text, got the date 2020-11-12 (write it in quotes: "2020-11-12")'),
    Case("wrong value of a fixed list", edit(lambda d: d["scores"][0].update(trend="up")),
         "2020.yaml", "scores[0].trend", 'unknown value "up" (expected one of: hausse, baisse, stable)'),
    Case("unknown key in an award", edit(lambda d: d["awards"][0].update(nmae="x")),
         "2020.yaml", "awards[0].nmae", 'unknown key (did you mean "name"?)'),
    Case("unknown top-level key", edit(lambda d: d.update(scroes=[])),
         "2020.yaml", "scroes", 'unknown key (did you mean "scores"?)'),
    Case("unknown award category", edit(lambda d: d["awards"][3].update(category="sociau")),
         "2020.yaml", "awards[3].category", 'unknown category "sociau" (did you mean "services-sociaux"?)'),
    Case("unknown category in the categories list", edit(lambda d: d["categories"][0].update(id="villes-plus-5000")),
         "2020.yaml", "categories[0].id", 'unknown category "villes-plus-5000" (did you mean "villes-plus-50000"?)',
         more=(("2020.yaml", "awards[0].category",
                'category "villes-plus-50000" is not among this edition\'s categories (villes-plus-5000, '
                "villes-20000-49999, villes-moins-20000, intercommunalites, departements, regions, "
                "maisons-france-services, services-amenagement, services-sociaux)"),)),
    Case("a category label instead of its id", edit(lambda d: d["awards"][4].update(category="Départements")),
         "2020.yaml", "awards[4].category", 'unknown category "Départements" (did you mean "departements"?)'),
    Case("unknown channel of a score", edit(lambda d: d["scores"][3].update(channel="telefone")),
         "2020.yaml", "scores[3].channel", 'unknown channel "telefone" (did you mean "telephone"?)'),
    Case("unknown channel in the channels list", edit(lambda d: d["channels"]["value"].__setitem__(1, "mail")),
         "2020.yaml", "channels.value[1]", 'unknown channel "mail" (did you mean "e-mail"?)'),
    Case("unknown kind of an award", edit(lambda d: d["awards"][0].update(kind="ville")),
         "2020.yaml", "awards[0].kind", 'unknown kind "ville" (did you mean "villes"?)'),
    Case("unknown kind of a score, no close match", edit(lambda d: d["scores"][9].update(kind="zzz")),
         "2020.yaml", "scores[9].kind", 'unknown kind "zzz"'),
    Case("a structure score naming no award of the edition",
         edit(lambda d: d["scores"].append({"subject": "structure", "structure": "CCAS de Saumur",
                                            "value": 70, "source": SOURCE})),
         "2020.yaml", "scores[12].structure",
         'no award of the 2020 edition names the structure "CCAS de Saumur" (did you mean "CCAS de la ville de Saumur"?)'),
    Case("a global score with a channel", edit(lambda d: d["scores"][0].update(channel="telephone")),
         "2020.yaml", "scores[0].channel", "a global score takes no channel (remove it, or write subject: channel)"),
    Case("score above 100", edit(lambda d: d["scores"][0].update(value=120)),
         "2020.yaml", "scores[0].value", "score 120 is outside 0-100"),
    Case("score below 0", edit(lambda d: d["scores"][4].update(value=-5)),
         "2020.yaml", "scores[4].value", "score -5 is outside 0-100"),
    Case("the same award twice", edit(lambda d: d["awards"].append(copy.deepcopy(d["awards"][0]))),
         "2020.yaml", "awards[9]",
         'the same award as awards[0] ("Hôtel de ville de Villeurbanne", category villes-plus-50000)'),
    Case("the same score twice", edit(lambda d: d["scores"].insert(4, copy.deepcopy(d["scores"][3]))),
         "2020.yaml", "scores[4]", "the same score as scores[3] (channel telephone)"),
    Case("the same fact twice", edit(lambda d: d["facts"].insert(1, copy.deepcopy(d["facts"][0]))),
         "2020.yaml", "facts[1].text", "the same fact as facts[0]"),
    Case("an award category missing from the edition's categories",
         edit(lambda d: d["categories"].pop(8)),
         "2020.yaml", "awards[8].category",
         'category "services-sociaux" is not among this edition\'s categories (villes-plus-50000, '
         "villes-20000-49999, villes-moins-20000, intercommunalites, departements, regions, "
         "maisons-france-services, services-amenagement)"),
    Case("two files claim one edition",
         lambda f: shutil.copy(f / "2020.yaml", f / "2020-copie.yaml"),
         "2020-copie.yaml", "year", lambda f: f"edition 2020 is already in {f / '2020.yaml'}"),
    Case("two files claim one edition number",
         lambda f: write_doc(f, {"edition": 8, "year": 2021, "name": "x", "completeness": "minimal"}, "2021.yaml"),
         "2021.yaml", "edition", lambda f: f"edition number 8 is already claimed by {f / '2020.yaml'}"),
    Case("a file named after another year",
         lambda f: (f / "2020.yaml").rename(f / "2021.yaml"),
         "2021.yaml", "year", "year 2020 does not match the file name 2021.yaml"),
    Case("a structure described two ways",
         lambda f: minimal_2021(f, category="services-sociaux", name="CCAS de la ville de Saumur", kind="ccas",
                                commune="Angers", department="Maine-et-Loire", region="Pays de la Loire"),
         "2021.yaml", "awards[0].commune",
         lambda f: f'"CCAS de la ville de Saumur" is described differently in {f / "2020.yaml"} awards[8]: '
                   'commune "Angers" here, "Saumur" there'),
    Case("a source that is not a URL", edit(lambda d: d["awards"][1].update(source="Saumur Kiosque")),
         "2020.yaml", "awards[1].source",
         "source must be a URL (http:// or https://), got 'Saumur Kiosque'"),
    Case("a score with nothing to say", edit(lambda d: d["scores"].append({"subject": "global", "source": SOURCE})),
         "2020.yaml", "scores[12]", "a score needs a value, a change, a trend, a standing or a note"),
    Case("a derived value without its English rule", edit(lambda d: d["scores"][2].pop("rule_en")),
         "2020.yaml", "scores[2]", "a derived value needs its rule in English too (rule_en: ...)"),
    Case("an English rule without the French one", edit(lambda d: d["scores"][1].update(rule_en="69 + 0")),
         "2020.yaml", "scores[1]", "rule_en is the English of rule: write rule too"),
    Case("a glossary term without a source", glossary_edit(lambda d: d["terms"]["ccas"].pop("sources")),
         GLOSSARY, "terms.ccas.sources", "required field missing"),
    Case("a glossary term with an empty list of sources",
         glossary_edit(lambda d: d["terms"]["ccas"].update(sources=[])),
         GLOSSARY, "terms.ccas.sources", "must not be empty"),
    Case("a glossary source without its quotation",
         glossary_edit(lambda d: d["terms"]["epci"]["sources"][1].pop("quote")),
         GLOSSARY, "terms.epci.sources[1].quote", "required field missing"),
    Case("a glossary source that is not a URL",
         glossary_edit(lambda d: d["terms"]["epci"]["sources"][0].update(url="geoconfluences")),
         GLOSSARY, "terms.epci.sources[0].url", "url must start with http:// or https://, got 'geoconfluences'"),
    Case("a glossary term without its English definition",
         glossary_edit(lambda d: d["terms"]["afnor"].pop("definition_en")),
         GLOSSARY, "terms.afnor.definition_en", "required field missing"),
    Case("the same glossary term twice", glossary_with_a_term_twice,
         GLOSSARY, lambda f: f"line {line_of(f, GLOSSARY, '  ccas:', last=True)}",
         lambda f: f'the key "ccas" appears twice (first on line {line_of(f, GLOSSARY, "  ccas:")})'),
    Case("a glossary word naming two terms",
         glossary_edit(lambda d: d["terms"]["ccas"]["aliases"].append("MFS")),
         GLOSSARY, "terms.ccas.aliases[8]",
         '"MFS" already names the term "maison-france-services" (terms.maison-france-services.aliases[0]); '
         "a word may name one term only"),
    Case("population bounds in the wrong order",
         edit(lambda d: d["categories"][1].update(min=50000, max=20000)),
         "2020.yaml", "categories[1]", "min 50000 is above max 20000 (bounds are inclusive: min <= max)"),
    Case("two categories claiming the same population",
         edit(lambda d: d["categories"][1].update(max=60000)),
         "2020.yaml", "categories[1]",
         'population 20000-60000 overlaps categories[0] ("villes-plus-50000", 50001-…) on 50001-60000'),
    Case("an open band overlapping a closed one",
         edit(lambda d: d["categories"][2].update(max=25000)),
         "2020.yaml", "categories[2]",
         'population …-25000 overlaps categories[1] ("villes-20000-49999", 20000-49999) on 20000-25000'),
    Case("an approximate value without a value",
         edit(lambda d: d["scores"].append({"subject": "kind", "kind": "villes", "approx": True, "note": "x",
                                            "source": SOURCE})),
         "2020.yaml", "scores[12]", "approx: true qualifies a value: write the value, or remove approx"),
    Case("a derived rank without its English rule",
         edit(lambda d: d["awards"][0].update(rank=1, derived=True, rule="lu dans « devant »")),
         "2020.yaml", "awards[0]", "a derived value needs its rule in English too (rule_en: ...)"),
    Case("one structure's score by channel given twice",
         edit(lambda d: d["scores"].extend([{"subject": "structure", "structure": "CCAS de la ville de Saumur",
                                             "channel": "telephone", "value": v, "source": SOURCE} for v in (80, 81)])),
         "2020.yaml", "scores[13]", "the same score as scores[12] (structure CCAS de la ville de Saumur, telephone)"),
    Case("a structure's score by an unknown channel",
         edit(lambda d: d["scores"].append({"subject": "structure", "structure": "CCAS de la ville de Saumur",
                                            "channel": "telefone", "value": 80, "source": SOURCE})),
         "2020.yaml", "scores[12].channel", 'unknown channel "telefone" (did you mean "telephone"?)'),
    Case("unknown key in the vocabulary",
         edit(lambda d: d["channels"]["telephone"].update(fre="téléphone"), name="synonyms.yaml"),
         "synonyms.yaml", "channels.telephone.fre", 'unknown key (did you mean "fr"?)'),
    Case("vocabulary file missing", lambda f: (f / "synonyms.yaml").unlink(),
         "synonyms.yaml", "", "file missing (the vocabulary of ids)"),
    Case("no edition file", lambda f: (f / "2020.yaml").unlink(),
         "data", "", "no edition file (e.g. 2020.yaml)"),
]


def expected_errors(case: Case, folder: Path, found: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    reason = case.reason(folder) if callable(case.reason) else case.reason
    if isinstance(reason, re.Pattern):  # the wording of PyYAML's C and Python parsers differ slightly
        reason = found[0][2] if found and reason.fullmatch(found[0][2]) else reason.pattern
    entry = case.entry(folder) if callable(case.entry) else case.entry
    return [(case.file, entry, reason), *case.more]


def found_errors(errors: tuple[DataError, ...]) -> list[tuple[str, str, str]]:
    return [(Path(e.file).name, e.entry, e.reason) for e in errors]


def test_the_valid_folder_has_no_error(mini_data: Path) -> None:
    result = load_dir(mini_data)
    assert result.errors == ()
    assert result.years == [2020]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_bad_file_is_named_and_store_unchanged(case: Case, mini_data: Path, store: Store) -> None:
    await store.import_data(load_dir(mini_data))
    await store.log_query("qui a gagné en 2020 ?", found=True, intent="laureate", lang="fr")
    before = await store.dump()

    case.setup(mini_data)
    result = load_dir(mini_data)

    found = found_errors(result.errors)
    assert found == expected_errors(case, mini_data, found)
    with pytest.raises(DataErrors) as raised:
        await store.import_data(result)
    assert str(result.errors[0]) in str(raised.value)
    assert await store.dump() == before


def test_error_text_names_file_entry_and_reason(mini_data: Path) -> None:
    edit(lambda d: d["awards"][3].update(category="sociau"))(mini_data)
    [error] = load_dir(mini_data).errors
    assert str(error) == (f"{mini_data / '2020.yaml'}: awards[3].category: "
                          'unknown category "sociau" (did you mean "services-sociaux"?)')


def test_every_error_of_a_folder_is_reported_at_once(mini_data: Path) -> None:
    edit(lambda d: (d["awards"][0].update(kind="ville"), d["scores"][0].update(value=130)))(mini_data)
    (mini_data / "2021.yaml").write_text("", encoding="utf-8")
    errors = found_errors(load_dir(mini_data).errors)
    assert ("2020.yaml", "scores[0].value", "score 130 is outside 0-100") in errors
    assert ("2021.yaml", "", "the file is empty") in errors
    # a schema error stops that file's id checks, so the kind is checked once the score is fixed
    assert len(errors) == 2


def test_missing_directory(tmp_path: Path) -> None:
    result = load_dir(tmp_path / "nowhere")
    assert [(e.entry, e.reason) for e in result.errors] == [("", "no such directory")]


def test_other_files_are_ignored(mini_data: Path) -> None:
    (mini_data / "README.md").write_text("# not data\n", encoding="utf-8")
    (mini_data / "notes.txt").write_text("year: 1\n", encoding="utf-8")
    assert load_dir(mini_data).errors == ()


def test_byte_order_mark_is_accepted(mini_data: Path) -> None:
    path = mini_data / "2020.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_dir(mini_data).errors == ()


def test_data_folder_of_the_project_is_valid(data_dir: Path) -> None:
    result = load_dir(data_dir)
    assert [str(e) for e in result.errors] == []
    assert 2020 in result.years


# --------------------------------------------------------------------------- uploaded files

def test_upload_replaces_the_file_of_its_year(mini_data: Path) -> None:
    doc = read_doc(mini_data)
    doc["awards"][0]["mention"] = "accueil numérique"
    content = yaml.safe_dump(doc, allow_unicode=True).encode()

    result = validate_extra(mini_data, "2020 (1).yaml", content)

    assert result.errors == ()
    assert result.years == [2020]  # no "two files claim 2020"
    assert result.target == mini_data / "2020.yaml"
    assert result.knowledge().editions[2020].awards[0].mention == "accueil numérique"


def test_upload_of_a_new_edition(mini_data: Path) -> None:
    content = yaml.safe_dump({"edition": 9, "year": 2021, "name": "9e édition", "completeness": "minimal"}).encode()
    result = validate_extra(mini_data, "2021.yaml", content)
    assert result.errors == ()
    assert result.years == [2020, 2021]
    assert result.target == mini_data / "2021.yaml"


def test_upload_with_an_error_is_named_by_its_upload_name(mini_data: Path) -> None:
    doc = read_doc(mini_data)
    doc["awards"][3]["category"] = "sociau"
    result = validate_extra(mini_data, "2020.yaml", yaml.safe_dump(doc, allow_unicode=True).encode())
    assert [str(e) for e in result.errors] == [
        '2020.yaml: awards[3].category: unknown category "sociau" (did you mean "services-sociaux"?)']


def test_upload_is_checked_against_the_folder(mini_data: Path) -> None:
    # the upload is valid alone, but its edition number is the one of 2020.yaml
    content = yaml.safe_dump({"edition": 8, "year": 2021, "name": "x", "completeness": "minimal"}).encode()
    result = validate_extra(mini_data, "2021.yaml", content)
    assert found_errors(result.errors) == [
        ("2021.yaml", "edition", f"edition number 8 is already claimed by {mini_data / '2020.yaml'}")]


def test_upload_that_is_not_yaml(mini_data: Path) -> None:
    result = validate_extra(mini_data, "2021.txt", b"year: 2021")
    assert [str(e) for e in result.errors] == ["2021.txt: a data file must be a .yaml file"]


def test_upload_of_broken_bytes(mini_data: Path) -> None:
    result = validate_extra(mini_data, "2021.yaml", "année: 2021".encode("latin-1"))
    assert found_errors(result.errors) == [("2021.yaml", "line 1", "not UTF-8 text (byte 0xe9); save the file as UTF-8")]
    assert result.years == [2020]  # the folder itself is fine


def test_upload_of_the_glossary_replaces_it(mini_data: Path) -> None:
    shutil.copy(DATA_DIR / GLOSSARY, mini_data / GLOSSARY)
    doc = yaml.safe_load((DATA_DIR / GLOSSARY).read_text(encoding="utf-8"))
    doc["terms"]["ccas"]["definition_en"] = "A municipal social action centre."
    result = validate_extra(mini_data, GLOSSARY,
                            yaml.safe_dump(doc, allow_unicode=True).encode())
    assert result.errors == ()
    assert result.target == mini_data / GLOSSARY
    assert result.knowledge().glossary["ccas"].meaning("en") == "A municipal social action centre."


def test_the_glossary_is_optional_and_every_term_is_sourced(mini_data: Path, data_dir: Path) -> None:
    assert load_dir(mini_data).knowledge().glossary == {}
    glossary = load_dir(data_dir).knowledge().glossary
    assert {"citoyen-mystere", "maison-france-services", "ccas", "epci", "certification", "afnor"} <= set(glossary)
    for term in glossary.values():
        assert term.definition and term.definition_en and term.citations
        assert all(c.url.startswith(("http://", "https://")) and c.quote for c in term.citations)


def test_a_boundary_both_labels_state_is_kept_as_written(mini_data: Path) -> None:
    # "de 20 000 à 50 000" and "plus de 50 000" (written min 50000): both labels hold 50 000
    edit(lambda d: (d["categories"][0].update(min=50000), d["categories"][1].update(max=50000)))(mini_data)
    result = load_dir(mini_data)
    assert result.errors == ()
    bands = {c.id: (c.min, c.max) for c in result.knowledge().editions[2020].category_list}
    assert bands["villes-plus-50000"] == (50000, None) and bands["villes-20000-49999"] == (20000, 50000)


def test_a_band_asked_finds_the_category_that_holds_it(data_dir: Path) -> None:
    knowledge = load_dir(data_dir).knowledge()
    edition = knowledge.editions[2020]
    assert [c.id for c in edition.categories_for(20000, 50000)] == ["villes-20000-49999"]  # "entre 20 et 50 mille"
    assert [c.id for c in edition.categories_for(100000, open_ended=True)] == ["villes-plus-50000"]  # "+ de 100k"
    assert [c.id for c in edition.categories_for(2000, 10000)] == ["villes-moins-20000"]  # "2 000-10 000 hab"
    assert edition.categories_for(10000, 60000) == []  # two categories' worth: none holds it
    assert [(c.min, c.max) for c in knowledge.editions[2015].categories_for(100000, open_ended=True)] == [(100001, None)]
    # every category whose label states a population has its bounds
    for year, e in knowledge.editions.items():
        for c in e.category_list:
            assert c.bounded == bool(re.search(r"\d", c.label)), (year, c.label)


def test_the_new_research_is_in_the_data(data_dir: Path) -> None:
    editions = load_dir(data_dir).knowledge().editions
    # 2014: a ceremony, a podium of seven names without category or rank, the best town
    e2014 = editions[2014]
    assert e2014.presentation.date == "2014-10-14" and e2014.structures_audited.value == 170
    assert len(e2014.awards) == 7 and all(a.category is None and a.rank is None for a in e2014.awards)
    [best] = [s for s in e2014.scores if s.standing == "best"]
    assert (best.subject, best.target, best.value) == ("structure", "Craponne", 90.8)
    # 2015: the scores by kind of structure
    kinds = {s.target: s.value for s in editions[2015].scores if s.subject == "kind"}
    assert kinds == {"villes": 67.2, "intercommunalites": 65, "departements": 63.7}
    # 2016: Belfort 2nd as printed, Cannes 1st and Narbonne 3rd read from "derrière" / "devant"
    band = {a.structure.name: a for a in editions[2016].awards if a.category == "villes-50000-100000"}
    assert {n: (a.rank, a.derived) for n, a in band.items()} == {
        "Cannes": (1, True), "Belfort": (2, False), "Narbonne": (3, True)}
    assert all(a.rule and a.rule_en for a in band.values() if a.derived)
    # 2017: one structure's scores by channel
    by_channel = {s.channel: s.value for s in editions[2017].scores
                  if s.subject == "structure" and s.target == "Département de Maine-et-Loire" and s.channel}
    assert by_channel == {"telephone": 87, "site-internet": 84, "accueil-physique": 81, "reseaux-sociaux": 75,
                          "e-mail": 72}
    # 2019: channel values derived from 2020's changes; "stable" ones approximate and not rankable
    derived = {s.target: (s.value, s.approx) for s in editions[2019].scores if s.subject == "channel" and s.derived}
    assert derived == {"courrier": (56, False), "e-mail": (71, False), "site-internet": (66, False),
                       "telephone": (81, True), "reseaux-sociaux": (72, True)}
    courrier = next(s for s in editions[2019].scores if s.target == "courrier")
    assert "point de tension" in courrier.note and courrier.rule_en
    assert not any("canal" in gap for gap in editions[2019].gaps)
    assert [s.target for s in editions[2019].scores if s.subject == "channel" and s.rankable] == \
        ["courrier", "e-mail", "site-internet"]
    # every French note has its English twin, every derived value its English rule
    for year, e in editions.items():
        for entry in (*e.scores, *e.awards):
            assert not entry.note or entry.note_en, (year, entry)
            assert not entry.derived or entry.rule_en, (year, entry)
        assert not e.completeness_note or e.completeness_note_en, year
