"""Training-free guided inpainting: replace the observed points at every solver step.

After each step of the objective's sampler, the observed points of the state are set
to where the path through the observed values is at that time,
:meth:`~tsfm.generative.objective.Objective.observed_state`: for flow matching
``(1 - t) x0 + t x_obs`` with the draw's own starting noise ``x0``; for diffusion the
observation noised to the step's level, ``sqrt(ᾱ_k) x_obs + sqrt(1 - ᾱ_k) ε`` with a
fresh ``ε`` (RePaint without resampling). The network never sees the mask: it keeps
generating whole windows, and the replacement pulls the unknown points towards
values consistent with the observed ones. At the data end the observed points are
exactly the observed values.
"""

from __future__ import annotations

from typing import ClassVar

import torch

from tsfm.generative.conditional import ConditionalSampler, check_observation_shapes
from tsfm.generative.objective import Objective, Predictor
from tsfm.plugins.hookspecs import hookimpl


class GuidedInpainting(ConditionalSampler):
    """Training-free conditional sampling by replacing observed points at every step."""

    name: ClassVar[str] = "guided_inpainting"
    training_free: ClassVar[bool] = True

    def sample(
        self,
        objective: Objective,
        predict: Predictor,
        noise: torch.Tensor,
        observed: torch.Tensor,
        mask: torch.Tensor,
        **options,
    ) -> torch.Tensor:
        """See :meth:`ConditionalSampler.sample`; ``options`` go to ``objective.sample``."""
        check_observation_shapes(noise, observed, mask)
        mask = mask.to(torch.bool)
        rng = options.get("rng")

        def project(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            state = objective.observed_state(observed, noise, t, rng=rng)
            return torch.where(mask, state, x)

        x = objective.sample(predict, noise, project=project, **options)
        return torch.where(mask, observed, x)


@hookimpl
def tsfm_register_conditional_samplers() -> list[type]:
    return [GuidedInpainting]
