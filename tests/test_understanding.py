"""Classes of understanding, each tested as a class (several wordings, both languages), not a phrasing:
unknown values are named and never answered as something else, premises are checked, several editions
or counts asked at once are all answered, a question complete on its own ignores the conversation, the
conversation's year holds in a thread."""

from __future__ import annotations

import pytest


from conftest import ask


# ------------------------------------------------------------------ unknown values

@pytest.mark.parametrize("question, named, real", [
    ("qui a gagné la catégorie sécurité en 2020 ?", "sécurité", "Régions"),
    ("score du fax en 2020", "fax", "courrier"),
    ("what was the fax channel score in 2020?", "fax", "postal mail"),
    ("y avait un score pour la visio en 2020 ?", "visio", "téléphone"),
    ("qui a gagné chez les écoles ?", "écoles", "Intercommunalités"),
])
def test_an_unknown_value_is_named_with_the_real_choices_and_not_answered(engine, question, named, real):
    answer = ask(engine, question)[0]
    assert not answer.found
    assert named in answer.text and real in answer.text


def test_an_unknown_channel_after_a_real_score_is_not_answered_with_the_previous_one(engine):
    score, fax = ask(engine, "score du courrier en 2020", "et le fax ?")
    assert score.found and "50" in score.text
    assert not fax.found and "fax" in fax.text and "50/100" not in fax.text


@pytest.mark.parametrize("question", ["x", "tel", "rs", "Vs", "x k Y", "et ?", "xqzt kfjr x"])
def test_stray_letters_and_lone_aliases_state_no_fact(engine, question):
    assert not ask(engine, question)[0].found


# ------------------------------------------------------------------ premises and claims

@pytest.mark.parametrize("question, truth", [
    ("pourquoi le téléphone a-t-il baissé en 2020 ?", "stable"),
    ("why did the phone score drop in 2020?", "stable"),
])
def test_a_false_premise_is_corrected(engine, question, truth):
    answer = ask(engine, question)[0]
    first_line = answer.text.splitlines()[0]
    assert truth in first_line and ("pas" in first_line or "not" in first_line) and "81" in answer.text


@pytest.mark.parametrize("question, verdict, real_category", [
    ("Saumur a gagné la catégorie MFS en 2020 ?", "Non", "Services sociaux"),
    ("Villeurbanne a gagné chez les plus de 50 000 en 2020, non ?", "Oui", "50 000"),
])
def test_a_claim_gets_yes_or_no_and_what_was_really_won(engine, question, verdict, real_category):
    answer = ask(engine, question)[0]
    assert answer.text.startswith(verdict) and real_category in answer.text


@pytest.mark.parametrize("question", [
    "Villeurbanne a gagné chez les plus de 100 000 en 2020 c'est ça ?",  # no such category that year
    "Saumur a gagné la catégorie régions en 2020, non ?",
])
def test_a_claim_corrected_with_what_was_really_won_is_an_answer(engine, question):
    answer = ask(engine, question)[0]
    assert answer.text.startswith("Non") and answer.found and answer.sources and "2020" in answer.text


@pytest.mark.parametrize("definition, follow_up, name", [
    ("c'est quoi une MFS ? ma voisine y travaille", "et y en a une qui a gagné un prix ?", "Viverols"),
    ("what is an EPCI?", "and did one of them win a prize?", "Grand Besançon"),
    ("c'est quoi un CCAS ?", "lequel a gagné ?", "Saumur"),
])
def test_after_a_term_that_is_a_category_the_laureates_are_that_categorys(engine, definition, follow_up, name):
    answer = ask(engine, definition, follow_up)[1]
    assert answer.found and answer.intent == "laureate" and name in answer.text


def test_a_channel_after_a_structures_own_score_is_that_structures_channel(engine):
    answers = ask(engine, "qui a gagné chez les départements en 2017 ?", "il avait eu quel score ?",
                  "et au téléphone ?", "et sur les réseaux sociaux ?")
    assert "74,5" in answers[1].text
    assert answers[2].found and "Maine-et-Loire" in answers[2].text and "87" in answers[2].text
    assert answers[3].found and "Maine-et-Loire" in answers[3].text and "75" in answers[3].text


def test_a_channel_after_a_structure_without_scores_is_the_national_one(engine):
    answers = ask(engine, "qui a gagné chez les sociaux en 2020 ?", "quel score pour eux ?", "et au téléphone ?")
    assert not answers[1].found and answers[2].found and "81" in answers[2].text


