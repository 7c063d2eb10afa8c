from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from assistant.errors import ModelError
from assistant.settings import Settings
from assistant.vision import (
    ClipImageEncoder,
    EfficientNetLiteEncoder,
    ImageEncoder,
    choose_image_encoder,
    create_image_encoder,
    image_encoder_from_settings,
    local_clip_weights,
)

CLIP_ARCH = "ViT-S-32"  # the smallest ViT in open_clip's configs: 7x7 patches of width 384
CAT_CLASSES = range(281, 286)
COFFEE_CLASSES = {504, 967, 968}  # coffee mug, espresso, cup


@pytest.fixture(scope="session")
def photos() -> dict[str, Image.Image]:
    from skimage import data

    names = ("chelsea", "coffee", "astronaut", "rocket")
    return {name: Image.fromarray(getattr(data, name)()).convert("RGB") for name in names}


@pytest.fixture(scope="session")
def clip_reference(tmp_path_factory):
    """A real open_clip model with random weights, and its checkpoint saved as .pt and .safetensors."""
    import open_clip
    from safetensors.torch import save_file

    torch.manual_seed(0)
    model, _, preprocess = open_clip.create_model_and_transforms(CLIP_ARCH)
    folder = tmp_path_factory.mktemp("clip")
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    torch.save(state, folder / "clip.pt")
    save_file(state, str(folder / "clip.safetensors"))
    return model.eval(), preprocess, folder


@pytest.fixture(scope="session")
def clip_encoder(clip_reference) -> ClipImageEncoder:
    _, _, folder = clip_reference
    return create_image_encoder(
        "clip", clip_model=CLIP_ARCH, clip_pretrained=str(folder / "clip.pt"), device="cpu"
    )


@pytest.fixture(scope="session")
def lite0() -> EfficientNetLiteEncoder:
    return EfficientNetLiteEncoder(device="cpu")


def reference_vector(clip_reference, image: Image.Image) -> np.ndarray:
    model, preprocess, _ = clip_reference
    with torch.inference_mode():
        return model.encode_image(preprocess(image)[None], normalize=True)[0].numpy()


def test_clip_checkpoint_gives_the_saved_models_vectors(clip_reference, clip_encoder, photos):
    features = clip_encoder.encode([photos["chelsea"]])[0]
    expected = reference_vector(clip_reference, photos["chelsea"])
    np.testing.assert_allclose(features.pooled, expected, atol=1e-5)


def test_clip_safetensors_checkpoint_loads_the_same_weights(clip_reference, clip_encoder, photos):
    _, _, folder = clip_reference
    encoder = ClipImageEncoder(CLIP_ARCH, str(folder / "clip.safetensors"), device="cpu")
    [from_safetensors] = encoder.encode([photos["coffee"]])
    [from_pt] = clip_encoder.encode([photos["coffee"]])
    np.testing.assert_allclose(from_safetensors.pooled, from_pt.pooled, atol=1e-6)


def test_clip_features_have_pooled_vector_and_patch_tokens(clip_encoder, photos):
    [features] = clip_encoder.encode([photos["astronaut"]])
    assert isinstance(clip_encoder, ImageEncoder)
    assert (clip_encoder.dim, clip_encoder.token_dim) == (384, 384)
    assert features.pooled.shape == (384,) and features.pooled.dtype == np.float32
    assert features.tokens.shape == (49, 384) and features.tokens.dtype == np.float32
    assert np.linalg.norm(features.pooled) == pytest.approx(1.0, abs=1e-5)
    assert features.encoder == clip_encoder.name == f"clip:{CLIP_ARCH}:clip.pt"
    assert features.ocr_lines == ()


def test_describe_names_source_device_and_dtype(clip_reference, clip_encoder):
    description = clip_encoder.describe()
    assert description.source == str(clip_reference[2] / "clip.pt")
    assert (description.device, description.dtype) == ("cpu", "float32")
    assert (description.dim, description.token_dim) == (384, 384)


def test_batched_encode_equals_one_at_a_time(clip_reference, photos):
    encoder = ClipImageEncoder(CLIP_ARCH, str(clip_reference[2] / "clip.pt"), device="cpu", batch_size=3)
    images = list(photos.values()) + [Image.new("RGB", (50, 90), (200, 30, 30))]
    batched = encoder.encode(images)
    single = [encoder.encode([image])[0] for image in images]
    assert len(batched) == len(images)
    for a, b in zip(batched, single, strict=True):
        np.testing.assert_allclose(a.pooled, b.pooled, atol=1e-5)
        np.testing.assert_allclose(a.tokens, b.tokens, atol=1e-4)


def test_concurrent_callers_get_their_own_results(clip_encoder, photos):
    images = list(photos.values())
    expected = [f.pooled for f in clip_encoder.encode(images)]
    results: dict[int, np.ndarray] = {}

    def work(index: int) -> None:
        results[index] = clip_encoder.encode([images[index % len(images)]])[0].pooled

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, pooled in results.items():
        np.testing.assert_allclose(pooled, expected[index % len(images)], atol=1e-5)


