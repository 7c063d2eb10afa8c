"""Voice-note checks and decoding: every note is checked before it is decoded (size, real content,
declared duration) and after (duration, truncation, silence), so a customer gets an error that says what
to do instead of a bad transcript.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import (
    AudioTooLargeError,
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    SilentAudioError,
    UnsupportedAudioError,
)

SAMPLE_RATE = 16_000
ACCEPTED = "WAV, MP3, OGG/Opus, WebM, M4A, AAC, AMR, CAF, AIFF or FLAC"
SILENCE_RMS = 10 ** (-50 / 20)
"""Loudest 30 ms of a recording quieter than -50 dBFS: nothing was recorded."""
AGAIN = "Please record the voice note again."
SILENT = (
    "The voice note is silent or too quiet to hear. Please check that your microphone is on, speak close "
    "to it and record it again."
)


@dataclass(frozen=True)
class AudioOptions:
    vad_filter: bool = True
    """Drop non-speech with Silero VAD before decoding: faster on notes with pauses, fewer hallucinations."""
    translate: bool = True
    """Also translate non-English speech to English (multilingual models only)."""
    max_seconds: float = 120.0
    max_bytes: int = 20_000_000
    fallback_language: str | None = "en"
    """Taken when detection is unsure: short or accented notes get misdetected (Whisper then transcribes
    English as, say, Latin), and English is what the knowledge base is searched in."""
    min_language_probability: float = 0.5
    beam_size: int = 5
    """More accurate than greedy decoding (1) for a little more CPU: the encoder's fixed 30 s window costs
    more than the decoder (bench/speech.py)."""
    initial_prompt: str | None = None
    """Text in the shop's words that the decoder reads before each note (ASSISTANT_SPEECH_PROMPT)."""
    without_timestamps: bool = False
    """Decode text tokens only, without Whisper's timestamp tokens: segments then span whole windows."""


_AUDIO_MAGIC = (
    (b"OggS", "ogg"),
    (b"\x1a\x45\xdf\xa3", "webm"),
    (b"fLaC", "flac"),
    (b"ID3", "mp3"),
    (b"#!AMR", "amr"),
    (b"caff", "caf"),
)
_OTHER_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
)
IMAGE_BRANDS = (b"heic", b"heix", b"hevc", b"heif", b"mif1", b"msf1", b"avif", b"avis")
"""ISO media brands of HEIC and AVIF pictures, which share the ``ftyp`` box with M4A sound."""


def sniff_format(head: bytes) -> str | None:
    """The accepted audio format the first bytes of a file belong to, whatever the file is called."""
    for magic, name in _AUDIO_MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[4:8] == b"ftyp" and head[8:12] not in IMAGE_BRANDS:
        return "m4a"
    if _is_adts_frame(head):
        return "aac"
    return "mp3" if _is_mpeg_audio_frame(head) else None


def _is_adts_frame(head: bytes) -> bool:
    """Raw AAC as some phones record it: frames that start with a sync word and layer bits 00."""
    return len(head) >= 7 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0


def _is_mpeg_audio_frame(head: bytes) -> bool:
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer, bitrate = (head[1] >> 3) & 3, (head[1] >> 1) & 3, head[2] >> 4
    return version != 1 and layer != 0 and bitrate != 0xF


def describe_content(head: bytes) -> str | None:
    """What a file that is not accepted audio is, when that is easy to tell."""
    for magic, name in _OTHER_MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF":
        return {b"WEBP": "a WebP image", b"AVI ": "an AVI video"}.get(head[8:12])
    if head[4:8] == b"ftyp":
        return "a HEIC/AVIF image"
    return "a text file" if _looks_like_text(head) else None


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch.isspace() for ch in text)


def check_file(path: Path, options: AudioOptions) -> str:
    """Size and real content, before anything is decoded; returns the format found."""
    if not path.is_file():
        what = "a folder, not a voice note" if path.is_dir() else "not there"
        raise EmptyAudioError(f"'{path}' is {what}. Please choose the voice note's file and send it again.")
    size = path.stat().st_size
    if size == 0:
        raise EmptyAudioError(f"'{path.name}' is empty (0 bytes). Please record the voice note again.")
    if size > options.max_bytes:
        raise AudioTooLargeError(
            f"'{path.name}' is {size / 1e6:.1f} MB; the limit is {options.max_bytes / 1e6:.0f} MB. "
            "Please send a shorter voice note."
        )
    with path.open("rb") as handle:
        head = handle.read(64)
    found = sniff_format(head)
    if found is None:
        what = describe_content(head)
        problem = f"is {what}, not a voice recording" if what else "is not in a supported audio format"
        raise UnsupportedAudioError(f"'{path.name}' {problem}. Please send audio as {ACCEPTED}.")
    cut_off = (found == "wav" and _wav_is_cut_off(head, size)) or (
        found == "ogg" and _ogg_is_cut_off(path.read_bytes())
    )
    if cut_off:
        raise CorruptAudioError(_cut_off_message(path))
    return found


