"""The frozen model configuration: what a set of FlowFM weights means.

:class:`ModelConfig` is built once in ``fit`` (by
:func:`tsfm.config.settings.build_model_config`), handed to the networks, and saved as
the ``model`` section of ``config.json``. Loading a model directory validates that
section with the same class, so a configuration written by hand or by an attacker
passes exactly the checks that one built by ``fit`` passes, including a cap on the
number of parameters it implies (:data:`tsfm.config.param_count.MAX_PARAMETERS`),
before any network is built.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator
from torch import nn

from tsfm.config.param_count import MAX_PARAMETERS, encoder_parameters, velocity_parameters
from tsfm.config.types import FrozenModel, Integer, Number
from tsfm.plugins import get_plugin

#: largest accepted depth of either network
MAX_DEPTH = 128
#: largest accepted width of either network
MAX_WIDTH = 8192
#: largest accepted number of attention heads
MAX_HEADS = 256
#: largest accepted MLP width as a multiple of the network width
MAX_MLP_RATIO = 16.0
#: largest accepted number of channels of a series
MAX_CHANNELS = 10_000
#: largest accepted series length (the patch size is bounded by it, too)
MAX_TIMEPOINTS = 1_000_000

Depth = Annotated[
    Integer,
    Field(ge=1, le=MAX_DEPTH, description=f"must be an integer in [1, {MAX_DEPTH}] (blocks)"),
]
Width = Annotated[
    Integer,
    Field(ge=1, le=MAX_WIDTH, description=f"must be an integer in [1, {MAX_WIDTH}] (token size)"),
]
Heads = Annotated[
    Integer,
    Field(ge=1, le=MAX_HEADS, description=f"must be an integer in [1, {MAX_HEADS}]"),
]
PatchSize = Annotated[
    Integer,
    Field(
        ge=1,
        le=MAX_TIMEPOINTS,
        description="must be a positive integer, the samples per token, at most the series "
        "length",
    ),
]
MlpRatio = Annotated[
    Number,
    Field(gt=0, le=MAX_MLP_RATIO, description=f"must be a number in (0, {MAX_MLP_RATIO:g}]"),
]
Dropout = Annotated[Number, Field(ge=0, lt=1, description="must be a number in [0, 1)")]
Pooling = Literal["mean", "cls"]
Probability = Annotated[
    Number,
    Field(ge=0, lt=1, description="must be a number in [0, 1) (the DGS masking probability)"),
]


def _json_scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise ValueError(
        f"must be a JSON scalar (number, string, bool or null), got {type(value).__name__}"
    )


def _init_signature(cls: type) -> inspect.Signature:
    """The keyword arguments ``cls`` takes; none if it keeps ``nn.Module.__init__``."""
    if cls.__init__ is nn.Module.__init__:
        return inspect.Signature()
    return inspect.signature(cls)


class ArchitectureConfig(FrozenModel):
    """Shape of one Transformer: the fields of :class:`ViT1D` / :class:`DiT1D`."""

    depth: Depth
    width: Width
    heads: Heads
    patch_size: PatchSize
    mlp_ratio: MlpRatio = 4.0
    dropout: Dropout = 0.0

    @model_validator(mode="after")
    def _check_widths(self):
        if self.width % self.heads:
            raise ValueError(
                f"width={self.width} must be divisible by heads={self.heads}; change the "
                "width or the number of heads"
            )
        if int(self.width * self.mlp_ratio) < 1:
            raise ValueError(
                f"width * mlp_ratio = {self.width} * {self.mlp_ratio:g} leaves an MLP of "
                "0 units; raise mlp_ratio"
            )
        return self


class EncoderConfig(ArchitectureConfig):
    """The ViT-1D representation encoder: an architecture plus its pooling."""

    pooling: Pooling = "mean"


class VelocityConfig(ArchitectureConfig):
    """The DiT-1D velocity network."""


class AugmentationConfig(FrozenModel):
    """Training-time augmentation (see :mod:`tsfm.training.augmentation`)."""

    crop_scale: Annotated[
        Number,
        Field(gt=0, le=1, description="must be in (0, 1] (the smallest kept fraction)"),
    ] | None = None
    jitter: Annotated[
        Number,
        Field(ge=0, description="must be a finite number >= 0 (the noise's standard deviation)"),
    ] = 0.0


class ModelConfig(FrozenModel):
    """Everything needed to rebuild the networks of a FlowFM model.

    Attributes
    ----------
    n_channels, n_timepoints : int
        Shape of the pretraining series.
    objective : str
        Name of the objective plugin (``tsfm.plugins.list_plugins("objective")``), set
        by the estimators' ``objective`` parameter.
    objective_params : dict of str to JSON scalars
        Keyword arguments of the objective plugin.
    conditioner : str
        Name of the conditioner plugin (``"auto"`` is resolved before this point).
    mask_prob : float
        DGS masking probability, in [0, 1).
    augmentation : AugmentationConfig
    encoder : EncoderConfig
    velocity : VelocityConfig or None
        None for an encoder alone (a classifier trained from scratch).
    """

    n_channels: Annotated[
        Integer, Field(ge=1, le=MAX_CHANNELS, description=f"must be in [1, {MAX_CHANNELS}]")
    ]
    n_timepoints: Annotated[
        Integer,
        Field(ge=1, le=MAX_TIMEPOINTS, description=f"must be in [1, {MAX_TIMEPOINTS}]"),
    ]
    objective: str
    objective_params: dict[str, Annotated[Any, AfterValidator(_json_scalar)]] = {}
    conditioner: str
    mask_prob: Probability
    augmentation: AugmentationConfig = AugmentationConfig()
    encoder: EncoderConfig
    velocity: VelocityConfig | None = None

    @field_validator("objective")
    @classmethod
    def _registered_objective(cls, name: str) -> str:
        get_plugin("objective", name)
        return name

    @field_validator("conditioner")
    @classmethod
    def _registered_conditioner(cls, name: str) -> str:
        kind = getattr(get_plugin("conditioner", name), "input", "representation")
        if kind != "representation":
            raise ValueError(
                f"conditioner {name!r} conditions on {kind}, not on the encoder's "
                "representation; pretrain with 'dgs' or 'representation' and add text with "
                "FlowFMSignalGenerator.fit_text"
            )
        return name

    @model_validator(mode="after")
    def _check_consistency(self):
        for part, arch in self.parts().items():
            if arch.patch_size > self.n_timepoints:
                raise ValueError(
                    f"series of {self.n_timepoints} timepoints are shorter than one patch "
                    f"({part}__patch_size={arch.patch_size}); use longer windows or set "
                    f"{part}__patch_size to at most {self.n_timepoints}, or to 'auto'"
                )
        if self.mask_prob > 0 and not self.conditioner_class().supports_masking:
            raise ValueError(
                f"conditioner {self.conditioner!r} does not mask its input, but mask_prob="
                f"{self.mask_prob} was given; use conditioner='dgs' or mask_prob=0.0"
            )
        try:
            _init_signature(self.objective_class()).bind(**self.objective_params)
        except TypeError as exc:
            raise ValueError(
                f"objective_params {sorted(self.objective_params)} do not fit objective "
                f"{self.objective!r}: {exc}"
            ) from None
        n_parameters = self.n_parameters()
        if n_parameters > MAX_PARAMETERS:
            raise ValueError(
                f"the configuration implies {n_parameters:,} parameters, more than the "
                f"{MAX_PARAMETERS:,} allowed (tsfm.config.param_count.MAX_PARAMETERS); "
                "use a smaller depth, width, mlp_ratio or patch_size"
            )
        return self

    def objective_class(self) -> type:
        """The objective plugin class named by :attr:`objective`."""
        return get_plugin("objective", self.objective)

    def conditioner_class(self) -> type:
        """The conditioner plugin class named by :attr:`conditioner`."""
        return get_plugin("conditioner", self.conditioner)

    def parts(self) -> dict[str, ArchitectureConfig]:
        """The configured networks by name: ``encoder`` and, if present, ``velocity``."""
        parts: dict[str, ArchitectureConfig] = {"encoder": self.encoder}
        if self.velocity is not None:
            parts["velocity"] = self.velocity
        return parts

    def n_parameters(self) -> int:
        """Parameters of the encoder and velocity network, from the formulas alone."""
        shape = (self.n_channels, self.n_timepoints)
        total = encoder_parameters(self.encoder, *shape)
        if self.velocity is not None:
            total += velocity_parameters(self.velocity, *shape)
        return total

    def largest_patch(self) -> int:
        """The longest patch of any network: the shortest series the model can embed."""
        return max(arch.patch_size for arch in self.parts().values())
