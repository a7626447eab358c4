"""An example third-party generator: flow matching on a trigonometric path.

Same time convention as tsfm's built-in flow matching (noise at t=0, data at t=1),
but the path is ``x_t = cos(pi t / 2) x0 + sin(pi t / 2) x1`` with target velocity
``dx_t/dt = (pi / 2) (cos(pi t / 2) x1 - sin(pi t / 2) x0)``.
"""

from __future__ import annotations

import math

import torch

from tsfm.generative.objective import Objective, Predictor, TrainingExample
from tsfm.plugins.hookspecs import hookimpl


class CosineFlowGenerator(Objective):
    """Flow matching on the trigonometric path cos(pi t/2) x0 + sin(pi t/2) x1."""

    name = "cosine_flow"
    solvers = ("euler",)
    default_solver = "euler"

    def training_example(self, x1: torch.Tensor) -> TrainingExample:
        x0 = torch.randn_like(x1)
        t = torch.rand(len(x1), device=x1.device, dtype=x1.dtype)
        angle = (0.5 * math.pi * t).reshape(-1, *([1] * (x1.dim() - 1)))
        x_t = torch.cos(angle) * x0 + torch.sin(angle) * x1
        target = 0.5 * math.pi * (torch.cos(angle) * x1 - torch.sin(angle) * x0)
        return x_t, t, target

    def sample(
        self,
        predict: Predictor,
        noise: torch.Tensor,
        *,
        solver: str = "euler",
        steps: int = 10,
        return_trajectory: bool = False,
    ):
        """Euler integration of the learned velocity from t=0 to t=1."""
        if solver != "euler":
            raise ValueError(f"unknown solver {solver!r}; valid solvers: ['euler']")
        times = torch.linspace(0.0, 1.0, steps + 1, device=noise.device, dtype=noise.dtype)
        states = [noise]
        for i in range(steps):
            t = times[i].expand(len(noise))
            states.append(states[-1] + predict(states[-1], t) / steps)
        if return_trajectory:
            return states[-1], torch.stack(states), times
        return states[-1]


@hookimpl
def tsfm_register_objectives() -> list[type]:
    return [CosineFlowGenerator]
