"""Text folding shared by everything that matches words: lower case, accents and punctuation dropped."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "«": " ", "»": " ", "“": " ", "”": " "})
_NON_WORD = re.compile(r"[^a-z0-9+]+")
_POSSESSIVE = re.compile(r"(?<=[a-z])'s\b")
_LONE_PLUS = re.compile(r"\+(?![0-9 ])")


def fold(text: str) -> str:
    """'Qui a gagné l’an dernier ?' -> 'qui a gagne l an dernier'; 'e-mail' -> 'e mail'. Idempotent."""
    text = text.lower()
    if not text.isascii():
        text = text.translate(_APOSTROPHES).replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
        # accents go; letters of other scripts go too (nothing in the data is written in them)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    if "'s" in text:  # English possessive: "Lyon's score" = "lyon score"
        text = _POSSESSIVE.sub("", text)
    # apostrophes and hyphens are spaces ("l'an" = "l an", "Haute-Garonne" = "haute garonne")
    text = _NON_WORD.sub(" ", text)
    if "+" in text:  # a "+" only counts before a number ("+50 000")
        text = _LONE_PLUS.sub(" ", text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return fold(text).split()
