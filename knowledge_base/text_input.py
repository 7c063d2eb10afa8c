"""Text typed by people or read from their files, made safe to store and to give to the models.

A NUL byte cannot be stored in PostgreSQL text, and a lone surrogate (what Python makes of bytes that
are not UTF-8) cannot be encoded for the tokenizers, so neither may reach the database or a model.
"""

from __future__ import annotations

import re

from knowledge_base.errors import UserInputError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_message(text: str) -> str:
    """A customer's words: unreadable characters become U+FFFD and control characters other than tabs
    and line breaks are dropped, as they are invisible and carry no meaning."""
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


def require_printable(text: str, what: str) -> str:
    """Staff's text is stored as written, so a control character in it is an error to fix at the source."""
    found = _CONTROL.search(text) or _SURROGATE.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise UserInputError(
            f"The {what} contains an invisible control character ({code}) at character {found.start() + 1}; "
            "remove it and save again."
        )
    return text
