"""A linear discriminant fitted on the catalogue's own photos: directions that separate categories.

Generic image features (ImageNet or CLIP) spread a category's photos widely; projecting onto the
Fisher discriminant directions of the store's labelled product photos pulls photos of the same category
together. Product search adds the cosine similarity in that space to the plain one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SHRINKAGE = 0.1
"""Share of the average within-category variance added to every direction (keeps the fit stable)."""


def fit_discriminant(vectors: np.ndarray, labels: Sequence[str]) -> np.ndarray | None:
    """(dim, categories - 1) projection, or None when fewer than two categories have photos."""
    names = sorted(set(labels))
    if len(names) < 2:
        return None
    label_array = np.asarray(labels)
    overall = vectors.mean(axis=0)
    within = np.zeros((vectors.shape[1], vectors.shape[1]), dtype=np.float64)
    between = np.zeros_like(within)
    for name in names:
        group = vectors[label_array == name].astype(np.float64)
        centre = group.mean(axis=0)
        within += (group - centre).T @ (group - centre)
        offset = (centre - overall)[:, None]
        between += len(group) * (offset @ offset.T)
    within += np.eye(len(within)) * SHRINKAGE * np.trace(within) / len(within)
    return _generalised_top_eigenvectors(between, within, len(names) - 1).astype(np.float32)


def _generalised_top_eigenvectors(between: np.ndarray, within: np.ndarray, count: int) -> np.ndarray:
    values, vectors = np.linalg.eigh(within)
    whitening = vectors / np.sqrt(np.maximum(values, 1e-12))
    _, top = np.linalg.eigh(whitening.T @ between @ whitening)
    return whitening @ top[:, -count:]


def project(vectors: np.ndarray, projection: np.ndarray) -> np.ndarray:
    projected = vectors @ projection
    norms = np.linalg.norm(projected, axis=-1, keepdims=True)
    return projected / np.where(norms == 0, 1.0, norms)
