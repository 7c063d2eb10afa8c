"""Hashed word and character n-grams of a message, for the router's lexical path.

A sentence vector smooths away exactly the words that often decide a message's intent: another
company's name ("my Zalando parcel"), an order-number shape, a misspelt keyword. The bag keeps them. Every
n-gram is hashed into a fixed number of buckets (no vocabulary to fit or store), weighted by
``1 + log(count)`` and L2-normalised, like a sublinear TF vector.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class LexicalBagOptions:
    buckets: int = 1 << 15
    """Hash buckets; collisions are rare at this size for a shop's vocabulary."""
    char_ngrams: tuple[int, int] = (3, 5)
    """Shortest and longest character n-gram, taken inside each space-padded word."""
    word_ngrams: int = 2
    """Longest run of words (1: words only, 2: words and pairs)."""


@dataclass(frozen=True, eq=False)
class LexicalBag:
    indices: np.ndarray
    """(n,) int64 bucket numbers, distinct."""
    weights: np.ndarray
    """(n,) float32, L2 norm 1 (empty for a message without words)."""


EMPTY_BAG = LexicalBag(np.zeros(0, np.int64), np.zeros(0, np.float32))


def message_words(text: str) -> list[str]:
    """Lower-cased words with every digit written as 0, so 'FG-203881' and 'FG-118920' look alike."""
    return _WORD.findall(_DIGIT.sub("0", text.lower()))


def _ngrams(words: list[str], options: LexicalBagOptions) -> Counter[str]:
    grams: Counter[str] = Counter()
    for size in range(1, options.word_ngrams + 1):
        for start in range(len(words) - size + 1):
            grams["w:" + " ".join(words[start : start + size])] += 1
    low, high = options.char_ngrams
    for word in words:
        padded = f" {word} "
        for size in range(low, high + 1):
            for start in range(len(padded) - size + 1):
                grams["c:" + padded[start : start + size]] += 1
    return grams


def lexical_bag(text: str, options: LexicalBagOptions = LexicalBagOptions()) -> LexicalBag:
    weights: Counter[int] = Counter()
    for gram, count in _ngrams(message_words(text), options).items():
        weights[zlib.crc32(gram.encode("utf-8")) % options.buckets] += 1.0 + np.log(count)
    if not weights:
        return EMPTY_BAG
    indices = np.fromiter(weights.keys(), np.int64, len(weights))
    values = np.fromiter(weights.values(), np.float32, len(weights))
    return LexicalBag(indices, values / np.linalg.norm(values))
