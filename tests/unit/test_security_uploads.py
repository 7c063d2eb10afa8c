"""Attachments: random names outside any served folder, kinds told by content, size limits, a full disk."""

from __future__ import annotations

import errno
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from assistant.errors import AudioTooLargeError, ImageTooLargeError, UploadStorageError, UserInputError
from knowledge_base.db import session_scope
from knowledge_base.models import Message
from tests.unit.security_fixtures import GERMANY, light_runtime
from assistant.images import open_heic_too
from ui.attachments import display_copy
from ui.chat import run_turn, send
from ui.uploads import UploadLimits, UploadStore, uploads_dir

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp|wav|mp3|ogg|webm|m4a|flac|aac|amr|caf|aiff|heic|avif)$")
WAV_HEAD = b"RIFF\x24\x00\x00\x00WAVEfmt "


def png_bytes(size=(64, 48), exif: bytes | None = None, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    image.save(buffer, format=fmt, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def test_files_are_stored_under_random_names_with_the_suffix_of_their_content(tmp_path):
    store = UploadStore(tmp_path / "uploads")
    photo = write(tmp_path, "holiday photo.png", png_bytes())
    first, second = store.keep([photo]).images[0], store.keep([photo]).images[0]
    assert first != second and STORED_NAME.match(first.name) and STORED_NAME.match(second.name)
    assert "holiday" not in first.name and first.read_bytes() == Path(photo).read_bytes()
    assert oct(first.stat().st_mode & 0o777) == "0o600"


def test_a_file_is_taken_for_what_its_bytes_are_whatever_it_is_called(tmp_path):
    store = UploadStore(tmp_path / "uploads")
    kept = store.keep([write(tmp_path, "voice.wav", png_bytes()), write(tmp_path, "photo.jpg", WAV_HEAD + bytes(64))])
    assert [p.suffix for p in kept.images] == [".png"]
    assert kept.audio is not None and kept.audio.suffix == ".wav"


@pytest.mark.parametrize(("fmt", "suffix"), [("HEIF", ".heic"), ("AVIF", ".avif")])
def test_phone_photo_formats_are_kept_as_pictures_and_shown_as_png(tmp_path, fmt, suffix):
    open_heic_too()
    store = UploadStore(tmp_path / "uploads")
    kept = store.keep([write(tmp_path, "IMG_0001.jpg", png_bytes(size=(640, 480), fmt=fmt))])
    assert [p.suffix for p in kept.images] == [suffix] and kept.audio is None
    shown = display_copy(kept.images[0], "image", tmp_path / "display")
    with Image.open(shown) as image:
        assert image.format == "PNG" and image.size == (480, 360)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("photo.png", b"this is not a picture at all " * 20, "'photo.png' is neither (it is a text file)"),
        ("invoice.png", b"%PDF-1.4 ...", "'invoice.png' is neither (it is a PDF document)"),
        ("empty.jpg", b"", "'empty.jpg' is empty (0 bytes)"),
        ("random.webp", os.urandom(256) + b"\x00", "'random.webp' is neither."),
    ],
)
def test_files_that_are_not_pictures_or_voice_notes_are_refused_clearly(tmp_path, name, data, expected):
    store = UploadStore(tmp_path / "uploads")
    if data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"RIFF", b"OggS", b"ID3", b"fLaC", b"\x1a\x45")):
        pytest.skip("random bytes that happen to look like an accepted file")
    with pytest.raises(UserInputError, match=re.escape(expected)):
        store.keep([write(tmp_path, name, data)])
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_size_and_count_limits(tmp_path):
    store = UploadStore(tmp_path / "uploads", UploadLimits(max_image_bytes=1000, max_audio_bytes=500, max_files=2))
    with pytest.raises(ImageTooLargeError, match="the limit is 0 MB"):
        store.keep([write(tmp_path, "big.png", png_bytes() + bytes(2000))])
    with pytest.raises(AudioTooLargeError, match="a shorter voice note"):
        store.keep([write(tmp_path, "long.wav", WAV_HEAD + bytes(600))])
    photo = write(tmp_path, "p.png", png_bytes())
    with pytest.raises(UserInputError, match="at most 2 files"):
        store.keep([photo, photo, photo])


