"""How much the router's scores depend on its random start, for each number of tuned text layers.

Trains (or reuses, when its checkpoint is current) one cross-attention router per layer count and seed,
each in ``<workdir>/seed-k<layers>-s<seed>/``, all on the same split, and reports for each:
validation and test scores at the operating point (with the out-of-scope threshold), the test examples
where the picture decides, and fresh screenshots the router never saw, rendered from new seeds and sent
with ambiguous words that appear nowhere in the training data. Means per layer count close the table.

    python bench/fusion_seeds.py [--layers 2 3] [--seeds 7 11 23]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.errors import CheckpointError  # noqa: E402
from assistant.fusion.classifier import FusionClassifier  # noqa: E402
from assistant.fusion.config import TrainOptions  # noqa: E402
from assistant.fusion.corpus import KIND_INTENTS  # noqa: E402
from assistant.fusion.evaluation import evaluate, subset_reports  # noqa: E402
from assistant.fusion.lifecycle import RouterData, RouterTrainer  # noqa: E402
from assistant.loading import ModelRegistry  # noqa: E402
from assistant.screens import KINDS, render_screen  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from bench.store import seeded_demo_store  # noqa: E402

FRESH_WORDS = ("why am I seeing this", "can you explain this?", "what is going on here")
"""Ambiguous messages that appear nowhere in the shipped examples."""
FRESH_SEEDS = (987_654_321, 3, 4242, 5151, 6060)
"""Render seeds of the fresh screenshots (the shipped examples use seeds from 1,300,000)."""


def fresh_screens(models) -> list[tuple[str, object]]:
    """(intent, image features with OCR lines) of every screen kind that decides an intent."""
    out = []
    for kind in (k for k in KINDS if k in KIND_INTENTS and k != "receipt"):
        for seed in FRESH_SEEDS:
            image = render_screen(kind, random.Random(seed)).image
            (features,) = models.image_encoder().encode([image])
            out.append((KIND_INTENTS[kind], replace(features, ocr_lines=models.ocr_reader().read(image))))
    return out


def router_for(trainer: RouterTrainer, data: RouterData) -> FusionClassifier:
    """The checkpoint in ``trainer.folder`` when it was trained on ``data``, else a new training."""
    try:
        router = FusionClassifier.load(trainer.folder, text_encoder=trainer.models.text_encoder())
        if router.provenance.fingerprint == trainer.current_fingerprint(data):
            return router
    except CheckpointError:
        pass  # no checkpoint yet, or a damaged one: train
    print(f"training {trainer.folder.name} (about 10 minutes)", flush=True)
    return trainer.train()


def scores(router: FusionClassifier, trainer: RouterTrainer, data: RouterData, screens) -> dict:
    store = trainer.feature_store(router.config)
    out = {}
    arrays = {split: store.examples(getattr(data, split)) for split in ("val", "test")}
    for split in ("val", "test"):
        report = evaluate(router, arrays[split], [e.intent for e in getattr(data, split)])
        out |= {f"{split} accuracy": report.accuracy, f"{split} macro-F1": report.macro_f1,
                f"{split} out-of-scope recall": report.out_of_scope_recall,
                f"{split} in-scope accuracy": report.in_scope_accuracy}
    out["test picture decides"] = subset_reports(router, arrays["test"], data.test)["image_decides"]["accuracy"]
    hits = [router.predict(text=words, images=(features,)).intent == intent
            for intent, features in screens for words in FRESH_WORDS]
    out["fresh screenshots"] = sum(hits) / len(hits)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("data/bench-fusion"))
    parser.add_argument("--layers", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 23])
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    sessions = seeded_demo_store(args.workdir, "bench.db")
    models = ModelRegistry(Settings(data_dir=args.workdir))
    screens = fresh_screens(models)
    rows: dict[tuple[int, int], dict] = {}
    for layers in args.layers:
        settings = Settings(data_dir=args.workdir, router_tuned_text_layers=layers)
        for seed in args.seeds:
            options = TrainOptions(seed=seed, epochs=settings.router_max_epochs)
            trainer = RouterTrainer(settings, sessions, models, options)
            trainer.folder = args.workdir / f"seed-k{layers}-s{seed}"
            data = trainer.data()
            router = router_for(trainer, data)
            rows[layers, seed] = scores(router, trainer, data, screens)
            print(f"{layers} layers, seed {seed}: " + ", ".join(f"{k} {v:.3f}" for k, v in rows[layers, seed].items()),
                  flush=True)
    names = list(next(iter(rows.values())))
    print("\n| tuned layers | seed | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for layers in args.layers:
        for seed in args.seeds:
            print(f"| {layers} | {seed} | " + " | ".join(f"{rows[layers, seed][n]:.3f}" for n in names) + " |")
        means = [statistics.mean(rows[layers, s][n] for s in args.seeds) for n in names]
        print(f"| {layers} | mean | " + " | ".join(f"**{m:.3f}**" for m in means) + " |")


if __name__ == "__main__":
    main()
