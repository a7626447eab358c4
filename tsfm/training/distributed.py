"""Data-parallel training on ``torch.distributed``: one process per device, many nodes.

Nothing here is a training loop or a communication layer of its own. A launcher
(``torchrun`` or ``accelerate launch``) starts one process per device and sets
``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR`` and ``MASTER_PORT``;
:func:`init_from_environment` joins the process group (NCCL on CUDA, gloo on the CPU);
:class:`DataParallelMixin` makes a skorch net train through
:class:`torch.nn.parallel.DistributedDataParallel` (gradients are averaged across
ranks in the backward pass) and read its training data through a
:class:`torch.utils.data.distributed.DistributedSampler` (each rank a disjoint
shard of every epoch's permutation).

The net's ``module_`` stays the plain module: the DDP wrapper exists only between
``on_train_begin`` and ``on_train_end`` and shares its parameters, so checkpoints, the
EMA and saved models see the same ``state_dict`` keys as on one device.

A rank that dies ends the run: the surviving ranks' next collective fails (gloo:
the peer's connection closes; NCCL: the watchdog), at the latest after the process
group's ``timeout``.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta

import torch
import torch.distributed as dist
from skorch.utils import to_tensor
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

#: seconds a collective may wait for the other ranks before the run fails
DEFAULT_TIMEOUT_S = 600.0


def launched() -> bool:
    """Whether this process was started by a launcher as one of several ranks."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def active() -> bool:
    """Whether a process group of more than one rank is initialised."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def world_size() -> int:
    """Ranks in the process group (1 without one)."""
    return dist.get_world_size() if active() else 1


def rank() -> int:
    """This process's rank (0 without a process group)."""
    return dist.get_rank() if active() else 0


def is_main_process() -> bool:
    """Whether this process writes the run's files (rank 0, or the only process)."""
    return rank() == 0


def init_from_environment(device: str, *, timeout_s: float | None = None) -> str:
    """Join the launcher's process group (once) and give this rank its device.

    Does nothing outside a multi-process launch. A process group that the caller
    initialised already (with its own backend and timeout) is used as it is.

    Parameters
    ----------
    device : str
        The resolved ``device`` parameter: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
    timeout_s : float or None, default=None
        How long a collective waits for the other ranks before failing;
        :data:`DEFAULT_TIMEOUT_S` when None.

    Returns
    -------
    str
        The device of this rank: ``"cuda:<LOCAL_RANK>"`` for ``"cuda"``, else ``device``.
    """
    if not launched():
        return device
    if not dist.is_initialized():
        backend = "nccl" if device.startswith("cuda") else "gloo"
        timeout = timedelta(seconds=DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s)
        dist.init_process_group(backend, timeout=timeout)
    if device == "cuda":
        device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
    if device.startswith("cuda"):
        torch.cuda.set_device(device)
    return device


def barrier() -> None:
    """Wait for every rank (nothing without a process group)."""
    if active():
        dist.barrier()


def check_shardable(n_samples: int, n_ranks: int) -> None:
    """Refuse data that cannot give every rank a sample of its own.

    ``DistributedSampler`` gives every rank ``ceil(n_samples / n_ranks)`` samples,
    repeating the first few of the epoch's permutation to fill the last ranks. With
    fewer samples than ranks, some ranks would train on repeats only.

    Raises
    ------
    ValueError
        If ``n_samples < n_ranks``.
    """
    if n_samples < n_ranks:
        raise ValueError(
            f"{n_samples} training samples cannot be shared by {n_ranks} processes (each "
            "needs at least one); train on more data or launch fewer processes"
        )


class DataParallelMixin:
    """Mix into a skorch net to train it data-parallel across a process group.

    With one process (no launcher, or ``WORLD_SIZE=1``) the net behaves exactly like
    its base class. Across ``N`` ranks every rank runs the same skorch loop on its
    ``1/N`` of each epoch; the effective batch is ``N * batch_size`` and an epoch takes
    ``ceil(n / (N * batch_size))`` steps. Mix it in first (before the net class), so
    that its ``get_iterator``, ``infer`` and hooks come before skorch's; a net with an
    ``autocast()`` method gets its forward run under it.
    """

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self._ddp = None
        if active():
            if X is not None:
                check_shardable(len(X), world_size())
            device_ids = [torch.device(self.device)] if str(self.device).startswith("cuda") \
                else None
            # built here, collectively, so that every rank starts from rank 0's weights;
            # set past skorch's __setattr__, which would register it as a second module
            # (it only shares module_'s parameters)
            ddp = DistributedDataParallel(self.module_, device_ids=device_ids)
            object.__setattr__(self, "_ddp", ddp)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        self._ddp = self._sampler = None  # the wrapper holds the process group
        super().on_train_end(net, X=X, y=y, **kwargs)

    def infer(self, x, **fit_params):
        ddp = getattr(self, "_ddp", None)
        if ddp is None:
            return super().infer(x, **fit_params)
        autocast = self.autocast() if hasattr(self, "autocast") else contextlib.nullcontext()
        with autocast:
            return ddp(to_tensor(x, device=self.device), **fit_params)

    def get_iterator(self, dataset, training=False):
        if not (training and active()):
            return super().get_iterator(dataset, training=training)
        kwargs = self.get_params_for("iterator_train")
        shuffle = bool(kwargs.pop("shuffle", False))
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        # skorch builds the training iterator once per fit; on_epoch_begin reshuffles it
        self._sampler = DistributedSampler(dataset, shuffle=shuffle, seed=0, drop_last=False)
        self._sampler.set_epoch(len(self.history))
        return self.iterator_train(dataset, sampler=self._sampler, **kwargs)

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid,
                               **kwargs)
        sampler = getattr(self, "_sampler", None)
        if sampler is not None:
            # a new permutation each epoch, the same on every rank, the same after resume
            sampler.set_epoch(len(self.history))

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_ddp", None)
        state.pop("_sampler", None)
        return state
