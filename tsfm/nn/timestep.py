"""Sinusoidal embedding of the flow time t in [0, 1]."""

from __future__ import annotations

import math

import torch
from torch import nn

#: DiT's frequencies were designed for integer timesteps in [0, 1000]; t in [0, 1]
#: is rescaled by this factor so that the embedding keeps its resolution.
TIME_SCALE = 1000.0


def sinusoidal_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sin/cos features of ``TIME_SCALE * t``.

    Parameters
    ----------
    t : tensor of shape (n,)
        Times in [0, 1].
    dim : int
        Even output dimension.

    Returns
    -------
    tensor of shape (n, dim)
    """
    half = dim // 2
    freqs = torch.exp(
        -math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / half
    )
    args = TIME_SCALE * t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TimestepEmbedder(nn.Module):
    """Sinusoidal features followed by a two-layer SiLU MLP, as in DiT.

    Parameters
    ----------
    width : int
        Output dimension.
    frequency_dim : int, default=256
    """

    def __init__(self, width: int, frequency_dim: int = 256):
        super().__init__()
        self.frequency_dim = frequency_dim
        self.mlp = nn.Sequential(
            nn.Linear(frequency_dim, width), nn.SiLU(), nn.Linear(width, width)
        )
        for layer in (self.mlp[0], self.mlp[2]):
            nn.init.normal_(layer.weight, std=0.02)
            nn.init.zeros_(layer.bias)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        """Embed ``t`` of shape (n,) into (n, width)."""
        return self.mlp(sinusoidal_embedding(t, self.frequency_dim))
