"""Intent routing ablation: text-only, late fusion, concatenation and cross-attention on one split.

Every model is trained on the same cached features of the shipped examples and the demo store's FAQ
wordings, calibrated on the validation split, and scored on the held-out test split and on
``bench/data/fresh_messages.csv``: messages written after the router's data, none within cosine 0.85 of a training
message. Also times the fusion step for a text-only message (encoders excluded) against the text-only
model. Every model is trained as `assistant train` trains one, as a soup of ``ASSISTANT_ROUTER_SOUP_RUNS``
runs; set it to 1 to compare single runs.

    python bench/fusion.py [--workdir data/bench-fusion]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.cli_router import read_labelled_csv  # noqa: E402
from assistant.fusion.classifier import FusionClassifier, Provenance  # noqa: E402
from assistant.fusion.config import FUSION_KINDS, FusionConfig  # noqa: E402
from assistant.fusion.evaluation import evaluate, predicted_intents, subset_reports  # noqa: E402
from assistant.fusion.lexical_bag import LexicalBagOptions  # noqa: E402
from assistant.fusion.lifecycle import RouterTrainer  # noqa: E402
from assistant.fusion.train import fit  # noqa: E402
from assistant.loading import ModelRegistry  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from bench.store import seeded_demo_store  # noqa: E402


FRESH_MESSAGES = Path(__file__).resolve().parent / "data" / "fresh_messages.csv"
WITH_NGRAMS = "cross_attention_with_ngrams"
"""The cross-attention model with the hashed n-gram path turned on, to show what that path adds."""
FROZEN_TEXT = "cross_attention_frozen_text"
"""The cross-attention model reading the text encoder's output as it is (no tuned layers)."""
EXTRA_KINDS = (WITH_NGRAMS, FROZEN_TEXT)


def config_for(kind: str, trainer, data) -> FusionConfig:
    """Every kind tunes the same text encoder layers as the shipped model, except the frozen-text row."""
    if kind == WITH_NGRAMS:
        return trainer.default_config(data, fusion="cross_attention", lexical_buckets=LexicalBagOptions().buckets)
    if kind == FROZEN_TEXT:
        return trainer.default_config(data, fusion="cross_attention", tuned_text_layers=0,
                                      text_transformer=None, text_input_layer=None)
    return trainer.default_config(data, fusion=kind)


def train_kind(config: FusionConfig, trainer, data, arrays):
    started = time.perf_counter()
    fitted = fit(config, (arrays["train"], [e.intent for e in data.train]),
                 (arrays["val"], [e.intent for e in data.val]), trainer.options,
                 text_encoder=trainer.models.text_encoder())
    seconds = time.perf_counter() - started
    classifier = FusionClassifier(fitted.model, temperature=fitted.temperature, threshold=fitted.threshold,
                                  provenance=Provenance("", "", ""), text_encoder=trainer.models.text_encoder())
    return classifier, seconds, fitted


def scores(classifier, arrays, examples) -> dict:
    truth = [e.intent for e in examples]
    report = evaluate(classifier, arrays, truth)
    subsets = subset_reports(classifier, arrays, examples)
    threshold, classifier.threshold = classifier.threshold, 0.0
    no_threshold = evaluate(classifier, arrays, truth)
    classifier.threshold = threshold
    return {
        "accuracy": report.accuracy, "macro_f1": report.macro_f1,
        "image_decides": subsets["image_decides"]["accuracy"], "with_image": subsets["with_image"]["accuracy"],
        "oos_recall": report.out_of_scope_recall, "oos_recall_argmax": no_threshold.out_of_scope_recall,
        "in_scope": report.in_scope_accuracy, "in_scope_argmax": no_threshold.in_scope_accuracy,
    }


def table_row(kind: str, r: dict) -> str:
    return (f"| {kind} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r['image_decides']:.3f} | {r['with_image']:.3f} "
            f"| {r['oos_recall']:.3f} (argmax {r['oos_recall_argmax']:.3f}) | {r['in_scope']:.3f} ({r['in_scope_argmax']:.3f}) |")


def fresh_row(kind: str, classifier, trainer, fresh) -> str:
    arrays = trainer.feature_store(classifier.config).examples(fresh)
    report = evaluate(classifier, arrays, [e.intent for e in fresh])
    return (f"| {kind} | {report.accuracy:.3f} | {report.macro_f1:.3f} | {report.out_of_scope_recall:.3f} "
            f"| {report.in_scope_accuracy:.3f} |")


