"""`assistant intents import FILE.csv`: operators' own labelled messages (``text,intent,image``).

The import is all-or-nothing: every row is checked (known intent, some words or a picture, a readable
image), and only then are the pictures copied into the data folder and the rows stored. A row that is
already stored (same words, intent and picture) is skipped, so importing a file twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

from assistant.errors import ImageError, UserInputError
from assistant.images import ImageLimits, load_image, store_png
from knowledge_base.csv_table import CsvRow, check_rows, read_table_file
from knowledge_base.repositories.intents import intent_names
from knowledge_base.repositories.training_examples import (
    LabelledMessage,
    add_training_examples,
    list_training_examples,
)
from knowledge_base.text_input import require_printable

COLUMNS = ("text", "intent", "image")


@dataclass(frozen=True)
class ExampleImport:
    added: int
    images: int
    skipped: int = 0
    """Rows already stored, or repeated in the file."""
    note: str = ""
    """How the file was read, when that is worth saying (its encoding)."""


def import_intent_examples(
    *, session: Session, path: Path, image_dir: Path, limits: ImageLimits
) -> ExampleImport:
    table, note = read_table_file(path, required=("text", "intent"), expected=COLUMNS, what="example")
    known = set(intent_names(session=session))
    checked = check_rows(table, lambda row: _check(row, known, path.parent, limits))
    examples = [LabelledMessage(text, intent, _store(image, image_dir)) for text, intent, image in checked]
    new = _not_stored(session, examples)
    add_training_examples(session=session, examples=new, source=path.name)
    with_image = sum(1 for example in new if example.image_path is not None)
    return ExampleImport(len(new), with_image, len(examples) - len(new), note)


def _not_stored(session: Session, examples: list[LabelledMessage]) -> list[LabelledMessage]:
    seen = set(list_training_examples(session=session))
    new = []
    for example in examples:
        if example not in seen:
            seen.add(example)
            new.append(example)
    return new


def _check(row: CsvRow, known: set[str], folder: Path, limits: ImageLimits) -> tuple[str, str, Image.Image | None]:
    text = require_printable(" ".join(row.cells.get("text", "").split()), "text")
    intent = row.cells.get("intent", "").strip()
    if intent not in known:
        raise UserInputError(f"unknown intent {intent!r}; known: {', '.join(sorted(known))}" if intent else "the intent is empty")
    image_cell = row.cells.get("image", "").strip()
    if not text and not image_cell:
        raise UserInputError("neither text nor an image")
    if not image_cell:
        return text, intent, None
    image_path = (folder / image_cell) if not Path(image_cell).is_absolute() else Path(image_cell)
    if not image_path.is_file():
        raise UserInputError(f"the image {image_cell!r} does not exist (paths are relative to the CSV file)")
    try:
        image = load_image(image_path, max_pixels=limits.max_pixels, max_bytes=limits.max_bytes)
    except ImageError as error:
        raise UserInputError(f"the image {image_cell!r} cannot be used: {error}") from error
    return text, intent, image


def _store(image: Image.Image | None, image_dir: Path) -> str | None:
    return None if image is None else str(store_png(image, image_dir).resolve())
