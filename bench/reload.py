"""Questions asked during a reload of a big store: a data folder with the real editions plus
LAUREATES synthetic laureates (spread over 20 synthetic editions), one file changed, `/recharger`
(service.reload) while QUESTIONS questions are asked at a steady pace. Prints the reload time, the
questions' latency (from the moment each was due to its answer: event-loop stalls included) and how
many were answered within Discord's 3-s deadline, and the longest stall of the event loop.

    .venv/bin/python bench/reload.py [--laureates 100000] [--questions 200] [--every 0.05] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from barometre_data.config import Settings, sqlite_url  # noqa: E402
from barometre_data.service import BarometreService  # noqa: E402

DEADLINE = 3.0  # Discord's: an interaction not answered (or deferred) in 3 s fails
QUESTIONS = ["score du téléphone en 2020", "qui a gagné dans la catégorie sociaux en 2020 ?", "palmarès 2019",
             "quel est le score global ?", "le CCAS de Saumur", "et en 2019 ?", "meilleur canal"]
SYLLABLES = ["ba", "be", "bo", "ca", "ce", "da", "de", "fa", "ga", "la", "le", "ma", "mo", "na", "ne", "pa",
             "po", "ra", "re", "sa", "so", "ta", "to", "va", "vi", "lu", "mi", "ro", "ti", "zu"]


def synthetic_folder(destination: Path, laureates: int, editions: int = 20, first_year: int = 2030) -> Path:
    """data/ plus `laureates` synthetic awards in `editions` new edition files (2030.yaml...)."""
    shutil.copytree(ROOT / "data", destination)
    template = yaml.safe_load((destination / "2020.yaml").read_text(encoding="utf-8"))
    categories = [c["id"] for c in template["categories"]]
    source = "https://example.org/synthetic"
    for n in range(editions):
        year = first_year + n
        awards = []
        for i in range(n, laureates, editions):
            name = "".join(SYLLABLES[(i // 30 ** k) % 30] for k in range(4)).capitalize() + f" {i}"
            awards.append({"category": categories[i % len(categories)], "name": f"Hôtel de ville de {name}",
                           "kind": "villes", "commune": name, "department": f"Département {i % 100}",
                           "source": source})
        doc = {"year": year, "name": f"édition synthétique {year}", "completeness": "partial",
               "categories": template["categories"], "awards": awards}
        (destination / f"{year}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                                                  encoding="utf-8")
    return destination


def change_one_file(folder: Path, year: int = 2030) -> None:
    path = folder / f"{year}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"édition synthétique {year}",
                                                             f"édition synthétique {year} (revue)"), encoding="utf-8")


@dataclass
class Run:
    reload_seconds: float
    latencies: list[float]  # per question, from when it was due to its answer
    longest_stall: float  # the event loop's longest pause seen by a 10-ms ticker
    reload_ok: bool


async def questions_during_reload(service: BarometreService, questions: int, every: float) -> Run:
    stalls: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            stalls.append(now - last - 0.01)
            last = now

    async def ask(i: int, due: float) -> float:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        await service.ask(QUESTIONS[i % len(QUESTIONS)], conversation=("bench", i))
        return time.perf_counter() - due

    tick = asyncio.create_task(ticker())
    start = time.perf_counter()
    reload = asyncio.create_task(service.reload())
    asks = [asyncio.create_task(ask(i, start + i * every)) for i in range(questions)]
    report = await reload
    reload_seconds = time.perf_counter() - start
    latencies = list(await asyncio.gather(*asks))
    stop.set()
    await tick
    return Run(reload_seconds, latencies, max(stalls, default=0.0), report.ok and report.summary is not None)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--laureates", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--every", type=float, default=0.05, help="seconds between two questions")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic_folder(Path(tmp) / "data", args.laureates)
        settings = Settings(database_url=args.database_url or sqlite_url(Path(tmp) / "bench.db"), data_dir=folder)
        began = time.perf_counter()
        service = await BarometreService.open(settings, log_queries=True, follow=False)
        print(f"store filled with {args.laureates:,} synthetic laureates: {time.perf_counter() - began:.1f} s")
        try:
            change_one_file(folder)
            run = await questions_during_reload(service, args.questions, args.every)
        finally:
            await service.close()
    lat = sorted(run.latencies)
    within = sum(1 for x in lat if x <= DEADLINE)
    print(f"reload (one edition file changed): {run.reload_seconds:.1f} s, {'ok' if run.reload_ok else 'FAILED'}")
    print(f"{len(lat)} questions asked meanwhile (one every {args.every * 1000:.0f} ms): "
          f"p50 {statistics.median(lat) * 1000:.0f} ms, p99 {lat[int(len(lat) * 0.99) - 1] * 1000:.0f} ms, "
          f"max {lat[-1] * 1000:.0f} ms; {within}/{len(lat)} within {DEADLINE:.0f} s")
    print(f"longest event-loop stall: {run.longest_stall * 1000:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
