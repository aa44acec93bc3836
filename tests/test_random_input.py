"""Random input is not a question: 10,000 random strings per seed (tests/random_input.py), asked one after the
other in ONE conversation, get no answer with found=true. A bare short alias ("x", "tel") may ask what is
meant, with found=false. Today's offenders are listed by index in tests/random_input.known.yaml so the
suite passes: a new offender fails, and so does a listed one that no longer offends (regenerate the list:
`.venv/bin/python bench/known_failures.py --only random --write`). Figures: bench/random_input.py.
"""

from __future__ import annotations


import pytest
from conftest import load_accuracy

acc = load_accuracy()
rnd = acc.load_sibling("random_input.py")


def test_the_generator_draws_from_the_stated_alphabet_and_lengths():
    strings = list(rnd.random_strings(rnd.SEEDS[0], 2000))
    assert strings == list(rnd.random_strings(rnd.SEEDS[0], 2000))  # a fixed seed, a fixed sequence
    assert {len(s) for s in strings} == set(rnd.LENGTHS)
    assert set("".join(strings)) == set(rnd.ALPHABET)
    assert not any("\n" in s for s in strings)


@pytest.fixture(scope="module")
def engine():
    from barometre_data.engine import Engine

    return Engine(acc.load_knowledge())


@pytest.mark.parametrize("seed", rnd.SEEDS)
def test_random_strings_get_no_answer_from_the_data(engine, figures, seed):
    run = rnd.run_random(engine, seed)
    known = rnd.load_known().get(seed, set())
    figures.append(f"random input, seed {seed}: {len(run.offenders)} of {run.count} strings answered with "
                   f"found=true ({len(known)} listed as known)")
    assert not run.crashes, f"the engine raised on random input: {run.crashes[:5]}"
    new = [i for i in run.offenders if i not in known]
    stale = sorted(known - set(run.offenders))
    assert not new, (f"{len(new)} random string(s) answered with found=true that "
                     f"{rnd.KNOWN_PATH.name} does not list:\n{rnd.describe(run, new)}")
    assert not stale, (f"{len(stale)} listed string(s) no longer answered with found=true: remove them "
                       f"(bench/known_failures.py --only random --write): {stale[:20]}")
