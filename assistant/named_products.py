"""Catalogue products a customer names in words: "how much is the Suede Chelsea Boot?", "is FG-AB-003 in
stock in size 44?".

A product is named by its SKU, or by every word of its name (two words at least, in any order, plurals
and case aside). When the words name several products alike, none is taken: "the Chelsea boots" could be
the leather or the suede one, and the FAQ answers such a question better.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Product

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_SIZE = re.compile(r"\bsize\s+([a-z0-9]{1,5})\b", re.IGNORECASE)
_FILLER = frozenset({"the", "a", "an", "and", "of", "in", "with", "for", "by", "&"})


def named_product(session: Session, text: str) -> Product | None:
    words = _words(text)
    if not words:
        return None
    lowered = text.lower()
    candidates: list[tuple[int, Product]] = []
    for product in session.scalars(select(Product)):
        if re.search(rf"(?<![\w-]){re.escape(product.sku.lower())}(?![\w-])", lowered):
            return product
        name = _words(product.name) - _FILLER
        if len(name) >= 2 and name <= words:
            candidates.append((len(name), product))
    if not candidates:
        return None
    candidates.sort(key=lambda item: -item[0])
    if len(candidates) > 1 and candidates[0][0] == candidates[1][0]:
        return None
    return candidates[0][1]


def asked_size(text: str) -> str | None:
    """The size a customer asks about ("in size 44", "size M")."""
    match = _SIZE.search(text)
    return match.group(1) if match else None


def _words(text: str) -> set[str]:
    return {_singular(word) for word in _WORD.findall(text.lower())}


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
