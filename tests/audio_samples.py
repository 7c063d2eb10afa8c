"""Real test audio: sentences spoken by espeak-ng, re-encoded with PyAV into every accepted format.

Encoders used (all in the ffmpeg that PyAV bundles): libmp3lame (mp3), libopus (ogg, webm), the native
aac encoder (m4a, raw AAC), libopencore_amrnb (AMR, 3GP), PCM (AIFF), alac (CAF) and flac.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from pathlib import Path

import av
import numpy as np

ENGLISH_SENTENCE = "Hello, I would like to return the blue jacket from my last order."
GERMAN_SENTENCE = "Guten Tag, ich möchte die blaue Jacke aus meiner letzten Bestellung zurückgeben."

# container format, codec, sample rate, sample format of the encoder input
ENCODINGS: dict[str, tuple[str, str, int, str]] = {
    "mp3": ("mp3", "libmp3lame", 22050, "s16p"),
    "ogg": ("ogg", "libopus", 48000, "s16"),
    "webm": ("webm", "libopus", 48000, "s16"),
    "m4a": ("ipod", "aac", 22050, "fltp"),
    "flac": ("flac", "flac", 22050, "s16"),
    "aac": ("adts", "aac", 22050, "fltp"),
    "amr": ("amr", "libopencore_amrnb", 8000, "s16"),
    "3gp": ("3gp", "libopencore_amrnb", 8000, "s16"),
    "caf": ("caf", "alac", 22050, "s16p"),
    "aiff": ("aiff", "pcm_s16be", 22050, "s16"),
}
OTHER_PHONE_FORMATS = ("aac", "amr", "3gp", "caf", "aiff")
"""Accepted formats beyond the browser's and messaging apps': phone recorders' and Apple's."""


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, out: Path, *, voice: str = "en-us") -> Path:
    """A WAV file (22 050 Hz mono, 16-bit) of ``text`` spoken by espeak-ng."""
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True, capture_output=True)
    return out


class _Unseekable(io.RawIOBase):
    """A pipe-like sink: the muxer cannot go back to write the duration, as in a browser's recorder."""

    def __init__(self, handle) -> None:
        self._handle = handle

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self._handle.write(data)


def encode(source: Path, fmt: str, out: Path, *, streamed: bool = False, options: dict | None = None) -> Path:
    """Re-encode an audio file into ``fmt`` (a key of ENCODINGS) with PyAV; ``streamed`` leaves out the
    duration and index, as MediaRecorder does for WebM; ``options`` go to the muxer."""
    container_format, codec, rate, sample_format = ENCODINGS[fmt]
    sink = _Unseekable if streamed else (lambda handle: handle)
    with (
        out.open("wb") as handle,
        av.open(str(source)) as src,
        av.open(sink(handle), "w", format=container_format, options=options or {}) as dst,
    ):
        stream = dst.add_stream(codec, rate=rate, layout="mono")
        resampler = av.AudioResampler(format=sample_format, layout="mono", rate=rate)
        for frame in src.decode(audio=0):
            for resampled in resampler.resample(frame):
                dst.mux(stream.encode(resampled))
        for resampled in resampler.resample(None):
            dst.mux(stream.encode(resampled))
        dst.mux(stream.encode(None))
    return out


def write_wav(samples: np.ndarray, out: Path, *, rate: int = 16000) -> Path:
    """Write float samples in [-1, 1] as a 16-bit mono WAV file."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(out), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(pcm.tobytes())
    return out


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Float samples and sample rate of a 16-bit mono WAV file."""
    with wave.open(str(path), "rb") as handle:
        rate = handle.getframerate()
        pcm = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    return pcm.astype(np.float32) / 32768.0, rate


def silence(out: Path, *, seconds: float = 3.0, noise_level: float = 0.0, rate: int = 16000) -> Path:
    """Digital silence, or faint white noise at ``noise_level`` RMS."""
    rng = np.random.default_rng(0)
    count = int(seconds * rate)
    samples = rng.normal(0.0, noise_level, count) if noise_level else np.zeros(count)
    return write_wav(samples, out, rate=rate)


def concatenate(parts: list[Path], out: Path, *, gap_seconds: float = 0.3) -> Path:
    """Join WAV files of one sample rate with short pauses between them."""
    pieces, rate = [], 16000
    for part in parts:
        samples, rate = read_wav(part)
        pieces += [samples, np.zeros(int(gap_seconds * rate), dtype=np.float32)]
    return write_wav(np.concatenate(pieces[:-1]), out, rate=rate)


def duration_of(path: Path) -> float:
    samples, rate = read_wav(path)
    return len(samples) / rate


def truncated(source: Path, out: Path, *, keep_fraction: float = 0.5) -> Path:
    """A copy cut off part-way, as an interrupted upload leaves it."""
    data = source.read_bytes()
    out.write_bytes(data[: max(1, int(len(data) * keep_fraction))])
    return out


def header_only_wav(out: Path) -> Path:
    """A valid WAV header announcing no samples at all."""
    return write_wav(np.zeros(0), out)


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def garbage_after_magic(magic: bytes, out: Path, *, size: int = 4000) -> Path:
    """A file that starts like an audio format but holds random bytes."""
    rng = np.random.default_rng(1)
    out.write_bytes(magic + rng.integers(0, 256, size, dtype=np.uint8).tobytes())
    return out
