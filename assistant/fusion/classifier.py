"""A trained router: the fusion model with its calibration, saved as a folder and loaded back.

Folder layout: ``config.json`` (model shape, labels, temperature, out-of-scope threshold, the encoders it
was trained on, the training data's fingerprint, its metrics), ``model.safetensors`` and ``labels.json``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from assistant.errors import CheckpointError
from assistant.fusion.calibration import softmax
from assistant.fusion.config import FusionConfig
from assistant.fusion.corpus import OUT_OF_SCOPE
from assistant.fusion.features import MAX_OCR_TOKENS, ExampleArrays, TextFeatures, picture_arrays
from assistant.fusion.inputs import collate
from assistant.fusion.model import FusionModel
from assistant.types import ImageFeatures, IntentPrediction

FORMAT_VERSION = 1
TOP_K = 3
CHECKPOINT_FILES = ("config.json", "labels.json", "model.safetensors")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Provenance:
    """What a checkpoint was trained on; a change in any of these makes it stale."""

    text_model: str
    image_encoder: str
    fingerprint: str
    """Hash of the training examples and the training options."""
    metrics: dict = field(default_factory=dict)
    training_recipe: int | None = None
    """The lifecycle's TRAINING_RECIPE it was trained with (None: not recorded)."""


class FusionClassifier:
    """Routes a message (text plus pictures) to an intent; an ``IntentRouter``. Thread-safe."""

    name = "fusion"

    def __init__(self, model: FusionModel, *, temperature: float, threshold: float, provenance: Provenance,
                 text_encoder=None) -> None:
        self.model = model.eval()
        self.config = model.config
        self.temperature = temperature
        self.threshold = threshold
        self.provenance = provenance
        self.text_encoder = text_encoder
        self._lock = threading.Lock()

    def probabilities(self, arrays: Sequence[ExampleArrays]) -> np.ndarray:
        """(n, intents) calibrated probabilities."""
        inputs = collate(arrays, text_dim=self.config.text_dim, visual_dim=self.config.visual_dim)
        with self._lock, torch.inference_mode():
            logits = self.model(inputs).float().numpy()
        return softmax(logits, self.temperature)

    def decide(self, probs: np.ndarray) -> IntentPrediction:
        order = np.argsort(-probs)
        labels = self.config.labels
        best = labels[order[0]]
        confidence = float(probs[order[0]])
        out_of_scope = best == OUT_OF_SCOPE or confidence < self.threshold
        return IntentPrediction(
            intent=OUT_OF_SCOPE if out_of_scope else best,
            confidence=confidence,
            top_k=tuple((labels[i], float(probs[i])) for i in order[:TOP_K]),
            out_of_scope=out_of_scope,
            router=self.name,
        )

    def arrays(self, text: str, images: Sequence[ImageFeatures] = ()) -> ExampleArrays:
        """Encodes the words of the message and of its pictures (the pictures are already encoded)."""
        if self.text_encoder is None:
            raise CheckpointError("This router was loaded without a text encoder, so it cannot read messages.")
        for image in images:
            if image.encoder != self.provenance.image_encoder:
                raise CheckpointError(
                    f"The intent router was trained on image features of {self.provenance.image_encoder!r} "
                    f"but got {image.encoder!r}; retrain it with `assistant train`."
                )
        texts = TextFeatures(self.text_encoder, layer=self.config.text_input_layer).encode([text])
        words = TextFeatures(self.text_encoder, max_tokens=MAX_OCR_TOKENS, with_bag=False).encode([f.ocr_text for f in images])
        return ExampleArrays(texts[0], tuple(picture_arrays(f, w) for f, w in zip(images, words, strict=True)))

    def predict(self, *, text: str, images: Sequence[ImageFeatures] = ()) -> IntentPrediction:
        return self.decide(self.probabilities([self.arrays(text, images)])[0])

    def save(self, folder: Path) -> Path:
        """Writes the checkpoint next to ``folder`` and swaps it in, so a crash never leaves half a folder.

        A process killed part-way leaves ``<folder>.partial-<pid>`` (never swapped in) or, between the two
        renames, only ``<folder>.old``; :func:`recover_interrupted_save` puts either right at the next load.
        """
        folder = Path(folder)
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        save_file({k: v.contiguous() for k, v in self.model.state_dict().items()}, str(partial / "model.safetensors"))
        (partial / "labels.json").write_text(json.dumps(list(self.config.labels), indent=1), encoding="utf-8")
        (partial / "config.json").write_text(json.dumps(self._config_json(), indent=2), encoding="utf-8")
        _sync_files(partial)
        old = _old_folder(folder)
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        partial.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
        return folder

    def _config_json(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "model": self.config.to_json(),
            "temperature": self.temperature,
            "out_of_scope_threshold": self.threshold,
            "text_model": self.provenance.text_model,
            "image_encoder": self.provenance.image_encoder,
            "fingerprint": self.provenance.fingerprint,
            "training_recipe": self.provenance.training_recipe,
            "metrics": self.provenance.metrics,
        }

    @classmethod
    def load(cls, folder: Path, *, text_encoder=None) -> FusionClassifier:
        folder = Path(folder)
        try:
            raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
            config = FusionConfig.from_json(raw["model"])
            if raw.get("format_version") != FORMAT_VERSION or list(config.labels) != labels:
                raise ValueError("unknown format version or labels that disagree with config.json")
            model = FusionModel(config)
            model.load_state_dict(load_file(str(folder / "model.safetensors")))
            provenance = Provenance(raw["text_model"], raw["image_encoder"], raw["fingerprint"], raw.get("metrics", {}),
                                    training_recipe=raw.get("training_recipe"))
            temperature, threshold = float(raw["temperature"]), float(raw["out_of_scope_threshold"])
        except FileNotFoundError as error:
            raise _missing_file_error(folder, Path(error.filename or "").name) from error
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, SafetensorError) as error:
            raise CheckpointError(
                f"The intent router checkpoint in {folder} is damaged ({error}); retrain it with `assistant train`."
            ) from error
        return cls(model, temperature=temperature, threshold=threshold, provenance=provenance, text_encoder=text_encoder)


