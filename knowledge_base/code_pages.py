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
    "German": "äöüß", "French": "àâæçéèêëîïôœùûü", "Spanish": "¿¡áéíñóúüºª",
    "Portuguese": "àáâãçéêíóôõúºª", "Italian": "àèéìíîòóùúºª", "Dutch": "éèëïóöü", "Catalan": "àçèéíïòóúºª",
    "Swedish": "åäöé", "Danish and Norwegian": "æøåé", "Finnish": "äöåšž", "Icelandic": "áðéíóúýþæö",
    "Estonian": "äöüšž", "Polish": "ąćęłńóśźż", "Czech": "áčďéěíňóřšťúůýž", "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Hungarian": "áéíóöőúüű", "Slovenian": "čšž", "Croatian": "čćđšž", "Romanian": "ăâîşţ", "Albanian": "ëç",
}
"""The non-ASCII lower-case letters of languages written in Windows-1252 or Windows-1250 (and Spanish's
opening marks, which begin a word, and the ordinal signs of "nº 12", which Python counts as letters)."""
_OPENING_MARKS = "¿¡"
_LONE_TILDE_O = re.compile(r"õ(?![ae])")
"""Portuguese "õ" comes before "e" or "a" ("limões", "põe"); elsewhere it is Hungarian "ő" in the wrong code
page ("cipõm")."""
_ORDINALS = "ºª"
"""End a word ("nº", "1ª") and nothing else: inside one they are Romanian "ş" read in the wrong code page."""
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
    """Words with a non-ASCII letter that the best-fitting language's alphabet spells, or German's (a German
    catalogue names French dishes, a Polish one German brands)."""
    unspelt: int
    """Words with a non-ASCII letter or sign that neither does."""

    @property
    def score(self) -> int:
        return self.spelt - self.unspelt


def spelling(text: str) -> Spelling:
    words = {w for w in (_trimmed(w) for w in _WORD.findall(text)) if len(w) > 1 and not w.isascii()}
    if not words:
        return Spelling(0, 0)
    spelt_by = {name: {w for w in words if _spelt_in(w, letters)} for name, letters in ALPHABETS.items()}
    best = max(len(spelt | spelt_by["German"]) for spelt in spelt_by.values())
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
    if lower[-1] in _NEVER_LAST or _capital_inside(word) or any(ch in _ORDINALS for ch in lower[:-1]):
        return False
    if _LONE_TILDE_O.search(lower):
        return False
    return all(ch.isascii() or ch in letters for ch in lower)


def _capital_inside(word: str) -> bool:
    """A non-ASCII capital after a small letter ("CrŹme"): a byte read in the wrong code page."""
    return any(a.islower() and b.isupper() and not b.isascii() for a, b in zip(word, word[1:]))


def code_page_text(raw: bytes) -> tuple[str, str] | None:
    """(text, code page name) for the code page in which ``raw`` reads as words, or None when it reads in
    neither (it holds a byte that both leave undefined)."""
    readings = {}
    for name, codec in CODECS.items():
        try:
            readings[name] = raw.decode(codec)
        except UnicodeDecodeError:
            continue
    if len(readings) < 2:  # a byte one of them leaves undefined: the other must still read as words
        lone = next(((text, name) for name, text in readings.items()), None)
        return lone if lone is not None and spelling(lone[0]).score >= 0 else None
    if spelling(readings[CENTRAL]).score > spelling(readings[WESTERN]).score:
        return readings[CENTRAL], CENTRAL
    return readings[WESTERN], WESTERN
