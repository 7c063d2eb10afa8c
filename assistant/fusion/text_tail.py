"""The text encoder's top transformer layers, copied into the router and tuned on its examples.

The router reads a message's hidden states after the encoder's lower layers (cached like every other
feature) and runs its own copy of the top layers on them. Training starts that copy from the encoder's
weights and updates it with a small learning rate, so the words' vectors adapt to telling the shop's
intents apart while the encoder itself, shared with retrieval, stays as it is.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from assistant.errors import ModelError


def tail_settings(text_encoder, layers: int) -> dict:
    """The FusionConfig fields for tuning ``layers`` top layers of ``text_encoder`` (none when it has no
    stack of transformer layers, like the tests' light encoders, or when ``layers`` is 0)."""
    try:
        config, encoder_layers = text_encoder.transformer_layers() if layers > 0 else (None, ())
    except (AttributeError, ModelError):
        encoder_layers = ()
    if not encoder_layers:
        return {"tuned_text_layers": 0}
    layers = min(layers, len(encoder_layers))
    transformer = {key: value for key, value in config.to_dict().items() if key != "_name_or_path"}
    return {"tuned_text_layers": layers, "text_transformer": transformer,
            "text_input_layer": len(encoder_layers) - layers}


class TextTail(nn.Module):
    """``count`` transformer layers, built from the text encoder's configuration."""

    def __init__(self, transformer_config: dict, count: int) -> None:
        super().__init__()
        from transformers import AutoConfig, AutoModel

        config_data = dict(transformer_config)
        model_type = config_data.pop("model_type", None)
        if model_type is None:
            raise ModelError("The router's config.json names no text transformer type; retrain it.")
        self.transformer_config = AutoConfig.for_model(model_type, **config_data)
        self.transformer_config.num_hidden_layers = count
        self.transformer_config._attn_implementation = "sdpa"
        shell = copy.deepcopy(self.transformer_config)
        shell.vocab_size = 2  # only the layers are kept: no need for a full-size word embedding table
        self.layers = AutoModel.from_config(shell).encoder.layer

    def start_from(self, encoder_layers: nn.ModuleList) -> None:
        """Copies the weights of the encoder's top layers."""
        top = encoder_layers[len(encoder_layers) - len(self.layers):]
        for mine, theirs in zip(self.layers, top, strict=True):
            mine.load_state_dict(copy.deepcopy(theirs.state_dict()))

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        from transformers.masking_utils import create_bidirectional_mask

        attend = mask.clone()
        attend[:, 0] |= ~mask.any(dim=1)  # a message without words still needs one position to attend to
        attention = create_bidirectional_mask(
            config=self.transformer_config, inputs_embeds=states, attention_mask=attend.long()
        )
        for layer in self.layers:
            states = layer(states, attention)
        return states * mask.unsqueeze(-1).to(states.dtype)
