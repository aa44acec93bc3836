"""Turns facts into sentences with the templates of `wording.yaml` (French and English)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

import yaml

WORDING_FILE = Path(__file__).with_name("wording.yaml")


@dataclass(frozen=True)
class Wording:
    tables: dict[str, dict]

    def t(self, key: str, lang: str, **values: object) -> str:
        table = self.tables.get(lang) or self.tables["fr"]
        template = table.get(key, self.tables["fr"].get(key, key))
        return str(template).format(**values)

    def num(self, value: float, lang: str) -> str:
        text = f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        return text.replace(".", self.t("decimal", lang))

    def signed(self, value: float, lang: str) -> str:
        return ("+" if value > 0 else "−" if value < 0 else "") + self.num(abs(value), lang)

    def join(self, items: list[str], lang: str) -> str:
        if len(items) <= 1:
            return "".join(items)
        return self.t("list_sep", lang).join(items[:-1]) + self.t("list_last", lang) + items[-1]

    def date(self, iso: str | None, lang: str) -> str | None:
        if not iso:
            return None
        parts = iso.split("-")
        months = (self.tables.get(lang) or self.tables["fr"])["months"]
        if len(parts) == 3:
            return self.t("date_day", lang, day=int(parts[2]), month=months[int(parts[1]) - 1], year=parts[0])
        if len(parts) == 2:
            return self.t("date_month", lang, month=months[int(parts[1]) - 1], year=parts[0])
        return parts[0]

    def sources_line(self, urls: list[str], lang: str) -> str:
        hosts = list(dict.fromkeys(urlparse(u).netloc.removeprefix("www.") for u in urls))
        if not hosts:
            return ""
        key = "source" if len(hosts) == 1 else "sources"
        return self.t(key, lang, sources=", ".join(hosts))


@lru_cache(maxsize=1)
def load_wording(path: Path = WORDING_FILE) -> Wording:
    return Wording(yaml.safe_load(path.read_text(encoding="utf-8")))
