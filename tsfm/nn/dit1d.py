"""DiT-1D: the velocity network v_theta with adaLN-Zero conditioning (paper Sec. 4.1)."""

from __future__ import annotations

import torch
from torch import nn

from tsfm.nn.patching import PatchEmbed1d, PositionalEmbedding, n_patches, unpatchify
from tsfm.nn.timestep import TimestepEmbedder


def modulate(x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Apply a per-sample affine modulation to tokens (n, L, D) with (n, D) shift/scale."""
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


def _zero_linear(in_features: int, out_features: int) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    nn.init.zeros_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


class AdaLNZeroBlock(nn.Module):
    """Transformer block whose norms are modulated by the condition (adaLN-Zero).

    SiLU -> Linear of the condition gives shift, scale and gate for the attention
    and the MLP branches. That Linear starts at zero, so the gates are zero and
    the block is the identity at initialisation.

    Parameters
    ----------
    width : int
    heads : int
    mlp_ratio : float, default=4.0
    dropout : float, default=0.0
    """

    def __init__(self, width: int, heads: int, mlp_ratio: float = 4.0, dropout: float = 0.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.attn = nn.MultiheadAttention(width, heads, dropout=dropout, batch_first=True)
        self.norm2 = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        hidden = int(width * mlp_ratio)
        self.mlp = nn.Sequential(
            nn.Linear(width, hidden),
            nn.GELU(approximate="tanh"),
            nn.Dropout(dropout),
            nn.Linear(hidden, width),
        )
        self.modulation = nn.Sequential(nn.SiLU(), _zero_linear(width, 6 * width))

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        """Update tokens ``x`` (n, L, D) under ``condition`` (n, D)."""
        shift_a, scale_a, gate_a, shift_m, scale_m, gate_m = self.modulation(condition).chunk(
            6, dim=-1
        )
        h = modulate(self.norm1(x), shift_a, scale_a)
        x = x + gate_a.unsqueeze(1) * self.attn(h, h, h, need_weights=False)[0]
        h = modulate(self.norm2(x), shift_m, scale_m)
        return x + gate_m.unsqueeze(1) * self.mlp(h)


class FinalLayer(nn.Module):
    """adaLN-modulated norm and a zero-initialised projection back to patches."""

    def __init__(self, width: int, patch_size: int, n_channels: int):
        super().__init__()
        self.norm = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.modulation = nn.Sequential(nn.SiLU(), _zero_linear(width, 2 * width))
        self.linear = _zero_linear(width, patch_size * n_channels)

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        """Map tokens (n, L, D) to patch values (n, L, p * C)."""
        shift, scale = self.modulation(condition).chunk(2, dim=-1)
        return self.linear(modulate(self.norm(x), shift, scale))


class DiT1D(nn.Module):
    """Diffusion Transformer for 1-D signals, predicting a velocity (or noise) field.

    Parameters
    ----------
    n_channels : int
    n_timepoints : int
        Length the positional embedding is created for; other lengths interpolate it.
    patch_size : int
    width : int
    depth : int
    heads : int
    mlp_ratio : float, default=4.0
    dropout : float, default=0.0
    """

    def __init__(
        self,
        *,
        n_channels: int,
        n_timepoints: int,
        patch_size: int,
        width: int,
        depth: int,
        heads: int,
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
    ):
        super().__init__()
        self.n_channels = n_channels
        self.width = width
        self.patch_embed = PatchEmbed1d(n_channels, width, patch_size)
        self.pos_embed = PositionalEmbedding(n_patches(n_timepoints, patch_size), width)
        self.time_embed = TimestepEmbedder(width)
        self.blocks = nn.ModuleList(
            AdaLNZeroBlock(width, heads, mlp_ratio, dropout) for _ in range(depth)
        )
        self.final = FinalLayer(width, patch_size, n_channels)
        self._init_weights()

    def _init_weights(self) -> None:
        for block in self.blocks:
            for layer in (block.mlp[0], block.mlp[3]):
                nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)

    def forward(
        self,
        x_t: torch.Tensor,
        t: torch.Tensor,
        condition: torch.Tensor | None = None,
        tokens: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Predict the field at ``x_t``.

        Parameters
        ----------
        x_t : tensor of shape (n, C, T)
        t : tensor of shape (n,)
            Network time in [0, 1].
        condition : tensor of shape (n, width), optional
            Sum of the condition vectors; added element-wise to the time embedding.
        tokens : tensor of shape (n, ceil(T / patch_size), width), optional
            Per-token inputs added to the embedded patches of ``x_t`` (the observation
            conditioner's embedding of the observed points).

        Returns
        -------
        tensor of shape (n, C, T)
        """
        c = self.time_embed(t)
        if condition is not None:
            c = c + condition
        h = self.pos_embed(self.patch_embed(x_t))
        if tokens is not None:
            h = h + tokens
        for block in self.blocks:
            h = block(h, c)
        return unpatchify(self.final(h, c), self.n_channels, x_t.shape[-1])