def test_auto_takes_clip_when_a_local_checkpoint_exists(clip_reference, caplog):
    checkpoint = str(clip_reference[2] / "clip.pt")
    with caplog.at_level(logging.INFO, logger="assistant.vision"):
        encoder = create_image_encoder("auto", clip_model=CLIP_ARCH, clip_pretrained=checkpoint, device="cpu")
    assert isinstance(encoder, ClipImageEncoder)
    assert "image encoder: clip" in caplog.text


@pytest.mark.slow
def test_auto_without_clip_weights_takes_efficientnet(caplog, settings: Settings):
    with caplog.at_level(logging.INFO, logger="assistant.vision"):
        encoder = image_encoder_from_settings(settings.model_copy(update={"device": "cpu"}))
    assert isinstance(encoder, EfficientNetLiteEncoder)
    assert "image encoder: efficientnet (ASSISTANT_CLIP_PRETRAINED is not set)" in caplog.text


def test_auto_with_an_uncached_tag_takes_efficientnet(tmp_path, monkeypatch):
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path))
    kind, reason = choose_image_encoder("auto", "ViT-B-32", "laion2b_s34b_b79k")
    assert kind == "efficientnet"
    assert "no local copy" in reason


def test_a_tag_in_the_hub_cache_counts_as_local(tmp_path, monkeypatch):
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path))
    repo = tmp_path / "models--laion--CLIP-ViT-B-32-laion2B-s34B-b79K"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123")
    weights = repo / "snapshots" / "abc123" / "open_clip_model.safetensors"
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"not loaded here")
    assert local_clip_weights("ViT-B-32", "laion2b_s34b_b79k") == str(weights)
    assert choose_image_encoder("auto", "ViT-B-32", "laion2b_s34b_b79k")[0] == "clip"


@pytest.mark.parametrize("name", ["broken.pt", "broken.safetensors"])
def test_corrupt_checkpoint_is_a_model_error(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(ModelError, match="Could not load CLIP"):
        create_image_encoder("clip", clip_model=CLIP_ARCH, clip_pretrained=str(path), device="cpu")


def test_checkpoint_of_another_architecture_is_a_model_error(clip_reference):
    checkpoint = str(clip_reference[2] / "clip.pt")
    with pytest.raises(ModelError, match="ViT-M-32"):
        create_image_encoder("clip", clip_model="ViT-M-32", clip_pretrained=checkpoint, device="cpu")


def test_bad_settings_are_model_errors():
    with pytest.raises(ModelError, match="not one of auto, clip, efficientnet"):
        create_image_encoder("resnet")
    with pytest.raises(ModelError, match="needs ASSISTANT_CLIP_PRETRAINED"):
        create_image_encoder("clip", clip_pretrained=None)


@pytest.mark.slow
def test_packaged_efficientnet_recognises_real_photos(lite0, photos):
    logits = lite0.imagenet_logits([photos["chelsea"], photos["coffee"]])
    cat_top5, coffee_top5 = (np.argsort(-row)[:5] for row in logits)
    assert cat_top5[0] in CAT_CLASSES
    assert sum(int(i) in CAT_CLASSES for i in cat_top5) >= 3
    assert int(coffee_top5[0]) in COFFEE_CLASSES


@pytest.mark.slow
def test_efficientnet_features_are_pooled_map_and_7x7_tokens(lite0, photos):
    [features] = lite0.encode([photos["rocket"]])
    assert isinstance(lite0, ImageEncoder)
    assert features.pooled.shape == (1280,)
    assert features.tokens.shape == (49, 1280)
    assert np.linalg.norm(features.pooled) == pytest.approx(1.0, abs=1e-5)
    mean_token = features.tokens.mean(axis=0)
    np.testing.assert_allclose(features.pooled, mean_token / np.linalg.norm(mean_token), atol=1e-5)
    assert features.encoder == "efficientnet-lite0:imagenet"
    assert lite0.batch_size == 8  # asked for 32; more at once runs slower on CPU


@pytest.mark.slow
def test_efficientnet_batched_equals_one_at_a_time(lite0, photos):
    images = list(photos.values())
    batched = lite0.encode(images)
    for image, features in zip(images, batched, strict=True):
        [single] = lite0.encode([image])
        np.testing.assert_allclose(features.pooled, single.pooled, atol=1e-5)
        np.testing.assert_allclose(features.tokens, single.tokens, atol=1e-4)


@pytest.mark.slow
def test_similar_photos_are_closer_than_different_ones(lite0, photos):
    cat = photos["chelsea"]
    mirrored = cat.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    pooled = [f.pooled for f in lite0.encode([cat, mirrored, photos["rocket"]])]
    assert pooled[0] @ pooled[1] > pooled[0] @ pooled[2] + 0.2
