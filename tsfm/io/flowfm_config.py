"""The schema of a FlowFM ``config.json``, and the migration of older format versions.

A model directory's ``config.json`` holds four sections besides its format tag:

``model``
    The :class:`tsfm.config.model_config.ModelConfig` of the weights.
``normalization``
    Per-channel ``mean`` and ``scale`` of the pretraining data.
``estimator_params``
    The :class:`tsfm.config.settings.PretrainingSettings` of the pretrainer.
``text`` (optional)
    The :class:`tsfm.config.text_config.TextConfig` of a model tuned for text by
    ``FlowFMSignalGenerator.fit_text``; its projection weights are in the safetensors
    file as ``text_conditioner.*``.
``observation`` (optional)
    The :class:`tsfm.config.observation_config.ObservationConfig` of a model tuned
    by ``FlowFMSignalGenerator.fit_observed`` (the random masks it was tuned with);
    its observation conditioner's weights are in the safetensors file as
    ``observation_conditioner.*``.
``input`` (optional)
    A free-form description of the input the model expects (rate, units, channel
    names), written by model exporters such as :mod:`tsfm.zoo`; loading ignores it.

Every section is validated (types, ranges, unknown keys, registered plugin names, the
implied parameter count) before anything is built from it; any problem is a
:class:`tsfm.exceptions.CheckpointError` naming the offending key.

Format versions
---------------
1
    tsfm 0.1 before the configuration schema. The model section names the objective
    plugin ``generator`` (with ``generator_params``); ``augmentation`` may be absent,
    and ``{}`` means none.
2
    Written with ``ModelConfig.model_dump()``: the objective plugin is ``objective``
    (with ``objective_params``), ``augmentation`` lists ``crop_scale`` (null for none)
    and ``jitter``. ``estimator_params`` keeps the estimators' parameter names, then
    ``generator`` (and ``encoder``/``velocity`` overrides whose ``patch_size`` may be
    ``"auto"``).
3
    As 2, with the estimators' ``generator`` parameter renamed ``objective`` in
    ``estimator_params`` too.
4
    As 3, with the optional ``text`` section.
5
    As 4, with a ``plugins`` section recording which installed distribution (and
    version) provided the objective and conditioner plugins when the model was saved.
6
    The current layout: as 5, with the optional ``observation`` section.
    :func:`migrate` renames the keys of versions 1 and 2; a version-3 file is a
    version-4 file without text, a version-4 file a version-5 file without the
    record, and a version-5 file a version-6 file without an observation conditioner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from tsfm.config.errors import describe_errors
from tsfm.config.model_config import ModelConfig
from tsfm.config.normalization import NormalizationConfig
from tsfm.config.observation_config import ObservationConfig
from tsfm.config.settings import PretrainingSettings
from tsfm.config.text_config import TextConfig
from tsfm.config.types import FrozenModel
from tsfm.exceptions import CheckpointError
from tsfm.training.normalization import ChannelStandardizer

FORMAT = "tsfm.flowfm"
FORMAT_VERSION = 6
#: at most this many plugin records in a ``plugins`` section
MAX_PLUGIN_RECORDS = 8

_FIX = "re-create it with save_pretrained"


def check_normalization_channels(normalization: NormalizationConfig,
                                 model: ModelConfig) -> None:
    """Raise ``ValueError`` unless the normalisation has one statistic per model channel."""
    if len(normalization.mean) != model.n_channels:
        raise ValueError(
            f"normalization has {len(normalization.mean)} channels but "
            f"model['n_channels'] is {model.n_channels}"
        )


class PluginRecord(FrozenModel):
    """Which installed distribution provided one plugin of a saved model."""

    kind: Literal["objective", "conditioner"]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    distribution: Annotated[str, Field(max_length=200)] | None
    version: Annotated[str, Field(max_length=100)] | None


class FlowFMConfigFile(FrozenModel):
    """The whole ``config.json`` of a FlowFM model directory (current format)."""

    format: Literal["tsfm.flowfm"]
    format_version: Literal[6]
    model: ModelConfig
    normalization: NormalizationConfig
    estimator_params: PretrainingSettings
    text: TextConfig | None = None
    observation: ObservationConfig | None = None
    input: dict[str, Any] | None = None
    plugins: Annotated[list[PluginRecord], Field(max_length=MAX_PLUGIN_RECORDS)] | None = None

    @model_validator(mode="after")
    def _channels_agree(self):
        if self.text is not None and not self.model.conditioner_class().supports_masking:
            raise ValueError(
                f"text models sample from the null representation, but conditioner "
                f"{self.model.conditioner!r} has none"
            )
        length = None if self.text is None else self.text.n_timepoints
        if length is not None and length < self.model.largest_patch():
            raise ValueError(
                f"text.n_timepoints is {length}, shorter than one patch "
                f"({self.model.largest_patch()}) of the model; re-save it with fit_text"
            )
        check_normalization_channels(self.normalization, self.model)
        return self

    def to_json(self) -> dict[str, Any]:
        """The JSON document: full model and normalisation, the given estimator params."""
        return {
            "format": self.format,
            "format_version": self.format_version,
            "model": self.model.model_dump(mode="json"),
            "normalization": self.normalization.model_dump(mode="json"),
            "estimator_params": self.estimator_params.to_params(),
            **({} if self.text is None else
               {"text": self.text.model_dump(mode="json", exclude_none=True)}),
            **({} if self.observation is None else
               {"observation": self.observation.model_dump(mode="json")}),
            **({} if self.input is None else {"input": self.input}),
            **({} if self.plugins is None else
               {"plugins": [r.model_dump(mode="json") for r in self.plugins]}),
        }


_RENAMED_IN_2 = {"generator": "objective", "generator_params": "objective_params"}


def _from_version_1(payload: dict[str, Any]) -> dict[str, Any]:
    """Rename the model section's ``generator``/``generator_params`` to ``objective``/…."""
    model = payload.get("model")
    if isinstance(model, dict):
        model = {_RENAMED_IN_2.get(key, key): value for key, value in model.items()}
    return {**payload, "format_version": 2, "model": model}


