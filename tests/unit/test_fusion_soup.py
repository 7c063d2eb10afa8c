"""Averaging training runs' weights (a model soup) and the greedy choice of which runs join it."""

from __future__ import annotations

import pytest
import torch

from assistant.fusion.soup import Ingredient, average_states, greedy_soup


def ingredient(weight: float, val_score: float, run: int) -> Ingredient:
    state = {"weight": torch.tensor([weight, 2 * weight]), "steps": torch.tensor(run, dtype=torch.long)}
    return Ingredient(state, val_score, run, 0.15, best_epoch=3, epochs_run=5)


def score_near_two(state) -> float:
    """Best when the weight is 2: a stand-in for validation macro-F1."""
    return 1.0 - abs(float(state["weight"][0]) - 2.0) / 10


def test_average_states_takes_the_mean_of_float_tensors_and_keeps_counters_from_the_first():
    soup = average_states([ingredient(1.0, 0, 1).state, ingredient(4.0, 0, 2).state])
    torch.testing.assert_close(soup["weight"], torch.tensor([2.5, 5.0]))
    assert int(soup["steps"]) == 1


def test_average_states_refuses_nothing_and_different_shapes():
    with pytest.raises(ValueError, match="at least one"):
        average_states([])
    with pytest.raises(ValueError, match="same model shape"):
        average_states([{"a": torch.zeros(1)}, {"b": torch.zeros(1)}])


def test_greedy_soup_keeps_runs_that_help_and_leaves_out_one_that_hurts():
    low, high, far = ingredient(1.0, 0.9, 1), ingredient(3.0, 0.9, 2), ingredient(100.0, 0.1, 3)
    state, chosen = greedy_soup([far, low, high], score_near_two)
    assert chosen == [low, high]
    assert score_near_two(state) == pytest.approx(1.0)


def test_greedy_soup_of_one_run_is_that_run():
    only = ingredient(1.5, 0.95, 1)
    state, chosen = greedy_soup([only], score_near_two)
    assert chosen == [only] and state is only.state


def test_summary_says_what_the_run_was_trained_with():
    summary = ingredient(1.0, 0.91234, 2).summary(in_soup=False)
    assert summary == {"run": 2, "image_dropout": 0.15, "best_epoch": 3, "epochs": 5, "val_macro_f1": 0.9123,
                       "in_soup": False}
