"""Speech benchmark: WER and speed of the packaged Whisper models on customer-service voice notes.

Sentences are spoken by espeak-ng in several English voices and transcribed on CPU (int8) by tiny.en and
base side by side. WER is counted over the whole set after normalising case, punctuation and numbers
(digits and number words both become words). The real-time factor is processing time / audio duration.
A ~10 s voice note is timed with each configuration and against plain faster-whisper defaults (beam 5,
separate language-detection pass), the baseline, in the same run.

    HF_HUB_OFFLINE=1 python bench/speech.py [--voices en-us en] [--repeats 5] [--configs base ...]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.audio import AudioOptions  # noqa: E402
from assistant.speech import SpeechTranscriber  # noqa: E402
from assistant.whisper_models import default_cpu_threads  # noqa: E402
from bench.metrics import edit_distance  # noqa: E402
from tests.audio_samples import concatenate, duration_of, speak  # noqa: E402

SENTENCES = [
    "Where is my order? I placed it five days ago and it still has not arrived.",
    "I would like to return the blue jacket because it is too small.",
    "Can I exchange these trousers for a larger size?",
    "My payment was taken twice for the same order.",
    "Do you ship to Canada, and how much does delivery cost?",
    "The zip on my new coat is broken. What can I do?",
    "How long does a refund take to reach my bank account?",
    "I forgot my password and cannot log in to my account.",
    "Is this dress available in a medium?",
    "Please cancel my order, I bought the wrong colour.",
    "The parcel says delivered but I never received it.",
    "Can I pay with PayPal or only with a credit card?",
    "My discount code is not working at checkout.",
    "What is your return policy for sale items?",
    "I received the wrong item in my package.",
    "How do I change the delivery address for my order?",
    "Do these shoes run true to size or should I order a size up?",
    "I was charged 25 dollars for shipping, but it should have been free.",
    "Can you tell me when the black sneakers will be back in stock?",
    "I need an invoice for my company for order number 4521.",
    "The sweater shrank after the first wash. Can I get a refund?",
    "Is it possible to send the order as a gift with a message?",
    "Why was my card declined when I tried to pay?",
    "I would like to speak to a person about a damaged delivery.",
]
NOTE_SENTENCES = (0, 2, 8)
"""Spoken one after another they make a 10 s voice note."""
VOICES = ["en-us", "en", "en-gb-scotland", "en-us+f3", "en+m3", "en-gb-x-rp"]

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SPELLING = {"ok": "okay", "colour": "color", "zipper": "zip"}


def number_words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            rest = n % size
            return f"{number_words(n // size)} {name}" + (f" {number_words(rest)}" if rest else "")
    raise AssertionError(n)


def normalise(text: str) -> list[str]:
    text = text.lower().replace("e-mail", "email")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"\$(\d+)", r"\1 dollars", text).replace("%", " percent")
    text = re.sub(r"\d+", lambda m: " " + number_words(int(m.group())) + " ", text)
    text = text.replace("-", " ").replace("'", "")
    words = re.sub(r"[^a-z ]", " ", text).split()
    return [SPELLING.get(word, word) for word in words if word != "and"]


@dataclass
class Clip:
    path: Path
    text: str
    voice: str
    seconds: float


@dataclass
class Score:
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    words: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    busy_s: float = 0.0
    audio_s: float = 0.0

    def add(self, clip: Clip, text: str, seconds: float) -> None:
        reference = normalise(clip.text)
        for key in (clip.voice, "all"):
            self.errors[key] += edit_distance(reference, normalise(text))
            self.words[key] += len(reference)
        self.busy_s += seconds
        self.audio_s += clip.seconds

    def wer(self, key: str = "all") -> float:
        return self.errors[key] / self.words[key]


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def measure(self, run) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)


DOMAIN_PROMPT = (
    "A customer's voice note to an online clothing store about an order, a return, sizes, payment "
    "or delivery."
)
CONFIGS = {
    "tiny.en": ("packaged:tiny.en", AudioOptions()),
    "base": ("packaged:base", AudioOptions()),
    "base, beam 1": ("packaged:base", AudioOptions(beam_size=1)),
    "base, no English fallback": ("packaged:base", AudioOptions(fallback_language=None)),
    "base + domain prompt": ("packaged:base", AudioOptions(initial_prompt=DOMAIN_PROMPT)),
}


def make_clips(folder: Path, voices: list[str]) -> list[Clip]:
    clips = []
    for i, sentence in enumerate(SENTENCES):
        for voice in voices:
            path = speak(sentence, folder / f"s{i:02d}_{voice}.wav", voice=voice)
            clips.append(Clip(path, sentence, voice, duration_of(path)))
    return clips


def ten_second_note(folder: Path) -> Path:
    parts = [speak(SENTENCES[i], folder / f"note{i}.wav", voice="en-us") for i in NOTE_SENTENCES]
    return concatenate(parts, folder / "note_10s.wav")


def score_all(transcribers: dict[str, SpeechTranscriber], clips: list[Clip]) -> dict[str, Score]:
    """Every configuration transcribes each clip in turn, so a busy machine slows them all alike."""
    scores = {label: Score() for label in transcribers}
    for clip in clips:
        for label, transcriber in transcribers.items():
            started = time.perf_counter()
            text = transcriber.transcribe(clip.path).text
            scores[label].add(clip, text, time.perf_counter() - started)
    return scores


def time_note(runs: dict[str, object], repeats: int) -> dict[str, Timing]:
    timings = {label: Timing() for label in runs}
    for round_ in range(repeats + 1):
        for label, run in runs.items():
            if round_ == 0:
                run()  # warm-up
            else:
                timings[label].measure(run)
    return timings


def baseline_run(source: str, note: Path):
    """Plain faster-whisper with its defaults: beam 5, language detected in a pass of its own, 4 threads."""
    from faster_whisper import WhisperModel

    model = WhisperModel(source, device="cpu", compute_type="int8")
    return lambda: list(model.transcribe(str(note))[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", nargs="*", default=VOICES)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS), choices=list(CONFIGS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), args)


def run(folder: Path, args) -> None:
    clips, note = make_clips(folder, args.voices), ten_second_note(folder)
    print(
        f"{len(clips)} clips ({len(SENTENCES)} sentences x {len(args.voices)} voices, "
        f"{sum(c.seconds for c in clips):.0f} s of audio); voice note {duration_of(note):.1f} s; "
        f"{default_cpu_threads()} CPU threads; load average {os.getloadavg()[0]:.1f}\n"
    )
    transcribers = {
        label: SpeechTranscriber(CONFIGS[label][0], folder / "data", "cpu", options=CONFIGS[label][1])
        for label in args.configs
    }
    scores = score_all(transcribers, clips)
    runs = {label: (lambda t=t: t.transcribe(note)) for label, t in transcribers.items()}
    runs[BASELINE] = baseline_run(transcribers["base"].source, note)
    timings = time_note(runs, args.repeats)
    print_tables(scores, timings, args.voices, duration_of(note))
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (other processes share these cores)")


BASELINE = "base, faster-whisper defaults"


def print_tables(scores: dict[str, Score], timings: dict[str, Timing], voices: list[str], note_s: float):
    print("| configuration | WER | " + " | ".join(voices) + " | RTF (set) |")
    print("|---" * (len(voices) + 3) + "|")
    for label, score in scores.items():
        per_voice = " | ".join(f"{score.wer(voice):.1%}" for voice in voices)
        print(f"| {label} | **{score.wer():.1%}** | {per_voice} | {score.busy_s / score.audio_s:.3f} |")
    baseline = statistics.median(timings[BASELINE].wall)
    print(
        f"\n| configuration | {note_s:.0f} s note, wall (median) | wall (best) | CPU time | RTF | "
        "speed-up vs faster-whisper defaults |"
    )
    print("|---|---|---|---|---|---|")
    for label, timing in timings.items():
        wall = statistics.median(timing.wall)
        cpu = statistics.median(timing.cpu)
        print(
            f"| {label} | {wall:.2f} s | {min(timing.wall):.2f} s | {cpu:.2f} s | {wall / note_s:.3f} | "
            f"{baseline / wall:.2f}x |"
        )


if __name__ == "__main__":
    main()