def _missing_file_error(folder: Path, name: str) -> CheckpointError:
    if not (folder / "config.json").exists():
        return CheckpointError(f"No intent router checkpoint in {folder}: {name or 'config.json'} is missing.")
    return CheckpointError(
        f"The intent router checkpoint in {folder} is incomplete: {name} is missing; "
        "retrain it with `assistant train`."
    )


def _old_folder(folder: Path) -> Path:
    return folder.with_name(folder.name + ".old")


def _sync_files(folder: Path) -> None:
    for name in CHECKPOINT_FILES:
        with open(folder / name, "rb") as stream:
            os.fsync(stream.fileno())


def recover_interrupted_save(folder: Path) -> None:
    """Undo what a save killed part-way left behind: brings back ``<folder>.old`` when the new folder was
    never swapped in, and removes the partial folders of processes that no longer run."""
    folder = Path(folder)
    old = _old_folder(folder)
    if not folder.exists() and old.is_dir():
        old.rename(folder)
        log.warning("router checkpoint %s restored from %s (a save was interrupted)", folder, old)
    elif folder.exists() and old.exists():
        shutil.rmtree(old, ignore_errors=True)
    for partial in folder.parent.glob(f"{folder.name}.partial-*"):
        if not _process_runs(partial.name.rsplit("-", 1)[-1]):
            shutil.rmtree(partial, ignore_errors=True)
            log.warning("removed %s, left by an interrupted router save", partial)


def _process_runs(pid_text: str) -> bool:
    if not pid_text.isdigit() or int(pid_text) <= 0:
        return False
    try:
        os.kill(int(pid_text), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
