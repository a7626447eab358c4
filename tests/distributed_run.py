"""``tsfm pretrain`` as one rank under torchrun, for tests/test_distributed.py.

``torchrun --nproc_per_node 2 tests/distributed_run.py DUMP SLOW -- pretrain ARGS...``
runs ``tsfm pretrain ARGS`` on every rank, sleeping ``SLOW`` seconds after every batch
(so that a test can kill the run between checkpoints), and at the end of training
writes this rank's raw weights to ``DUMP/rank<r>.safetensors`` and the rank's gradient
scaler state to ``DUMP/rank<r>.json`` (``DUMP`` of ``-`` writes nothing).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import save_file
from skorch.callbacks import Callback

import tsfm.training.run as run
from tsfm.cli import main
from tsfm.training import distributed


class Slow(Callback):
    def __init__(self, seconds: float):
        self.seconds = seconds

    def on_batch_end(self, net, **kwargs):
        time.sleep(self.seconds)


class DumpRank(Callback):
    def __init__(self, directory: str):
        self.directory = directory

    def on_train_end(self, net, **kwargs):
        if self.directory == "-":
            return
        out, rank = Path(self.directory), distributed.rank()
        out.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in net.module_.state_dict().items()},
                  out / f"rank{rank}.safetensors")
        scaler = net.grad_scaler_.state_dict() if net.grad_scaler_.is_enabled() else None
        (out / f"rank{rank}.json").write_text(json.dumps(
            {"epochs": len(net.history), "grad_scaler": scaler}))


if __name__ == "__main__":
    dump, slow, separator, *args = sys.argv[1:]
    assert separator == "--", sys.argv
    torch.set_num_threads(1)
    callbacks = run._run_callbacks
    run._run_callbacks = lambda config, run_dir: [
        *callbacks(config, run_dir), ("slow", Slow(float(slow))), ("dump", DumpRank(dump))]
    sys.exit(main(args))