@pytest.mark.parametrize("follow_up", ["qui d'autre était sur le podium cette année-là ?", "who else won that year?"])
def test_who_else_after_a_structures_award_is_that_years_laureates(engine, follow_up):
    answer = ask(engine, "le conseil général du Pas-de-Calais a eu un trophée en 2014 c'est ça ?", follow_up)[1]
    assert answer.found and answer.intent == "palmares" and answer.year == 2014 and "Craponne" in answer.text


# ------------------------------------------------------------------ whether a structure took part

@pytest.mark.parametrize("question, found, words", [
    ("est-ce que Quimper a participé au baromètre ?", False, ["Quimper", "pas leur liste"]),
    ("ma commune c'est Brive la Gaillarde. on a participé ?", False, ["Brive"]),
    ("did Marseille take part in the barometer?", False, ["Marseille", "not which ones"]),
    ("Saumur a participé au baromètre ?", True, ["Oui", "2020"]),
    ("has Belfort taken part?", True, ["Yes", "2016"]),
])
def test_whether_a_structure_took_part_is_not_answered_with_a_count(engine, question, found, words):
    """The data counts the structures audited, it does not list them: a named structure is a laureate
    (so it took part), or it is not in the data; never the number of participants instead."""
    answer = ask(engine, question)[0]
    assert answer.found is found and answer.intent == "structure"
    assert all(word in answer.text for word in words) and "structures ont été auditées" not in answer.text


def test_how_many_took_part_is_still_a_count(engine):
    answer = ask(engine, "combien de structures ont participé en 2020 ?")[0]
    assert answer.found and "321" in answer.text


# ------------------------------------------------------------------ population bands

@pytest.mark.parametrize("question, name", [
    ("laureat villes 20 000 - 49 999 hab en 2020 ?", "Sables"),   # the words half-match "moins de 20 000"
    ("laureat villes 20 000-49 999 hab en 2020 ?", "Sables"),
    ("qui a gagné chez les villes de moins de 20 000 habitants en 2020 ?", "Pagny"),
])
def test_a_band_written_in_figures_decides_over_a_category_the_words_half_match(engine, question, name):
    answer = ask(engine, question)[0]
    assert answer.found and answer.year == 2020 and name in answer.text


@pytest.mark.parametrize("question, year", [
    ("which edition had the best overall score", "2014"),
    ("which edition had the worst phone score?", "2017"),
])
def test_which_edition_had_the_best_score_in_english(engine, question, year):
    answer = ask(engine, question)[0]
    assert answer.found and answer.intent == "series" and year in answer.text.splitlines()[0]


def test_dept_is_a_departement(engine):
    answer = ask(engine, "score moyen des dept en 2015")[0]
    assert answer.found and "63,7" in answer.text


@pytest.mark.parametrize("before, question, name", [
    ("qui a gagné en 2020 ?", "et la même année qui a gagné chez les villes de moins de 20000 ?", "Pagny"),
    ("score global 2020", "la même année, qui a gagné chez les plus de 50 000 habitants ?", "Villeurbanne"),
    ("phone score in 2020", "that year who won among towns under 20,000?", "Pagny"),
])
def test_the_comparison_words_of_a_band_ask_for_no_best_or_worst(engine, before, question, name):
    """'moins de 20 000', 'les plus de 50 000' bound a number: a relative year beside them is still a
    year, not 'the edition with the fewest ...'."""
    answer = ask(engine, before, question)[1]
    assert answer.found and answer.intent == "laureate" and answer.year == 2020 and name in answer.text


def test_a_structure_asked_for_the_wrong_year_says_when_it_won(engine):
    answer = ask(engine, "Saumur a été primée en 2019 ?")[0]
    assert not answer.found and "2020" in answer.text


# ------------------------------------------------------------------ several editions, several counts

@pytest.mark.parametrize("question, values", [
    ("score global 2019 vs 2020", ["68,5", "62", "6,5"]),
    ("compare le score global 2016 et 2017", ["68,9", "66"]),
    ("score global de 2016 à 2020", ["68,9", "66", "68,5", "62"]),
    ("overall score 2016 and change vs 2015", ["67", "68.9", "1.5"]),
    ("combien de structures auditées en 2016 et en 2020 ?", ["203", "321"]),
])
def test_several_editions_asked_at_once_are_all_answered(engine, question, values):
    answer = ask(engine, question)[0]
    assert answer.found and all(v in answer.text for v in values)


