"""The schema of a fine-tuned :class:`tsfm.FlowFMClassifier`'s ``config.json``.

A classifier directory holds ``config.json`` and ``model.safetensors`` like a FlowFM
model directory, but its weights are the fine-tuned encoder and the linear head
(``encoder.*``, ``head.*``), and its config has a ``classes`` section:

``model``
    The :class:`tsfm.config.model_config.ModelConfig` of the encoder (a FlowFM
    model's whole configuration when the classifier was fine-tuned from one).
``normalization``
    Per-channel ``mean`` and ``scale`` the classifier standardises with.
``classes``
    The class labels in the order of the head's outputs (strings, integers or
    booleans, as they were given to ``fit``), 2 to 100,000 of them, unique.
``estimator_params``
    The :class:`tsfm.config.settings.ClassifierSettings` it was fitted with.
``input`` (optional)
    The input the pretrained model stated (channels, units, rate), carried over.

It is validated as strictly as a FlowFM config (:mod:`tsfm.io.flowfm_config`) before
anything is built; any problem is a :class:`tsfm.exceptions.CheckpointError`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, ValidationError, model_validator

from tsfm.config.errors import describe_errors
from tsfm.config.model_config import ModelConfig
from tsfm.config.normalization import NormalizationConfig
from tsfm.config.settings import ClassifierSettings
from tsfm.config.types import FrozenModel
from tsfm.exceptions import CheckpointError
from tsfm.io.flowfm_config import check_normalization_channels

CLASSIFIER_FORMAT = "tsfm.flowfm-classifier"
CLASSIFIER_FORMAT_VERSION = 1
MAX_CLASSES = 100_000

Label = StrictStr | StrictInt | StrictBool


class ClassifierConfigFile(FrozenModel):
    """The whole ``config.json`` of a fine-tuned classifier directory."""

    format: Literal["tsfm.flowfm-classifier"]
    format_version: Literal[1]
    model: ModelConfig
    normalization: NormalizationConfig
    classes: Annotated[list[Label], Field(min_length=2, max_length=MAX_CLASSES)]
    estimator_params: ClassifierSettings
    input: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _consistent(self):
        check_normalization_channels(self.normalization, self.model)
        if len(set(map(repr, self.classes))) != len(self.classes):
            raise ValueError("classes must be unique")
        if len({type(c) for c in self.classes}) != 1:
            raise ValueError("classes must all be of one type (all strings, all integers...)")
        return self

    def to_json(self) -> dict[str, Any]:
        """The JSON document to write."""
        return {
            "format": self.format,
            "format_version": self.format_version,
            "model": self.model.model_dump(mode="json"),
            "normalization": self.normalization.model_dump(mode="json"),
            "classes": list(self.classes),
            "estimator_params": self.estimator_params.to_params(),
            **({} if self.input is None else {"input": self.input}),
        }


def parse_classifier_config(payload: Any, *, source: str) -> ClassifierConfigFile:
    """Validate a parsed classifier ``config.json``.

    Raises
    ------
    tsfm.exceptions.CheckpointError
        For a FlowFM model directory (which is fine-tuned, not loaded, by the
        classifier), another format, or any invalid key.
    """
    found = payload.get("format") if isinstance(payload, dict) else None
    if found == "tsfm.flowfm":
        raise CheckpointError(
            f"{source!r} holds a pretrained FlowFM model, not a fine-tuned classifier; "
            "fine-tune it with FlowFMClassifier(pretrained=...).fit(X, y)"
        )
    if found != CLASSIFIER_FORMAT:
        raise CheckpointError(
            f"config.json in {source!r} is not a FlowFMClassifier config (format {found!r}, "
            f"expected {CLASSIFIER_FORMAT!r}); pass a directory written by "
            "FlowFMClassifier.save_pretrained"
        )
    version = payload.get("format_version")
    if type(version) is int and version > CLASSIFIER_FORMAT_VERSION:
        raise CheckpointError(
            f"{source!r} was written by a newer tsfm (classifier format version {version} > "
            f"{CLASSIFIER_FORMAT_VERSION}); upgrade tsfm to load it"
        )
    try:
        return ClassifierConfigFile.model_validate(payload)
    except ValidationError as exc:
        details = describe_errors(exc, ClassifierConfigFile, style="file")
        raise CheckpointError(
            f"config.json in {source!r} is not a valid classifier config: {details}; "
            "re-create it with FlowFMClassifier.save_pretrained"
        ) from None
