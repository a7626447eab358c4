"""Conditional flow matching generator (paper Eq. 1-2, 4-5).

Time convention, fixed here and only here: noise ``x0 ~ N(0, I)`` at ``t = 0``,
data ``x1`` at ``t = 1``, the straight path ``x_t = (1 - t) x0 + t x1`` and the
target velocity ``u = x1 - x0``. Sampling integrates ``dx/dt = v(x, t)`` from
``t = 0`` to ``t = 1`` with torchdiffeq.
"""

from __future__ import annotations

import torch
from torchdiffeq import odeint

from tsfm.generator import Generator, Predictor
from tsfm.hookspecs import hookimpl

FIXED_STEP_SOLVERS = ("euler", "midpoint", "rk4")
ADAPTIVE_SOLVERS = ("dopri5",)
SOLVERS = FIXED_STEP_SOLVERS + ADAPTIVE_SOLVERS


def interpolate(x0: torch.Tensor, x1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """The point ``(1 - t) x0 + t x1`` for a per-sample time ``t`` of shape (n,)."""
    t = t.reshape(-1, *([1] * (x1.dim() - 1)))
    return (1 - t) * x0 + t * x1


def target_velocity(x0: torch.Tensor, x1: torch.Tensor) -> torch.Tensor:
    """The velocity ``x1 - x0`` of the straight path (independent of t)."""
    return x1 - x0


class FlowMatchingGenerator(Generator):
    """Conditional flow matching on the straight noise-to-data path (FlowFM)."""

    name = "flow_matching"

    def training_example(self, x1: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x0 = torch.randn_like(x1)
        t = torch.rand(len(x1), device=x1.device, dtype=x1.dtype)
        return interpolate(x0, x1, t), t, target_velocity(x0, x1)

    def sample(
        self,
        predict: Predictor,
        noise: torch.Tensor,
        *,
        solver: str = "euler",
        steps: int = 10,
        rtol: float = 1e-5,
        atol: float = 1e-5,
    ) -> torch.Tensor:
        """Integrate the learned velocity field from noise (t=0) to data (t=1).

        Parameters
        ----------
        predict : callable
            ``predict(x_t, t)`` returns the velocity, shape (n, C, T).
        noise : tensor of shape (n, C, T)
        solver : {"euler", "midpoint", "rk4", "dopri5"}, default="euler"
        steps : int, default=10
            Number of steps of a fixed-step solver.
        rtol, atol : float
            Tolerances of the adaptive ``dopri5``.

        Returns
        -------
        tensor of shape (n, C, T)
        """
        if solver not in SOLVERS:
            raise ValueError(f"unknown solver {solver!r}; valid solvers: {list(SOLVERS)}")
        times = torch.tensor([0.0, 1.0], device=noise.device, dtype=noise.dtype)

        def velocity(t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
            return predict(x, t.expand(len(x)))

        if solver in FIXED_STEP_SOLVERS:
            if not isinstance(steps, int) or steps < 1:
                raise ValueError(f"steps must be a positive integer, got {steps!r}")
            options = {"step_size": 1.0 / steps}
            return odeint(velocity, noise, times, method=solver, options=options)[-1]
        return odeint(velocity, noise, times, method=solver, rtol=rtol, atol=atol)[-1]


@hookimpl
def tsfm_register_generators() -> list[type]:
    return [FlowMatchingGenerator]
