"""The shared modules of tests/ (accuracy.py, context_independence.py, random_input.py) for the bench scripts:
imported by path under the names the tests give them (barometre_<stem>), so each is loaded once."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ACCURACY = Path(__file__).resolve().parents[1] / "tests" / "accuracy.py"


def load(filename: str) -> ModuleType:
    name = "barometre_accuracy"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ACCURACY)
        assert spec is not None and spec.loader is not None, ACCURACY
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    accuracy = sys.modules[name]
    return accuracy if filename == "accuracy.py" else accuracy.load_sibling(filename)
