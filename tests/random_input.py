"""Random input is not a question: random strings asked one after the other in ONE conversation must get no
answer with found=true. The generator, the run, and the list of today's offenders (tests/random_input.known.yaml).

Used by tests/test_random_input.py, bench/random_input.py and bench/known_failures.py.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ALPHABET = string.ascii_letters + "çéèàù" + " " * 8 + ",;:!?'-"  # drawn uniformly, character by character
LENGTHS = (1, 2, 5, 12, 40, 200, 2000)  # drawn uniformly, string by string
SEEDS = (7, 20261203)  # 7 first; 20261203 was never tuned on
COUNT = 10_000  # strings per seed
KNOWN_PATH = Path(__file__).with_name("random_input.known.yaml")


def random_strings(seed: int, count: int = COUNT) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choices(ALPHABET, k=rng.choice(LENGTHS)))


@dataclass
class RandomRun:
    seed: int
    count: int
    offenders: list[int] = field(default_factory=list)  # indices (from 0) answered with found=true
    crashes: list[tuple[int, str]] = field(default_factory=list)  # (index, error)
    examples: dict[int, tuple[str, str]] = field(default_factory=dict)  # index -> (string, answer text)


def run_random(engine: Any, seed: int, count: int = COUNT) -> RandomRun:
    """Ask `count` random strings of `seed` in one conversation of `engine`."""
    from barometre_data.engine import ConversationState

    state = ConversationState()
    result = RandomRun(seed, count)
    for index, text in enumerate(random_strings(seed, count)):
        try:
            answer = engine.answer(text, state)
        except Exception as error:  # noqa: BLE001 - a crash is reported with its type, never hidden
            result.crashes.append((index, f"{type(error).__name__}: {error}"))
            continue
        if answer.found:
            result.offenders.append(index)
            result.examples[index] = (text, answer.text)
    return result


def load_known(path: Path = KNOWN_PATH) -> dict[int, set[int]]:
    """seed -> indices of the strings known to be answered with found=true today."""
    if not path.exists():
        return {}
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not all(isinstance(k, int) and isinstance(v, list) for k, v in raw.items()):
        raise ValueError(f"{path}: must map each seed to a list of string indices")
    return {seed: set(indices) for seed, indices in raw.items()}


def write_known(runs: list[RandomRun], path: Path = KNOWN_PATH) -> None:
    lines = [
        "# Random strings answered with found=true today (tests/test_random_input.py): seed -> indices (from 0)",
        f"# of the strings in tests/random_input.py's sequence ({COUNT} strings per seed, one conversation).",
        "# Generated: .venv/bin/python bench/known_failures.py --only random --write (never edit by hand).",
    ]
    for run in runs:
        lines.append(f"# seed {run.seed}: {len(run.offenders)} offender(s) of {run.count}")
        lines.append(f"{run.seed}: [{', '.join(map(str, run.offenders))}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def describe(run: RandomRun, indices: list[int], limit: int = 10) -> str:
    shown = []
    for index in indices[:limit]:
        text, answer = run.examples.get(index, ("?", "?"))
        text = text if len(text) <= 60 else f"{text[:50]}… ({len(text)} chars)"
        shown.append(f"  #{index} {text!r} -> {answer[:120]!r}")
    more = f"\n  … and {len(indices) - limit} more" if len(indices) > limit else ""
    return "\n".join(shown) + more
