from __future__ import annotations

import threading

import pytest

from assistant.batching import BatchOptions, MicroBatcher


def test_concurrent_requests_are_grouped_and_each_caller_gets_its_own_result():
    release = threading.Event()
    calls: list[list[int]] = []

    def square(batch: list[int]) -> list[int]:
        calls.append(list(batch))
        if len(calls) == 1:
            release.wait(5)  # hold the first batch until the others are queued
        return [x * x for x in batch]

    batcher = MicroBatcher(square, BatchOptions(max_batch=16, wait_ms=0), name="test")
    results: dict[int, int] = {}
    threads = [threading.Thread(target=lambda x=x: results.__setitem__(x, batcher.submit(x))) for x in range(8)]
    threads[0].start()
    while not calls:
        threading.Event().wait(0.001)
    for thread in threads[1:]:
        thread.start()
    while batcher.pending() < 7:
        threading.Event().wait(0.001)
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == {x: x * x for x in range(8)}
    assert [len(c) for c in calls] == [1, 7]


def test_batch_size_is_capped():
    gate = threading.Event()
    sizes = []

    def identity(batch):
        sizes.append(len(batch))
        gate.wait(5)
        return batch

    batcher = MicroBatcher(identity, BatchOptions(max_batch=3, wait_ms=0), name="cap")
    threads = [threading.Thread(target=batcher.submit, args=(i,)) for i in range(7)]
    for thread in threads:
        thread.start()
    while batcher.pending() + sum(sizes) < 7:
        threading.Event().wait(0.001)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert sum(sizes) == 7 and max(sizes) <= 3


def test_a_failing_batch_raises_in_the_caller():
    def broken(batch):
        raise ValueError("encoder failed")

    batcher = MicroBatcher(broken, BatchOptions(), name="broken")
    with pytest.raises(ValueError, match="encoder failed"):
        batcher.submit(1)


def test_batched_text_encoder_gives_the_same_vectors_as_the_encoder():
    import numpy as np

    from assistant.batching import BatchedTextEncoder
    from tests.fakes import HashingEmbedder

    plain = HashingEmbedder()
    batched = BatchedTextEncoder(plain, BatchOptions(max_batch=8, wait_ms=1))
    texts = ["where is my parcel", "refund please", "hello"]
    out: dict[int, np.ndarray] = {}
    threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, batched.embed([texts[i]]))) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    expected = plain.embed(texts)
    for i in range(3):
        assert out[i].shape == (1, plain.dim)
        np.testing.assert_allclose(out[i][0], expected[i], atol=1e-6)
    np.testing.assert_allclose(batched.embed(texts), expected, atol=1e-6)


class WordHashTokens:
    """A token encoder: each word is a hashed unit vector; the sentence vector is their normalised mean."""

    name = "word-hash"
    dim = 16

    def __init__(self) -> None:
        self.token_batches: list[int] = []
        self.embed_calls = 0

    def _word(self, word: str):
        import numpy as np

        vector = np.random.default_rng(abs(hash(word)) % 2**32).normal(size=self.dim).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def tokens(self, texts, *, layer=None):
        import numpy as np

        assert layer is None

        from assistant.text import TokenEmbeddings

        self.token_batches.append(len(texts))
        words = [t.split() or [""] for t in texts]
        width = max(len(w) for w in words)
        vectors = np.zeros((len(texts), width, self.dim), dtype=np.float32)
        mask = np.zeros((len(texts), width), dtype=bool)
        for i, row in enumerate(words):
            vectors[i, : len(row)] = [self._word(w) for w in row]
            mask[i, : len(row)] = True
        sentences = vectors.sum(axis=1)
        return TokenEmbeddings(vectors, mask, sentences / np.linalg.norm(sentences, axis=1, keepdims=True))

    def embed(self, texts):
        self.embed_calls += 1
        return self.tokens(texts).sentences


def test_concurrent_token_requests_share_one_pass_and_each_gets_its_own_tokens():
    import numpy as np

    from assistant.batching import BatchedTextEncoder

    plain = WordHashTokens()
    batched = BatchedTextEncoder(plain, BatchOptions(max_batch=8, wait_ms=200))
    texts = ["where is my parcel now", "refund", "can I pay with paypal"]
    out: dict[int, object] = {}
    threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, batched.tokens([texts[i]]))) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert plain.token_batches == [3]
    for i, text in enumerate(texts):
        alone = plain.tokens([text])
        assert out[i].vectors.shape == alone.vectors.shape == (1, len(text.split()), plain.dim)
        np.testing.assert_allclose(out[i].vectors, alone.vectors, atol=1e-6)
        assert out[i].mask.all()
        np.testing.assert_allclose(out[i].sentences, alone.sentences, atol=1e-6)


def test_embedding_a_text_just_read_token_by_token_reuses_its_sentence_vector():
    import numpy as np

    from assistant.batching import BatchedTextEncoder

    plain = WordHashTokens()
    batched = BatchedTextEncoder(plain, BatchOptions(max_batch=8, wait_ms=0), remembered=1)
    read = batched.tokens(["do you ship to canada"])
    vector = batched.embed(["do you ship to canada"])
    assert plain.embed_calls == 0
    np.testing.assert_allclose(vector, read.sentences, atol=1e-6)
    batched.tokens(["another question"])  # the one remembered vector is now this text's
    np.testing.assert_allclose(batched.embed(["do you ship to canada"]), plain.embed(["do you ship to canada"]))
    assert plain.embed_calls == 2


class LayeredEncoder:
    """Tokens of one text at ``layer`` are the layer number in every cell (None reads as 99)."""

    dim = 4
    name = "layered"

    def __init__(self) -> None:
        self.passes: list[tuple[int | None, int]] = []

    def tokens(self, texts, *, layer=None):
        import numpy as np

        from assistant.text import TokenEmbeddings

        self.passes.append((layer, len(texts)))
        value = 99.0 if layer is None else float(layer)
        vectors = np.full((len(texts), 3, self.dim), value, np.float32)
        return TokenEmbeddings(vectors, np.ones((len(texts), 3), bool), np.ones((len(texts), self.dim), np.float32))


def test_concurrent_token_requests_for_different_layers_each_get_their_own_layer():
    from assistant.batching import BatchedTextEncoder

    plain = LayeredEncoder()
    batched = BatchedTextEncoder(plain, BatchOptions(max_batch=8, wait_ms=300))
    asked = [4, None, 4, 2]
    out: dict[int, object] = {}
    threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, batched.tokens(["text"], layer=asked[i])))
               for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    for i, layer in enumerate(asked):
        assert out[i].vectors.shape == (1, 3, 4)
        assert (out[i].vectors == (99.0 if layer is None else layer)).all()
    assert sorted(plain.passes, key=str) == sorted([(4, 2), (None, 1), (2, 1)], key=str)  # one pass per layer
