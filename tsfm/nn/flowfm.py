"""The joint FlowFM model: encoder, conditioner, velocity network and generator."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from tsfm.nn.dit1d import DiT1D
from tsfm.nn.vit1d import ViT1D
from tsfm.plugins import get_plugin
from tsfm.training.augmentation import Augmentation, check_augmentation


class FlowFMModule(nn.Module):
    """Representation encoder f_phi jointly trained with a conditional generator.

    ``forward`` computes one training example of the generator's objective: the
    encoder's representation ``r = f_phi(x1)`` conditions the velocity network, so the
    generator's loss is the only training signal and its gradient reaches the encoder
    through the condition (paper Eq. 5).

    Parameters
    ----------
    config : dict
        The model configuration written by :func:`tsfm.config.presets.build_config`:
        ``n_channels``, ``n_timepoints``, ``encoder`` and ``velocity`` (keyword
        arguments of :class:`ViT1D` / :class:`DiT1D` minus the data shape),
        ``generator`` and ``conditioner`` (plugin names), ``generator_params``,
        ``mask_prob`` and, optionally, ``augmentation`` (applied to training batches).
    """

    def __init__(self, config: dict[str, Any]):
        super().__init__()
        self.config = config
        shape = {"n_channels": config["n_channels"], "n_timepoints": config["n_timepoints"]}
        self.encoder = ViT1D(**shape, **config["encoder"])
        self.velocity = DiT1D(**shape, **config["velocity"])
        conditioner_cls = get_plugin("conditioner", config["conditioner"])
        self.conditioner = conditioner_cls(
            in_features=self.encoder.out_features,
            width=self.velocity.width,
            mask_prob=config["mask_prob"],
        )
        generator_cls = get_plugin("generator", config["generator"])
        self.generator = generator_cls(**config.get("generator_params", {}))
        self.augment = Augmentation(**check_augmentation(config.get("augmentation")))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Representations ``r`` of shape (n, d) for ``x`` of shape (n, C, T)."""
        return self.encoder(x)

    def field(
        self, x_t: torch.Tensor, t: torch.Tensor, representation: torch.Tensor | None
    ) -> torch.Tensor:
        """Network output at ``(x_t, t)`` given ``r`` (or the null condition if None)."""
        condition = self.conditioner(representation, n=len(x_t))
        return self.velocity(x_t, t, condition)

    def forward(self, x1: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One training example: returns ``(prediction, target)``, both (n, C, T).

        In training mode ``x1`` is augmented first (if configured); the encoder and
        the generator see the same augmented window.
        """
        x1 = self.augment(x1)
        x_t, t, target = self.generator.training_example(x1)
        return self.field(x_t, t, self.encode(x1)), target