def fusion_step_ms(classifier, arrays, repeats: int = 3) -> np.ndarray:
    """Per-message time of collate + forward + calibration for single text-only messages."""
    times = []
    for _ in range(repeats):
        for item in arrays:
            started = time.perf_counter()
            classifier.decide(classifier.probabilities([item])[0])
            times.append((time.perf_counter() - started) * 1000)
    return np.array(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("data/bench-fusion"))
    parser.add_argument("--kinds", nargs="+", choices=(*FUSION_KINDS, *EXTRA_KINDS),
                        default=[*FUSION_KINDS, *EXTRA_KINDS], help="which models to train (text_only and "
                        "cross_attention are always among them)")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    settings = Settings(data_dir=args.workdir)
    sessions = seeded_demo_store(args.workdir, "bench.db")
    trainer = RouterTrainer(settings, sessions, ModelRegistry(settings))
    data = trainer.data()
    print(f"{len(data.all)} examples: train {len(data.train)}, val {len(data.val)}, test {len(data.test)}")
    features: dict[int | None, dict] = {}
    rows, models = {}, {}
    kinds = [k for k in (*FUSION_KINDS, *EXTRA_KINDS) if k in {*args.kinds, "text_only", "cross_attention"}]
    for kind in kinds:
        config = config_for(kind, trainer, data)
        if config.text_input_layer not in features:
            store = trainer.feature_store(config)
            features[config.text_input_layer] = {n: store.examples(getattr(data, n)) for n in ("train", "val", "test")}
        arrays = features[config.text_input_layer]
        classifier, seconds, fitted = train_kind(config, trainer, data, arrays)
        models[kind] = classifier
        rows[kind] = scores(classifier, arrays["test"], data.test)
        print(f"{kind}: trained in {seconds:.0f} s, best epoch {fitted.best_epoch}, T={fitted.temperature:.2f}, "
              f"threshold {fitted.threshold:.3f}: {table_row(kind, rows[kind])}", flush=True)
    print("\n| model | accuracy | macro-F1 | image decides | with a picture | OOS recall | in-scope acc. (no threshold) |")
    print("|---|---|---|---|---|---|---|")
    for kind, r in rows.items():
        print(table_row(kind, r))
    fresh = read_labelled_csv(FRESH_MESSAGES)
    print(f"\n{len(fresh)} fresh messages:\n| model | accuracy | macro-F1 | OOS recall | in-scope acc. |\n|---|---|---|---|---|")
    for kind, classifier in models.items():
        print(fresh_row(kind, classifier, trainer, fresh))
    gain = rows["cross_attention"]["image_decides"] - rows["text_only"]["image_decides"]
    print(f"\ncross-attention minus text-only where the picture decides: {100 * gain:+.1f} points")
    arrays = features[models["cross_attention"].config.text_input_layer]
    text_only_messages = [a for a, e in zip(arrays["test"], data.test, strict=True) if not e.image and e.text]
    timings = {kind: fusion_step_ms(models[kind], text_only_messages) for kind in ("text_only", "cross_attention")}
    for kind, ms in timings.items():
        print(f"fusion step, {kind}, text-only message: p50 {np.percentile(ms, 50):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms")
    ratio = np.percentile(timings["cross_attention"], 95) / np.percentile(timings["text_only"], 95)
    print(f"cross-attention / text-only p95: {ratio:.2f}x")
    full = []
    sample = [e.text for e in data.test if not e.image and e.text][:100]
    for text in sample:
        started = time.perf_counter()
        models["cross_attention"].predict(text=text)
        full.append((time.perf_counter() - started) * 1000)
    print(f"predict with the text encoder included: p95 {np.percentile(full, 95):.1f} ms")
    wrong = [(e.text, e.intent, p) for e, p in zip(data.test, predicted_intents(models["cross_attention"], arrays["test"]), strict=True) if p != e.intent]
    print(f"\n{len(wrong)} cross-attention mistakes on the test split, for example:")
    for text, truth, predicted in wrong[:15]:
        print(f"  {truth:>22} -> {predicted:<22} {text[:70]!r}")


if __name__ == "__main__":
    main()
