"""Checkpoints of a pretraining run, written atomically and resumed exactly.

A checkpoint is a directory ``checkpoints/epoch-000012/`` holding everything needed
to continue as if the run had never stopped:

============================  ===========================================================
``module.safetensors``        the network's weights (skorch ``save_params``, safetensors)
``optimizer.pt``              the optimizer state (skorch ``save_params``; loaded with
                              ``torch.load(weights_only=True)``, which runs no code)
``history.json``              the skorch history, so epochs and the LR schedule continue
``ema.safetensors``           the EMA of the weights, when the run keeps one
``rng.safetensors``           torch's CPU (and CUDA) generator states
``state.json``                epoch, numpy and Python generator states, file checksums,
                              and the float16 gradient scaler's state (``precision="fp16"``)
============================  ===========================================================

Each checkpoint is built under a temporary name and renamed into place
(:func:`tsfm.io.atomic.atomic_directory`), so a kill leaves either the previous
checkpoints or a complete new one. On resume the newest checkpoint whose files match
their recorded checksums is used; a corrupt or partial one is reported by name and the
previous one is tried.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from skorch.callbacks import Callback

from tsfm.io.atomic import atomic_directory
from tsfm.training.distributed import is_main_process

CHECKPOINT_PATTERN = re.compile(r"^epoch-(\d{6})$")
STATE_NAME = "state.json"


class CheckpointWarning(UserWarning):
    """A checkpoint could not be used and an older one was tried instead."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rng_state() -> tuple[dict[str, torch.Tensor], dict]:
    tensors = {"torch_cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        for index, state in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"torch_cuda_{index}"] = state
    kind, keys, pos, has_gauss, cached = np.random.get_state()  # noqa: NPY002 (the legacy global stream is restored too)
    tensors["numpy_keys"] = torch.from_numpy(np.asarray(keys, dtype=np.int64))
    version, internal, gauss_next = random.getstate()
    extra = {
        "numpy": {"kind": kind, "pos": int(pos), "has_gauss": int(has_gauss),
                  "cached_gaussian": float(cached)},
        "python": {"version": version, "state": list(internal), "gauss_next": gauss_next},
    }
    return tensors, extra


def _set_rng_state(tensors: dict[str, torch.Tensor], extra: dict) -> None:
    torch.set_rng_state(tensors["torch_cpu"])
    cuda = sorted(key for key in tensors if key.startswith("torch_cuda_"))
    if cuda and torch.cuda.is_available() and len(cuda) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all([tensors[key] for key in cuda])
    numpy = extra["numpy"]
    np.random.set_state((  # noqa: NPY002
        numpy["kind"], tensors["numpy_keys"].numpy().astype(np.uint32), numpy["pos"],
        numpy["has_gauss"], numpy["cached_gaussian"],
    ))
    python = extra["python"]
    random.setstate((python["version"], tuple(python["state"]), python["gauss_next"]))


def list_checkpoints(directory: str | Path) -> list[Path]:
    """Checkpoint directories under ``directory``, oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_dir() and CHECKPOINT_PATTERN.match(p.name)]
    return sorted(found, key=lambda p: int(CHECKPOINT_PATTERN.match(p.name).group(1)))


def verify_checkpoint(path: Path) -> dict:
    """Return the checkpoint's ``state.json`` if every file matches its checksum.

    Raises
    ------
    ValueError
        Naming the missing, unreadable or altered file.
    """
    state_file = path / STATE_NAME
    try:
        state = json.loads(state_file.read_text())
        files = state["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{state_file} is missing or unreadable ({exc})") from None
    for name, expected in files.items():
        file = path / name
        if not file.is_file():
            raise ValueError(f"{file} is missing")
        if _sha256(file) != expected:
            raise ValueError(f"{file} does not match its recorded checksum (corrupt)")
    return state


def latest_good_checkpoint(directory: str | Path) -> tuple[Path, dict] | None:
    """The newest checkpoint that verifies, warning about each newer one that does not."""
    for path in reversed(list_checkpoints(directory)):
        try:
            return path, verify_checkpoint(path)
        except ValueError as exc:
            warnings.warn(
                f"skipping checkpoint {path}: {exc}; falling back to the previous one",
                CheckpointWarning,
                stacklevel=2,
            )
    return None


class RunCheckpoint(Callback):
    """Write a resumable checkpoint every few epochs and/or minutes, and at the end.

    Parameters
    ----------
    directory : str or Path
        Where the ``epoch-NNNNNN`` directories go.
    every_epochs : int or None, default=1
        Checkpoint after every this many epochs (counted over the whole run).
    every_minutes : float or None, default=None
        Also checkpoint at the end of the first epoch after this much time passed.
    total_epochs : int or None, default=None
        Epochs of the whole run; the last one is always checkpointed.
    keep : int, default=2
        How many of the newest checkpoints to keep.
    ema : EMAWeights or None
        The run's EMA callback, whose average is saved too.
    """

    def __init__(self, directory, *, every_epochs=1, every_minutes=None, total_epochs=None,
                 keep=2, ema=None):
        self.directory = directory
        self.every_epochs = every_epochs
        self.every_minutes = every_minutes
        self.total_epochs = total_epochs
        self.keep = keep
        self.ema = ema

    def initialize(self):
        self.last_time_ = time.monotonic()
        return self

    def _due(self, epoch: int) -> bool:
        if self.total_epochs is not None and epoch >= self.total_epochs:
            return True
        if self.every_epochs and epoch % self.every_epochs == 0:
            return True
        minutes = (time.monotonic() - self.last_time_) / 60
        return bool(self.every_minutes) and minutes >= self.every_minutes

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        if self._due(epoch) and is_main_process():  # data-parallel: rank 0 writes
            self.save(net, epoch)
            self.last_time_ = time.monotonic()

    def save(self, net, epoch: int) -> Path:
        """Write the checkpoint of ``epoch`` atomically and prune old ones."""
        directory = Path(self.directory)
        target = directory / f"epoch-{epoch:06d}"
        with atomic_directory(target) as staging:
            net.save_params(f_params=staging / "module.safetensors", use_safetensors=True)
            net.save_params(f_optimizer=staging / "optimizer.pt",
                            f_history=staging / "history.json")
            if self.ema is not None and self.ema.averaged_ is not None:
                save_file(self.ema.state_dict(), staging / "ema.safetensors")
            tensors, extra = _rng_state()
            save_file({k: v.contiguous() for k, v in tensors.items()},
                      staging / "rng.safetensors")
            files = {p.name: _sha256(p) for p in sorted(staging.iterdir())}
            state = {"epoch": epoch, "files": files, "rng": extra,
                     "train_loss": net.history[-1].get("train_loss")}
            scaler = getattr(net, "grad_scaler_", None)
            if scaler is not None and scaler.is_enabled():
                state["grad_scaler"] = scaler.state_dict()  # scale and growth tracker
            (staging / STATE_NAME).write_text(json.dumps(state))
        for old in list_checkpoints(directory)[: -max(1, int(self.keep))]:
            shutil.rmtree(old, ignore_errors=True)
        return target


class ResumeFromCheckpoint(Callback):
    """Restore the newest good checkpoint of a run when training begins.

    Restores the weights, optimizer, history (hence the epoch count and the LR
    schedule's position), the EMA, the float16 gradient scaler and the random
    generators. Place it before the LR
    scheduler in the callback list. Does nothing when the directory has no checkpoint.

    Parameters
    ----------
    directory : str or Path
    ema : EMAWeights or None
    """

    def __init__(self, directory, *, ema=None):
        self.directory = directory
        self.ema = ema

    def initialize(self):
        self.resumed_from_ = None
        return self

    def on_train_begin(self, net, **kwargs):
        found = latest_good_checkpoint(self.directory)
        if found is None:
            return
        path, state = found
        try:
            net.load_params(f_params=path / "module.safetensors", use_safetensors=True)
            net.load_params(f_optimizer=path / "optimizer.pt", f_history=path / "history.json")
            if self.ema is not None and (path / "ema.safetensors").is_file():
                self.ema.load_state_dict(net, load_file(path / "ema.safetensors"))
            _set_rng_state(load_file(path / "rng.safetensors"), state["rng"])
            scaler = getattr(net, "grad_scaler_", None)
            if "grad_scaler" in state and scaler is not None and scaler.is_enabled():
                scaler.load_state_dict(state["grad_scaler"])
        except (SafetensorError, OSError, RuntimeError, KeyError, ValueError) as exc:
            raise ValueError(
                f"checkpoint {path} verified but could not be restored ({exc}); delete it to "
                "fall back to the previous one"
            ) from exc
        self.resumed_from_ = path
