"""OCR benchmark: character error rate and seconds per image on rendered customer screenshots.

Screens of every kind (assistant.screens, fixed seed) are read by ``OcrReader`` and, as the baseline in
the same run, by RapidOCR as shipped (default configuration, its own box order, boxes joined by newlines).
CER is the edit distance between the ground-truth text and the OCR text, both lower-cased with runs of
whitespace folded to one space, divided by the ground truth's length. Times are wall-clock per image
after one warm-up read, on however many CPU cores this machine has.

    python bench/ocr.py [--count 40] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.ocr import OcrReader, ocr_text  # noqa: E402
from assistant.screens import KINDS, RenderedScreen, render_screen  # noqa: E402
from bench.metrics import edit_distance  # noqa: E402


@dataclass
class Tally:
    errors: int = 0
    errors_nospace: int = 0
    chars: int = 0
    chars_nospace: int = 0
    seconds: float = 0.0
    images: int = 0

    def add(self, reference: str, hypothesis: str, seconds: float) -> None:
        ref, hyp = normalise(reference), normalise(hypothesis)
        self.errors += edit_distance(ref, hyp)
        self.chars += len(ref)
        ref, hyp = ref.replace(" ", ""), hyp.replace(" ", "")
        self.errors_nospace += edit_distance(ref, hyp)
        self.chars_nospace += len(ref)
        self.seconds += seconds
        self.images += 1

    def cer(self) -> float:
        return self.errors / max(self.chars, 1)

    def cer_nospace(self) -> float:
        return self.errors_nospace / max(self.chars_nospace, 1)

    def per_image(self) -> float:
        return self.seconds / max(self.images, 1)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def rapidocr_as_shipped():
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR()

    def read(screen: RenderedScreen) -> str:
        pixels = np.ascontiguousarray(np.asarray(screen.image.convert("RGB"))[:, :, ::-1])
        result, _ = engine(pixels)
        return "\n".join(str(item[1]) for item in result or ())

    return read


def ocr_reader():
    reader = OcrReader()
    return lambda screen: ocr_text(reader.read(screen.image))


def run(read, screens: list[RenderedScreen]) -> tuple[dict[str, Tally], list[tuple[RenderedScreen, str]]]:
    read(screens[0])  # warm-up: first-run allocations and graph optimisation
    tallies: dict[str, Tally] = defaultdict(Tally)
    outputs = []
    for screen in screens:
        start = time.perf_counter()
        text = read(screen)
        seconds = time.perf_counter() - start
        for key in (screen.kind, "all", f"theme: {screen.theme}", f"layout: {screen.layout}"):
            tallies[key].add("\n".join(screen.lines), text, seconds)
        outputs.append((screen, text))
    return tallies, outputs


def print_table(ours: dict[str, Tally], base: dict[str, Tally]) -> None:
    print("| screens | n | CER | CER, spaces ignored | s / image | baseline CER | baseline s / image |")
    print("|---|---|---|---|---|---|---|")
    keys = [*KINDS, *sorted(k for k in ours if ":" in k), "all"]
    for key in keys:
        if key not in ours:
            continue
        t, b = ours[key], base[key]
        name = f"**{key}**" if key == "all" else key
        print(
            f"| {name} | {t.images} | {t.cer():.2%} | {t.cer_nospace():.2%} | {t.per_image():.2f} "
            f"| {b.cer():.2%} | {b.per_image():.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show-worst", type=int, default=0, help="print the N worst screens' texts")
    args = parser.parse_args()
    screens = [
        render_screen(KINDS[i % len(KINDS)], random.Random(args.seed * 100_003 + i))
        for i in range(args.count)
    ]
    start = time.perf_counter()
    ours_read = ocr_reader()
    load = time.perf_counter() - start
    ours, outputs = run(ours_read, screens)
    base, _ = run(rapidocr_as_shipped(), screens)
    print(
        f"{len(screens)} screenshots, seed {args.seed}, {os.cpu_count()} CPU cores, "
        f"OcrReader load {load:.1f} s\n"
    )
    print_table(ours, base)
    all_ours, all_base = ours["all"], base["all"]
    print(
        f"\nCER ratio OcrReader / RapidOCR as shipped: {all_ours.cer() / max(all_base.cer(), 1e-9):.2f}; "
        f"time ratio: {all_ours.per_image() / max(all_base.per_image(), 1e-9):.2f}"
    )
    worst = sorted(
        outputs, key=lambda item: -edit_distance(normalise("\n".join(item[0].lines)), normalise(item[1]))
    )
    for screen, text in worst[: args.show_worst]:
        print(f"\n--- {screen.kind} / {screen.layout} / {screen.theme} {screen.image.size}")
        print("TRUTH:", " | ".join(screen.lines))
        print("OCR:  ", text.replace("\n", " | "))


if __name__ == "__main__":
    main()
