"""Padded tensors of a batch of messages, built from cached or live encoder arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import torch

from assistant.fusion.features import ExampleArrays
from assistant.fusion.lexical_bag import EMPTY_BAG


@dataclass
class FusionInputs:
    text_tokens: torch.Tensor
    """(B, Lt, text_dim)"""
    text_mask: torch.Tensor
    """(B, Lt) True where a token is present."""
    text_vector: torch.Tensor
    """(B, text_dim), zeros when there are no words."""
    has_text: torch.Tensor
    """(B,) bool"""
    visual_tokens: torch.Tensor
    """(B, Lv, visual_dim): every picture's tokens, one after another."""
    visual_mask: torch.Tensor
    visual_pooled: torch.Tensor
    """(B, visual_dim): mean of the pictures' pooled vectors."""
    ocr_tokens: torch.Tensor
    """(B, Lo, text_dim): tokens of the words read in the pictures."""
    ocr_mask: torch.Tensor
    ocr_vector: torch.Tensor
    """(B, text_dim): mean sentence vector of the pictures' words, zeros when none were read."""
    has_image: torch.Tensor
    """(B,) bool"""
    bag_indices: torch.Tensor
    """(N,) int64 hashed n-gram buckets of every message's words, one message after another."""
    bag_offsets: torch.Tensor
    """(B,) where each message's buckets start in ``bag_indices``."""
    bag_weights: torch.Tensor
    """(N,) the weight of each bucket."""

    def to(self, device: str | torch.device) -> FusionInputs:
        return FusionInputs(**{f.name: getattr(self, f.name).to(device) for f in fields(self)})


def _pad(rows: Sequence[np.ndarray], width: int) -> tuple[torch.Tensor, torch.Tensor]:
    length = max([len(r) for r in rows] + [1])
    out = np.zeros((len(rows), length, width), dtype=np.float32)
    mask = np.zeros((len(rows), length), dtype=bool)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
        mask[i, : len(row)] = True
    return torch.from_numpy(out), torch.from_numpy(mask)


def _mean(rows: Sequence[Sequence[np.ndarray]], width: int) -> torch.Tensor:
    out = np.zeros((len(rows), width), dtype=np.float32)
    for i, row in enumerate(rows):
        if len(row):
            out[i] = np.mean(np.stack(row).astype(np.float32), axis=0)
    return torch.from_numpy(out)


def _bags(texts) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """EmbeddingBag inputs for the messages' n-gram bags (a hidden message has an empty bag)."""
    bags = [t.bag if t is not None else EMPTY_BAG for t in texts]
    lengths = np.array([len(b.indices) for b in bags], np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    indices = np.concatenate([b.indices for b in bags] + [np.zeros(0, np.int64)])
    weights = np.concatenate([b.weights for b in bags] + [np.zeros(0, np.float32)])
    return torch.from_numpy(indices), torch.from_numpy(offsets), torch.from_numpy(weights.astype(np.float32))


def collate(
    batch: Sequence[ExampleArrays], *, text_dim: int, visual_dim: int, hide_text=None, hide_images=None
) -> FusionInputs:
    """``hide_text`` / ``hide_images``: per-example booleans for modality dropout in training."""
    hide_text = hide_text if hide_text is not None else [False] * len(batch)
    hide_images = hide_images if hide_images is not None else [False] * len(batch)
    pictures = [() if hide else ex.pictures for ex, hide in zip(batch, hide_images, strict=True)]
    texts = [None if hide else ex.text for ex, hide in zip(batch, hide_text, strict=True)]
    text_tokens, text_mask = _pad([t.tokens if t else np.zeros((0, text_dim)) for t in texts], text_dim)
    visual_tokens, visual_mask = _pad(
        [np.concatenate([p.visual_tokens for p in ps]) if ps else np.zeros((0, visual_dim)) for ps in pictures],
        visual_dim,
    )
    ocr_tokens, ocr_mask = _pad(
        [np.concatenate([p.words.tokens for p in ps]) if ps else np.zeros((0, text_dim)) for ps in pictures],
        text_dim,
    )
    has_text = torch.tensor([bool(t is not None and len(t.tokens)) for t in texts])
    text_vector = _mean([[t.vector] if t is not None and len(t.tokens) else [] for t in texts], text_dim)
    bag_indices, bag_offsets, bag_weights = _bags(texts)
    return FusionInputs(
        text_tokens=text_tokens, text_mask=text_mask, text_vector=text_vector, has_text=has_text,
        visual_tokens=visual_tokens, visual_mask=visual_mask,
        visual_pooled=_mean([[p.visual_pooled for p in ps] for ps in pictures], visual_dim),
        ocr_tokens=ocr_tokens, ocr_mask=ocr_mask,
        ocr_vector=_mean([[p.words.vector for p in ps if len(p.words.tokens)] for ps in pictures], text_dim),
        has_image=torch.tensor([bool(ps) for ps in pictures]),
        bag_indices=bag_indices, bag_offsets=bag_offsets, bag_weights=bag_weights,
    )
