"""Starting the benchmark from a pretrained model instead of pretraining per fold.

``--pretrained NAME_OR_DIR`` changes three things, all here:

* the windows are brought to the model's input by :func:`fit_to_model`: resampled to
  its rate with the anti-aliased resampler (:func:`tsfm.datasets.to_model_input`),
  each at its own duration. They are never padded to the model's window: a 1 s GeoTec
  window padded to 10 s would be 90 % made-up signal, which the model never saw in
  pretraining and which its mean pooling would mix into every embedding, while shorter
  inputs are what the model's interpolated positional embeddings are for;
* the encoders come from :func:`pretrained_encoders`: the model itself for the FlowFM
  encoder of ``flowfm-probe`` and ``flowfm-finetune`` (nothing is pretrained per fold),
  and an untrained copy of its architecture for ``random-probe``;
* ``scratch`` takes the model's architecture (:meth:`ModelSpec.architecture`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tsfm.benchmarking.data import BenchmarkData
from tsfm.benchmarking.methods import FLOWFM, RANDOM, EncoderSpec
from tsfm.benchmarking.pretraining import PretrainedEncoder


@dataclass(frozen=True)
class ModelSpec:
    """What a pretrained model expects and how it is built.

    Attributes
    ----------
    reference : str
        The name or directory it was given as.
    directory : Path
        Its model directory (``config.json`` + ``model.safetensors``).
    n_channels : int
    n_timepoints : int
        The window length it was pretrained on.
    rate : float
        Its rate in Hz.
    rate_source : str
        Where ``rate`` comes from: its ``config.json``, or the ``--model-rate`` default.
    patch_size : int
        The largest patch of its networks: the shortest input it accepts.
    preset : str
        Its size preset (``tiny``, ``small``, ``base``).
    encoder, velocity : dict
        Its full network configurations (depth, width, heads, patch size...).
    objective : str
        Its pretraining objective.
    corpus_datasets : tuple of str or None
        Datasets of its pretraining corpus, where a ``run.json`` beside the model
        directory names a corpus; None where unknown.
    """

    reference: str
    directory: Path
    n_channels: int
    n_timepoints: int
    rate: float
    rate_source: str
    patch_size: int
    preset: str
    encoder: dict[str, Any]
    velocity: dict[str, Any]
    objective: str
    corpus_datasets: tuple[str, ...] | None = None

    def architecture(self) -> dict[str, Any]:
        """Arguments that build its networks untrained: ``model``, ``encoder``, ``velocity``."""
        return {"model": self.preset, "encoder": dict(self.encoder),
                "velocity": dict(self.velocity)}

    def describe(self) -> str:
        """One line for logs and reports."""
        if self.corpus_datasets is not None:
            corpus = ", ".join(self.corpus_datasets)
        elif (self.directory / "README.md").is_file():  # a shipped or exported model's card
            corpus = f"see its model card, {self.directory / 'README.md'}"
        else:
            corpus = "unknown"
        return (f"{self.reference} ({self.preset}, {self.objective}, {self.n_channels} ch x "
                f"{self.n_timepoints} pts at {self.rate:g} Hz [{self.rate_source}], patch "
                f"{self.patch_size}; pretraining corpus: {corpus})")


def _corpus_datasets(directory: Path) -> tuple[str, ...] | None:
    """Datasets of the corpus named by ``run.json`` beside ``directory`` (a run's ``model/``)."""
    run = directory.parent / "run.json"
    try:
        corpus = Path(json.loads(run.read_text())["corpus"])
        manifest = json.loads((corpus / "manifest.json").read_text())
        return tuple(manifest["info"]["datasets"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def describe_model(reference: str | Path, *, default_rate: float = 30.0) -> ModelSpec:
    """Resolve and load a pretrained model and say what input it expects.

    Parameters
    ----------
    reference : str or Path
        A shipped model name, a model directory or a Hub id (see
        :func:`tsfm.zoo.model_directory`).
    default_rate : float, default=30.0
        Its rate in Hz where its ``config.json`` has no ``input.rate``.

    Returns
    -------
    ModelSpec

    Raises
    ------
    tsfm.zoo.registry.UnknownModelError
        For a reference that is no model.
    tsfm.exceptions.CheckpointError
        For a model directory that does not load.
    """
    from tsfm import FlowFMPretrainer
    from tsfm.zoo import model_directory

    directory = model_directory(reference)
    pre = FlowFMPretrainer.from_pretrained(directory, device="cpu")
    stated = json.loads((directory / "config.json").read_text()).get("input", {}) or {}
    config = pre.config_
    return ModelSpec(
        reference=str(reference), directory=Path(directory),
        n_channels=config.n_channels, n_timepoints=config.n_timepoints,
        rate=float(stated.get("rate", default_rate)),
        rate_source="config.json" if "rate" in stated else
        "--model-rate default (config.json states no rate)",
        patch_size=config.largest_patch(), preset=pre.model,
        encoder=config.encoder.model_dump(mode="json"),
        velocity=config.velocity.model_dump(mode="json"),
        objective=pre.settings_.objective, corpus_datasets=_corpus_datasets(Path(directory)))


def fit_to_model(data: BenchmarkData, model: ModelSpec) -> BenchmarkData:
    """The windows of ``data`` resampled to the model's rate, each keeping its duration.

    Parameters
    ----------
    data : BenchmarkData
        Windows of shape (n_windows, n_channels, n_timepoints); ``data.info["rate"]``
        is their rate.
    model : ModelSpec

    Returns
    -------
    BenchmarkData
        Windows of shape (n_windows, n_channels, round(n_timepoints * model.rate / rate))
        at ``model.rate``; ``info`` records the original rate (``resampled_from``).

    Raises
    ------
    ValueError
        If the channel counts differ, the rate of ``data`` is unknown, or the resampled
        windows are shorter than one patch of the model.
    """
    from tsfm.datasets import to_model_input

    if data.X.shape[1] != model.n_channels:
        raise ValueError(
            f"{data.name} has {data.X.shape[1]} channels ({data.info.get('channels', '?')}) "
            f"but the pretrained model {model.reference} expects {model.n_channels}; load "
            "the dataset with the model's channels (channels=['acc'] for the wrist models)")
    rate = data.info.get("rate")
    if rate is None:
        raise ValueError(f"the rate of {data.name}'s windows is unknown (no 'rate' in its "
                         "info), so they cannot be resampled to the model's rate; load it "
                         "with tsfm.benchmarking.load_benchmark_data")
    X = to_model_input(data.X, float(rate), model_rate=model.rate)
    if X.shape[-1] < model.patch_size:
        raise ValueError(
            f"{data.name}'s windows of {data.X.shape[-1]} points at {rate:g} Hz give "
            f"{X.shape[-1]} points at {model.rate:g} Hz, fewer than one patch "
            f"({model.patch_size}) of the pretrained model; use windows of at least "
            f"{model.patch_size / model.rate:g} s")
    info = {**data.info, "rate": model.rate, "n_timepoints": X.shape[-1],
            "resampled_from": float(rate)}
    return BenchmarkData(name=data.name, X=X, y=data.y, groups=data.groups, split=data.split,
                         info=info)


def pretrained_encoders(model: ModelSpec) -> Callable[..., PretrainedEncoder]:
    """The encoder provider of a run from ``model`` (the ``pretrain`` of ``run_benchmark``).

    Parameters
    ----------
    model : ModelSpec

    Returns
    -------
    callable
        ``provide(spec, X, index, *, config, seed, directory)``: the model's directory
        for the FlowFM encoder (nothing trained, 0 epochs); for the random encoder an
        untrained copy of the model's architecture, initialised with ``seed`` on
        ``X[index]`` (for its normalisation) and saved to ``directory``.
    """
    source = f"pretrained model {model.reference} (loaded, not pretrained per fold)"

    def provide(spec: EncoderSpec, X, index, *, config, seed: int,
                directory: Path) -> PretrainedEncoder:
        from tsfm import FlowFMPretrainer

        if spec == FLOWFM:
            return PretrainedEncoder(model.directory, 0, 0.0, 0, source=source)
        if spec == RANDOM:
            pretrainer = FlowFMPretrainer(
                objective=model.objective, max_epochs=0, batch_size=config.batch_size,
                device=config.device, random_state=seed, **model.architecture())
            pretrainer.fit(X[index])
            pretrainer.save_pretrained(directory)
            return PretrainedEncoder(Path(directory), 0, 0.0, len(index),
                                     source=f"untrained, architecture of {model.reference}")
        raise ValueError(f"encoder {spec.key} cannot come from a pretrained model; run the "
                         "methods that can (--methods pretrained)")

    return provide
