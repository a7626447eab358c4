"""One rank of the 2-process tests in tests/test_distributed.py (started by them).

``python tests/distributed_worker.py OUT fit`` fits a tiny FlowFMPretrainer on sktime's
bundled BasicMotions recordings (80 series, 6 channels, 100 points) and writes, per
rank, its weights (``rank<r>.safetensors``) and ``rank<r>.json``: the indices of the
windows it trained on in each epoch, and its loss per epoch. Rank 0 also saves the
model to ``OUT/model``. A FlowFMClassifier is then fine-tuned from it on the labels
(``clf<r>.safetensors``, and its losses in ``rank<r>.json``). ``... OUT hang`` trains
for very many epochs in a process group with a 15 s timeout, writing
``rank<r>.started`` after its first epoch, to be killed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import torch.distributed as dist
from safetensors.torch import save_file
from skorch.callbacks import Callback
from sktime.datasets import load_basic_motions

from tsfm import FlowFMClassifier, FlowFMPretrainer
from tsfm.training import distributed

ARCH = {"depth": 1, "width": 32, "heads": 2, "patch_size": 10}


def row_key(row: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(row, dtype=np.float32).tobytes()).hexdigest()


class SeenWindows(Callback):
    """Keys of the windows of every training batch, one list per epoch."""

    def __init__(self, started: Path | None = None):
        self.started = started

    def initialize(self):
        self.epochs_ = []
        return self

    def on_epoch_begin(self, net, **kwargs):
        self.epochs_.append([])

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            self.epochs_[-1] += [row_key(row.numpy()) for row in batch[0]]

    def on_epoch_end(self, net, **kwargs):
        if self.started is not None:
            self.started.touch()


def main(out: Path, mode: str) -> None:
    X, y = load_basic_motions(return_type="numpy3D")
    X = X.astype(np.float32)
    if mode == "hang":
        dist.init_process_group("gloo", timeout=timedelta(seconds=15))
    started = out / f"rank{dist.get_rank() if dist.is_initialized() else 0}.started"
    seen = SeenWindows(started if mode == "hang" else None)
    pre = FlowFMPretrainer(
        model="tiny", encoder=ARCH, velocity=ARCH, max_epochs=10_000 if mode == "hang" else 6,
        batch_size=8, lr=3e-3, device="cpu", random_state=0, callbacks=[("seen", seen)],
    ).fit(X)
    rank = distributed.rank()
    keys = {row_key(row): i for i, row in enumerate(pre.standardizer_.transform(X))}
    record = {
        "world_size": distributed.world_size(),
        "net": type(pre.net_).__name__,
        "seen": [[keys[k] for k in epoch] for epoch in seen.epochs_],
        "loss": list(pre.history_[:, "train_loss"]),
    }
    clf = FlowFMClassifier(pretrained=pre, max_epochs=3, batch_size=8, device="cpu",
                           random_state=0).fit(X, y)
    record["classifier_net"] = type(clf.net_).__name__
    record["classifier_loss"] = list(clf.history_[:, "train_loss"])
    save_file({k: v.contiguous() for k, v in clf.net_.module_.state_dict().items()},
              out / f"clf{rank}.safetensors")
    (out / f"rank{rank}.json").write_text(json.dumps(record))
    save_file({k: v.contiguous() for k, v in pre.net_.module_.state_dict().items()},
              out / f"rank{rank}.safetensors")
    if distributed.is_main_process():
        pre.save_pretrained(out / "model")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
