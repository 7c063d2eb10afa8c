"""The writing system of a customer's words, so that words the text models cannot read (all-MiniLM-L6-v2
and the router read English, and other languages written in Latin letters only in part) are not routed as
if they meant something."""

from __future__ import annotations

import unicodedata
from collections import Counter

SCRIPT_NAMES = {
    "CJK": "Chinese characters",
    "HIRAGANA": "Japanese kana",
    "KATAKANA": "Japanese kana",
    "HANGUL": "Korean Hangul",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "THAI": "Thai",
    "DEVANAGARI": "Devanagari",
}


def unreadable_script(text: str) -> str | None:
    """The writing system most of ``text``'s letters are in, when that is not the Latin alphabet; None for
    text in Latin letters (accented or not) and for text without letters."""
    scripts = Counter(_script(ch) for ch in text if ch.isalpha())
    letters = sum(scripts.values())
    if not letters or 2 * scripts["LATIN"] >= letters:
        return None
    top = next(script for script, _ in scripts.most_common() if script != "LATIN")
    return SCRIPT_NAMES.get(top, top.title())


def _script(letter: str) -> str:
    if letter.isascii():
        return "LATIN"
    name = unicodedata.name(letter, "")
    return "LATIN" if "LATIN" in name else name.split(" ", 1)[0] or "UNKNOWN"
