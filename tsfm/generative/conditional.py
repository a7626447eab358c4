"""The interface of conditional samplers: draw a window's unknown points given the rest.

Forecasting (the unknown points are the future), gap imputation (the gaps) and the
anomaly score of :class:`tsfm.sktime.FlowFMAnomalyDetector` (points hidden on
purpose) are all one operation: sampling ``p(unknown | observed)`` from a generative
model of whole windows. A conditional sampler implements it on top of an objective's
sampler; it is registered through the hook ``tsfm_register_conditional_samplers`` and
looked up with ``tsfm.plugins.get_plugin("conditional_sampler", name)``.

Every tensor here is standardised (the model's units), of shape (n, C, T); ``mask``
is True (1) at the observed points.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

import torch

from tsfm.generative.objective import Objective, Predictor

if TYPE_CHECKING:
    from tsfm.nn.flowfm import FlowFMModule

__all__ = ["ConditionalSampler", "check_observation_shapes"]


class ConditionalSampler(ABC):
    """Base class of conditional samplers (class attribute ``name``; registry name).

    Subclasses implement :meth:`sample`. A sampler that works with the model as it was
    pretrained sets ``training_free = True``; one that needs a model tuned for it
    (an observation conditioner) sets it to False and overrides :meth:`predictor`.
    """

    name: ClassVar[str]
    training_free: ClassVar[bool] = True

    def predictor(
        self,
        module: FlowFMModule,
        representation: torch.Tensor | None,
        observed: torch.Tensor,
        mask: torch.Tensor,
    ) -> Predictor:
        """The network's field for one batch, ``predict(x_t, t)``.

        By default the network sees the representation condition only, not the
        observation. A sampler that needs a tuned model overrides this and raises a
        ``ValueError`` naming the tuning method when ``module`` lacks what it needs.

        Parameters
        ----------
        module : tsfm.nn.flowfm.FlowFMModule
        representation : tensor of shape (n, d) or None
            None is the null condition.
        observed : tensor of shape (n, C, T)
            Standardised values; only the points where ``mask`` is True are used.
        mask : bool tensor of shape (n, C, T)
        """

        def predict(x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            return module.field(x_t, t, representation)

        return predict

    @abstractmethod
    def sample(
        self,
        objective: Objective,
        predict: Predictor,
        noise: torch.Tensor,
        observed: torch.Tensor,
        mask: torch.Tensor,
        **options,
    ) -> torch.Tensor:
        """Draw windows whose observed points are ``observed`` and the rest generated.

        Parameters
        ----------
        objective : Objective
            The model's objective; its sampler does the integration.
        predict : callable
            ``predict(x_t, t)``, the network's output for a batch (see :class:`Objective`).
        noise : tensor of shape (n, C, T)
            Standard normal noise, the start of every draw.
        observed : tensor of shape (n, C, T)
            Standardised values; only the points where ``mask`` is True are used.
        mask : bool tensor of shape (n, C, T)
            True at the observed points.
        **options
            The objective's sampler options (``solver``, ``steps``, ``rng``).

        Returns
        -------
        tensor of shape (n, C, T)
            The draws; equal to ``observed`` where ``mask`` is True.
        """


def check_observation_shapes(noise: torch.Tensor, observed: torch.Tensor,
                             mask: torch.Tensor) -> None:
    """Refuse ``noise``, ``observed`` and ``mask`` that are not all of one shape (n, C, T).

    Raises
    ------
    ValueError
        Naming the three shapes.
    """
    if noise.shape != observed.shape or mask.shape != observed.shape:
        raise ValueError(
            f"noise {tuple(noise.shape)}, observed {tuple(observed.shape)} and mask "
            f"{tuple(mask.shape)} must have one shape (n, C, T)"
        )
