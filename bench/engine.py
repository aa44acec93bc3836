"""Speed of the question engine: p50 / p99 latency and questions per second, on the real data and on
a synthetic store of 100,000 structures over 20 editions; one plain rapidfuzz extractOne as the floor.

    .venv/bin/python bench/engine.py [--rounds N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from barometre_data.engine import ConversationState, Engine  # noqa: E402
from barometre_data.engine.normalize import fold  # noqa: E402
from barometre_data.knowledge import Award, Edition, Knowledge, Structure  # noqa: E402
from barometre_data.loader import load_dir  # noqa: E402

QUESTIONS = [
    "qui a gagné dans la catégorie sociaux ?", "score courier 2020", "et en 2019 ?", "What was the phone score?",
    "and social media?", "palmarès 2020", "le CCAS de Saumur", "besancon", "laureats en Haute-Garonne",
    "évolution du score global depuis 2014", "meilleur canal", "combien de structures auditées",
    "dans quel département ?", "avec quelle mention ?", "qui a gagné chez les intercomunalités en 2020",
    "quel temps fait-il à Saumur ?", "sociaux", "score des non certifiées", "8e édition", "l'an dernier",
    "Montpellier a-t-elle déjà été lauréate ?", "telephonne", "quels critères", "xqzvk plorb",
    "who won in the regions category in 2021", "le score global a baissé ?", "classement des canaux 2013",
]


def synthetic(real: Knowledge, structures: int = 100_000, editions: int = 20, seed: int = 7) -> Knowledge:
    rng = random.Random(seed)
    syllables = ["ba", "be", "bo", "ca", "ce", "da", "de", "fa", "ga", "la", "le", "ma", "mo", "na", "ne",
                 "pa", "po", "ra", "re", "sa", "so", "ta", "to", "va", "vi", "lu", "mi", "ro", "ti", "zu"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()

    departments = [word() + "-" + word() for _ in range(100)]
    categories = list(real.vocabulary.categories)
    years = list(range(2000, 2000 + editions))
    awards: dict[int, list[Award]] = {y: [] for y in years}
    for i in range(structures):
        commune = word() + (f"-{word()}" if rng.random() < 0.3 else "")
        s = Structure(f"Hôtel de ville de {commune}", "villes", commune, rng.choice(departments), None)
        year = years[i % editions]
        awards[year].append(Award(year, rng.choice(categories), None, s, rng.randint(1, 3), None, None,
                                  ("https://example.org/",)))
    template = real.editions[max(real.years)]
    built = {}
    for n, y in enumerate(years, start=1):
        scores = tuple(replace(s, year=y, value=(s.value + rng.uniform(-5, 5)) if s.value else None)
                       for s in template.scores)
        built[y] = Edition(y, n, f"édition {y}", "complete", categories=dict(template.categories),
                           awards=tuple(awards[y]), scores=scores)
    return Knowledge(built, real.vocabulary)


def measure(engine: Engine, rounds: int) -> tuple[float, float, float]:
    timings = []
    state = ConversationState()
    for question in QUESTIONS:  # warm-up: first-call costs are not what a running bot pays
        engine.answer(question, state)
    start = time.perf_counter()
    for _ in range(rounds):
        for question in QUESTIONS:
            t0 = time.perf_counter()
            engine.answer(question, state)
            timings.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99) - 1] * 1000
    return p50, p99, len(timings) / total


def floor(names: list[str], rounds: int) -> tuple[float, float, float]:
    queries = [fold(q) for q in QUESTIONS]
    timings = []
    start = time.perf_counter()
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            process.extractOne(q, names, scorer=fuzz.WRatio)
            timings.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    timings.sort()
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.99) - 1] * 1000, len(timings) / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    real = load_dir(ROOT / "data").knowledge()
    rows = []
    t0 = time.perf_counter()
    engine = Engine(real)
    build_real = time.perf_counter() - t0
    rows.append(("real data", len(real.awards()), build_real, *measure(engine, args.rounds)))
    rows.append(("floor: extractOne, real names", len(real.awards()), 0.0,
                 *floor([fold(a.structure.name) for a in real.awards()], args.rounds)))
    big = synthetic(real)
    t0 = time.perf_counter()
    big_engine = Engine(big)
    build_big = time.perf_counter() - t0
    rows.append(("synthetic 100k structures / 20 editions", len(big.awards()), build_big,
                 *measure(big_engine, max(2, args.rounds // 8))))
    rows.append(("floor: extractOne, 100k names", len(big.awards()), 0.0,
                 *floor([fold(a.structure.name) for a in big.awards()], 2)))
    print(f"{'case':44} {'structures':>10} {'build s':>8} {'p50 ms':>8} {'p99 ms':>8} {'q/s':>9}")
    for name, n, build, p50, p99, qps in rows:
        print(f"{name:44} {n:>10} {build:>8.2f} {p50:>8.3f} {p99:>8.3f} {qps:>9.0f}")
    print("targets (one core): p99 <= 2 ms on the real data, <= 10 ms at 100,000 structures")


if __name__ == "__main__":
    main()
