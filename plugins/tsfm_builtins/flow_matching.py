"""Conditional flow matching generator (paper Eq. 1-2, 4-5).

Time convention, fixed here and only here: noise ``x0 ~ N(0, I)`` at ``t = 0``,
data ``x1`` at ``t = 1``, the straight path ``x_t = (1 - t) x0 + t x1`` and the
target velocity ``u = x1 - x0``. Sampling integrates ``dx/dt = v(x, t)`` from
``t = 0`` to ``t = 1`` with torchdiffeq.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torchdiffeq import odeint

from tsfm.exceptions import NonFiniteError
from tsfm.generative.objective import Objective, Predictor
from tsfm.plugins.hookspecs import hookimpl

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


class FlowMatchingGenerator(Objective):
    """Conditional flow matching on the straight noise-to-data path (FlowFM)."""

    name = "flow_matching"
    solvers: ClassVar[tuple[str, ...]] = SOLVERS
    adaptive_solvers: ClassVar[tuple[str, ...]] = ADAPTIVE_SOLVERS
    default_solver: ClassVar[str] = "midpoint"

    def network_time(self, t: torch.Tensor) -> torch.Tensor:
        """The flow time already is the network time (identity)."""
        return t

    def default_steps(self, solver: str) -> int:
        """10 steps for every fixed-step solver."""
        return 10

    def observed_state(self, observed, noise, t, rng=None):
        """``(1 - t) x0 + t x_obs``: the straight path from the draw's noise to the data."""
        return (1 - t) * noise + t * observed

    def training_example(
        self, x1: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x0 = torch.randn_like(x1)
        t = torch.rand(len(x1), device=x1.device, dtype=x1.dtype)
        return interpolate(x0, x1, t), self.network_time(t), target_velocity(x0, x1)

    def sample(
        self,
        predict: Predictor,
        noise: torch.Tensor,
        *,
        solver: str = "midpoint",
        steps: int | None = None,
        rtol: float = 1e-5,
        atol: float = 1e-5,
        return_trajectory: bool = False,
        rng: torch.Generator | None = None,
        project=None,
    ):
        """Integrate the learned velocity field from noise (t=0) to data (t=1).

        Parameters
        ----------
        predict : callable
            ``predict(x_t, t)`` returns the velocity, shape (n, C, T).
        noise : tensor of shape (n, C, T)
        solver : {"euler", "midpoint", "rk4", "dopri5"}, default="midpoint"
            A torchdiffeq method. Per step, ``euler`` evaluates the field once,
            ``midpoint`` twice and ``rk4`` four times; ``dopri5`` adapts its steps.
        steps : int, optional
            Number of equal steps of a fixed-step solver (default 10); ignored by
            ``dopri5``.
        rtol, atol : float, default=1e-5
            Tolerances of the adaptive ``dopri5``.
        return_trajectory : bool, default=False
            Also return the intermediate states: after every step of a fixed-step
            solver, at ``t = 0, 0.1, …, 1`` for ``dopri5``.
        rng : torch.Generator, optional
            Accepted for the sampling interface and unused: every solver here is a
            deterministic ODE solver, so all randomness is in ``noise``.
        project : callable, optional
            ``project(x, t)`` applied to the state after every step (conditional
            sampling); needs a fixed-step solver, which then integrates one interval
            of the time grid at a time.

        Returns
        -------
        x1 : tensor of shape (n, C, T)
        trajectory : tensor of shape (n_times, n, C, T)
            Only with ``return_trajectory``; starts with ``noise``.
        times : tensor of shape (n_times,)
            Only with ``return_trajectory``; network times of the trajectory.

        Raises
        ------
        tsfm.exceptions.NonFiniteError
            If ``dopri5``'s step size underflows (a NaN, inf or too stiff field).
            Fixed-step solvers return what they computed; the caller checks it.
        """
        if solver not in SOLVERS:
            raise ValueError(
                f"unknown solver {solver!r} for generator {self.name!r}; valid solvers: "
                f"{list(SOLVERS)}"
            )

        def velocity(t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
            return predict(x, self.network_time(t).expand(len(x)))

        if solver in FIXED_STEP_SOLVERS:
            steps = self.default_steps(solver) if steps is None else steps
            if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
                raise ValueError(f"steps must be a positive integer, got {steps!r}")
            # the solver steps along the grid itself: one step per interval
            times = torch.linspace(0.0, 1.0, steps + 1, device=noise.device, dtype=noise.dtype)
            if project is None:
                trajectory = odeint(velocity, noise, times, method=solver)
            else:
                trajectory = self._projected(velocity, noise, times, solver, project)
        elif project is not None:
            raise ValueError(
                f"conditional sampling replaces the observed points after every step, which "
                f"the adaptive {solver!r} does not expose; use a fixed-step solver "
                f"{list(FIXED_STEP_SOLVERS)}"
            )
        else:
            n_times = 11 if return_trajectory else 2
            times = torch.linspace(0.0, 1.0, n_times, device=noise.device, dtype=noise.dtype)
            try:
                trajectory = odeint(velocity, noise, times, method=solver, rtol=rtol, atol=atol)
            except AssertionError as exc:  # torchdiffeq asserts that its step stays > 0
                if "underflow in dt" not in str(exc):
                    raise
                raise NonFiniteError(
                    f"{solver}'s adaptive step size shrank to zero: the velocity field is NaN, "
                    "inf or too stiff to integrate; check that the model's weights are finite, "
                    "or use a fixed-step solver such as 'midpoint', or larger rtol/atol"
                ) from None
        if return_trajectory:
            return trajectory[-1], trajectory, self.network_time(times)
        return trajectory[-1]

    @staticmethod
    def _projected(velocity, noise, times, solver, project) -> torch.Tensor:
        """Integrate interval by interval, applying ``project`` after each: (n_times, ...)."""
        states = [noise]
        x = noise
        for start, end in zip(times[:-1], times[1:], strict=True):
            x = odeint(velocity, x, torch.stack([start, end]), method=solver)[-1]
            x = project(x, end)
            states.append(x)
        return torch.stack(states)


@hookimpl
def tsfm_register_objectives() -> list[type]:
    return [FlowMatchingGenerator]
