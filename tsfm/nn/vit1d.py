"""ViT-1D: the representation encoder f_phi (paper Eq. 3)."""

from __future__ import annotations

import torch
from torch import nn

from tsfm.nn.patching import PatchEmbed1d, PositionalEmbedding, n_patches


class ViT1D(nn.Module):
    """Vision Transformer over patches of a multichannel series, pooled to one vector.

    Parameters
    ----------
    n_channels : int
    n_timepoints : int
        Length the positional embedding is created for; other lengths interpolate it.
    patch_size : int
    width : int
        Token and representation dimension ``d``.
    depth : int
        Number of pre-norm Transformer blocks.
    heads : int
    mlp_ratio : float, default=4.0
    dropout : float, default=0.0
    pooling : {"mean", "cls"}, default="mean"
        Mean over patch tokens, or a learned class token.
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
        pooling: str = "mean",
    ):
        super().__init__()
        if pooling not in ("mean", "cls"):
            raise ValueError(f"pooling must be 'mean' or 'cls', got {pooling!r}")
        self.pooling = pooling
        self.patch_embed = PatchEmbed1d(n_channels, width, patch_size)
        self.pos_embed = PositionalEmbedding(n_patches(n_timepoints, patch_size), width)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width)) if pooling == "cls" else None
        layer = nn.TransformerEncoderLayer(
            d_model=width,
            nhead=heads,
            dim_feedforward=int(width * mlp_ratio),
            dropout=dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.blocks = nn.TransformerEncoder(layer, num_layers=depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.out_features = width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Encode ``x`` of shape (n, C, T) into representations of shape (n, width)."""
        tokens = self.pos_embed(self.patch_embed(x))
        if self.cls_token is not None:
            tokens = torch.cat([self.cls_token.expand(len(tokens), -1, -1), tokens], dim=1)
        tokens = self.norm(self.blocks(tokens))
        return tokens[:, 0] if self.cls_token is not None else tokens.mean(dim=1)

    def layer_features(self, x: torch.Tensor) -> torch.Tensor:
        """Every block's tokens, mean-pooled, beside the representation.

        A probe on these sees what the intermediate blocks encode, not only the final
        pooled vector that conditions the velocity network.

        Parameters
        ----------
        x : Tensor of shape (n, C, T)

        Returns
        -------
        Tensor of shape (n, (depth + 1) * width)
            ``[mean(h_1), ..., mean(h_depth), r]``: the mean over tokens (class token
            included) of each block's output ``h_l``, then the representation ``r`` of
            :meth:`forward`.
        """
        tokens = self.pos_embed(self.patch_embed(x))
        if self.cls_token is not None:
            tokens = torch.cat([self.cls_token.expand(len(tokens), -1, -1), tokens], dim=1)
        pooled = []
        for block in self.blocks.layers:
            tokens = block(tokens)
            pooled.append(tokens.mean(dim=1))
        tokens = self.norm(tokens)
        pooled.append(tokens[:, 0] if self.cls_token is not None else tokens.mean(dim=1))
        return torch.cat(pooled, dim=1)

    def features_width(self, features: str) -> int:
        """Width of :meth:`forward` (``"representation"``) or :meth:`layer_features`."""
        return self.out_features * (len(self.blocks.layers) + 1 if features == "layers" else 1)
