"""Files a customer attaches: recognised by their content, checked against the size limits, and stored
under random names in ``<data dir>/uploads``, a folder the web server never serves.

A file is what its bytes say, whatever it is called: a PNG named ``note.wav`` is kept and read as a
photo. Each file is written under a temporary name, flushed to disk and then renamed, so a failed write
(a full disk) leaves nothing behind, and the files already kept for the same message are removed too.
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from assistant.audio import IMAGE_BRANDS, describe_content, sniff_format
from assistant.errors import AudioTooLargeError, ImageTooLargeError, UploadStorageError, UserInputError
from assistant.settings import Settings

ACCEPTED = ("images (photos, screenshots: PNG, JPEG, WebP, GIF, HEIC, AVIF) and voice notes (WAV, MP3, OGG, WebM, "
            "M4A, AAC, AMR, CAF, AIFF, FLAC)")
IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF87a", ".gif"),
                    (b"GIF89a", ".gif"))
HEAD_BYTES = 64
COPY_CHUNK = 1 << 20
FULL_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})

OpenNew = Callable[[Path], BinaryIO]
"""Creates a new file for writing and returns it open in binary mode (the store's writer)."""


@dataclass(frozen=True)
class Attachments:
    images: tuple[Path, ...] = ()
    audio: Path | None = None

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.images + ((self.audio,) if self.audio else ())


@dataclass(frozen=True)
class Sniffed:
    kind: str
    """'image' or 'audio'."""
    suffix: str
    """The suffix the stored copy gets, from the content (``.png``, ``.ogg``, ...)."""


@dataclass(frozen=True)
class UploadLimits:
    max_image_bytes: int = 20_000_000
    max_audio_bytes: int = 20_000_000
    max_files: int = 6


def upload_limits(settings: Settings) -> UploadLimits:
    return UploadLimits(settings.max_image_bytes, settings.max_audio_bytes, settings.max_attachments)


def uploads_dir(data_dir: Path) -> Path:
    return (data_dir / "uploads").resolve()


def sniff(head: bytes) -> Sniffed | None:
    """The accepted kind of file the first bytes belong to, or None."""
    for signature, suffix in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return Sniffed("image", suffix)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", ".webp")
    if head[4:8] == b"ftyp" and head[8:12] in IMAGE_BRANDS:
        return Sniffed("image", ".avif" if head[8:12] in (b"avif", b"avis") else ".heic")
    audio = sniff_format(head)
    return Sniffed("audio", f".{audio}") if audio else None


def sniff_file(path: Path) -> Sniffed:
    """The file's kind by its content; a clear error for empty files and files of other kinds."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head:
        raise UserInputError(f"The file {path.name!r} is empty (0 bytes); please attach it again.")
    found = sniff(head)
    if found is None:
        what = describe_content(head)
        found_as = f" (it is {what})" if what else ""
        raise UserInputError(f"I can read {ACCEPTED}; {path.name!r} is neither{found_as}.")
    return found


def kind_of(path: Path) -> str:
    """'image' or 'audio' by the file's content."""
    return sniff_file(path).kind


def _open_exclusive(path: Path) -> BinaryIO:
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


class UploadStore:
    """Keeps a message's attachments in ``folder``: all of them or, on any failure, none."""

    def __init__(self, folder: Path, limits: UploadLimits = UploadLimits(), *,
                 open_new: OpenNew = _open_exclusive) -> None:
        self.folder = folder
        self.limits = limits
        self.open_new = open_new

    def keep(self, files: list[str] | None) -> Attachments:
        paths = [Path(f) for f in files or ()]
        if len(paths) > self.limits.max_files:
            raise UserInputError(f"Please attach at most {self.limits.max_files} files to one message.")
        sniffed = [self._checked(p) for p in paths]
        if sum(s.kind == "audio" for s in sniffed) > 1:
            raise UserInputError("Please send one voice note at a time.")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise UploadStorageError(full=error.errno in FULL_DISK_ERRNOS) from error
        kept: list[Path] = []
        try:
            for path, found in zip(paths, sniffed):
                kept.append(self._store(path, found.suffix))
        except BaseException:
            self.discard(kept)
            raise
        images = tuple(k for k, s in zip(kept, sniffed) if s.kind == "image")
        audio = next((k for k, s in zip(kept, sniffed) if s.kind == "audio"), None)
        return Attachments(images=images, audio=audio)

    def discard(self, paths) -> None:
        """Removes stored files (a turn that failed after its files were kept)."""
        for path in paths:
            Path(path).unlink(missing_ok=True)

    def _checked(self, path: Path) -> Sniffed:
        if not path.is_file():
            raise UserInputError(f"The file {path.name!r} did not arrive; please attach it again.")
        found = sniff_file(path)
        size = path.stat().st_size
        if found.kind == "image" and size > self.limits.max_image_bytes:
            raise ImageTooLargeError(_too_large(path, size, self.limits.max_image_bytes, "a smaller photo"))
        if found.kind == "audio" and size > self.limits.max_audio_bytes:
            raise AudioTooLargeError(_too_large(path, size, self.limits.max_audio_bytes, "a shorter voice note"))
        return found

    def _store(self, source: Path, suffix: str) -> Path:
        name = uuid.uuid4().hex
        staging, target = self.folder / f".{name}.part", self.folder / f"{name}{suffix}"
        try:
            with source.open("rb") as reader, self.open_new(staging) as writer:
                shutil.copyfileobj(reader, writer, COPY_CHUNK)
                writer.flush()
                os.fsync(writer.fileno())
            os.replace(staging, target)
        except OSError as error:
            staging.unlink(missing_ok=True)
            raise UploadStorageError(full=error.errno in FULL_DISK_ERRNOS) from error
        except BaseException:
            staging.unlink(missing_ok=True)
            raise
        return target


def _too_large(path: Path, size: int, limit: int, instead: str) -> str:
    return (f"{path.name!r} is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. "
            f"Please send {instead}.")


def upload_store(settings: Settings) -> UploadStore:
    """The store of customers' attachments: ``<data dir>/uploads`` with the configured limits."""
    return UploadStore(uploads_dir(settings.data_dir), upload_limits(settings))