def test_several_counts_asked_at_once_are_all_answered(engine):
    answer = ask(engine, "combien de structures et combien de citoyens mystères en 2016 ?")[0]
    assert answer.found and "203" in answer.text and "525" in answer.text


@pytest.mark.parametrize("question, field, pick", [
    ("quelle édition a eu le plus de citoyens mystères ?", "mystery_citizens", max),
    ("l'édition qui a audité le plus de structures", "structures_audited", max),
    ("which edition had the fewest structures?", "structures_audited", min),
])
def test_most_and_fewest_over_the_editions_for_any_count(engine, question, field, pick):
    counts = {y: getattr(e, field).value for y, e in engine.knowledge.editions.items() if getattr(e, field)}
    year = pick(counts, key=counts.get)
    answer = ask(engine, question)[0]
    assert answer.found and answer.year == year and str(counts[year]) in answer.text


def test_a_structure_asked_for_two_years_gets_both(engine):
    answer = ask(engine, "Saumur a été lauréate en 2016 et en 2020 ?")[0]
    assert "2016" in answer.text and "2020" in answer.text and "Services sociaux" in answer.text


# ------------------------------------------------------------------ terms

@pytest.mark.parametrize("question, words", [
    ("c'est quoi un citoyen mystère ?", ["enquêteur"]),
    ("qui organise le baromètre ?", ["AFNOR"]),
    ("what does EPCI stand for?", ["inter-municipal"]),
    # "mean" is also the overall score's word: inside "what does X mean" it asks the meaning
    ("what does CCAS mean? sorry im not french", ["social action"]),
    ("what does MFS mean", ["France services"]),
])
def test_a_term_is_defined_with_its_source(engine, question, words):
    answer = ask(engine, question)[0]
    assert answer.found and answer.sources and all(w in answer.text for w in words)


# ------------------------------------------------------------------ the conversation

def test_a_complete_question_ignores_what_came_before(engine):
    alone = ask(engine, "combien pour le courrier en 2020 ?")[0]
    after = ask(engine, "qui a gagné chez les sociaux en 2020 ?", "son score ?", "combien pour le courrier en 2020 ?")[-1]
    assert (after.text, after.found) == (alone.text, alone.found)


@pytest.mark.parametrize("question", [
    "depuis quelle édition le baromètre est ouvert à d'autres structures que les collectivités ?",
    "depuis quand les réseaux sociaux sont évalués ?",
])
def test_a_since_when_question_is_about_every_edition_not_the_threads_year(engine, question):
    alone = ask(engine, question)[0]
    after = ask(engine, "qui a gagné chez les interco en 2020", "le CCAS de Saumur", question)[2]
    assert (after.text, after.found) == (alone.text, alone.found)


def test_the_language_is_always_the_current_questions(engine):
    english, french = ask(engine, "What was the phone score in 2020?", "quel était le score du courrier en 2020 ?")
    assert english.lang == "en" and french.lang == "fr"


def test_the_threads_year_survives_a_change_of_kind_and_a_not_in_the_data_turn(engine):
    answers = ask(engine, "qui a gagné chez les villes en 2016 ?", "et chez les intercos ?",
                  "quel a été le score global ?")
    assert answers[-1].year == 2016 and "68,9" in answers[-1].text


def test_a_yearless_count_keeps_the_conversations_year_or_says_it_takes_the_latest(engine):
    answers = ask(engine, "qui a gagné en 2020 ?", "combien de citoyens mystères ?")
    assert answers[-1].found and answers[-1].year == 2016 and "2020" in answers[-1].text


def test_a_region_without_laureate_is_known_as_a_region(engine):
    for question in ("which laureates were in Brittany?", "des lauréats en Bretagne ?"):
        answer = ask(engine, question)[0]
        assert not answer.found and "Bretagne" in answer.text


@pytest.mark.parametrize("question", ["kikou", "'; DROP TABLE awards; --", "c'est quoi un CCAS ?",
                                      "qui était 2e chez les régions en 2020 ?"])
def test_a_question_whose_words_tell_no_language_does_not_take_the_previous_ones(engine, question):
    alone = ask(engine, question)[0]
    after = ask(engine, "What was the phone score in 2019?", question)[-1]
    assert (after.text, after.found, after.lang) == (alone.text, alone.found, alone.lang)


