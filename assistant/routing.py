"""What routes a message to an intent: the protocol the pipeline depends on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from assistant.types import ImageFeatures, IntentPrediction


@runtime_checkable
class IntentRouter(Protocol):
    """Reads a message's text (typed words and transcript) together with its images' features and words."""

    name: str

    def predict(self, *, text: str, images: Sequence[ImageFeatures] = ()) -> IntentPrediction: ...
