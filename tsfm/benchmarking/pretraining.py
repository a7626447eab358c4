"""Pretraining of the encoders a fold needs, on that fold's training windows only."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tsfm.benchmarking.config import BenchmarkConfig
from tsfm.benchmarking.methods import EncoderSpec

#: the honest default: pretraining sees only the outer fold's training windows
PRETRAINING_SOURCE = "training folds' windows (labels unused); never the test fold"


@dataclass(frozen=True)
class PretrainedEncoder:
    """A saved encoder and what it cost.

    Attributes
    ----------
    directory : Path
        Written by ``save_pretrained``; methods load it by path, so ``clone`` in
        cross-validation keeps the weights fixed.
    epochs : int
    seconds : float
        Wall time of pretraining.
    n_windows : int
        Windows it was pretrained on.
    source : str
        What it was pretrained on (``pretraining_source`` of the results).
    """

    directory: Path
    epochs: int
    seconds: float
    n_windows: int
    source: str = PRETRAINING_SOURCE


def pretrain_encoder(spec: EncoderSpec, X: np.ndarray, index: np.ndarray, *,
                     config: BenchmarkConfig, seed: int, directory: Path) -> PretrainedEncoder:
    """Pretrain (or, for the random encoder, only initialise) on ``X[index]`` and save it.

    Parameters
    ----------
    spec : EncoderSpec
    X : ndarray of shape (n_windows, n_channels, n_timepoints)
        All windows of the dataset; only ``X[index]`` is used. Labels never reach it.
    index : ndarray of int
        The outer fold's training windows.
    config : BenchmarkConfig
    seed : int
    directory : Path

    Returns
    -------
    PretrainedEncoder
    """
    from tsfm import FlowFMPretrainer

    epochs = config.pretrain_epochs if spec.trained else 0
    arch = config.architecture()
    pretrainer = FlowFMPretrainer(
        model=config.model, objective=spec.objective, mask_prob=spec.mask_prob,
        max_epochs=epochs, batch_size=config.batch_size, lr=config.pretrain_lr,
        device=config.device, random_state=seed, encoder=arch, velocity=arch,
    )
    start = time.perf_counter()
    pretrainer.fit(X[index])
    seconds = time.perf_counter() - start
    pretrainer.save_pretrained(directory)
    return PretrainedEncoder(Path(directory), epochs, seconds, len(index))