def test_a_short_follow_up_keeps_the_conversations_language(engine):
    assert ask(engine, "What was the phone score in 2019?", "2020 ?")[-1].lang == "en"


# ------------------------------------------------------------------ since when: the earliest edition holding a fact

def earliest_score_year(engine, channel: str) -> int:
    return min(s.year for s in engine.knowledge.scores() if s.subject == "channel" and s.target == channel
               and s.value is not None)


@pytest.mark.parametrize("question, channel", [
    ("depuis quand les réseaux sociaux sont évalués ?", "reseaux-sociaux"),
    ("en quelle année les réseaux sociaux ont été évalués pour la première fois ?", "reseaux-sociaux"),
    ("quelle est la première édition avec un score pour les réseaux sociaux ?", "reseaux-sociaux"),
    ("since when are social networks part of the barometer?", "reseaux-sociaux"),
    ("first edition with a score for e-mail?", "e-mail"),
    ("depuis quand le courrier est évalué ?", "courrier"),
])
def test_since_when_answers_from_the_earliest_edition_holding_the_fact_and_says_so(engine, question, channel):
    # before: the latest score (2020) or edition n° 1 (2012, "not in the data"), found=true on the wrong year
    answer = ask(engine, question)[0]
    year = earliest_score_year(engine, channel)
    assert answer.found and answer.year == year
    assert answer.text.splitlines()[0].startswith(("Plus ancienne édition des données", "Earliest edition of the data"))
    assert str(year) in answer.text.splitlines()[0]


def test_since_when_is_read_on_its_own_after_a_thread_on_another_year(engine):
    alone = ask(engine, "depuis quand les réseaux sociaux sont évalués ?")[0]
    after = ask(engine, "score global 2020", "et le téléphone ?", "depuis quand les réseaux sociaux sont évalués ?")[-1]
    assert after.text == alone.text


@pytest.mark.parametrize("question", ["c'était quoi la première édition ?", "qui a gagné la première édition ?"])
def test_the_first_edition_is_still_edition_number_one(engine, question):
    assert ask(engine, question)[0].year == min(engine.knowledge.years)


# ------------------------------------------------------------------ several subjects named: each answered

def value_of(engine, year: int, subject: str, target: str | None = None) -> float:
    return next(s.value for s in engine.knowledge.scores()
                if s.year == year and s.subject == subject and s.target == target and s.value is not None)


@pytest.mark.parametrize("question", [
    "certified vs non-certified 2020", "score des certifiés et des non certifiés en 2020",
    "écart certifiés / non certifiés 2020", "non-certified and certified structures in 2020: what scores?",
])
def test_two_score_subjects_named_are_both_answered_with_their_gap(engine, question):
    # before: only the first subject named was answered
    answer = ask(engine, question)[0]
    certified, other = value_of(engine, 2020, "certified"), value_of(engine, 2020, "non-certified")
    assert answer.found
    for value in (certified, other, certified - other):
        assert f"{value:g}" in answer.text


@pytest.mark.parametrize("first, follow_up, year", [
    ("téléphone ou courrier, lequel est le mieux noté en 2020 ?", "et en 2019 ?", 2019),
    ("certified vs non-certified 2020", "and 2019?", 2019),
])
def test_a_year_follow_up_of_a_comparison_compares_the_same_ones(engine, first, follow_up, year):
    compared, again = ask(engine, first, follow_up)
    assert again.year == year and "canaux" not in again.text and "channels" not in again.text
    # the same subjects are named (or said missing / approximate), nothing else is ranked
    assert again.text.count("\n") <= compared.text.count("\n") + 2


# ------------------------------------------------------------------ "that year" after an answer spanning several editions

def award_years(engine, name: str) -> list[int]:
    return sorted({a.year for a in engine.knowledge.awards() if name in a.structure.name})


@pytest.mark.parametrize("first, then", [
    ("Besançon a gagné quand ?", "et cette année-là, quel était le score global ?"),
    ("when did Besançon win?", "what was the overall score that year?"),
])
def test_that_year_after_several_editions_gives_the_figure_of_each(engine, first, then):
    # before: silently the latest of them
    years = award_years(engine, "Besançon")
    assert len(years) > 1
    answer = ask(engine, first, then)[-1]
    assert answer.found and all(str(y) in answer.text for y in years)


