"""Patch embedding of 1-D signals and length-interpolable positional embeddings."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def n_patches(n_timepoints: int, patch_size: int) -> int:
    """Number of tokens for a series: the last, partial patch is zero-padded."""
    return math.ceil(n_timepoints / patch_size)


class PatchEmbed1d(nn.Module):
    """Split a multichannel series into non-overlapping patches and embed each one.

    A Conv1d with kernel size and stride ``patch_size`` (paper Sec. 4.1). Series whose
    length is not a multiple of the patch size are zero-padded on the right.

    Parameters
    ----------
    in_channels : int
    width : int
    patch_size : int
    """

    def __init__(self, in_channels: int, width: int, patch_size: int):
        super().__init__()
        self.patch_size = patch_size
        self.proj = nn.Conv1d(in_channels, width, kernel_size=patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embed ``x`` of shape (n, C, T) into tokens of shape (n, ceil(T / p), width)."""
        pad = (-x.shape[-1]) % self.patch_size
        if pad:
            x = F.pad(x, (0, pad))
        return self.proj(x).transpose(1, 2)


class PositionalEmbedding(nn.Module):
    """Learned positional embedding that is linearly interpolated to other lengths.

    Parameters
    ----------
    n_tokens : int
        Number of tokens the embedding is trained for.
    width : int
    """

    def __init__(self, n_tokens: int, width: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, n_tokens, width))
        nn.init.trunc_normal_(self.weight, std=0.02)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Add the embedding to ``tokens`` of shape (n, L, width), interpolating if needed."""
        weight = self.weight
        if tokens.shape[1] != weight.shape[1]:
            weight = F.interpolate(
                weight.transpose(1, 2), size=tokens.shape[1], mode="linear", align_corners=False
            ).transpose(1, 2)
        return tokens + weight


def unpatchify(tokens: torch.Tensor, n_channels: int, n_timepoints: int) -> torch.Tensor:
    """Invert the patching: (n, L, C * p) tokens to a (n, C, T) series, cropping padding."""
    n, length, features = tokens.shape
    patch_size = features // n_channels
    x = tokens.reshape(n, length, n_channels, patch_size).permute(0, 2, 1, 3)
    return x.reshape(n, n_channels, length * patch_size)[..., :n_timepoints]
