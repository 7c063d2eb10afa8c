"""Files a customer attaches: sorted into photos and one voice note, kept under ``<data dir>/uploads``."""

from __future__ import annotations

import mimetypes
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import UserInputError

AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".ogg", ".oga", ".opus", ".webm", ".m4a", ".flac", ".aac"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})


@dataclass(frozen=True)
class Attachments:
    images: tuple[Path, ...] = ()
    audio: Path | None = None


def uploads_dir(data_dir: Path) -> Path:
    return (data_dir / "uploads").resolve()


def kind_of(path: Path) -> str:
    """'image' or 'audio' by file name (the pipeline checks the bytes themselves)."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in AUDIO_SUFFIXES:
        return "audio"
    guessed = mimetypes.guess_type(path.name)[0] or ""
    if guessed.startswith(("image/", "audio/")):
        return guessed.split("/")[0]
    raise UserInputError(
        f"I can read photos, screenshots (PNG, JPEG, WebP, GIF) and voice notes (WAV, MP3, OGG, WebM, M4A, "
        f"FLAC); {path.name!r} is neither."
    )


def keep_attachments(files: list[str] | None, data_dir: Path) -> Attachments:
    """Copy the customer's files into the uploads folder so the stored conversation can show them later."""
    paths = [Path(f) for f in files or ()]
    kinds = [kind_of(p) for p in paths]
    if kinds.count("audio") > 1:
        raise UserInputError("Please send one voice note at a time.")
    folder = uploads_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    kept = [_copy(p, folder) for p in paths]
    images = tuple(k for k, kind in zip(kept, kinds) if kind == "image")
    audio = next((k for k, kind in zip(kept, kinds) if kind == "audio"), None)
    return Attachments(images=images, audio=audio)


def _copy(path: Path, folder: Path) -> Path:
    if not path.is_file():
        raise UserInputError(f"The file {path.name!r} did not arrive; please attach it again.")
    target = folder / f"{uuid.uuid4().hex}{path.suffix.lower()}"
    shutil.copyfile(path, target)
    return target
