"""Numbers a data file cannot hold (infinite, not a number, absurdly large) and files nested absurdly
deep are refused with the usual `file: entry: reason` message, in a folder and as an upload, and the
store and the served data stay exactly as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from barometre_data.config import Settings, sqlite_url
from barometre_data.loader import DataErrors, load_dir, validate_extra
from barometre_data.service import BarometreService
from barometre_data.store import Store

# (id, text in 2020.yaml, replacement, entry, reason), each written as a person would type it in YAML
NUMBERS = [
    ("change .inf", "value: 62\n    change: -6.5", "value: 62\n    change: .inf",
     "scores[0].change", "expected a finite number, got the number .inf"),
    ("change -.inf", "value: 62\n    change: -6.5", "value: 62\n    change: -.inf",
     "scores[0].change", "expected a finite number, got the number -.inf"),
    ("change .nan", "value: 62\n    change: -6.5", "value: 62\n    change: .nan",
     "scores[0].change", "expected a finite number, got the number .nan"),
    ("change 1e308", "value: 62\n    change: -6.5", "value: 62\n    change: 1.0e+308",
     "scores[0].change", "change 1e+308 is outside -100 to +100 points"),
    ("change of 500 points", "value: 62\n    change: -6.5", "value: 62\n    change: 500",
     "scores[0].change", "change 500 is outside -100 to +100 points"),
    ("score .nan", "value: 62\n    change: -6.5", "value: .nan\n    change: -6.5",
     "scores[0].value", "expected a finite number, got the number .nan"),
    ("a count of 10^12", "structures_audited:\n  value: 321", "structures_audited:\n  value: 1000000000000",
     "structures_audited.value", "must be at most 10000000, got 1000000000000"),
    ("a rank of 10^12", 'mention: "participation citoyenne"', 'rank: 1000000000000\n    mention: "x"',
     "awards[2].rank", "must be at most 1000, got 1000000000000"),
    ("an edition number of 10^12", "edition: 8\n", "edition: 1000000000000\n",
     "edition", "must be at most 1000, got 1000000000000"),
]


def deep_upload(levels: int = 10_000) -> bytes:
    """A 20 KB edition file whose `gaps` nests `levels` lists inside each other."""
    return ("year: 2021\nname: x\ncompleteness: minimal\ngaps: " + "[" * levels + "]" * levels + "\n").encode()


def broken(folder: Path, old: str, new: str) -> None:
    path = folder / "2020.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the data file changed: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("case", NUMBERS, ids=[c[0] for c in NUMBERS])
async def test_a_bad_number_is_refused_and_the_store_is_intact(case, mini_data: Path, store: Store) -> None:
    _id, old, new, entry, reason = case
    await store.import_data(load_dir(mini_data))
    before = await store.dump()

    broken(mini_data, old, new)
    result = load_dir(mini_data)

    assert [str(e) for e in result.errors] == [f"{mini_data / '2020.yaml'}: {entry}: {reason}"]
    with pytest.raises(DataErrors):
        await store.import_data(result)
    assert await store.dump() == before


@pytest.mark.parametrize("case", NUMBERS[:4], ids=[c[0] for c in NUMBERS[:4]])
async def test_a_bad_number_in_an_upload_is_refused_and_the_old_data_answers(case, tmp_path: Path,
                                                                            mini_data: Path) -> None:
    _id, old, new, entry, reason = case
    content = (mini_data / "2020.yaml").read_text(encoding="utf-8").replace(old, new, 1).encode()
    service = await BarometreService.open(Settings(database_url=sqlite_url(tmp_path / "s.db"), data_dir=mini_data))
    try:
        before = await service.store.dump()
        report = await service.import_file("2020.yaml", content)
        assert not report.ok
        assert report.errors == [f"2020.yaml: {entry}: {reason}"]
        assert await service.store.dump() == before
        answer = await service.ask("quel est le score global ?")
        assert "62/100" in answer.text
    finally:
        await service.close()


def test_a_deeply_nested_upload_is_refused_with_a_message(mini_data: Path) -> None:
    content = deep_upload()
    assert 19_000 < len(content) < 21_000
    result = validate_extra(mini_data, "2021.yaml", content)
    assert [str(e) for e in result.errors] == [
        "2021.yaml: line 4: lists and mappings nested more than 20 levels deep (an edition file needs a few)"]


@pytest.mark.parametrize("text", [
    "year: 2021\nname: x\ncompleteness: minimal\ngaps:\n" + "".join(" " * i + "-\n" for i in range(1, 40)),
    "year: 2021\nname: x\ncompleteness: minimal\nfacts: " + "{a: " * 500 + "1" + "}" * 500 + "\n",
], ids=["block lists", "flow mappings"])
def test_other_deep_nestings_are_refused(mini_data: Path, text: str) -> None:
    (mini_data / "2021.yaml").write_text(text, encoding="utf-8")
    [error] = load_dir(mini_data).errors
    assert error.entry.startswith("line ") and "nested more than 20 levels deep" in error.reason


async def test_a_deeply_nested_upload_leaves_the_store_and_the_answers_alone(tmp_path: Path,
                                                                             mini_data: Path) -> None:
    service = await BarometreService.open(Settings(database_url=sqlite_url(tmp_path / "s.db"), data_dir=mini_data))
    try:
        before = await service.store.dump()
        report = await service.import_file("2021.yaml", deep_upload())
        assert not report.ok and "nested more than 20 levels deep" in report.errors[0]
        assert await service.store.dump() == before
        assert sorted(p.name for p in mini_data.iterdir()) == ["2020.yaml", "synonyms.yaml"]
        assert (await service.ask("score du téléphone en 2020")).found
    finally:
        await service.close()
