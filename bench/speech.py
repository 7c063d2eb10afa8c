"""Speech benchmark: WER and speed of the packaged Whisper models on customer-service voice notes.

Sentences are spoken by espeak-ng in several English voices and transcribed on CPU (int8) by tiny.en and
base side by side. WER is reported raw (words as written) and after bench.metrics.normalise_english (case,
punctuation, numbers as digits, spelling variants), over all clips, per voice, and on each half of the
sentences: decoding options are chosen on the tuning half and checked on the held-out half. The
real-time factor is processing time / audio duration. A ~10 s voice note is timed with each
configuration and against plain faster-whisper defaults (beam 5, separate language-detection pass), the
baseline, in the same run; the median of the timed runs is reported, with the load average.

    HF_HUB_OFFLINE=1 python bench/speech.py [--sentences tuning] [--configs base ...] [--show]
        [--save transcripts.json] [--repeats 5] [--voices en-us en]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.audio import AudioOptions  # noqa: E402
from assistant.settings import SHOP_SPEECH_PROMPT  # noqa: E402
from assistant.speech import SpeechTranscriber  # noqa: E402
from assistant.whisper_models import PACKAGED_BASE, default_cpu_threads, resolve_whisper_model  # noqa: E402
from bench.metrics import word_error_rate  # noqa: E402
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
HALVES = {"tuning": range(0, len(SENTENCES), 2), "held-out": range(1, len(SENTENCES), 2),
          "all": range(len(SENTENCES))}
"""Options are chosen on the tuning half of the sentences and checked on the held-out half."""

@dataclass
class Clip:
    path: Path
    sentence: int
    voice: str
    seconds: float

    @property
    def key(self) -> str:
        return f"{self.sentence:02d} {self.voice}"

    @property
    def text(self) -> str:
        return SENTENCES[self.sentence]


@dataclass
class Score:
    """The hypothesis and processing time of each clip, for one configuration."""

    heard: dict[str, str] = field(default_factory=dict)
    busy_s: dict[str, float] = field(default_factory=dict)

    def wer(self, clips: list[Clip], normalise: bool = True) -> float:
        return word_error_rate([(clip.text, self.heard[clip.key]) for clip in clips], normalise=normalise)

    def rtf(self, clips: list[Clip]) -> float:
        return sum(self.busy_s[clip.key] for clip in clips) / sum(clip.seconds for clip in clips)


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def measure(self, run) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)


ORDER_NUMBER_PROMPT = (
    "A customer's voice note to an online clothing store about an order (order numbers look like "
    "FG-100060), a return or refund, an exchange, sizes, payment or delivery."
)
DESCRIPTION_ONLY_PROMPT = (
    "A customer's voice note to an online clothing store about an order, a return, sizes, payment or delivery."
)
"""The shop prompt without its last sentence, "Hi, I have a question.", which primes spoken questions."""
SHIPPED = "base + shop prompt (default)"
CONFIGS = {
    "tiny.en, no prompt": ("packaged:tiny.en", AudioOptions()),
    "base, no prompt": ("packaged:base", AudioOptions()),
    SHIPPED: ("packaged:base", AudioOptions(initial_prompt=SHOP_SPEECH_PROMPT)),
    "base + prompt without the question": ("packaged:base", AudioOptions(initial_prompt=DESCRIPTION_ONLY_PROMPT)),
    "base + prompt with order numbers": ("packaged:base", AudioOptions(initial_prompt=ORDER_NUMBER_PROMPT)),
    "base + shop prompt, beam 3": (
        "packaged:base", AudioOptions(initial_prompt=SHOP_SPEECH_PROMPT, beam_size=3)
    ),
    "base + shop prompt, no timestamps": (
        "packaged:base", AudioOptions(initial_prompt=SHOP_SPEECH_PROMPT, without_timestamps=True)
    ),
}
"""AudioOptions() decodes without a prompt; the assistant passes ASSISTANT_SPEECH_PROMPT, whose default
is the shop prompt (SHIPPED)."""


def make_clips(folder: Path, voices: list[str], sentences: range) -> list[Clip]:
    clips = []
    for i in sentences:
        for voice in voices:
            path = speak(SENTENCES[i], folder / f"s{i:02d}_{voice}.wav", voice=voice)
            clips.append(Clip(path, i, voice, duration_of(path)))
    return clips


def ten_second_note(folder: Path) -> Path:
    parts = [speak(SENTENCES[i], folder / f"note{i}.wav", voice="en-us") for i in NOTE_SENTENCES]
    return concatenate(parts, folder / "note_10s.wav")


def score_all(transcribers: dict[str, SpeechTranscriber], clips: list[Clip], saved: Path | None):
    """Every configuration transcribes each clip in turn, so a busy machine slows them all alike. With
    ``saved``, clips already transcribed there are not transcribed again, and each new one is added."""
    stored = json.loads(saved.read_text()) if saved and saved.exists() else {}
    scores = {label: Score(**stored.get(label, {})) for label in transcribers}
    for clip in clips:
        for label, transcriber in transcribers.items():
            if clip.key in scores[label].heard:
                continue
            started = time.perf_counter()
            scores[label].heard[clip.key] = transcriber.transcribe(clip.path).text
            scores[label].busy_s[clip.key] = time.perf_counter() - started
        if saved:
            saved.write_text(json.dumps({**stored, **{k: vars(v) for k, v in scores.items()}}, indent=1))
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


BASELINE = "base, faster-whisper defaults"


def baseline_run(source: str, note: Path):
    """Plain faster-whisper with its defaults: beam 5, language detected in a pass of its own, 4 threads."""
    from faster_whisper import WhisperModel

    model = WhisperModel(source, device="cpu", compute_type="int8")
    return lambda: list(model.transcribe(str(note))[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", nargs="*", default=VOICES, help="none: only time the 10 s note")
    parser.add_argument("--sentences", choices=list(HALVES), default="all")
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS)[:3], choices=list(CONFIGS))
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of the 10 s note (0: none)")
    parser.add_argument("--show", action="store_true", help="print reference and hypothesis of each clip")
    parser.add_argument("--save", type=Path, help="JSON file of transcripts; clips found there are reused")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), args)


def run(folder: Path, args) -> None:
    clips, note = make_clips(folder, args.voices, HALVES[args.sentences]), ten_second_note(folder)
    print(
        f"{len(clips)} clips ({len(HALVES[args.sentences])} sentences x {len(args.voices)} voices, "
        f"{sum(c.seconds for c in clips):.0f} s of audio); voice note {duration_of(note):.1f} s; "
        f"{default_cpu_threads()} CPU threads; load average {os.getloadavg()[0]:.1f}\n"
    )
    transcribers = {
        label: SpeechTranscriber(CONFIGS[label][0], folder / "data", "cpu", options=CONFIGS[label][1])
        for label in args.configs
    }
    scores = score_all(transcribers, clips, args.save)
    if args.show:
        print_transcripts(scores, clips)
    if clips:
        print_wer(scores, clips, args.voices)
    if args.repeats:
        runs = {label: (lambda t=t: t.transcribe(note)) for label, t in transcribers.items()}
        runs[BASELINE] = baseline_run(resolve_whisper_model(PACKAGED_BASE, folder / "data")[1], note)
        loads = [os.getloadavg()[0]]
        timings = time_note(runs, args.repeats)
        loads.append(os.getloadavg()[0])
        print_note_times(timings, duration_of(note), loads)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (other processes share these cores)")


def print_transcripts(scores: dict[str, Score], clips: list[Clip]) -> None:
    """Clips that any configuration got wrong, after normalising, with what each one heard."""
    for clip in clips:
        wrong = {label: score.wer([clip]) for label, score in scores.items()}
        if any(wrong.values()):
            print(f"{clip.key}  REF {clip.text}")
            for label, score in scores.items():
                print(f"    {label:24s} {wrong[label]:5.0%}  {score.heard[clip.key]}")
    print()


def print_wer(scores: dict[str, Score], clips: list[Clip], voices: list[str]) -> None:
    halves = {name: [c for c in clips if c.sentence in HALVES[name]] for name in ("tuning", "held-out")}
    halves = {name: part for name, part in halves.items() if part}
    print("| configuration | WER raw | WER | " + " | ".join(f"WER {name}" for name in halves) + " | "
          + " | ".join(voices) + " | RTF (clips) |")
    print("|---" * (len(voices) + len(halves) + 4) + "|")
    for label, score in scores.items():
        per_half = " | ".join(f"{score.wer(part):.1%}" for part in halves.values())
        per_voice = " | ".join(f"{score.wer([c for c in clips if c.voice == v]):.1%}" for v in voices)
        print(f"| {label} | {score.wer(clips, normalise=False):.1%} | **{score.wer(clips):.1%}** | "
              f"{per_half} | {per_voice} | {score.rtf(clips):.3f} |")


def print_note_times(timings: dict[str, Timing], note_s: float, loads: list[float]) -> None:
    baseline = statistics.median(timings[BASELINE].wall)
    print(f"\nload average before / after the timed runs: {loads[0]:.1f} / {loads[1]:.1f}")
    print(f"| configuration | {note_s:.0f} s note, wall (median) | wall (best / worst) | CPU time | RTF | "
          "speed-up vs faster-whisper defaults |")
    print("|---|---|---|---|---|---|")
    for label, timing in timings.items():
        wall = statistics.median(timing.wall)
        print(
            f"| {label} | {wall:.2f} s | {min(timing.wall):.2f} / {max(timing.wall):.2f} s | "
            f"{statistics.median(timing.cpu):.2f} s | {wall / note_s:.3f} | {baseline / wall:.2f}x |"
        )


if __name__ == "__main__":
    main()
