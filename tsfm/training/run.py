"""Long pretraining runs that survive: a run directory, checkpoints and exact resume.

A run is one :class:`~tsfm.FlowFMPretrainer` fit with skorch callbacks (warm-up then
cosine LR, gradient clipping, an EMA of the weights, checkpoints, a CSV log); there is
no second training loop. The run directory holds::

    run.json            the run's settings (RunConfig), written once at the start
    checkpoints/        epoch-NNNNNN/ directories (see tsfm.training.checkpoints)
    history.json        the skorch history of the whole run
    train_log.csv       one row per epoch
    model/              the exported model (config.json + model.safetensors), at the end
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any, Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from skorch.callbacks import GradientNormClipping

from tsfm.io.atomic import atomic_write_text
from tsfm.training import distributed
from tsfm.training.checkpoints import (
    ResumeFromCheckpoint,
    RunCheckpoint,
    latest_good_checkpoint,
)
from tsfm.training.ema import EMAWeights
from tsfm.training.run_log import RunLog
from tsfm.training.schedule import WarmupCosineLR

RUN_CONFIG_NAME = "run.json"
CHECKPOINT_DIR = "checkpoints"
MODEL_DIR = "model"


class RunConfig(BaseModel):
    """Settings of a pretraining run (``tsfm pretrain`` options or a TOML file).

    Attributes
    ----------
    corpus : str
        Shard directory written by ``tsfm prepare`` (the pretraining windows).
    model : str
        Size preset (``tiny``, ``small``, ``base``).
    epochs : int
        Epochs of the whole run.
    batch_size, lr, weight_decay, mask_prob :
        As for :class:`~tsfm.FlowFMPretrainer`.
    warmup_epochs : float
        Linear warm-up of the learning rate, in epochs; cosine decay follows.
    final_lr_factor : float
        Learning rate at the end, as a fraction of ``lr``.
    ema_decay : float or None
        Decay of the EMA of the weights; the exported model is the EMA one. None keeps
        the raw weights.
    grad_clip : float or None
        Maximum global gradient norm (skorch ``GradientNormClipping``); None disables it.
    checkpoint_every_epochs, checkpoint_every_minutes, keep_checkpoints :
        When checkpoints are written (always at epoch ends) and how many are kept.
    random_state : int
        Seed of the run.
    device : str
        ``"auto"``, ``"cpu"``, ``"cuda"``…
    precision : {"fp32", "bf16", "fp16"}
        ``"bf16"``: bfloat16 autocast; ``"fp16"``: float16 autocast with a gradient
        scaler, whose state the checkpoints keep (both for CUDA); off by default.
    compile : bool
        ``torch.compile`` the networks (in place), off by default.
    dist_timeout_s : float
        Data-parallel runs (``torchrun``, ``accelerate launch``): how long a rank waits
        for the others in a collective before the run fails with an error.
    encoder, velocity, augmentation : dict or None
        As for :class:`~tsfm.FlowFMPretrainer`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    corpus: str
    model: str = "small"
    epochs: int = Field(40, ge=1, le=100_000)
    batch_size: int = Field(64, ge=1, le=1 << 20)
    lr: float = Field(1e-3, gt=0, le=10)
    weight_decay: float = Field(0.01, ge=0, le=10)
    mask_prob: float = Field(0.5, ge=0, lt=1)
    warmup_epochs: float = Field(1.0, ge=0)
    final_lr_factor: float = Field(0.01, ge=0, le=1)
    ema_decay: float | None = Field(0.999, gt=0, lt=1)
    grad_clip: float | None = Field(1.0, gt=0)
    checkpoint_every_epochs: int | None = Field(1, ge=1)
    checkpoint_every_minutes: float | None = Field(None, gt=0)
    keep_checkpoints: int = Field(2, ge=1)
    random_state: int = Field(0, ge=0, lt=2**32)
    device: str = "auto"
    precision: Literal["fp32", "bf16", "fp16"] = "fp32"
    compile: bool = False
    dist_timeout_s: float = Field(600.0, gt=0)
    encoder: dict[str, Any] | None = None
    velocity: dict[str, Any] | None = None
    augmentation: dict[str, Any] | None = None


def load_run_config(source: dict[str, Any]) -> RunConfig:
    """Validate run settings, raising ``ValueError`` that names each bad key."""
    try:
        return RunConfig.model_validate(source)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc'])) or 'config'}: {err['msg']}" for err in exc.errors()
        )
        raise ValueError(f"invalid pretraining settings: {problems}") from None