def test_that_year_after_several_editions_says_which_one_it_answers(engine):
    years = award_years(engine, "Besançon")
    answer = ask(engine, "Besançon a gagné quand ?", "qui d'autre a gagné cette année-là ?")[-1]
    first_line = answer.text.splitlines()[0]
    assert all(str(y) in first_line for y in years) and str(answer.year) in first_line
    assert set(answer.suggestions) >= {str(y) for y in years if y != answer.year}


# ------------------------------------------------------------------ names the data does not know, whole

@pytest.mark.parametrize("question, name", [
    ("Brive Gaillarde a été primée ?", "Brive Gaillarde"),
    ("Brive-la-Gaillarde a été primée ?", "Brive-la-Gaillarde"),  # before: the 2021 palmarès, found=true
    ("la ville de Saint Jean de Luz a gagné ?", "Saint Jean de Luz"),
    ("did Le Mans ever win?", "Le Mans"),
    ("Est-ce que Aix en Provence a été primée ?", "Aix en Provence"),  # before: Provence's laureates
])
def test_a_name_nobody_knows_is_named_whole_and_not_answered(engine, question, name):
    answer = ask(engine, question)[0]
    assert not answer.found and name in answer.text


@pytest.mark.parametrize("question, name", [
    ("Confirmez-vous que Lyon a remporté la catégorie des villes de plus de 50 000 habitants en 2020 ?", "Lyon"),
    ("Conseil départemental de la Manche primé ?", "Manche"),
])
def test_a_name_nobody_knows_in_a_category_is_said_before_the_real_laureate(engine, question, name):
    answer = ask(engine, question)[0]
    first, second = answer.text.splitlines()[:2]
    assert answer.found and name in first and name not in second  # then the category's real laureate


def test_a_known_laureate_inside_a_category_question_is_not_said_unknown(engine):
    answer = ask(engine, "Grand Besançon Métropole a gagné chez les intercommunalités ?")[0]
    assert answer.found and "Je ne trouve pas" not in answer.text


@pytest.mark.parametrize("question, word", [
    ("y avait un score pour le chat en ligne en 2020 ?", "chat"),  # before: the website's score ("en ligne")
    ("live chat score 2020?", "chat"),  # English order: the value before "score"; before: the overall score
])
def test_an_unknown_channel_is_not_answered_with_a_known_word_that_only_qualifies_it(engine, question, word):
    answer = ask(engine, question)[0]
    assert not answer.found and word in answer.text


@pytest.mark.parametrize("question, value", [
    ("score des resaux sociaux en 2020", "72"),  # a misspelling next to the name is not an unknown value
    ("bjr, score global 2020 ?", "62"),  # a word before "score" in a French sentence is not its value
    ("phone score 2020", "81"),
])
def test_known_values_around_score_are_still_answered(engine, question, value):
    answer = ask(engine, question)[0]
    assert answer.found and value in answer.text


# ------------------------------------------------------------------ who is asking is not what is asked

@pytest.mark.parametrize("question, asked", [
    ("slt, adjoint au maire a Pont-a-Mousson. Pagny sur Moselle a ete primee ?", "Pagny"),
    ("hi, deputy mayor of Saint-Sebastien-sur-Loire here. did Vertou win anything?", "Vertou"),  # was: off topic
    ("Bonjour, je suis a la mairie de Bourg-la-Reine, Sceaux a eu un prix ?", "Sceaux"),
    ("Salut, DGS au Bouscat, Merignac etait sur le podium en quelle annee ?", "Mérignac"),
])
def test_the_place_of_the_person_asking_is_not_the_place_asked(engine, question, asked):
    answer = ask(engine, question)[0]
    assert answer.found and asked in answer.text.splitlines()[0]


@pytest.mark.parametrize("question, expected", [
    ("who were all the 2016 laureates? asking from Vaux-sur-Mer town hall", "Montpellier"),  # was: Vaux-le-Pénil
    ("Le palmares complet 2020 svp, je suis a la mairie de Saint-Amand-Montrond", "Villeurbanne"),
    ("je suis à la mairie de Saumur, qui a gagné en 2020 ?", "Villeurbanne"),
])
def test_a_general_question_from_someone_who_says_where_they_work_is_answered_in_general(engine, question, expected):
    answer = ask(engine, question)[0]
    assert answer.found and expected in answer.text


