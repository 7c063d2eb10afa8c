"""Image encoder throughput: images per second, batched against one image at a time, in one run.

Encoders: the packaged EfficientNet-Lite0, and open_clip CLIP (ViT-B-32 by default) with random weights
saved to a local checkpoint (its speed does not depend on the weight values). Timings include
preprocessing (resize, crop, normalise) of 640x480 photo-sized inputs; each figure is the best of
--repeats runs.

    python bench/vision.py [--images 32] [--batch-sizes 8 16 32] [--clip-model ViT-B-32]
                           [--device auto] [--threads N] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.vision import TorchImageEncoder, create_image_encoder  # noqa: E402


def photo_sized_images(count: int, seed: int = 0) -> list[Image.Image]:
    """Smooth colour gradients with noise, 640x480: the size of a typical phone photo after upload."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:480, 0:640].astype(np.float32)
    images = []
    for _ in range(count):
        weights = rng.uniform(-0.4, 0.4, size=(3, 2))
        channels = [128 + wx * xs + wy * ys for wx, wy in weights]
        pixels = np.stack(channels, axis=-1) + rng.normal(0, 12, size=(480, 640, 3))
        images.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    return images


def measure(encoder: TorchImageEncoder, images, batch_sizes, repeats) -> dict[str, float]:
    """Best images/s per mode; modes take turns in each repeat so a busy machine slows them alike."""
    runs = {"one at a time": (1, lambda: [encoder.encode([image]) for image in images])}
    for size in batch_sizes:
        runs[f"batch {size}"] = (size, lambda: encoder.encode(images))
    encoder.encode(images[:2])  # warm-up: first calls allocate and pick kernels
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for mode, (size, run) in runs.items():
            encoder.batch_size = size
            started = time.perf_counter()
            run()
            best[mode] = min(best[mode], time.perf_counter() - started)
    return {mode: len(images) / seconds for mode, seconds in best.items()}


def clip_checkpoint(model_name: str, folder: Path) -> Path:
    import open_clip

    path = folder / f"{model_name}-random.pt"
    torch.save(open_clip.create_model(model_name).state_dict(), path)
    return path


def print_table(results: dict[str, dict[str, float]], device: str) -> None:
    print(f"\nimages per second on {device} (torch threads: {torch.get_num_threads()})\n")
    print("| encoder | mode | images/s | vs one at a time |")
    print("|---|---|---:|---:|")
    for name, rates in results.items():
        baseline = rates["one at a time"]
        for mode, rate in rates.items():
            print(f"| {name} | {mode} | {rate:.1f} | {rate / baseline:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=32)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--clip-model", default="ViT-B-32")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    images = photo_sized_images(args.images)
    results = {}
    encoder = create_image_encoder("efficientnet", device=args.device)
    results[encoder.name] = measure(encoder, images, args.batch_sizes, args.repeats)
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = clip_checkpoint(args.clip_model, Path(folder))
        encoder = create_image_encoder(
            "clip", clip_model=args.clip_model, clip_pretrained=str(checkpoint), device=args.device
        )
        results[f"clip:{args.clip_model} (random weights)"] = measure(
            encoder, images, args.batch_sizes, args.repeats
        )
    print_table(results, encoder.device)


if __name__ == "__main__":
    main()
