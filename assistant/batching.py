"""Micro-batching: concurrent single requests to an encoder are grouped into one batched call.

A worker thread takes every request waiting (at most ``max_batch``), runs the batch function once and hands
each caller its own result. Requests that arrive while a batch runs form the next one, so batches grow
with the load and a request that finds the worker idle is run at once. ``wait_ms`` above 0 makes the
first request of a batch wait that long for company, which pays only where one batched call costs
little more than a single one (a GPU).
"""

from __future__ import annotations

import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class BatchOptions:
    max_batch: int = 32
    """Most requests in one batched call."""
    wait_ms: float = 0.0
    """How long the first request of a batch waits for others to join; 0 takes only those already waiting."""


class MicroBatcher(Generic[T, R]):
    def __init__(
        self, run_batch: Callable[[list[T]], Sequence[R]], options: BatchOptions, *, name: str
    ) -> None:
        self._run_batch = run_batch
        self.options = options
        self._queue: queue.Queue[tuple[T, Future]] = queue.Queue()
        self._worker = threading.Thread(target=self._serve, name=f"batcher-{name}", daemon=True)
        self._worker.start()
        self.batch_sizes: list[int] = []

    def submit(self, item: T) -> R:
        """Run ``item`` in the next batch and wait for its result (errors reach every caller of the batch)."""
        future: Future = Future()
        self._queue.put((item, future))
        return future.result()

    def pending(self) -> int:
        return self._queue.qsize()

    def _serve(self) -> None:
        while True:
            batch = [self._queue.get()]
            deadline = time.monotonic() + self.options.wait_ms / 1000.0
            while len(batch) < self.options.max_batch:
                remaining = deadline - time.monotonic()
                try:
                    item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                batch.append(item)
            self._finish(batch)

    def _finish(self, batch: list[tuple[T, Future]]) -> None:
        self.batch_sizes.append(len(batch))
        try:
            results = self._run_batch([item for item, _ in batch])
        except BaseException as error:  # every waiting caller gets the failure
            for _, future in batch:
                future.set_exception(error)
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)


class BatchedTextEncoder:
    """A text encoder whose single-text calls from concurrent requests share one batched forward pass.

    The sentence vector of a text that was just read token by token (the intent router does so) is kept
    for a while, so embedding the same text for retrieval in the same turn needs no second pass.
    """

    def __init__(self, encoder, options: BatchOptions, *, remembered: int = 256) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self._batcher = MicroBatcher(lambda texts: list(encoder.embed(texts)), options, name="text")
        self._token_batcher = MicroBatcher(self._tokens_each, options, name="text-tokens")
        self._sentences = RecentVectors(remembered)

    def embed(self, texts: Sequence[str]):
        if len(texts) == 1:
            vector = self._sentences.get(texts[0])
            if vector is None:
                vector = self._batcher.submit(texts[0])
            return vector[None, :]
        return self.encoder.embed(texts)

    def transformer_layers(self):
        return self.encoder.transformer_layers()

    def tokens(self, texts: Sequence[str], *, layer: int | None = None):
        if len(texts) != 1:
            return self.encoder.tokens(texts, layer=layer)
        result = self._token_batcher.submit((texts[0], layer))
        self._sentences.put(texts[0], result.sentences[0])
        return result

    def _tokens_each(self, requests: list[tuple[str, int | None]]) -> list:
        """One pass per asked-for layer, split back into each text's own (1, its length, dim) result."""
        results: list = [None] * len(requests)
        for layer in dict.fromkeys(layer for _, layer in requests):
            rows = [i for i, (_, asked) in enumerate(requests) if asked == layer]
            batch = self.encoder.tokens([requests[i][0] for i in rows], layer=layer)
            for position, (row, n) in enumerate(zip(rows, batch.mask.sum(axis=1), strict=True)):
                results[row] = replace(
                    batch, vectors=batch.vectors[position : position + 1, :n],
                    mask=batch.mask[position : position + 1, :n], sentences=batch.sentences[position : position + 1],
                )
        return results


class RecentVectors:
    """The last ``size`` vectors by text, shared between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._vectors: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str):
        with self._lock:
            return self._vectors.get(text)

    def put(self, text: str, vector) -> None:
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)


class BatchedImageEncoder:
    """An image encoder whose single-image calls from concurrent requests share one batched pass."""

    def __init__(self, encoder, options: BatchOptions) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self.token_dim = encoder.token_dim
        self._batcher = MicroBatcher(encoder.encode, options, name="image")

    def encode(self, images: Sequence):
        if len(images) == 1:
            return [self._batcher.submit(images[0])]
        return self.encoder.encode(images)

    def describe(self):
        return self.encoder.describe()
