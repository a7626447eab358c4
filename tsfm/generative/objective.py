"""The interface every objective plugin implements.

An objective is the generative half of the model minus the network: it owns the
probability path (or noise schedule), the training target, the time convention and
the sampler. Flow matching and diffusion share the same encoder, conditioning and
velocity backbone and differ only here.

The backbone always receives a network time ``t`` in ``[0, 1]``, where ``t = 1``
is the data end of the path. Each objective maps its own notion of time onto that
interval in exactly one place (:meth:`Objective.network_time`).

``Generator`` is the former name of :class:`Objective`, kept as a deprecated alias:
"generator" also names the estimator :class:`tsfm.FlowFMSignalGenerator`.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar

import torch
from torch import nn

#: ``(x_t, t, target)``: one point on the path per sample and what to predict there
TrainingExample = tuple[torch.Tensor, torch.Tensor, torch.Tensor]

#: ``predict(x_t, t) -> output`` with x_t of shape (n, C, T) and t of shape (n,)
Predictor = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class Objective(nn.Module, ABC):
    """Base class of objective plugins (flow matching, diffusion…).

    Subclasses set the class attribute ``name`` and implement
    :meth:`training_example`; objectives that sample also implement :meth:`sample`
    and list their sampler names. Schedules that live on the model's device are
    registered as buffers, so they move with the module.

    Attributes
    ----------
    name : str
        Registry name (class attribute).
    solvers : tuple of str
        Sampler names :meth:`sample` accepts (class attribute; empty if it cannot sample).
    adaptive_solvers : tuple of str
        The subset of ``solvers`` that choose their own steps.
    default_solver : str or None
        Sampler used when none is asked for.
    """

    name: ClassVar[str]
    solvers: ClassVar[tuple[str, ...]] = ()
    adaptive_solvers: ClassVar[tuple[str, ...]] = ()
    default_solver: ClassVar[str | None] = None

    def network_time(self, t: torch.Tensor) -> torch.Tensor:
        """Map the objective's own time to the backbone's time in [0, 1] (1 is data).

        The identity by default; an objective with another convention (e.g. diffusion
        steps counted from the data end) overrides this, and nothing else does the mapping.
        """
        return t

    def default_steps(self, solver: str) -> int:
        """Number of steps a fixed-step ``solver`` takes when none is asked for."""
        return 10

    @abstractmethod
    def training_example(self, x1: torch.Tensor) -> TrainingExample:
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
        """The training loss: mean squared error of prediction and target (paper Eq. 5).

        :class:`tsfm.training.nets.PretrainingNet` trains with this method, so an
        objective that needs another loss (a weighting over time, say) overrides it.
        """
        return torch.mean((prediction - target) ** 2)

    def observed_state(
        self,
        observed: torch.Tensor,
        noise: torch.Tensor,
        t: torch.Tensor,
        rng: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Where the path through the observed values is at network time ``t``.

        Conditional samplers (:mod:`tsfm.generative.conditional`) put the observed
        points of the sampler's state here after every step. Objectives that support
        them override this.

        Parameters
        ----------
        observed : tensor of shape (n, C, T)
            Standardised observed values (the data end of the path).
        noise : tensor of shape (n, C, T)
            The noise the draw started from.
        t : tensor of shape ()
            Network time in [0, 1] (1 is data).
        rng : torch.Generator, optional
            Source of any fresh noise.

        Returns
        -------
        tensor of shape (n, C, T)
        """
        raise NotImplementedError(
            f"objective {self.name!r} does not support conditional sampling (it has no "
            "observed_state); use an objective that does, such as 'flow_matching'"
        )

    def sample(self, predict: Predictor, noise: torch.Tensor, **options) -> torch.Tensor:
        """Turn noise into data with the trained network.

        Parameters
        ----------
        predict : callable
            ``predict(x_t, t)`` returns the network output for the batch.
        noise : tensor of shape (n, n_channels, n_timepoints)
            Standard normal noise, the path's start.
        **options
            Sampler options: ``solver`` (one of :attr:`solvers`), ``steps`` for
            fixed-step solvers, ``return_trajectory``, ``rng`` (a ``torch.Generator``
            on ``noise``'s device: draw every random number of the sampler from it,
            never from torch's global generator, so that seeded sampling is
            reproducible across threads), ``project`` (a callable ``project(x, t)``
            applied to the state after every step at its network time ``t``, used by
            conditional samplers; None by default), and solver-specific ones.

        Returns
        -------
        x1 : tensor of shape (n, n_channels, n_timepoints)
        trajectory : tensor of shape (n_times, n, n_channels, n_timepoints)
            Only with ``return_trajectory=True``; starts with ``noise``.
        times : tensor of shape (n_times,)
            Only with ``return_trajectory=True``; network times of the trajectory.
        """
        raise NotImplementedError(f"objective {self.name!r} does not implement sampling")


def __getattr__(name: str):
    if name == "Generator":
        warnings.warn(
            "tsfm.generative.objective.Generator was renamed to Objective; subclass "
            "Objective instead (Generator will be removed)",
            DeprecationWarning,
            stacklevel=2,
        )
        return Objective
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
