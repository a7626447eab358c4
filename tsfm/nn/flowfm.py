"""The joint FlowFM model: encoder, conditioner, velocity network and objective."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import torch
from torch import nn

from tsfm.nn.dit1d import DiT1D
from tsfm.nn.vit1d import ViT1D
from tsfm.training.augmentation import Augmentation

if TYPE_CHECKING:
    from tsfm.config.model_config import ModelConfig
    from tsfm.generative.conditioner import Conditioner
    from tsfm.generative.objective import Objective
    from tsfm.nn.observation import ObservationConditioner


class FlowFMModule(nn.Module):
    """Representation encoder f_phi jointly trained with a conditional generator.

    ``forward`` computes one training example of the objective: the encoder's
    representation ``r = f_phi(x1)`` conditions the velocity network, so the
    objective's loss is the only training signal and its gradient reaches the encoder
    through the condition (paper Eq. 5).

    Parameters
    ----------
    config : tsfm.config.model_config.ModelConfig
        The validated model configuration; ``config.velocity`` must be set.
    objective : type
        The objective plugin class named by ``config.objective`` (a subclass of
        :class:`tsfm.generative.objective.Objective`), built with
        ``config.objective_params``.
    conditioner : type
        The conditioner plugin class named by ``config.conditioner``.

    Attributes
    ----------
    encoder : ViT1D
    velocity : DiT1D
    conditioner : Conditioner
    text_conditioner : Conditioner or None
        The text conditioner added by :meth:`add_text_conditioner` (text tuning); None
        for a model that was never tuned for text. Its weights are part of the state dict.
    observation_conditioner : ObservationConditioner or None
        The observation conditioner added by :meth:`add_observation_conditioner`
        (``FlowFMSignalGenerator.fit_observed``); None for a model never tuned for it.
        Its weights are part of the state dict.
    objective : Objective
        The objective instance (it has no saved weights of its own).
    augment : Augmentation
    """

    def __init__(
        self,
        config: ModelConfig,
        objective: type[Objective],
        conditioner: type[Conditioner],
    ):
        super().__init__()
        if config.velocity is None:
            raise ValueError(
                "FlowFMModule needs a velocity network, but config.velocity is None (an "
                "encoder-only configuration); build the config with a velocity part"
            )
        self.config = config
        shape = {"n_channels": config.n_channels, "n_timepoints": config.n_timepoints}
        self.encoder = ViT1D(**shape, **config.encoder.model_dump())
        self.velocity = DiT1D(**shape, **config.velocity.model_dump())
        self.conditioner = conditioner(
            in_features=self.encoder.out_features,
            width=self.velocity.width,
            mask_prob=config.mask_prob,
        )
        self.objective = objective(**config.objective_params)
        self.augment = Augmentation(**config.augmentation.model_dump())
        self.text_conditioner = None
        self.observation_conditioner = None

    def add_text_conditioner(self, conditioner: Conditioner) -> None:
        """Add a text conditioner, whose output joins the sum of conditions.

        Raises
        ------
        ValueError
            If its width is not the velocity network's.
        """
        if conditioner.width != self.velocity.width:
            raise ValueError(
                f"the text conditioner projects to width {conditioner.width}, but the velocity "
                f"network's width is {self.velocity.width}"
            )
        self.text_conditioner = conditioner

    def add_observation_conditioner(self, conditioner: ObservationConditioner) -> None:
        """Add an observation conditioner, whose tokens join the velocity network's input.

        Raises
        ------
        ValueError
            If its channels, width or patch size are not the velocity network's.
        """
        expected = (self.config.n_channels, self.velocity.width,
                    self.velocity.patch_embed.patch_size)
        found = (conditioner.n_channels, conditioner.width, conditioner.patch_size)
        if found != expected:
            raise ValueError(
                f"the observation conditioner has (channels, width, patch_size) {found}, but "
                f"the velocity network has {expected}"
            )
        self.observation_conditioner = conditioner

    @property
    def generator(self) -> Objective:
        """Deprecated name of :attr:`objective`."""
        warnings.warn(
            "FlowFMModule.generator was renamed to FlowFMModule.objective",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.objective

    def encode(self, x: torch.Tensor, features: str = "representation") -> torch.Tensor:
        """Representations ``r`` of shape (n, d) for ``x`` of shape (n, C, T).

        With ``features="layers"``, every encoder block's mean-pooled tokens beside ``r``,
        shape (n, (depth + 1) d) (:meth:`tsfm.nn.vit1d.ViT1D.layer_features`).
        """
        if features == "layers":
            return self.encoder.layer_features(x)
        return self.encoder(x)

    def field(
        self,
        x_t: torch.Tensor,
        t: torch.Tensor,
        representation: torch.Tensor | None,
        text: torch.Tensor | None = None,
        observation: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> torch.Tensor:
        """Network output at ``(x_t, t)``.

        Parameters
        ----------
        x_t : tensor of shape (n, C, T)
        t : tensor of shape (n,)
        representation : tensor of shape (n, d) or None
            ``r``; None is the null condition.
        text : tensor of shape (n, text_dim) or None
            Language-model embeddings of the prompts; their projection is added to the
            condition. Needs :attr:`text_conditioner`.
        observation : (tensor of shape (n, C, T), bool tensor of shape (n, C, T)), optional
            The standardised observed values and the mask (True where observed); their
            embedding is added to the input tokens. Needs :attr:`observation_conditioner`.
        """
        condition = self.conditioner(representation, n=len(x_t))
        if text is not None:
            if self.text_conditioner is None:
                raise ValueError("this model has no text conditioner; tune it with fit_text")
            condition = condition + self.text_conditioner(text)
        tokens = None
        if observation is not None:
            if self.observation_conditioner is None:
                raise ValueError(
                    "this model has no observation conditioner; tune it with fit_observed")
            tokens = self.observation_conditioner(*observation)
        return self.velocity(x_t, t, condition, tokens=tokens)

    def forward(self, x1: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One training example: returns ``(prediction, target)``, both (n, C, T).

        In training mode ``x1`` is augmented first (if configured); the encoder and
        the objective see the same augmented window.
        """
        x1 = self.augment(x1)
        x_t, t, target = self.objective.training_example(x1)
        return self.field(x_t, t, self.encode(x1)), target
