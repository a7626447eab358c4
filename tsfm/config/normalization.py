"""The saved form of a :class:`tsfm.training.normalization.ChannelStandardizer`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from tsfm.config.types import FrozenModel, Number
from tsfm.training.normalization import ChannelStandardizer


class NormalizationConfig(FrozenModel):
    """Per-channel standardisation statistics: finite means, positive finite scales."""

    mean: list[Number]
    scale: list[
        Annotated[Number, Field(gt=0, description="must be a positive number (a std. dev.)")]
    ]

    @model_validator(mode="after")
    def _same_length(self):
        if len(self.mean) != len(self.scale):
            raise ValueError(
                f"mean has {len(self.mean)} channels but scale has {len(self.scale)}"
            )
        return self

    @classmethod
    def from_standardizer(cls, standardizer: ChannelStandardizer) -> NormalizationConfig:
        """The statistics of a fitted standardiser."""
        return cls.model_validate(standardizer.to_dict())

    def to_standardizer(self) -> ChannelStandardizer:
        """A :class:`ChannelStandardizer` with these statistics."""
        return ChannelStandardizer.from_dict(self.model_dump())
