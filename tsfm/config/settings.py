"""Validated estimator settings, and the model configuration ``fit`` builds from them.

An estimator's ``__init__`` stores its arguments unchanged (scikit-learn's contract);
``fit`` validates them once into a frozen settings object, which also turns numpy
scalars into Python numbers, so that ``batch_size=np.int64(8)`` trains and saves like
``batch_size=8``. :class:`PretrainingSettings` is what ``config.json`` stores as
``estimator_params``, so a model directory's parameters pass the same checks.
"""

from __future__ import annotations

import numbers
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, Field, TypeAdapter, ValidationError, field_validator

from tsfm.config.errors import describe_errors
from tsfm.config.model_config import (
    MAX_TIMEPOINTS,
    AugmentationConfig,
    Depth,
    Dropout,
    Heads,
    MlpRatio,
    ModelConfig,
    PatchSize,
    Pooling,
    Probability,
    Width,
)
from tsfm.config.patch_size import AUTO, auto_patch_size
from tsfm.config.presets import PRESETS, check_preset
from tsfm.config.types import FrozenModel, Integer, Number
from tsfm.exceptions import ConfigError
from tsfm.plugins import get_plugin
from tsfm.training.seeding import MAX_SEED

_PATCH_SIZE = TypeAdapter(PatchSize)


def _patch_setting(value: Any) -> Any:
    """``"auto"``, None (the preset's ``"auto"``) or a valid patch size."""
    if value is None or (isinstance(value, str) and value == AUTO):
        return value
    try:
        return _PATCH_SIZE.validate_python(value, strict=True)
    except ValidationError:
        raise ValueError(
            f"must be 'auto' or an integer in [1, {MAX_TIMEPOINTS}], got {value!r}"
        ) from None


def resolve_conditioner(conditioner: str, mask_prob: float) -> str:
    """``"auto"`` means DGS when representations are masked, plain conditioning otherwise."""
    if conditioner == "auto":
        return "dgs" if mask_prob > 0 else "representation"
    return conditioner


class ArchitectureOverrides(FrozenModel):
    """Overrides of a preset's network; None (or a missing key) keeps the preset's value."""

    depth: Depth | None = None
    width: Width | None = None
    heads: Heads | None = None
    patch_size: Annotated[Any, AfterValidator(_patch_setting)] = None
    mlp_ratio: MlpRatio | None = None
    dropout: Dropout | None = None

    def given(self) -> dict[str, Any]:
        """The overridden fields and their values."""
        return {key: value for key, value in self.model_dump().items() if value is not None}


class EncoderOverrides(ArchitectureOverrides):
    """Overrides of the encoder (``encoder__*``)."""

    pooling: Pooling | None = None


class VelocityOverrides(ArchitectureOverrides):
    """Overrides of the velocity network (``velocity__*``)."""


class TrainingSettings(FrozenModel):
    """Settings of the skorch training loop, shared by every estimator."""

    max_epochs: Annotated[
        Integer, Field(ge=0, description="must be a non-negative integer (0: no training)")
    ]
    batch_size: Annotated[Integer, Field(ge=1, description="must be a positive integer")]
    lr: Annotated[Number, Field(gt=0, description="must be a positive number (AdamW's)")]
    weight_decay: Annotated[Number, Field(ge=0, description="must be a number >= 0")]

    @classmethod
    def from_estimator(cls, estimator, **given):
        """Validate the estimator's parameters of the same names (``given`` ones replace them).

        A ``random_state`` that is not an int seed (None, a ``RandomState``…) is
        recorded as None; :func:`tsfm.training.seeding.resolve_seed` checks it.

        Raises
        ------
        tsfm.exceptions.ConfigError
            Naming every invalid parameter.
        """
        values = {name: given[name] if name in given else getattr(estimator, name)
                  for name in cls.model_fields}
        seed = values.get("random_state")
        if "random_state" in values and (
            not isinstance(seed, numbers.Integral) or isinstance(seed, bool | np.bool_)
        ):
            values["random_state"] = None
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(describe_errors(exc, cls, style="parameter")) from None

    @field_validator("model", check_fields=False)
    @classmethod
    def _known_preset(cls, model: str) -> str:
        return check_preset(model)

    def to_params(self) -> dict[str, Any]:
        """JSON-serialisable estimator parameters (nested dicts hold only the given keys)."""
        return self.model_dump(mode="json", exclude_unset=True)