def _wav_is_cut_off(head: bytes, size: int) -> bool:
    """The RIFF header states the file's length; streaming writers leave a placeholder there. Up to 8
    bytes short is not a cut: some writers count the whole file, or leave out an odd chunk's pad byte."""
    declared = int.from_bytes(head[4:8], "little") + 8
    return size + 8 < declared < 0x7FFF0000


def _ogg_is_cut_off(data: bytes) -> bool:
    """Ogg pages state their own length, and a finished recording's last page is marked end of stream;
    the length Ogg reports is read from the last page, so a cut file would otherwise pass as shorter.
    Bytes after the end-of-stream page (padding some tools add) are not a cut."""
    position, flags = 0, 0
    while position + 27 <= len(data) and data[position : position + 4] == b"OggS":
        table_end = position + 27 + data[position + 26]
        page_end = table_end + sum(data[position + 27 : table_end])
        if page_end > len(data):
            return True
        flags, position = data[position + 5], page_end
    return not flags & 0x04


def _cut_off_message(path: Path) -> str:
    return f"'{path.name}' seems cut off or damaged. Please upload the voice note again."


def declared_seconds(path: Path, fmt: str, limit: float) -> float | None:
    """Duration the file states, without decoding any audio. Where the stream states none (a browser's
    WebM; raw AAC; an MP3, whose container duration is a guess from one frame's bitrate), the packets are counted,
    up to just past ``limit``."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise CorruptAudioError(f"No audio could be found in '{path.name}'. {AGAIN}")
            stream = container.streams.audio[0]
            if fmt == "aac":  # raw AAC states no length: any duration PyAV gives is guessed from the bitrate
                return _packet_span(container, stream, limit)
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
            if container.duration and fmt != "mp3":
                return container.duration / 1_000_000
            return _packet_span(container, stream, limit)
    except av.error.FFmpegError as error:
        raise CorruptAudioError(f"'{path.name}' could not be read; it may be damaged. {AGAIN}") from error


def _packet_span(container, stream, limit: float) -> float | None:
    end = None
    for packet in container.demux(stream):
        if packet.pts is not None and packet.time_base:
            packet_end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            end = packet_end if end is None else max(end, packet_end)
            if end > limit:
                break
    return end


def _check_length(seconds: float, options: AudioOptions) -> None:
    if seconds > options.max_seconds:
        limit = f"{options.max_seconds:.0f} seconds"
        if round(seconds) > options.max_seconds:
            length = f"is {seconds:.0f} seconds long; the limit is {limit}"
        else:  # a recording without a declared length is read only up to just past the limit
            length = f"is longer than the limit of {limit}"
        raise AudioTooLongError(
            f"The voice note {length}. Please send a shorter one, or split it into several notes."
        )


def decode(path: Path) -> np.ndarray:
    """16 kHz mono float32 samples, decoded with PyAV."""
    import av
    from faster_whisper import decode_audio

    try:
        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (av.error.FFmpegError, ValueError, IndexError) as error:
        raise CorruptAudioError(f"'{path.name}' could not be decoded; it may be damaged. {AGAIN}") from error


def load_voice_note(path: Path, options: AudioOptions) -> np.ndarray:
    """Check and decode a voice note; every problem raises an AudioError a customer can act on."""
    path = Path(path)
    declared = declared_seconds(path, check_file(path, options), options.max_seconds)
    if declared is not None:
        _check_length(declared, options)
    audio = decode(path)
    seconds = len(audio) / SAMPLE_RATE
    _check_length(seconds, options)
    if declared is not None and seconds < declared - max(0.5, 0.1 * declared):
        raise CorruptAudioError(_cut_off_message(path))
    if len(audio) == 0:
        raise EmptyAudioError(f"'{path.name}' holds no sound. {AGAIN}")
    if loudest_rms(audio) < SILENCE_RMS:
        raise SilentAudioError(SILENT)
    return audio


def loudest_rms(audio: np.ndarray, frame: int = SAMPLE_RATE * 30 // 1000) -> float:
    """RMS of the loudest 30 ms frame."""
    usable = len(audio) // frame * frame
    if usable == 0:
        return float(np.sqrt(np.mean(np.square(audio))))
    frames = audio[:usable].reshape(-1, frame)
    return float(np.sqrt(np.mean(np.square(frames), axis=1)).max())

