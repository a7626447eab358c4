"""A run's plain records: ``train_log.csv`` (one row per epoch) and ``history.json``."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

from skorch.callbacks import Callback

from tsfm.io.atomic import atomic_write_text
from tsfm.training.distributed import is_main_process

LOG_COLUMNS = ("epoch", "train_loss", "lr", "epoch_seconds", "wall_seconds")


class RunLog(Callback):
    """After every epoch, rewrite ``train_log.csv`` and ``history.json`` atomically.

    Both are rebuilt from the net's history, so after a resume they hold the whole
    run, continuous across the interruption.

    Parameters
    ----------
    directory : str or Path
        The run directory.
    """

    def __init__(self, directory):
        self.directory = directory

    def initialize(self):
        self.start_ = time.monotonic()
        return self

    def on_epoch_end(self, net, **kwargs):
        if not is_main_process():  # data-parallel: rank 0 writes the log
            return
        directory = Path(self.directory)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(LOG_COLUMNS)
        wall = 0.0
        for row in net.history:
            batches = row.get("batches") or [{}]
            wall += row.get("dur", 0.0)
            writer.writerow([
                row["epoch"], f"{row.get('train_loss', float('nan')):.6g}",
                f"{batches[-1].get('lr', float('nan')):.6g}", f"{row.get('dur', 0.0):.1f}",
                f"{wall:.1f}",
            ])
        atomic_write_text(directory / "train_log.csv", buffer.getvalue())
        atomic_write_text(directory / "history.json", json.dumps(net.history.to_list()))
