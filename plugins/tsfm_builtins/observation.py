"""Conditional sampling with a trained observation conditioner (mechanism 2).

The velocity network of a model tuned by
:meth:`tsfm.FlowFMSignalGenerator.fit_observed` takes the masked observation
``[x_obs * mask ; mask]`` as an extra input (:class:`tsfm.nn.observation.
ObservationConditioner`), so it learned to generate windows consistent with the
observed points. Sampling is the objective's ordinary sampler with that field; the
observed points are put back exactly at the end. Any solver of the objective works,
adaptive ones included. A model never tuned for it is refused with a message naming
``fit_observed``.
"""

from __future__ import annotations

from typing import ClassVar

import torch

from tsfm.generative.conditional import ConditionalSampler, check_observation_shapes
from tsfm.generative.objective import Objective, Predictor
from tsfm.plugins.hookspecs import hookimpl


class ObservationConditioned(ConditionalSampler):
    """Conditional sampling with the observation as input of a velocity network tuned for it."""

    name: ClassVar[str] = "observation_conditioner"
    training_free: ClassVar[bool] = False

    def predictor(self, module, representation, observed, mask) -> Predictor:
        """The field with the observation as input; see :meth:`ConditionalSampler.predictor`.

        Raises
        ------
        ValueError
            If ``module`` has no observation conditioner (it was never tuned for it).
        """
        if module.observation_conditioner is None:
            raise ValueError(
                "method='observation_conditioner' needs a model tuned for it, and this one "
                "never was; call FlowFMSignalGenerator.fit_observed(X) first (or load a "
                "model saved after fit_observed), or use method='guided_inpainting'"
            )
        observation = (observed, mask.to(torch.bool))

        def predict(x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            return module.field(x_t, t, representation, observation=observation)

        return predict

    def sample(
        self,
        objective: Objective,
        predict: Predictor,
        noise: torch.Tensor,
        observed: torch.Tensor,
        mask: torch.Tensor,
        **options,
    ) -> torch.Tensor:
        """See :meth:`ConditionalSampler.sample`; ``predict`` comes from :meth:`predictor`."""
        check_observation_shapes(noise, observed, mask)
        x = objective.sample(predict, noise, **options)
        return torch.where(mask.to(torch.bool), observed, x)


@hookimpl
def tsfm_register_conditional_samplers() -> list[type]:
    return [ObservationConditioned]
