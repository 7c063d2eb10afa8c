"""Voice-note transcription: Whisper through faster-whisper (CTranslate2), int8 on CPU, float16 on CUDA."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

import numpy as np

from assistant.audio import SAMPLE_RATE, AudioOptions, load_voice_note
from assistant.errors import ModelError, SilentAudioError
from assistant.settings import Settings
from assistant.types import Segment, Transcript
from assistant.whisper_models import (
    PACKAGED_BASE,
    default_cpu_threads,
    pick_compute_type,
    resolve_device,
    resolve_whisper_model,
)

WINDOW_FRAMES = 3000
"""Mel frames in one 30 s Whisper window."""
# Whisper's language codes are ISO 639-1 except these; 'haw' has no 639-1 code and is kept.
WHISPER_TO_ISO_639_1 = {"jw": "jv", "yue": "zh"}
_NO_SPEECH = (
    "No speech could be heard in the voice note. Please speak closer to the microphone and try again."
)


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
        initial_prompt=settings.speech_prompt or None,
    )


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
        speech, chunks = self._speech_only(audio)
        with self._lock, self._encoder:
            language, probability = self._detect_language(speech)
            segments = self._decode(speech, chunks, "transcribe", language)
            english = None
            if self.options.translate and language != "en":
                english = _joined(self._decode(speech, chunks, "translate", language)) or None
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

    def _speech_only(self, audio: np.ndarray) -> tuple[np.ndarray, list[dict] | None]:
        """The note's speech, joined, and where it lies in the note (None without VAD): detected once
        for language detection, transcription and translation alike."""
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        if not self.options.vad_filter:
            return audio, None
        chunks = get_speech_timestamps(audio, VadOptions())
        if not chunks:
            raise SilentAudioError(_NO_SPEECH)
        return np.concatenate(collect_chunks(audio, chunks)[0]), chunks

    def _detect_language(self, speech: np.ndarray) -> tuple[str, float]:
        """Detect on the very window the first decoding pass encodes, so the encoder runs once for both."""
        from faster_whisper.audio import pad_or_trim

        if not self.multilingual:
            return "en", 1.0
        features = self._model.feature_extractor(speech)
        window = pad_or_trim(features[:, : min(features.shape[-1] - 1, WINDOW_FRAMES)])
        ranked = self._model.model.detect_language(self._model.encode(window))[0]
        return pick_language([(token[2:-2], float(p)) for token, p in ranked], self.options)

    def _decode(
        self, speech: np.ndarray, chunks: list[dict] | None, task: str, language: str
    ) -> tuple[Segment, ...]:
        from faster_whisper.transcribe import restore_speech_timestamps

        segments, _ = self._model.transcribe(
            speech,
            task=task,
            language=language,
            beam_size=self.options.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            initial_prompt=self.options.initial_prompt,
            without_timestamps=self.options.without_timestamps,
        )
        if chunks:
            segments = restore_speech_timestamps(segments, chunks, SAMPLE_RATE)
        found = (Segment(round(s.start, 2), round(s.end, 2), s.text.strip()) for s in segments)
        return tuple(s for s in found if s.text and not echoes_prompt(s.text, self.options.initial_prompt))


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


ECHO_MIN_WORDS = 8
ECHO_MIN_SHARE = 0.85
ECHO_MIN_RUN = 3
"""Words of a segment count as the prompt's only in runs of at least this many that the prompt has too."""


def echoes_prompt(text: str, prompt: str | None) -> bool:
    """Whisper sometimes returns its initial prompt instead of speech it cannot make out (a language it
    misdetected, noise), once or over and over. A segment of at least 8 words, nearly all of them in runs of
    three or more words that the prompt has too, is such an echo; the prompt's words said in another order
    ("hi, I have a question about an order or a return", against a prompt that names orders and returns
    and then says "Hi, I have a question") are speech."""
    if not prompt:
        return False
    words = re.findall(r"\w+", text.lower())
    if len(words) < ECHO_MIN_WORDS:
        return False
    return _words_in_prompt_runs(words, re.findall(r"\w+", prompt.lower())) >= ECHO_MIN_SHARE * len(words)


def _words_in_prompt_runs(words: list[str], prompt_words: list[str]) -> int:
    """How many of ``words`` lie in runs of at least ``ECHO_MIN_RUN`` words found in the prompt as they
    are (taking the longest run at each place, left to right)."""
    covered = start = 0
    while start < len(words):
        run = max((_common_prefix(words[start:], prompt_words[j:]) for j in range(len(prompt_words))), default=0)
        if run >= ECHO_MIN_RUN:
            covered += run
            start += run
        else:
            start += 1
    return covered


def _common_prefix(first: list[str], second: list[str]) -> int:
    length = 0
    for a, b in zip(first, second):
        if a != b:
            break
        length += 1
    return length


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
