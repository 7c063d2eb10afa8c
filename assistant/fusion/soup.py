"""Model soups: several training runs from the same initial weights, averaged weight by weight.

Runs that start from the same weights and differ only in their noise (the order of the examples, which
pictures modality dropout hides) end close together, so the average of their weights is itself a model,
usually a better one than each run, and no slower to run (Wortsman et al., 2022, "Model soups"). The
greedy recipe adds runs best first and keeps one only when the average scores no lower on validation, so
a soup never scores below its best run there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import torch

State = Mapping[str, torch.Tensor]


@dataclass(frozen=True, eq=False)
class Ingredient:
    """One training run's best weights and what it was trained with."""

    state: State
    val_score: float
    """Validation macro-F1 of these weights alone."""
    run: int
    image_dropout: float
    best_epoch: int
    epochs_run: int

    def summary(self, *, in_soup: bool) -> dict:
        return {"run": self.run, "image_dropout": self.image_dropout, "best_epoch": self.best_epoch,
                "epochs": self.epochs_run, "val_macro_f1": round(self.val_score, 4), "in_soup": in_soup}


def average_states(states: Sequence[State]) -> dict[str, torch.Tensor]:
    """The element-wise mean of each floating-point tensor; other tensors (counters) come from the first."""
    if not states:
        raise ValueError("a soup needs at least one set of weights")
    first = states[0]
    if any(state.keys() != first.keys() for state in states):
        raise ValueError("only weights of the same model shape can be averaged")
    return {
        name: torch.stack([state[name].float() for state in states]).mean(0).to(tensor.dtype)
        if tensor.is_floating_point() else tensor.clone()
        for name, tensor in first.items()
    }


def greedy_soup(ingredients: Sequence[Ingredient], score: Callable[[State], float]) -> tuple[State, list[Ingredient]]:
    """Best run first; each further run joins when the average with it scores at least as well."""
    ranked = sorted(ingredients, key=lambda ingredient: -ingredient.val_score)
    chosen, state, best = [ranked[0]], ranked[0].state, ranked[0].val_score
    for candidate in ranked[1:]:
        trial = average_states([ingredient.state for ingredient in (*chosen, candidate)])
        trial_score = score(trial)
        if trial_score >= best:
            chosen, state, best = [*chosen, candidate], trial, trial_score
    return state, chosen