def _run_callbacks(config: RunConfig, run_dir: Path) -> list[tuple[str, Any]]:
    ema = EMAWeights(config.ema_decay) if config.ema_decay is not None else None
    checkpoints = run_dir / CHECKPOINT_DIR
    callbacks: list[tuple[str, Any]] = [
        ("resume", ResumeFromCheckpoint(checkpoints, ema=ema)),
        ("lr_schedule", WarmupCosineLR(
            total_epochs=config.epochs, batch_size=config.batch_size,
            warmup_epochs=config.warmup_epochs, final_factor=config.final_lr_factor,
        )),
    ]
    if config.grad_clip is not None:
        callbacks.append(("grad_clip", GradientNormClipping(config.grad_clip)))
    if ema is not None:
        callbacks.append(("ema", ema))
    callbacks += [
        ("checkpoint", RunCheckpoint(
            checkpoints, every_epochs=config.checkpoint_every_epochs,
            every_minutes=config.checkpoint_every_minutes, total_epochs=config.epochs,
            keep=config.keep_checkpoints, ema=ema,
        )),
        ("run_log", RunLog(run_dir)),
    ]
    return callbacks


def start_run(config: RunConfig, run_dir: str | Path) -> Path:
    """Create a new run directory holding ``run.json``; refuse to overwrite a run."""
    run_dir = Path(run_dir)
    if (run_dir / RUN_CONFIG_NAME).exists():
        raise FileExistsError(
            f"{run_dir} already holds a run; continue it with `tsfm pretrain --resume "
            f"{run_dir}` or choose another --out"
        )
    if not Path(config.corpus).is_dir():
        raise FileNotFoundError(f"corpus {config.corpus!r} is not a shard directory; build "
                                "one with `tsfm prepare`")
    atomic_write_text(run_dir / RUN_CONFIG_NAME, config.model_dump_json(indent=2))
    return run_dir


def read_run(run_dir: str | Path) -> RunConfig:
    """The settings of an existing run directory."""
    path = Path(run_dir) / RUN_CONFIG_NAME
    try:
        source = json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{run_dir} is not a pretraining run (no {RUN_CONFIG_NAME}); start one with "
            "`tsfm pretrain --corpus ... --out DIR`"
        ) from None
    except ValueError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc})") from None
    return load_run_config(source)


def completed_epochs(run_dir: str | Path) -> int:
    """Epochs stored in the newest good checkpoint of a run (0 if none)."""
    found = latest_good_checkpoint(Path(run_dir) / CHECKPOINT_DIR)
    return 0 if found is None else int(found[1]["epoch"])


def train_run(run_dir: str | Path, *, verbose: int = 1):
    """Train (or continue) the run in ``run_dir`` to its last epoch and export the model.

    Under a launcher (``torchrun``, ``accelerate launch``) every rank calls this; they
    train data-parallel and rank 0 alone writes checkpoints, logs and the model.

    Returns
    -------
    FlowFMPretrainer
        The fitted pretrainer, holding the EMA weights when the run keeps an EMA.
    """
    from tsfm.estimators.pretrainer import FlowFMPretrainer
    from tsfm.utils.device import resolve_device

    run_dir = Path(run_dir)
    config = read_run(run_dir)
    distributed.init_from_environment(resolve_device(config.device),
                                      timeout_s=config.dist_timeout_s)
    main = distributed.is_main_process()
    done = completed_epochs(run_dir)
    started = time.monotonic()
    pretrainer = FlowFMPretrainer(
        model=config.model,
        mask_prob=config.mask_prob,
        augmentation=config.augmentation,
        max_epochs=max(0, config.epochs - done),
        batch_size=config.batch_size,
        lr=config.lr,
        weight_decay=config.weight_decay,
        device=config.device,
        random_state=config.random_state,
        verbose=verbose if main else 0,
        callbacks=_run_callbacks(config, run_dir),
        encoder=config.encoder,
        velocity=config.velocity,
        precision=config.precision,
        compile=config.compile,
    )
    pretrainer.fit(config.corpus)
    if not main:  # data-parallel: rank 0 holds the same weights and writes the model
        return pretrainer
    pretrainer.save_pretrained(run_dir / MODEL_DIR)
    summary = {
        "epochs": len(pretrainer.history_),
        "resumed_at_epoch": done,
        "weights": "ema" if config.ema_decay is not None else "last",
        "this_session_seconds": round(time.monotonic() - started, 1),
        "train_seconds_total": round(sum(pretrainer.history_[:, "dur"]), 1),
        "final_train_loss": pretrainer.history_[-1, "train_loss"],
        "machine": f"{platform.node()} {platform.machine()}, torch {torch.__version__}, "
                   f"{torch.get_num_threads()} threads",
        "processes": distributed.world_size(),
    }
    atomic_write_text(run_dir / "summary.json", json.dumps(summary, indent=2))
    return pretrainer
