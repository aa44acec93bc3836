"""The admin-facing wording of the data side (`texts.yaml`), by section and language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.yaml")


@lru_cache(maxsize=1)
def _all() -> dict:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def texts(section: str, lang: str) -> dict:
    """The texts of `section` ("facts", "changes", "stats", "reload") in `lang` (French unless "en")."""
    table = _all()[section]
    return table["en" if lang == "en" else "fr"]
