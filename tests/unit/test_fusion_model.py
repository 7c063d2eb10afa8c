from __future__ import annotations

import numpy as np
import pytest
import torch

from assistant.fusion.config import FUSION_KINDS, FusionConfig
from assistant.fusion.features import ExampleArrays, PictureArrays, TextArrays
from assistant.fusion.inputs import collate
from assistant.fusion.model import FusionModel

LABELS = ("account_login", "out_of_scope", "payment_billing")


def text(n_tokens: int, seed: int = 0) -> TextArrays:
    rng = np.random.default_rng(seed)
    return TextArrays(rng.standard_normal((n_tokens, 8)).astype(np.float16), rng.standard_normal(8).astype(np.float32))


def picture(seed: int, n_words: int = 3) -> PictureArrays:
    rng = np.random.default_rng(100 + seed)
    return PictureArrays(rng.standard_normal((5, 6)).astype(np.float16), rng.standard_normal(6).astype(np.float32),
                         text(n_words, seed), n_words)


def small_config(fusion: str) -> FusionConfig:
    return FusionConfig(labels=LABELS, text_dim=8, visual_dim=6, width=16, heads=2, fusion=fusion)


def batch() -> list[ExampleArrays]:
    return [
        ExampleArrays(text(4)),  # words only
        ExampleArrays(text(0), (picture(1),)),  # a picture sent without words
        ExampleArrays(text(2), (picture(2), picture(3, n_words=0))),  # two pictures, one without writing
        ExampleArrays(text(0)),  # nothing at all
    ]


@pytest.mark.parametrize("fusion", FUSION_KINDS)
def test_every_fusion_kind_gives_finite_logits_for_any_mix_of_modalities(fusion):
    model = FusionModel(small_config(fusion)).eval()
    logits = model(collate(batch(), text_dim=8, visual_dim=6))
    assert logits.shape == (4, len(LABELS))
    assert torch.isfinite(logits).all()


def test_collate_masks_what_is_missing():
    inputs = collate(batch(), text_dim=8, visual_dim=6)
    assert inputs.has_text.tolist() == [True, False, True, False]
    assert inputs.has_image.tolist() == [False, True, True, False]
    assert inputs.text_mask.sum(1).tolist() == [4, 0, 2, 0]
    assert inputs.visual_mask.sum(1).tolist() == [0, 5, 10, 0]
    assert inputs.ocr_mask.sum(1).tolist() == [0, 3, 3, 0]


def test_modality_dropout_hides_the_picture_and_the_words():
    inputs = collate(batch(), text_dim=8, visual_dim=6, hide_text=[False, False, True, False],
                     hide_images=[False, True, False, False])
    assert inputs.has_image.tolist() == [False, False, True, False]
    assert inputs.has_text.tolist() == [True, False, False, False]


@pytest.mark.parametrize("fusion", ["cross_attention", "concat", "late"])
def test_the_picture_changes_the_logits_of_multimodal_models(fusion):
    torch.manual_seed(0)
    model = FusionModel(small_config(fusion)).eval()
    words = text(4)
    with_first = model(collate([ExampleArrays(words, (picture(1),))], text_dim=8, visual_dim=6))
    with_second = model(collate([ExampleArrays(words, (picture(2),))], text_dim=8, visual_dim=6))
    assert not torch.allclose(with_first, with_second)


def test_the_text_only_model_ignores_pictures():
    model = FusionModel(small_config("text_only")).eval()
    words = text(4)
    with_picture = model(collate([ExampleArrays(words, (picture(1),))], text_dim=8, visual_dim=6))
    without = model(collate([ExampleArrays(words)], text_dim=8, visual_dim=6))
    assert torch.allclose(with_picture, without)
