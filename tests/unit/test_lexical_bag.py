import numpy as np
import torch

from assistant.fusion.config import FusionConfig
from assistant.fusion.features import ExampleArrays, TextArrays
from assistant.fusion.inputs import collate
from assistant.fusion.lexical_bag import LexicalBagOptions, lexical_bag, message_words
from assistant.fusion.model import FusionModel


def test_words_are_lower_cased_with_digits_masked():
    assert message_words("Order FG-203881, NOT here!") == ["order", "fg", "000000", "not", "here"]


def test_bag_is_stable_normalised_and_distinct():
    first, again = lexical_bag("my Zalando parcel"), lexical_bag("my Zalando parcel")
    assert np.array_equal(first.indices, again.indices)
    assert np.isclose(np.linalg.norm(first.weights), 1.0)
    assert len(set(first.indices.tolist())) == len(first.indices)
    other = lexical_bag("my Ferngrove parcel")
    assert set(first.indices.tolist()) != set(other.indices.tolist())
    assert set(first.indices.tolist()) & set(other.indices.tolist())  # "my", "parcel" are shared


def test_order_numbers_share_their_shape():
    assert set(lexical_bag("FG-203881").indices.tolist()) == set(lexical_bag("FG-118920").indices.tolist())


def test_a_message_without_words_has_an_empty_bag():
    bag = lexical_bag("  ?! ")
    assert len(bag.indices) == 0 and len(bag.weights) == 0


def test_buckets_bound_the_indices():
    bag = lexical_bag("returns and refunds for a broken zip", LexicalBagOptions(buckets=64))
    assert bag.indices.max() < 64


def _message(text: str) -> ExampleArrays:
    return ExampleArrays(TextArrays(np.zeros((1, 8), np.float16), np.zeros(8, np.float32), lexical_bag(text)))


def test_the_ngram_path_reads_the_words_and_hidden_text_has_none():
    torch.manual_seed(0)
    model = FusionModel(FusionConfig(labels=("a", "b"), text_dim=8, visual_dim=6, lexical_buckets=1 << 15)).eval()
    torch.nn.init.normal_(model.lexical_shortcut.table.weight)
    batch = [_message("my Zalando parcel"), _message("my Ferngrove parcel"), _message("my Zalando parcel")]
    inputs = collate(batch, text_dim=8, visual_dim=6, hide_text=[False, False, True])
    with torch.no_grad():
        lexical = model.lexical_shortcut(inputs)
    assert not torch.allclose(lexical[0], lexical[1])
    assert torch.equal(lexical[2], torch.zeros(2))


def test_the_ngram_path_is_off_by_default():
    model = FusionModel(FusionConfig(labels=("a", "b"), text_dim=8, visual_dim=6)).eval()
    inputs = collate([_message("my Zalando parcel")], text_dim=8, visual_dim=6)
    assert torch.equal(model.lexical_shortcut(inputs), torch.zeros(1, 2))
    assert not any("lexical" in name for name, _ in model.named_parameters())
