"""Text folding shared by everything that matches words: lower case, accents and punctuation dropped."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "«": " ", "»": " ", "“": " ", "”": " "})
_NON_WORD = re.compile(r"[^a-z0-9+]+")
_SPACES = re.compile(r"\s+")
_ELIDED = re.compile(r"\b([ldjmnstcq]|qu|jusqu|lorsqu|puisqu)'")


def fold(text: str) -> str:
    """'Qui a gagné l’an dernier ?' -> 'qui a gagne l an dernier'; 'e-mail' -> 'e mail'. Idempotent."""
    text = text.translate(_APOSTROPHES).lower()
    if not text.isascii():
        text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
        # accents go; letters of other scripts go too (nothing in the data is written in them)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _ELIDED.sub(r"\1 ", text)
    text = _NON_WORD.sub(" ", text)
    # hyphens are spaces ("Haute-Garonne" = "haute garonne"); a "+" only counts before a number
    text = re.sub(r"\+(?![0-9 ])", " ", text)
    return _SPACES.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    return fold(text).split()