@pytest.mark.parametrize("question, found, name", [
    ("je suis DGS à Saumur, on a gagné quoi ?", True, "Saumur"),  # "on": the asker's own place is asked
    ("je suis DGS à Brive, on a déjà gagné ?", False, "Brive"),
    ("Grenoble, elle a déjà gagné ?", False, "Grenoble"),  # a name set apart at the start is still a name
])
def test_the_askers_own_place_is_asked_when_they_say_we(engine, question, found, name):
    answer = ask(engine, question)[0]
    assert answer.found is found and name in answer.text.splitlines()[0]


# ------------------------------------------------------------------ a superlative the data cannot know

@pytest.mark.parametrize("question", ["ville la moins bien notée en 2014 ?", "which town had the lowest score in 2014?"])
def test_the_worst_structure_is_not_the_only_one_the_data_scores(engine, question):
    # before: "the lowest-rated town is Craponne (90.8 %)", the best one, as the only town scored that year
    answer = ask(engine, question)[0]
    assert not answer.found
    assert "Craponne" not in answer.text.split("(")[0]


def test_the_best_structure_published_as_such_is_still_answered(engine):
    answer = ask(engine, "quelle ville avait le meilleur score en 2014 ?")[0]
    assert answer.found and "Craponne" in answer.text


@pytest.mark.parametrize("question", [
    "qui a gagné chez les villes de 20 à 50 000 hab en 2020 ?",  # before: the "plus de 50 000" category
    "entre 20 et 50 mille habitants, lauréat 2020 ?",
    "winner 2020 for towns of 20 to 50,000 inhabitants?",
])
def test_a_band_whose_first_bound_shares_the_thousands_reads_both_bounds(engine, question):
    answer = ask(engine, question)[0]
    text = answer.text.replace(",", " ")
    assert answer.found and "20 000" in text and "49 999" in text


@pytest.mark.parametrize("question", ["evolution du score tel 2013-2020", "phone score trend 2013–2020"])
def test_a_range_written_with_a_hyphen_gives_every_edition_between(engine, question):
    answer = ask(engine, question)[0]
    years = sorted({s.year for s in engine.knowledge.scores() if s.subject == "channel" and s.target == "telephone"
                    and s.value is not None and not s.approx and 2013 <= s.year <= 2020})
    assert answer.found and len(years) > 2 and all(str(y) in answer.text for y in years)


def test_a_count_over_the_editions_since_a_year_lists_each_edition(engine):
    answer = ask(engine, "évolution du nombre de structures auditées depuis 2013")[0]
    years = [y for y, e in engine.knowledge.editions.items() if e.structures_audited and y >= 2013]
    assert answer.found and all(str(engine.knowledge.editions[y].structures_audited.value) in answer.text
                                for y in years)


@pytest.mark.parametrize("first, then, expected", [
    ("le CCAS de Saumur a gagne dans quelle categorie ?", "c'etait en quelle annee ?", "2020"),
    ("les Sables d'Olonne ils ont eu quoi ?", "c'etait dans quelle strate ?", "49 999"),
    ("qui a gagné chez les régions en 2020 ?", "which year was that again?", "2020"),
])
def test_the_year_or_band_of_the_award_just_named_is_asked_back(engine, first, then, expected):
    answer = ask(engine, first, then)[-1]  # before: "je ne peux pas répondre à cela"
    assert answer.found and expected in answer.text


@pytest.mark.parametrize("question, count", [
    ("how many satisfaction determinants in 2019?", 7), ("combien de canaux évalués en 2020 ?", 5)])
def test_how_many_of_a_list_gives_its_length(engine, question, count):
    answer = ask(engine, question)[0]
    assert answer.found and str(count) in answer.text.split(":")[0]


def test_the_channel_that_dropped_most_between_two_consecutive_editions_is_a_ranking_by_change(engine):
    answer = ask(engine, "quel canal a le plus reculé entre 2019 et 2020 ?")[0]  # before: the overall score
    changes = {s.target: s.change for s in engine.knowledge.scores()
               if s.year == 2020 and s.subject == "channel" and s.change is not None}
    worst = min(changes, key=lambda c: changes[c])
    assert answer.found and answer.year == 2020
    assert engine.answerer.term_label("channels", worst, "fr") in answer.text.split(":", 1)[1].split(",")[0]