def _from_version_2(payload: dict[str, Any]) -> dict[str, Any]:
    """Rename ``estimator_params.generator`` to ``objective``."""
    params = payload.get("estimator_params")
    if isinstance(params, dict) and "generator" in params and "objective" not in params:
        params = {("objective" if key == "generator" else key): value
                  for key, value in params.items()}
    return {**payload, "format_version": 3, "estimator_params": params}


def _from_version_3(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 4 only adds the optional ``text`` section, which a version 3 file lacks."""
    if "text" in payload:
        raise CheckpointError(
            "a version-3 config.json cannot have a 'text' section (text models are written "
            f"as version 4); {_FIX}"
        )
    return {**payload, "format_version": 4}


def _from_version_4(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 5 only adds the optional ``plugins`` record, which a version 4 file lacks."""
    if "plugins" in payload:
        raise CheckpointError(
            "a version-4 config.json cannot have a 'plugins' section (it is written as "
            f"version 5); {_FIX}"
        )
    return {**payload, "format_version": 5}


def _from_version_5(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 6 only adds the optional ``observation`` section, which a version 5 file lacks."""
    if "observation" in payload:
        raise CheckpointError(
            "a version-5 config.json cannot have an 'observation' section (models tuned by "
            f"fit_observed are written as version 6); {_FIX}"
        )
    return {**payload, "format_version": 6}


#: ``version -> function`` turning a payload of that version into the next one
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _from_version_1, 2: _from_version_2, 3: _from_version_3, 4: _from_version_4,
    5: _from_version_5}


def _format_version(payload: dict[str, Any], source: str) -> int:
    version = payload.get("format_version")
    if type(version) is not int:
        raise CheckpointError(
            f"config.json in {source!r} has format_version={version!r}; it must be an integer "
            f"from 1 to {FORMAT_VERSION}; {_FIX}"
        )
    if version > FORMAT_VERSION:
        raise CheckpointError(
            f"{source!r} was written by a newer tsfm (format version {version} > "
            f"{FORMAT_VERSION}); upgrade tsfm to load it"
        )
    if version < 1:
        raise CheckpointError(
            f"config.json in {source!r} has format_version={version}; valid versions are 1 "
            f"to {FORMAT_VERSION}; {_FIX}"
        )
    return version


def migrate(payload: dict[str, Any], *, source: str) -> dict[str, Any]:
    """Bring a parsed ``config.json`` of any known version to the current layout.

    Raises
    ------
    tsfm.exceptions.CheckpointError
        If the file is not a FlowFM config or its version is unknown.
    """
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        found = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
        raise CheckpointError(
            f"config.json in {source!r} is not a tsfm model config (format {found!r}, "
            f"expected {FORMAT!r}); pass a directory written by save_pretrained"
        )
    version = _format_version(payload, source)
    while version < FORMAT_VERSION:
        payload = MIGRATIONS[version](payload)
        version += 1
    return payload


def parse_config_file(payload: Any, *, source: str) -> FlowFMConfigFile:
    """Migrate and validate a parsed ``config.json``.

    Parameters
    ----------
    payload : any
        The parsed JSON document.
    source : str
        The model directory, for messages.

    Returns
    -------
    FlowFMConfigFile

    Raises
    ------
    tsfm.exceptions.CheckpointError
        Naming the section and key of each problem.
    """
    payload = migrate(payload, source=source)
    try:
        return FlowFMConfigFile.model_validate(payload)
    except ValidationError as exc:
        sections = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}) or ["top"]
        details = describe_errors(exc, FlowFMConfigFile, style="file")
        raise CheckpointError(
            f"the {' and '.join(sections)} section of config.json in {source!r} is invalid: "
            f"{details}; {_FIX}"
        ) from None


def config_file(
    model: ModelConfig,
    standardizer: ChannelStandardizer,
    settings: PretrainingSettings,
    text: TextConfig | None = None,
    input: dict[str, Any] | None = None,
    plugins: list[PluginRecord] | None = None,
    observation: ObservationConfig | None = None,
) -> FlowFMConfigFile:
    """The ``config.json`` of a fitted pretrainer (current format)."""
    return FlowFMConfigFile(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        model=model,
        normalization=NormalizationConfig.from_standardizer(standardizer),
        estimator_params=settings,
        text=text,
        observation=observation,
        input=input,
        plugins=plugins,
    )
