"""Measures shared by the benchmarks, and the English text normaliser that word error rates are counted
after (as published WER figures are): two transcripts that say the same thing in different spellings,
casing, punctuation or number styles count as equal."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def edit_distance(reference: Sequence, hypothesis: Sequence) -> int:
    """Levenshtein distance between two sequences (of characters or words); every edit costs 1."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_item in enumerate(reference, start=1):
        current = [i]
        for j, hyp_item in enumerate(hypothesis, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_item != hyp_item)))
        previous = current
    return previous[-1]


def word_error_rate(pairs: Sequence[tuple[str, str]], normalise: bool = True) -> float:
    """Word edits / reference words over (reference, hypothesis) pairs; raw (``normalise=False``) splits
    both on white space and compares the words as written."""
    split = normalise_english if normalise else str.split
    errors = words = 0
    for reference, hypothesis in pairs:
        reference_words = split(reference)
        errors += edit_distance(reference_words, split(hypothesis))
        words += len(reference_words)
    if words == 0:
        raise ValueError("word_error_rate needs at least one reference word")
    return errors / words


UNITS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
UNITS["oh"] = 0
TENS = {word: 10 * value for value, word in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty "
                                                        "ninety".split()) if value >= 2}
NUMBER_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
ORDINALS = {
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}
"""'second' is left out: it is far more often the unit of time."""
CARDINAL_OF_ORDINAL = {
    ordinal: next(word for word, number in {**UNITS, **TENS, "hundred": 100}.items() if number == value)
    for ordinal, value in ORDINALS.items()
}
IS_CONTRACTED = "what where who how when why it that there here he she".split()
"""Words after which 's is 'is' (or 'has'), never a possessive, so 'What's' is 'What is'; after a noun it
may be either ('the parcel's label'), so it is left alone."""
CONTRACTIONS = {
    "can't": "can not", "won't": "will not", "shan't": "shall not",
    "ain't": "is not", "let's": "let us",
    **{f"{word}'s": f"{word} is" for word in IS_CONTRACTED},
}
SUFFIX_CONTRACTIONS = (("n't", " not"), ("'re", " are"), ("'m", " am"), ("'ll", " will"), ("'ve", " have"),
                       ("'d", " would"))
BRITISH_TO_AMERICAN = {
    "colour": "color", "colours": "colors", "coloured": "colored", "favourite": "favorite",
    "favourites": "favorites", "cancelled": "canceled", "cancelling": "canceling", "centre": "center",
    "centres": "centers", "jewellery": "jewelry", "grey": "gray", "metre": "meter", "metres": "meters",
    "cheque": "check", "cheques": "checks", "catalogue": "catalog", "catalogues": "catalogs",
    "behaviour": "behavior", "honour": "honor", "labour": "labor", "neighbour": "neighbor",
    "travelled": "traveled", "travelling": "traveling", "labelled": "labeled", "enrolment": "enrollment",
    "programme": "program", "licence": "license", "defence": "defense", "practise": "practice",
    "tyre": "tire", "tyres": "tires", "aluminium": "aluminum", "pyjamas": "pajamas", "mum": "mom",
    "cosy": "cozy", "storey": "story", "analyse": "analyze", "fulfil": "fulfill", "instalment": "installment",
    "ok": "okay", "e-mail": "email", "e-mails": "emails", "alright": "all right", "whilst": "while",
    "mr": "mister", "mrs": "missus", "dr": "doctor", "st": "street",
}
COMPOUNDS = {
    "into": "in to", "onto": "on to", "login": "log in", "logout": "log out", "checkout": "check out",
    "setup": "set up", "everyday": "every day", "anymore": "any more", "online": "on line",
    "cannot": "can not",
}
"""Words written closed or open alike ('log into', 'log in to') in their open form."""
IZE_STEMS = ("organi", "reali", "recogni", "apologi", "authori", "personali", "customi", "categori", "priori",
             "speciali", "summari", "finali", "minimi", "maximi", "emphasi", "memori", "utili", "itemi")
"""British -ise spellings of these stems become -ize (never a general rule: 'wise', 'promise', 'rise')."""
FILLERS = {"uh", "um", "umm", "hmm", "mm", "mhm", "er", "erm", "ah", "eh", "huh"}
CURRENCIES = {"$": "dollars", "€": "euros", "£": "pounds"}


