"""Heavy work stays off the event loop: questions asked while a big store reloads are all answered
within Discord's 3-s deadline (a smaller run of bench/reload.py, which prints the figures for
100,000 laureates)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from barometre_data.config import Settings, sqlite_url
from barometre_data.service import BarometreService
from conftest import PROJECT_DIR


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_reload", PROJECT_DIR / "bench" / "reload.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


async def test_questions_during_a_big_reload_are_answered_within_the_deadline(tmp_path: Path) -> None:
    bench = bench_module()
    folder = bench.synthetic_folder(tmp_path / "data", laureates=3_000)
    service = await BarometreService.open(Settings(database_url=sqlite_url(tmp_path / "s.db"), data_dir=folder),
                                          follow=False)
    try:
        bench.change_one_file(folder)
        run = await bench.questions_during_reload(service, questions=60, every=0.03)
        assert run.reload_ok
        assert len(run.latencies) == 60
        assert max(run.latencies) < bench.DEADLINE, sorted(run.latencies)[-5:]
        assert "(revue)" in service.knowledge.editions[2030].name  # the reload landed
    finally:
        await service.close()
