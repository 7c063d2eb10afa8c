"""Builds each heavy model once per process, on the best device, and shares it with every session."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field

from assistant.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    """What `assistant models` shows about one loaded model."""

    role: str
    name: str
    source: str
    device: str
    dtype: str
    load_seconds: float


def pick_device(setting: str) -> str:
    """'cuda' when asked for or when 'auto' finds CUDA; 'cpu' otherwise."""
    if setting != "auto":
        return setting
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def forbid_hub_downloads() -> None:
    """Model code must read local files only; make the Hugging Face libraries fail fast, not wait."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@dataclass
class ModelRegistry:
    """Lazily built, process-wide models. Pass one registry down; never keep models in per-user state."""

    settings: Settings
    loaded: list[LoadedModel] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _text_encoder: object | None = field(default=None, repr=False)

    def text_encoder(self):
        from assistant.text import TextEncoder

        with self._lock:
            if self._text_encoder is None:
                forbid_hub_downloads()
                device = pick_device(self.settings.device)
                started = time.perf_counter()
                encoder = TextEncoder(self.settings.text_model, device=device)
                self._record("text encoder", encoder.name, str(encoder.path), device, "float32", started)
                self._text_encoder = encoder
            return self._text_encoder

    def _record(self, role, name, source, device, dtype, started) -> None:
        seconds = time.perf_counter() - started
        self.loaded.append(LoadedModel(role, name, source, device, dtype, round(seconds, 2)))
        log.info("loaded %s %s on %s (%s) in %.1f s", role, name, device, dtype, seconds)