class SmallDisk:
    """A writer whose disk fills up after ``capacity`` bytes: writes past it fail with ENOSPC, as the
    kernel's would, after the bytes that fitted were written."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity

    def __call__(self, path: Path):
        disk = self

        class Writer(io.FileIO):
            def write(self, data) -> int:
                room = disk.capacity
                if len(data) > room:
                    super().write(bytes(data[:room]))
                    disk.capacity = 0
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
                disk.capacity -= len(data)
                return super().write(data)

        return Writer(path, "xb")


def test_a_full_disk_leaves_nothing_half_written(tmp_path):
    folder = tmp_path / "uploads"
    store = UploadStore(folder, open_new=SmallDisk(capacity=5000))
    small, big = write(tmp_path, "a.png", png_bytes()), write(tmp_path, "b.png", png_bytes() + bytes(20000))
    with pytest.raises(UploadStorageError, match="run out of space") as refused:
        store.keep([small, big])
    assert refused.value.full and isinstance(refused.value.__cause__, OSError)
    assert list(folder.iterdir()) == []  # neither the partial file nor the one kept before it


@pytest.fixture
def runtime(settings, sessions, retriever):
    return light_runtime(settings, sessions, retriever)


def test_a_full_disk_during_a_turn_tells_the_customer_and_keeps_their_message(runtime, tmp_path):
    photo = write(tmp_path, "p.png", png_bytes() + bytes(20000))
    store = UploadStore(uploads_dir(runtime.settings.data_dir), open_new=SmallDisk(capacity=1000))
    outcome = run_turn(runtime, GERMANY, [photo], None, store=store)
    assert "run out of space" in outcome.view.history[-1]["content"]
    assert outcome.keep_message and outcome.conversation_id is None
    with session_scope(runtime.sessions) as session:
        assert session.query(Message).count() == 0
    assert list(uploads_dir(runtime.settings.data_dir).iterdir()) == []


def test_the_send_handler_puts_the_message_back_in_the_box_after_a_storage_failure(runtime, tmp_path):
    photo = write(tmp_path, "p.png", png_bytes())
    runtime.settings.data_dir.mkdir(parents=True)
    (runtime.settings.data_dir / "uploads").write_text("a file where the uploads folder should be")
    *_, (box, history, conversation, ids) = send(runtime, {"text": GERMANY, "files": [photo]}, [], None, [])
    assert box["value"] == {"text": GERMANY, "files": [photo]}
    assert "could not save files" in history[-1]["content"]


def can_mount_tmpfs(point: Path) -> bool:
    if os.geteuid() != 0:
        return False
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)], capture_output=True)
    return result.returncode == 0


def test_a_really_full_filesystem_leaves_nothing_half_written(tmp_path):
    point = tmp_path / "tiny-disk"
    point.mkdir()
    if not can_mount_tmpfs(point):
        pytest.skip("mounting a 64 KiB tmpfs needs root; the SmallDisk writer test covers the same path")
    try:
        photo = write(tmp_path, "p.png", png_bytes() + bytes(200_000))
        with pytest.raises(UploadStorageError) as refused:
            UploadStore(point / "uploads").keep([photo])
        assert refused.value.full and refused.value.__cause__.errno == errno.ENOSPC
        assert list((point / "uploads").iterdir()) == []
    finally:
        subprocess.run(["umount", str(point)], check=True)


def test_the_chat_shows_a_re_encoded_thumbnail_without_metadata(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    big = tmp_path / "stored.jpg"
    big.write_bytes(png_bytes(size=(1600, 1200), exif=exif.tobytes(), fmt="JPEG"))
    shown = display_copy(big, "image", tmp_path / "display")
    assert shown is not None and shown.suffix == ".png" and shown.parent == tmp_path / "display"
    with Image.open(shown) as image:
        assert image.format == "PNG" and max(image.size) == 480
        assert not image.getexif() and b"SecretCam" not in shown.read_bytes()
    assert display_copy(tmp_path / "gone.png", "image", tmp_path / "display") is None


def test_stored_uploads_are_not_an_allowed_path_of_either_app(runtime):
    from ui.app import CONSOLE_PATH, build_app, mounted_app

    app = build_app(runtime)
    uploads = str(uploads_dir(runtime.settings.data_dir))
    for path in ("", CONSOLE_PATH):
        blocks = mounted_app(app, path).get_blocks()
        assert not any(uploads.startswith(str(allowed)) for allowed in blocks.allowed_paths)
