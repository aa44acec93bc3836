"""The reading of a question on its own (engine/reading.py through parser.parse): typed mentions a
user's wording carries, whatever the wording: bands, editions compared or ranged, negations, values
that match nothing, glossary terms, and how much of the text is explained at all."""

from __future__ import annotations

import pytest

from barometre_data.engine import Engine
from barometre_data.engine.parser import parse
from barometre_data.engine.reading import Band, Slot

def read(engine: Engine, text: str):
    return parse(text, engine.lexicon, engine.matcher)


@pytest.mark.parametrize("text, band", [
    ("qui a gagné chez les villes entre 20 et 50 mille habitants ?", Band(20000, 50000)),
    ("lauréat des villes de 20 000 à 49 999 habitants", Band(20000, 49999)),
    ("les villes de + de 100k", Band(100001, None)),
    ("villes de plus de 100 000 habitants", Band(100001, None)),
    ("communes 2 000-10 000 hab", Band(2000, 10000)),
    ("les villes de moins de 20k", Band(None, 19999)),
    ("je suis dans une ville de 35000 habitants", Band(35000, 35000)),
    ("towns of more than 50,000 inhabitants", Band(50001, None)),
])
def test_population_bands_in_their_usual_forms(engine, text, band):
    assert read(engine, text).band == band


@pytest.mark.parametrize("text", ["score global 2020", "qui a gagné en 2016 et 2020 ?", "8e édition", "score du tel"])
def test_years_and_ordinals_are_not_bands(engine, text):
    assert read(engine, text).band is None


@pytest.mark.parametrize("text, years, ranged", [
    ("score global de 2016 à 2020", (2016, 2020), True),
    ("évolution entre 2016 et 2020", (2016, 2020), True),
    ("score global 2019 vs 2020", None, False),
    ("compare 2016 et 2017", None, False),
])
def test_editions_compared_or_ranged(engine, text, years, ranged):
    reading = read(engine, text)
    assert reading.years_compared
    assert (reading.year_range == years) if ranged else reading.year_range is None


@pytest.mark.parametrize("text, slot, word", [
    ("qui a gagné la catégorie sécurité en 2020 ?", Slot.CATEGORY, "securite"),
    ("score du fax en 2020", Slot.SUBJECT, "fax"),
    ("what was the fax channel score?", Slot.CHANNEL, "fax"),
    ("qui a gagné chez les écoles ?", Slot.KIND, "ecoles"),
    ("et la visio ?", Slot.SUBJECT, "visio"),
    ("le label Ecocert compte ?", Slot.LABEL, "ecocert"),
])
def test_a_value_matching_nothing_is_kept_with_its_slot(engine, text, slot, word):
    unknowns = read(engine, text).unknowns
    assert [(u.slot, u.text) for u in unknowns][:1] == [(slot, word)]


@pytest.mark.parametrize("text", ["score du téléphone en 2020", "qui a gagné la catégorie régions en 2020 ?",
                                  "which channel scored worst in 2020?", "et les certifiées ?", "et la date exacte ?"])
def test_known_values_are_not_unknown(engine, text):
    assert read(engine, text).unknowns == []


def test_negation_points_at_what_it_excludes(engine):
    reading = read(engine, "score hors collectivités en 2019")
    assert [reading.hits[i].entities[0].id for i in reading.negated] == ["collectivites"]
    assert not read(engine, "score des collectivités en 2019").negated


@pytest.mark.parametrize("text, term", [
    ("c'est quoi un citoyen mystère ?", "citoyen-mystere"),
    ("MFS ça veut dire quoi", "maison-france-services"),
    ("what does EPCI stand for?", "epci"),
    ("qui organise le baromètre ?", "afnor"),
])
def test_a_definition_asked_names_its_term(engine, text, term):
    assert read(engine, text).define == term


@pytest.mark.parametrize("text", ["combien de citoyens mystères en 2016 ?", "score des certifiées ?",
                                  "c'est qui les derniers lauréats du baromètre ?", "et les certifiées ?",
                                  "who won the France services category"])
def test_a_term_used_in_another_question_is_not_a_definition(engine, text):
    assert read(engine, text).define is None


def test_words_nothing_explains_are_counted(engine):
    assert read(engine, "xqzt kfjr x").unexplained == ["xqzt", "kfjr"]
    assert read(engine, "quel est le score du téléphone en 2020 ?").unexplained == []