class PretrainingSettings(TrainingSettings):
    """The validated parameters of :class:`tsfm.FlowFMPretrainer` that define its model.

    Saved as ``estimator_params`` in ``config.json``; ``device``, ``verbose``,
    ``callbacks`` and ``train_split`` are not, as they describe the machine.
    """

    model: str
    objective: str
    conditioner: str
    mask_prob: Probability
    augmentation: Annotated[
        AugmentationConfig | None,
        Field(description="must be None or a dict such as {'crop_scale': 0.7, 'jitter': 0.1}"),
    ] = None
    random_state: Annotated[
        Integer, Field(ge=0, le=MAX_SEED, description="must be None or a seed in [0, 2**32 - 1]")
    ] | None = None
    encoder: EncoderOverrides | None = None
    velocity: VelocityOverrides | None = None

    @field_validator("objective")
    @classmethod
    def _registered_objective(cls, name: str) -> str:
        get_plugin("objective", name)
        return name

    @field_validator("conditioner")
    @classmethod
    def _registered_conditioner(cls, name: str) -> str:
        if name != "auto":
            get_plugin("conditioner", name)
        return name

    def build_model_config(self, *, n_channels: int, n_timepoints: int) -> ModelConfig:
        """The configuration of the model these settings pretrain on such series.

        Raises
        ------
        tsfm.exceptions.ConfigError
        """
        return build_model_config(
            model=self.model,
            overrides={"encoder": self.encoder, "velocity": self.velocity},
            n_channels=n_channels,
            n_timepoints=n_timepoints,
            objective=self.objective,
            conditioner=resolve_conditioner(self.conditioner, self.mask_prob),
            mask_prob=self.mask_prob,
            augmentation=self.augmentation or AugmentationConfig(),
        )


class ClassifierSettings(TrainingSettings):
    """The validated parameters of :class:`tsfm.FlowFMClassifier`."""

    model: str
    head_dropout: Dropout
    encoder: EncoderOverrides | None = None

    def build_model_config(self, *, n_channels: int, n_timepoints: int) -> ModelConfig:
        """The configuration of an encoder trained from scratch on such series."""
        return build_model_config(
            model=self.model,
            overrides={"encoder": self.encoder},
            n_channels=n_channels,
            n_timepoints=n_timepoints,
            objective="flow_matching",
            conditioner="representation",
            mask_prob=0.0,
            augmentation=AugmentationConfig(),
        )


def build_model_config(
    *,
    model: str,
    overrides: dict[str, ArchitectureOverrides | None],
    n_channels: int,
    n_timepoints: int,
    objective: str,
    conditioner: str,
    mask_prob: float,
    augmentation: AugmentationConfig,
) -> ModelConfig:
    """Assemble and validate a model configuration from a preset and its overrides.

    Parameters
    ----------
    model : {"tiny", "small", "base"}
    overrides : dict of str to overrides or None
        The networks to configure (``"encoder"`` and optionally ``"velocity"``) and
        their overrides of the preset.
    n_channels, n_timepoints : int
        Shape of the training series; ``patch_size="auto"`` is resolved for this length.
    objective, conditioner : str
        Plugin names (``conditioner="auto"`` already resolved).
    mask_prob : float
    augmentation : AugmentationConfig

    Returns
    -------
    ModelConfig

    Raises
    ------
    tsfm.exceptions.ConfigError
        Naming each invalid entry as the estimator parameter that sets it.
    """
    parts = {}
    for part, given in overrides.items():
        fields: dict[str, Any] = {**PRESETS[model][part], **(given.given() if given else {})}
        if fields.get("patch_size", AUTO) == AUTO:
            fields["patch_size"] = auto_patch_size(n_timepoints)
        parts[part] = fields
    payload = {
        "n_channels": n_channels,
        "n_timepoints": n_timepoints,
        "objective": objective,
        "conditioner": conditioner,
        "mask_prob": mask_prob,
        "augmentation": augmentation,
        **parts,
    }
    try:
        return ModelConfig.model_validate(payload)
    except ValidationError as exc:
        raise ConfigError(describe_errors(exc, ModelConfig, style="parameter")) from None
