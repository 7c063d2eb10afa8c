"""Shapes and hyper-parameters of the fusion model, saved as config.json beside its weights."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

FusionKind = Literal["text_only", "late", "concat", "cross_attention"]
FUSION_KINDS: tuple[str, ...] = ("text_only", "late", "concat", "cross_attention")


@dataclass(frozen=True)
class FusionConfig:
    labels: tuple[str, ...]
    """Intent names, in the order of the logits."""
    text_dim: int = 384
    """Width of the text encoder's token and sentence vectors (all-MiniLM-L6-v2)."""
    visual_dim: int = 1280
    """Width of the image encoder's tokens and pooled vector (EfficientNet-Lite0: 1280)."""
    fusion: str = "cross_attention"
    """'cross_attention' (text and image tokens attend to each other), 'concat' (pooled vectors side by
    side), 'late' (weighted sum of a text model's and an image model's log-probabilities) or 'text_only'."""
    width: int = 128
    """Width every modality is projected to."""
    heads: int = 4
    layers: int = 1
    """Cross-attention blocks (each: text attends to image, image attends to text, feed-forward)."""
    dropout: float = 0.3
    tuned_text_layers: int = 0
    """Top layers of the text encoder the router holds its own copy of and tunes (0: the encoder's output
    tokens are read as they are). Set with ``text_tail.tail_settings``, which also fills the two below."""
    text_transformer: dict | None = None
    """The text encoder's transformer configuration, from which the tuned layers are built."""
    text_input_layer: int | None = None
    """Which of the encoder's hidden states the message's tokens are read at (None: its output)."""
    lexical_buckets: int = 0
    """Buckets of the hashed n-gram path from the message's words to the logits: 0 (off, the default:
    on the shipped split it cost the cross-attention model 3.5 points of accuracy, see bench/fusion.py)
    or ``LexicalBagOptions.buckets`` (32,768) to turn it on."""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> FusionConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["labels"] = tuple(known["labels"])
        return cls(**known)


@dataclass(frozen=True)
class TrainOptions:
    seed: int = 7
    epochs: int = 60
    """Upper bound; training stops earlier when validation macro-F1 stops improving."""
    patience: int = 8
    """Epochs without a better validation macro-F1 before stopping."""
    batch_size: int = 32
    learning_rate: float = 5e-4
    weight_decay: float = 0.05
    label_smoothing: float = 0.1
    text_tail_learning_rate: float = 5e-5
    """Learning rate of the tuned text encoder layers (small: they start from trained weights)."""
    image_dropout: float = 0.15
    """Chance, per training example with a picture, that the picture is hidden (modality dropout)."""
    text_dropout: float = 0.1
    """Chance, per training example with a picture, that its words are hidden."""
    soup_runs: int = 2
    """Training runs from the same initial weights whose weights are averaged (a greedy model soup, see
    ``soup.py``); 1: a single run. Training takes this many times as long; routing takes no longer."""
    soup_image_dropout: float = 0.3
    """Modality dropout of every second run (the others use ``image_dropout``), so the runs differ in more
    than the order of the examples."""
    oos_accuracy_budget: float = 0.02
    """How much in-scope accuracy on validation the out-of-scope threshold may cost."""
    extra: dict = field(default_factory=dict)
