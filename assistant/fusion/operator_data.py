"""`assistant intents import FILE.csv`: operators' own labelled messages (``text,intent,image``).

The import is all-or-nothing: every row is checked (known intent, some words or a picture, a readable
image), and only then are the pictures copied into the data folder and the rows stored.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

from assistant.errors import CsvImportError, ImageError, UserInputError
from assistant.fusion.pictures import pixel_key
from assistant.images import ImageLimits, load_image
from knowledge_base.repositories.faq_csv import read_csv_text
from knowledge_base.repositories.intents import intent_names
from knowledge_base.repositories.training_examples import LabelledMessage, add_training_examples

COLUMNS = ("text", "intent", "image")


@dataclass(frozen=True)
class ExampleImport:
    added: int
    images: int


def import_intent_examples(
    *, session: Session, path: Path, image_dir: Path, limits: ImageLimits
) -> ExampleImport:
    if not path.is_file():
        raise UserInputError(f"There is no file {path}.")
    rows = _rows(read_csv_text(path.read_bytes()))
    known = set(intent_names(session=session))
    problems: dict[int, str] = {}
    checked: list[tuple[str, str, Image.Image | None]] = []
    for number, row in rows:
        try:
            checked.append(_check(row, known, path.parent, limits))
        except UserInputError as error:
            problems[number] = str(error)
    if problems:
        raise CsvImportError(problems)
    examples = [LabelledMessage(text, intent, _store(image, image_dir)) for text, intent, image in checked]
    add_training_examples(session=session, examples=examples, source=path.name)
    return ExampleImport(len(examples), sum(1 for *_, image in checked if image is not None))


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise CsvImportError({1: f"unreadable CSV header: {error}"}) from error
    if "text" not in header or "intent" not in header:
        raise CsvImportError({1: f"the header must have the columns {','.join(COLUMNS)} (image is optional)"})
    reader.fieldnames = header
    try:
        rows = list(enumerate(reader, start=2))
    except csv.Error as error:
        raise CsvImportError({reader.line_num: f"unreadable CSV: {error}"}) from error
    if not rows:
        raise UserInputError("The CSV file has a header but no example rows.")
    return rows


def _check(row: dict, known: set[str], folder: Path, limits: ImageLimits) -> tuple[str, str, Image.Image | None]:
    if None in row:
        raise UserInputError("more fields than columns (is there an unquoted comma?)")
    text = " ".join((row.get("text") or "").split())
    intent = (row.get("intent") or "").strip()
    if intent not in known:
        raise UserInputError(f"unknown intent {intent!r}; known: {', '.join(sorted(known))}" if intent else "the intent is empty")
    image_cell = (row.get("image") or "").strip()
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
    if image is None:
        return None
    image_dir.mkdir(parents=True, exist_ok=True)
    target = image_dir / f"{pixel_key(image)}.png"
    if not target.exists():
        partial = target.with_suffix(".partial")
        image.save(partial, format="PNG")
        partial.replace(target)
    return str(target.resolve())