def normalise_english(text: str) -> list[str]:
    """The words of ``text`` in one standard form: lower case, accents and punctuation removed,
    contractions expanded, British spellings made American, words written closed or open ('into',
    'in to') in one form, fillers ('um', 'uh') and bracketed
    annotations ('[music]', '(laughs)') dropped, and numbers as digits ('twenty five' and '25' both
    become '25'; a spoken digit string such as 'four five two one' becomes '4521')."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "'")
    text = re.sub(r"[\[(<][^\])>]*[\])>]", " ", text)
    text = re.sub(r"(?<=\d)[,_](?=\d{3}\b)", "", text)
    text = re.sub(r"([$€£])\s*(\d+(?:\.\d+)?)", lambda m: f"{m.group(2)} {CURRENCIES[m.group(1)]}", text)
    text = re.sub(r"(?<=\d)\s*%", " percent", text)
    normalised = []
    for clause in re.split(r"(?<!\d)[,.;:!?]|[,.;:!?](?!\d)", text):  # 'one, two' are two numbers
        words = [part for word in re.findall(r"[a-z0-9]+(?:['.-][a-z0-9]+)*", clause)
                 for part in _standard_spelling(word)]
        normalised.extend(_numbers_as_digits([word for word in words if word not in FILLERS]))
    return normalised


def _standard_spelling(word: str) -> list[str]:
    if word in CONTRACTIONS:
        return CONTRACTIONS[word].split()
    if word in BRITISH_TO_AMERICAN:
        return BRITISH_TO_AMERICAN[word].split()
    if word in COMPOUNDS:
        return COMPOUNDS[word].split()
    for suffix, expansion in SUFFIX_CONTRACTIONS:
        if word.endswith(suffix) and len(word) > len(suffix):
            return _standard_spelling(word[: -len(suffix)]) + expansion.split()
    if re.fullmatch(r"\d+(\.\d+)?", word):
        return [word]
    word = word.replace("'", "")
    if "-" in word or "." in word:
        return [part for piece in re.split(r"[-.]", word) if piece for part in _standard_spelling(piece)]
    for stem in IZE_STEMS:
        match = re.fullmatch(stem + r"s(e|es|ed|ing|ation|ations)", word)
        if match:
            return [f"{stem}z{match.group(1)}"]
    return [word]


def _numbers_as_digits(words: list[str]) -> list[str]:
    """Every run of number words becomes one digit string; 'and' inside a number ('one hundred and
    five') is part of it, and an ordinal ends it ('twenty first' is '21st')."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if not _is_number_word(words[i]):
            out.append(words[i])
            i += 1
            continue
        run: list[str] = []
        while i < len(words) and (_is_number_word(words[i]) or _joins_number(words, i, run)):
            if words[i] != "and":
                run.append(words[i])
            i += 1
            if run[-1] in ORDINALS:
                break
        out.append(_run_as_digits(run))
    return out


def _is_number_word(word: str) -> bool:
    return (word in UNITS and word != "oh") or word in TENS or word in ORDINALS or word in NUMBER_SCALES


def _joins_number(words: list[str], i: int, run: list[str]) -> bool:
    following = words[i + 1] if i + 1 < len(words) else ""
    return words[i] == "and" and bool(run) and run[-1] in NUMBER_SCALES and (
        following in UNITS or following in TENS
    )


def _run_as_digits(run: list[str]) -> str:
    """Read a run of number words. Where a word cannot go on with the number before it ('four five',
    'forty five twenty one'), a new number starts; the numbers are joined into one digit string, as
    people read out order and phone numbers."""
    suffix = ""
    if run[-1] in ORDINALS:
        value = ORDINALS[run[-1]]
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(value % 10 if value % 100 not in (11, 12, 13) else 0, "th")
        run = run[:-1] + [CARDINAL_OF_ORDINAL[run[-1]]]
    numbers: list[str] = []
    total = part = 0
    cap = 10**12  # a scale word must be smaller than the last one used ('two million three thousand')
    previous = "start"
    for word in run:
        kind = _kind(word)
        if not _continues(previous, kind, part, cap, word):
            numbers.append(str(total + part))
            total, part, cap = 0, 0, 10**12
        if kind in ("unit", "teen", "tens"):
            part += UNITS.get(word, TENS.get(word, 0))
        elif kind == "hundred":
            part = max(part, 1) * 100
        else:
            total += max(part, 1) * NUMBER_SCALES[word]
            part, cap = 0, NUMBER_SCALES[word]
        previous = kind
    numbers.append(str(total + part))
    return "".join(numbers) + suffix


def _kind(word: str) -> str:
    if word in TENS:
        return "tens"
    if word == "hundred":
        return "hundred"
    if word in NUMBER_SCALES:
        return "scale"
    return "teen" if UNITS[word] >= 10 else "unit"


def _continues(previous: str, kind: str, part: int, cap: int, word: str) -> bool:
    """Whether ``word`` (of ``kind``) carries on the number read so far."""
    if previous == "start":
        return True
    if kind == "unit":
        return previous in ("hundred", "scale") or (previous == "tens" and UNITS[word] > 0)
    if kind in ("teen", "tens"):
        return previous in ("hundred", "scale")
    if kind == "hundred":
        return previous in ("unit", "teen") and 0 < part < 100
    return previous != "scale" and NUMBER_SCALES[word] < cap
