"""The interface every generator plugin implements.

A generator is the generative half of the model minus the network: it owns the
probability path (or noise schedule), the training target, the time convention and
the sampler. Flow matching and diffusion share the same encoder, conditioning and
velocity backbone and differ only here.

The backbone always receives a network time ``t`` in ``[0, 1]``, where ``t = 1``
is the data end of the path. Each generator maps its own notion of time onto that
interval in exactly one place (:meth:`Generator.network_time`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar

import torch
from torch import nn

#: ``predict(x_t, t) -> output`` with x_t of shape (n, C, T) and t of shape (n,)
Predictor = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class Generator(nn.Module, ABC):
    """Base class of generator plugins.

    Subclasses set the class attribute ``name`` and implement
    :meth:`training_example`. Schedules that live on the model's device are
    registered as buffers, so they move with the module.
    """

    name: ClassVar[str]

    @abstractmethod
    def training_example(self, x1: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Draw one point on the path for each data sample.

        Parameters
        ----------
        x1 : tensor of shape (n, n_channels, n_timepoints)
            Standardised data.

        Returns
        -------
        x_t : tensor of shape (n, n_channels, n_timepoints)
            The noisy point fed to the network.
        t : tensor of shape (n,)
            The network time in [0, 1] (1 is data).
        target : tensor of shape (n, n_channels, n_timepoints)
            What the network must predict at ``(x_t, t)``.
        """

    def loss(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean squared error between prediction and target (paper Eq. 5)."""
        return torch.mean((prediction - target) ** 2)

    def sample(self, predict: Predictor, noise: torch.Tensor, **options) -> torch.Tensor:
        """Turn noise into data with the trained network.

        Parameters
        ----------
        predict : callable
            ``predict(x_t, t)`` returns the network output for the batch.
        noise : tensor of shape (n, n_channels, n_timepoints)
            Standard normal noise, the path's start.
        **options
            Sampler options of the generator (solver, steps…).

        Returns
        -------
        tensor of shape (n, n_channels, n_timepoints)
        """
        raise NotImplementedError(f"generator {self.name!r} does not implement sampling")
