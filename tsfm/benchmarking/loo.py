"""Leave-one-dataset-out models: pretrained on the corpus without the dataset they are tested on.

A transfer result is honest only if the evaluated dataset's windows never reached
pretraining. :func:`loo_model` builds the corpus without it
(``build_corpus(..., exclude=[name])``, windowed like the shipped wrist corpus) and
pretrains a model on it with the run machinery of :mod:`tsfm.training.run` (warm-up
and cosine LR, EMA of the weights, checkpoints, resume). Both are cached: a second
call reuses the corpus and the exported model, and an interrupted run resumes from its
last checkpoint.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tsfm.datasets.corpus import WRIST_CORPUS, DatasetSpec, build_corpus, resolve_specs
from tsfm.datasets.shards import MANIFEST
from tsfm.training.run import (
    MODEL_DIR,
    RUN_CONFIG_NAME,
    RunConfig,
    load_run_config,
    read_run,
    start_run,
    train_run,
)

#: the windowing of the shipped wrist model's corpus (docs/corpus.md), repeated by every
#: leave-one-dataset-out corpus
CORPUS_WINDOWING: dict[str, Any] = {"rate": 30.0, "window_seconds": 10.0, "stride_seconds": 2.0,
                                    "channels": ("acc",)}


@dataclass(frozen=True)
class LOOBudget:
    """The pretraining budget of the leave-one-dataset-out models.

    Attributes
    ----------
    model : str
        Size preset (``--loo-model``); smaller than the shipped model to fit the CPU.
    epochs : int
        Epochs over the corpus (``--loo-epochs``).
    batch_size : int
    lr : float
        Peak AdamW learning rate (after one epoch of warm-up, then cosine decay).
    seed : int
    device : str
    patch_size : int or None
        Patch size of both networks (``--patch-size``; the transfer benchmark gives the
        shipped model's, so that every model compared shares it); None keeps the
        preset's rule.
    encoder, velocity : dict or None
        Further architecture overrides of the preset (for tests).
    crop_scale : float or None
        Random resized crops during pretraining (``augmentation={"crop_scale": ...}``,
        ``--loo-crop-scale``); None for none.
    max_subjects : int or None
        Only the first subjects of each corpus dataset (``--max-subjects``, smoke runs).
    """

    model: str = "tiny"
    epochs: int = 10
    batch_size: int = 64
    lr: float = 1e-3
    seed: int = 0
    device: str = "cpu"
    patch_size: int | None = None
    encoder: dict[str, Any] | None = None
    velocity: dict[str, Any] | None = None
    crop_scale: float | None = None
    max_subjects: int | None = None

    def run_config(self, corpus: str | Path) -> RunConfig:
        """The settings of the run that pretrains on ``corpus``."""
        patch = {} if self.patch_size is None else {"patch_size": self.patch_size}
        return load_run_config({
            "corpus": str(corpus), "model": self.model, "epochs": self.epochs,
            "batch_size": self.batch_size, "lr": self.lr, "random_state": self.seed,
            "device": self.device, "encoder": {**patch, **(self.encoder or {})} or None,
            "velocity": {**patch, **(self.velocity or {})} or None,
            "augmentation": None if self.crop_scale is None else {"crop_scale": self.crop_scale},
        })

    def name(self) -> str:
        """The part of the run directory's name that the budget fixes."""
        patch = "" if self.patch_size is None else f"-p{self.patch_size}"
        crop = "" if self.crop_scale is None else f"-crop{self.crop_scale:g}"
        return f"{self.model}{patch}{crop}-e{self.epochs}-s{self.seed}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LOOModel:
    """A leave-one-dataset-out model and what it cost.

    Attributes
    ----------
    excluded : str
        The dataset left out of its corpus.
    directory : Path
        The exported model (``config.json`` + ``model.safetensors``).
    run_dir, corpus_dir : Path
    corpus_datasets : tuple of str
        The datasets it was pretrained on.
    n_windows : int
        Windows of its corpus.
    train_seconds : float
        Training time of the whole run (all sessions), from its ``summary.json``.
    reused : bool
        Whether it came from the cache.
    """

    excluded: str
    directory: Path
    run_dir: Path
    corpus_dir: Path
    corpus_datasets: tuple[str, ...]
    n_windows: int
    train_seconds: float
    reused: bool


def _suffix(max_subjects: int | None) -> str:
    return "" if max_subjects is None else f"-max{max_subjects}"


def _check_cached_corpus(path: Path, expected: list[str]) -> None:
    info = json.loads((path / MANIFEST).read_text())["info"]
    found = list(info.get("datasets", {}))
    windowing = {k: info.get(k) for k in ("rate", "window_seconds", "stride_seconds")}
    wanted = {k: CORPUS_WINDOWING[k] for k in windowing}
    if sorted(found) != sorted(expected) or windowing != wanted:
        raise ValueError(
            f"{path} holds a corpus of {found} windowed {windowing}, but this one needs "
            f"{expected} windowed {wanted}; delete it or choose another cache directory")


def loo_corpus(exclude: str, cache_dir: str | Path, *, data_dir: str | Path | None,
               corpus: Sequence[str | DatasetSpec] = WRIST_CORPUS,
               max_subjects: int | None = None,
               log: Callable[[str], None] = print) -> Path:
    """The corpus without ``exclude``, built once into ``cache_dir``.

    Parameters
    ----------
    exclude : str
        Dataset to leave out, e.g. ``"hapt"``.
    cache_dir : str or Path
        Holds ``corpus-wrist-no-<exclude>[-max<N>]/``; a corpus already there (for
        example one written by ``tsfm prepare --corpus wrist --exclude <name>``) is
        reused after checking its datasets and windowing.
    data_dir : str or Path or None
        Folder holding every dataset of ``corpus``.
    corpus : sequence of dataset specs, default=WRIST_CORPUS
    max_subjects : int, optional
        Only the first subjects of each dataset (smoke runs).
    log : callable, default=print

    Returns
    -------
    Path
        The shard directory.

    Raises
    ------
    ValueError
        If the cached corpus has other datasets or windowing than this one needs.
    FileExistsError
        If the folder holds an unfinished corpus (shards without a manifest).
    """
    path = Path(cache_dir) / f"corpus-wrist-no-{exclude}{_suffix(max_subjects)}"
    expected = [spec.name for spec in resolve_specs(corpus, [exclude])]
    if (path / MANIFEST).is_file():
        _check_cached_corpus(path, expected)
        log(f"reusing the corpus without {exclude}: {path}")
        return path
    if path.is_dir() and any(path.iterdir()):
        raise FileExistsError(f"{path} holds an unfinished corpus (no {MANIFEST}); delete it "
                              "and run again")
    log(f"building the corpus without {exclude} ({', '.join(expected)}) in {path}")
    build_corpus(corpus, path, data_dir, exclude=[exclude], max_subjects=max_subjects,
                 **CORPUS_WINDOWING)
    return path


def loo_model(exclude: str, cache_dir: str | Path, *, data_dir: str | Path | None,
              budget: LOOBudget, corpus: Sequence[str | DatasetSpec] = WRIST_CORPUS,
              log: Callable[[str], None] = print) -> LOOModel:
    """Pretrain (or reuse, or resume) a model on the corpus without ``exclude``.

    Parameters
    ----------
    exclude : str
        The dataset it must never see.
    cache_dir : str or Path
        Holds the corpus (see :func:`loo_corpus`) and the run directory
        ``loo-<exclude>[-max<N>]-<model>[-p<patch>]-e<epochs>-s<seed>/``.
    data_dir : str or Path or None
    budget : LOOBudget
    corpus : sequence of dataset specs, default=WRIST_CORPUS
    log : callable, default=print

    Returns
    -------
    LOOModel

    Raises
    ------
    ValueError
        If the run directory holds a run with other settings (for example another
        learning rate); delete it or choose another cache directory.
    """
    corpus_dir = loo_corpus(exclude, cache_dir, data_dir=data_dir, corpus=corpus,
                            max_subjects=budget.max_subjects, log=log)
    manifest = json.loads((corpus_dir / MANIFEST).read_text())
    run_dir = Path(cache_dir) / f"loo-{exclude}{_suffix(budget.max_subjects)}-{budget.name()}"
    model_dir = run_dir / MODEL_DIR
    config = budget.run_config(corpus_dir)
    reused = (model_dir / "config.json").is_file()
    if (run_dir / RUN_CONFIG_NAME).is_file() and read_run(run_dir) != config:
        raise ValueError(f"{run_dir} holds a run with other settings than {config}; delete "
                         "it or choose another cache directory")
    if reused:
        log(f"reusing the model without {exclude}: {model_dir}")
    else:
        if not (run_dir / RUN_CONFIG_NAME).is_file():
            start_run(config, run_dir)
        log(f"pretraining a {budget.model} model for {budget.epochs} epochs on the corpus "
            f"without {exclude} ({manifest['n_windows']} windows)")
        started = time.perf_counter()
        train_run(run_dir, verbose=0)
        log(f"model without {exclude} done in {(time.perf_counter() - started) / 60:.1f} min")
    summary = json.loads((run_dir / "summary.json").read_text())
    return LOOModel(exclude, model_dir, run_dir, corpus_dir,
                    tuple(manifest["info"]["datasets"]), int(manifest["n_windows"]),
                    float(summary["train_seconds_total"]), reused)
