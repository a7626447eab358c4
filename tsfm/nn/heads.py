"""Classification head on top of the representation encoder (fine-tuning)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import nn

from tsfm.nn.vit1d import ViT1D

if TYPE_CHECKING:
    from tsfm.config.model_config import ModelConfig


class EncoderClassifier(nn.Module):
    """A ViT-1D encoder followed by a linear layer over its pooled representation.

    Parameters
    ----------
    config : tsfm.config.model_config.ModelConfig
        Model configuration; only ``n_channels``, ``n_timepoints`` and ``encoder`` are
        used.
    n_classes : int
    dropout : float, default=0.0
        Dropout on the representation before the linear layer.
    """

    def __init__(self, config: ModelConfig, n_classes: int, dropout: float = 0.0):
        super().__init__()
        self.encoder = ViT1D(
            n_channels=config.n_channels,
            n_timepoints=config.n_timepoints,
            **config.encoder.model_dump(),
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.out_features, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits of shape (n, n_classes) for ``x`` of shape (n, C, T)."""
        return self.head(self.dropout(self.encoder(x)))
