"""The saved form of a model's observation conditioning (``observation`` in config.json).

A model tuned by :meth:`tsfm.FlowFMSignalGenerator.fit_observed` has an observation
conditioner (:class:`tsfm.nn.observation.ObservationConditioner`) whose weights are in
``model.safetensors`` as ``observation_conditioner.*``; this section records the random
masks it was tuned with, as fractions of the window length.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from tsfm.config.types import FrozenModel, Number

Fraction = Annotated[
    Number, Field(gt=0, lt=1, description="must be a fraction of the window in (0, 1)")
]


class FractionRange(FrozenModel):
    """A range ``[low, high]`` of fractions, each in (0, 1), ``low <= high``."""

    low: Fraction
    high: Fraction

    @model_validator(mode="after")
    def _ordered(self):
        if self.low > self.high:
            raise ValueError(f"low={self.low} must not exceed high={self.high}")
        return self


class ObservationConfig(FrozenModel):
    """The random masks an observation conditioner was tuned with.

    Each training window hides, with equal probability, one of:

    Attributes
    ----------
    future : FractionRange
        Its end, a length drawn uniformly from this fraction of the window
        (forecasting).
    gap : FractionRange
        One gap at a uniform position, of a length drawn from this fraction of the
        window (imputation); the same points in every channel.
    points : FractionRange
        Scattered points: each point of each channel is hidden with a probability drawn
        from this range.
    """

    future: FractionRange
    gap: FractionRange
    points: FractionRange


def observation_config(future, gap, points) -> ObservationConfig:
    """An :class:`ObservationConfig` from three ``(low, high)`` pairs.

    Raises
    ------
    ValueError
        If a pair is not two fractions in (0, 1) with ``low <= high`` (the message
        names the parameter).
    """
    from pydantic import ValidationError

    ranges = {}
    for name, pair in (("future_fraction", future), ("gap_fraction", gap),
                       ("point_fraction", points)):
        try:
            low, high = pair
            ranges[name] = FractionRange(low=low, high=high)
        except (TypeError, ValueError, ValidationError) as exc:
            raise ValueError(
                f"{name} must be a pair (low, high) of fractions of the window in (0, 1) "
                f"with low <= high, got {pair!r}"
            ) from exc
    return ObservationConfig(future=ranges["future_fraction"], gap=ranges["gap_fraction"],
                             points=ranges["point_fraction"])
