"""What the chat shows of a stored attachment: a fresh copy, never the stored file itself.

Stored attachments stay in ``<data dir>/uploads``, which the web server does not serve. When a
conversation is shown, which only happens for the browser (or API client) that holds its id, each photo
is re-encoded as a PNG thumbnail (at most ``THUMBNAIL_PIXELS`` a side, without EXIF or other metadata, so
no location or camera data and no bytes smuggled after the picture) and each voice note is copied, into
Gradio's file cache, from where Gradio serves it under a path no one else can guess.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from pathlib import Path

from gradio.utils import get_upload_folder
from PIL import Image, ImageOps

from assistant.images import open_heic_too

log = logging.getLogger(__name__)

THUMBNAIL_PIXELS = 480
DISPLAY_FOLDER = "ferngrove-display"


def display_folder() -> Path:
    return Path(get_upload_folder()) / DISPLAY_FOLDER


def display_copy(stored: Path, kind: str, folder: Path) -> Path | None:
    """The shown copy of ``stored`` (an 'image' or 'audio' attachment), made once; None when the stored
    file is gone or cannot be read."""
    if not stored.is_file():
        return None
    target = folder / (f"{stored.stem}.png" if kind == "image" else stored.name)
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{uuid.uuid4().hex}.part"
    try:
        if kind == "image":
            _write_thumbnail(stored, staging)
        else:
            shutil.copyfile(stored, staging)
        os.replace(staging, target)
    except (OSError, Image.DecompressionBombError, ValueError) as error:
        staging.unlink(missing_ok=True)
        log.warning("cannot show the stored attachment %s: %s", stored.name, error)
        return None
    return target


def _write_thumbnail(source: Path, target: Path) -> None:
    open_heic_too()
    with Image.open(source) as image:
        image.draft("RGB", (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
        picture = ImageOps.exif_transpose(image)
        picture.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
        mode = "RGBA" if "A" in picture.getbands() or "transparency" in picture.info else "RGB"
        clean = picture.convert(mode)
    clean.save(target, format="PNG")
