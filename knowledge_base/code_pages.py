"""Which Windows code page a file that is not UTF-8 was saved in: Western European (1252) or Central
European (1250).

Excel's plain "CSV" is saved in the computer's ANSI code page. The two code pages share ASCII and most
signs but give different letters to many high bytes: Polish "ł" (0xB3) is "³" in Windows-1252 and French
"è" (0xE8) is "č" in Windows-1250. Each reading is scored by its words with a non-ASCII letter: those
that one language's alphabet spells (the best-fitting language of those written in these code pages), less
those it does not. The Central European reading is taken only when it scores higher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WESTERN, CENTRAL = "Windows-1252", "Windows-1250"
CODECS = {WESTERN: "cp1252", CENTRAL: "cp1250"}

ALPHABETS = {
    "German": "äöüß", "French": "àâæçéèêëîïôœùûü", "Spanish": "¿¡áéíñóúü",
    "Portuguese": "àáâãçéêíóôõú", "Italian": "àèéìíîòóùú", "Dutch": "éèëïóöü", "Catalan": "àçèéíïòóú",
    "Swedish": "åäöé", "Danish and Norwegian": "æøåé", "Finnish": "äöåšž", "Icelandic": "áðéíóúýþæö",
    "Estonian": "äöõüšž", "Polish": "ąćęłńóśźż", "Czech": "áčďéěíňóřšťúůýž", "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Hungarian": "áéíóöőúüű", "Slovenian": "čšž", "Croatian": "čćđšž", "Romanian": "ăâîşţ", "Albanian": "ëç",
}
"""The non-ASCII lower-case letters of languages written in Windows-1252 or Windows-1250 (and Spanish's
opening marks, which begin a word)."""
_OPENING_MARKS = "¿¡"
_NEVER_LAST = "œñæ"
"""Letters that hardly ever end a Western European word but whose bytes often end a Polish one: "œ" is
followed by "u" or "i" ("cœur", "œil") where Polish has "jakieś", Spanish "ñ" by a vowel where Polish has
"dzień", and "æ" ends few Danish words where Polish infinitives end in "ć" ("zrobić")."""

_WORD = re.compile(r"[^\s\x00-\x40\x5b-\x60\x7b-\x7f\u2018\u2019\u201c\u201d\u201e\u2013\u2014\u2026\u20ac]+")
"""Runs of letters and non-ASCII signs, split at the signs both code pages share (’ “ ” „ – — … €):
"Ciep³a" stays one word, so the sign in it counts against it."""


@dataclass(frozen=True)
class Spelling:
    spelt: int
    """Words with a non-ASCII letter that the best-fitting language's alphabet spells."""
    unspelt: int
    """Words with a non-ASCII letter or sign that it does not."""


def spelling(text: str) -> Spelling:
    words = [w for w in (_trimmed(w) for w in _WORD.findall(text)) if len(w) > 1 and not w.isascii()]
    if not words:
        return Spelling(0, 0)
    best = max(sum(_spelt_in(word, letters) for word in words) for letters in ALPHABETS.values())
    return Spelling(best, len(words) - best)


def _trimmed(word: str) -> str:
    """Without the signs around it (quotation marks, "°", "©"), which are no one language's letters."""
    start, end = 0, len(word)
    while start < end and not (word[start].isalpha() or word[start] in _OPENING_MARKS):
        start += 1
    while end > start and not word[end - 1].isalpha():
        end -= 1
    return word[start:end]


def _spelt_in(word: str, letters: str) -> bool:
    lower = word.lower()
    return lower[-1] not in _NEVER_LAST and all(ch.isascii() or ch in letters for ch in lower)


def code_page_text(raw: bytes) -> tuple[str, str] | None:
    """(text, code page name) for the code page in which ``raw`` reads as words, or None when it reads in
    neither (it holds a byte that both leave undefined)."""
    readings = {}
    for name, codec in CODECS.items():
        try:
            readings[name] = raw.decode(codec)
        except UnicodeDecodeError:
            continue
    if len(readings) < 2:
        return next(((text, name) for name, text in readings.items()), None)
    western, central = spelling(readings[WESTERN]), spelling(readings[CENTRAL])
    if central.spelt - central.unspelt > western.spelt - western.unspelt:
        return readings[CENTRAL], CENTRAL
    return readings[WESTERN], WESTERN
