"""The fusion networks (torch only): text-only, late fusion, concatenation and cross-attention.

Cross-attention follows the Multimodal Transformer: the message's token stream queries the pictures'
stream (visual tokens plus the tokens of the words read in them) and the pictures' stream queries the
words. Each stream starts with a learned null token, so a message without a picture (or without words)
still has something to attend to and pooling never divides by zero.
"""

from __future__ import annotations

from dataclasses import replace

import torch
from torch import nn

from assistant.fusion.config import FusionConfig
from assistant.fusion.inputs import FusionInputs
from assistant.fusion.text_tail import TextTail


def masked_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask.unsqueeze(-1).to(values.dtype)
    return (values * weights).sum(1) / weights.sum(1).clamp(min=1.0)


def feed_forward(width: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(
        nn.LayerNorm(width), nn.Linear(width, 2 * width), nn.GELU(), nn.Dropout(dropout), nn.Linear(2 * width, width)
    )


def classifier_head(inputs: int, width: int, classes: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(
        nn.LayerNorm(inputs), nn.Linear(inputs, width), nn.GELU(), nn.Dropout(dropout), nn.Linear(width, classes)
    )


class Streams(nn.Module):
    """Projects every modality to one width and lays them out as a text stream and a picture stream."""

    def __init__(self, config: FusionConfig) -> None:
        super().__init__()
        w = config.width
        self.text = nn.Linear(config.text_dim, w)
        self.sentence = nn.Linear(config.text_dim, w)
        self.visual = nn.Linear(config.visual_dim, w)
        self.visual_pooled = nn.Linear(config.visual_dim, w)
        self.words = nn.Linear(config.text_dim, w)
        self.null = nn.Parameter(torch.zeros(2, w))
        self.kind = nn.Embedding(6, w)  # null, sentence, text token, pooled image, visual token, word token
        nn.init.normal_(self.null, std=0.02)

    def _tagged(self, values: torch.Tensor, kind: int) -> torch.Tensor:
        return values + self.kind.weight[kind]

    def text_stream(self, x: FusionInputs) -> tuple[torch.Tensor, torch.Tensor]:
        batch = x.text_tokens.shape[0]
        null = self.null[0].expand(batch, 1, -1)
        sentence = self._tagged(self.sentence(x.text_vector), 1).unsqueeze(1)
        tokens = self._tagged(self.text(x.text_tokens), 2)
        stream = torch.cat([null, sentence, tokens], dim=1)
        present = torch.ones(batch, 1, dtype=torch.bool, device=stream.device)
        return stream, torch.cat([present, x.has_text.unsqueeze(1), x.text_mask], dim=1)

    def picture_stream(self, x: FusionInputs) -> tuple[torch.Tensor, torch.Tensor]:
        batch = x.visual_tokens.shape[0]
        null = self.null[1].expand(batch, 1, -1)
        pooled = self._tagged(self.visual_pooled(x.visual_pooled), 3).unsqueeze(1)
        visual = self._tagged(self.visual(x.visual_tokens), 4)
        words = self._tagged(self.words(x.ocr_tokens), 5)
        stream = torch.cat([null, pooled, visual, words], dim=1)
        present = torch.ones(batch, 1, dtype=torch.bool, device=stream.device)
        mask = torch.cat([present, x.has_image.unsqueeze(1), x.visual_mask, x.ocr_mask], dim=1)
        return stream, mask

    def image_summary(self, x: FusionInputs) -> torch.Tensor:
        """Pooled image vector and the words' sentence vector, projected and summed (zero without a picture)."""
        summary = self.visual_pooled(x.visual_pooled) + self.words(x.ocr_vector)
        return summary * x.has_image.unsqueeze(1).to(summary.dtype)


class CrossBlock(nn.Module):
    """Text queries attend to picture tokens and picture queries to text tokens, then a feed-forward."""

    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.norm_text, self.norm_picture = nn.LayerNorm(width), nn.LayerNorm(width)
        self.text_to_picture = nn.MultiheadAttention(width, heads, dropout=dropout, batch_first=True)
        self.picture_to_text = nn.MultiheadAttention(width, heads, dropout=dropout, batch_first=True)
        self.text_ff, self.picture_ff = feed_forward(width, dropout), feed_forward(width, dropout)
        self.drop = nn.Dropout(dropout)

    def forward(self, text, text_mask, picture, picture_mask):
        t, p = self.norm_text(text), self.norm_picture(picture)
        seen, _ = self.text_to_picture(t, p, p, key_padding_mask=~picture_mask, need_weights=False)
        read, _ = self.picture_to_text(p, t, t, key_padding_mask=~text_mask, need_weights=False)
        text = text + self.drop(seen)
        picture = picture + self.drop(read)
        return text + self.text_ff(text), picture + self.picture_ff(picture)


class LexicalShortcut(nn.Module):
    """A linear map from the message's hashed n-gram bag to the logits (zero when turned off)."""

    def __init__(self, buckets: int, classes: int) -> None:
        super().__init__()
        self.classes = classes
        self.table = nn.EmbeddingBag(buckets, classes, mode="sum") if buckets else None
        if self.table is not None:
            nn.init.zeros_(self.table.weight)

    def forward(self, x: FusionInputs) -> torch.Tensor:
        if self.table is None:
            return x.text_vector.new_zeros(x.text_vector.shape[0], self.classes)
        return self.table(x.bag_indices, x.bag_offsets, per_sample_weights=x.bag_weights)


class FusionModel(nn.Module):
    """Intent logits for a batch; ``config.fusion`` picks how text and pictures are combined.

    Every kind also has linear maps from the sentence vector and from the hashed n-grams of the words
    straight to the logits: with about a hundred messages per intent, these logistic-regression paths
    generalise better than the token paths alone."""

    def __init__(self, config: FusionConfig) -> None:
        super().__init__()
        self.config = config
        w, classes, drop = config.width, len(config.labels), config.dropout
        self.streams = Streams(config)
        self.text_ff = feed_forward(w, drop)
        self.blocks = nn.ModuleList(CrossBlock(w, config.heads, drop) for _ in range(config.layers))
        pooled_inputs = {"text_only": 2 * w, "late": 2 * w, "concat": 3 * w, "cross_attention": 3 * w}
        self.head = classifier_head(pooled_inputs[config.fusion], w, classes, drop)
        self.sentence_shortcut = nn.Linear(config.text_dim, classes)
        self.lexical_shortcut = LexicalShortcut(config.lexical_buckets, classes)
        self.text_tail = (
            TextTail(config.text_transformer, config.tuned_text_layers) if config.tuned_text_layers else None
        )
        if config.fusion == "late":
            self.image_head = classifier_head(w, w, classes, drop)
            self.image_weight = nn.Parameter(torch.tensor(0.5))

    def forward(self, x: FusionInputs) -> torch.Tensor:
        return self.logits_by_modality(x)[0]

    def shortcuts(self, x: FusionInputs) -> torch.Tensor:
        """Linear evidence of the words alone: the sentence vector and the hashed n-grams."""
        return self.sentence_shortcut(x.text_vector) + self.lexical_shortcut(x)

    def logits_by_modality(self, x: FusionInputs) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(fused logits, image-only logits of late fusion or None)."""
        if self.text_tail is not None:
            x = replace(x, text_tokens=self.text_tail(x.text_tokens, x.text_mask))
        text, text_mask = self.streams.text_stream(x)
        sentence = text[:, 1]
        if self.config.fusion == "cross_attention":
            picture, picture_mask = self.streams.picture_stream(x)
            for block in self.blocks:
                text, picture = block(text, text_mask, picture, picture_mask)
            pooled = [masked_mean(text, text_mask), masked_mean(picture, picture_mask), sentence]
            return self.head(torch.cat(pooled, dim=-1)) + self.shortcuts(x), None
        text = text + self.text_ff(text)
        pooled = [masked_mean(text, text_mask), sentence]
        if self.config.fusion == "concat":
            pooled.append(self.streams.image_summary(x))
        logits = self.head(torch.cat(pooled, dim=-1)) + self.shortcuts(x)
        if self.config.fusion != "late":
            return logits, None
        image_logits = self.image_head(self.streams.image_summary(x))
        weight = self.image_weight * x.has_image.unsqueeze(1).to(logits.dtype)
        fused = torch.log_softmax(logits, -1) + weight * torch.log_softmax(image_logits, -1)
        return fused, image_logits
