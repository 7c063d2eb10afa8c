"""Fits a fusion model on cached features: fixed seeds, modality dropout, early stopping on validation
macro-F1, a greedy soup of the runs, then temperature scaling and the out-of-scope threshold on the same
validation split."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from torch import nn

from assistant.fusion.calibration import choose_threshold, fit_temperature, softmax
from assistant.fusion.config import FusionConfig, TrainOptions
from assistant.fusion.corpus import OUT_OF_SCOPE
from assistant.fusion.features import ExampleArrays
from assistant.fusion.inputs import collate
from assistant.fusion.metrics import routing_report
from assistant.fusion.model import FusionModel
from assistant.fusion.soup import Ingredient, greedy_soup

Progress = Callable[[int, int, dict], None]
"""Called after every epoch with (epoch, most epochs, {"loss", "val_macro_f1", "run", "runs"})."""


@dataclass
class FittedModel:
    model: FusionModel
    temperature: float
    threshold: float
    """Calibrated top probability under which a message is out of scope."""
    epochs_run: int
    """Epochs over all runs."""
    best_epoch: int
    """Best epoch of the best run."""
    val_macro_f1: float
    """Of the soup, before the threshold."""
    runs: list[dict] = field(default_factory=list)
    """Each run's summary (``Ingredient.summary``): its modality dropout, best epoch, score, whether it is in the soup."""


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def batch_logits(model: FusionModel, arrays: Sequence[ExampleArrays], *, batch_size: int = 128) -> np.ndarray:
    model.eval()
    config, out = model.config, []
    with torch.inference_mode():
        for start in range(0, len(arrays), batch_size):
            inputs = collate(arrays[start : start + batch_size], text_dim=config.text_dim, visual_dim=config.visual_dim)
            out.append(model(inputs).float().numpy())
    return np.concatenate(out) if out else np.zeros((0, len(config.labels)), np.float32)


def _epoch(model, optimiser, arrays, targets, options: TrainOptions, rng: np.random.Generator) -> float:
    model.train()
    config = model.config
    order = rng.permutation(len(arrays))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=options.label_smoothing)
    total = 0.0
    for start in range(0, len(order), options.batch_size):
        rows = order[start : start + options.batch_size]
        batch = [arrays[i] for i in rows]
        has_picture = np.array([bool(ex.pictures) for ex in batch])
        hide_images = has_picture & (rng.random(len(batch)) < options.image_dropout)
        hide_text = has_picture & ~hide_images & (rng.random(len(batch)) < options.text_dropout)
        inputs = collate(batch, text_dim=config.text_dim, visual_dim=config.visual_dim,
                         hide_text=hide_text.tolist(), hide_images=hide_images.tolist())
        labels = torch.as_tensor(targets[rows])
        logits, image_logits = model.logits_by_modality(inputs)
        loss = loss_fn(logits, labels)
        if image_logits is not None and inputs.has_image.any():
            loss = loss + loss_fn(image_logits[inputs.has_image], labels[inputs.has_image])
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        total += loss.item() * len(rows)
    return total / len(order)


def _optimiser(model: FusionModel, options: TrainOptions, text_encoder) -> torch.optim.Optimizer:
    """AdamW; the tuned text layers start from the encoder's weights and move with their own, smaller rate."""
    if model.text_tail is None:
        return torch.optim.AdamW(model.parameters(), lr=options.learning_rate, weight_decay=options.weight_decay)
    if text_encoder is None:
        raise ValueError("a router that tunes text encoder layers needs the text encoder to start them from")
    model.text_tail.start_from(text_encoder.transformer_layers()[1])
    tail = set(model.text_tail.parameters())
    groups = [
        {"params": [p for p in model.parameters() if p not in tail], "lr": options.learning_rate},
        {"params": list(tail), "lr": options.text_tail_learning_rate},
    ]
    return torch.optim.AdamW(groups, weight_decay=options.weight_decay)


def fit(
    config: FusionConfig,
    train: tuple[Sequence[ExampleArrays], Sequence[str]],
    val: tuple[Sequence[ExampleArrays], Sequence[str]],
    options: TrainOptions = TrainOptions(),
    progress: Progress | None = None,
    text_encoder=None,
) -> FittedModel:
    """``options.soup_runs`` runs from the same initial weights, averaged greedily (see ``soup``), then
    calibrated. ``text_encoder``: the encoder whose top layers a model with ``config.tuned_text_layers``
    starts from."""
    index = {name: i for i, name in enumerate(config.labels)}
    train_xy = (train[0], np.array([index[y] for y in train[1]]))
    val_xy = (val[0], np.array([index[y] for y in val[1]]))
    runs = [_run(config, options, train_xy, val_xy, run, progress, text_encoder) for run in range(options.soup_runs)]
    model = FusionModel(config)

    def val_f1(state) -> float:
        model.load_state_dict(state)
        return _macro_f1(model, val_xy)

    state, chosen = greedy_soup(runs, val_f1)
    model.load_state_dict(state)
    model.eval()
    logits = batch_logits(model, val_xy[0])
    temperature = fit_temperature(logits, val_xy[1])
    threshold = choose_threshold(
        softmax(logits, temperature), val_xy[1], index[OUT_OF_SCOPE], budget=options.oos_accuracy_budget
    )
    return FittedModel(model, temperature, threshold, sum(r.epochs_run for r in runs), chosen[0].best_epoch,
                       _macro_f1(model, val_xy), [r.summary(in_soup=r in chosen) for r in runs])


def _run(config: FusionConfig, options: TrainOptions, train_xy, val_xy, run: int, progress: Progress | None,
         text_encoder) -> Ingredient:
    """One training run with early stopping. Every run starts from the same weights (the soup needs it);
    the order of the examples, the dropout noise and, on every second run, the modality dropout differ."""
    seed_everything(options.seed)
    model = FusionModel(config)
    optimiser = _optimiser(model, options, text_encoder)
    if run:  # the first run trains exactly as a single run (soup_runs=1) does
        torch.manual_seed(options.seed + run)
    rng = np.random.default_rng(options.seed + run)
    image_dropout = options.image_dropout if run % 2 == 0 else options.soup_image_dropout
    run_options = replace(options, image_dropout=image_dropout)
    best_f1, best_state, best_epoch, epoch = -1.0, None, 0, 0
    for epoch in range(1, options.epochs + 1):
        loss = _epoch(model, optimiser, train_xy[0], train_xy[1], run_options, rng)
        f1 = _macro_f1(model, val_xy)
        if f1 > best_f1:
            best_f1, best_state, best_epoch = f1, copy.deepcopy(model.state_dict()), epoch
        if progress is not None:
            progress(epoch, options.epochs, {"loss": loss, "val_macro_f1": f1, "run": run + 1,
                                             "runs": options.soup_runs})
        if epoch - best_epoch >= options.patience:
            break
    return Ingredient(best_state, best_f1, run + 1, image_dropout, best_epoch, epoch)


def _macro_f1(model: FusionModel, val_xy) -> float:
    labels = model.config.labels
    predicted = batch_logits(model, val_xy[0]).argmax(1)
    return routing_report([labels[i] for i in val_xy[1]], [labels[i] for i in predicted], labels).macro_f1
