"""Long pretraining runs: schedule, EMA, checkpoints, and resume after SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load_file

from tsfm.datasets.shards import write_shards
from tsfm.datasets.windowing import WindowBatch
from tsfm.training.checkpoints import CheckpointWarning, latest_good_checkpoint
from tsfm.training.run import load_run_config, read_run, start_run, train_run
from tsfm.training.schedule import warmup_cosine_factor

SETTINGS = {
    "model": "tiny", "epochs": 4, "batch_size": 16, "lr": 3e-3, "warmup_epochs": 1.0,
    "ema_decay": 0.9, "random_state": 3, "device": "cpu",
    "encoder": {"depth": 1, "width": 16, "heads": 2, "patch_size": 8},
    "velocity": {"depth": 1, "width": 16, "heads": 2, "patch_size": 8},
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A shard corpus of 96 noisy sine windows (3 channels x 64 points) in 2 shards."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 64)
    X = np.stack([
        np.stack([np.sin(2 * np.pi * (f + c) * t) for c in range(3)])
        for f in rng.uniform(1, 4, 96)
    ]).astype(np.float32) + 0.05 * rng.standard_normal((96, 3, 64)).astype(np.float32)
    meta = pd.DataFrame({"subject": [f"s{i % 4}" for i in range(96)], "activity": None,
                         "source": "synthetic", "start_time": 0.0})
    out = tmp_path_factory.mktemp("corpus")
    write_shards([WindowBatch(X[:50], meta.iloc[:50]), WindowBatch(X[50:], meta.iloc[50:])],
                 out, shard_size=64)
    return out


def _start(corpus: Path, run_dir: Path, **changes) -> Path:
    return start_run(load_run_config({"corpus": str(corpus), **SETTINGS, **changes}), run_dir)


def test_warmup_cosine_factor_shape():
    factors = [warmup_cosine_factor(s, warmup_steps=4, total_steps=12) for s in range(14)]
    assert factors[:4] == [0.25, 0.5, 0.75, 1.0]
    assert factors[4] == pytest.approx(1.0)
    assert factors[8] == pytest.approx(0.5)
    assert factors[12] == factors[13] == pytest.approx(0.0)
    assert warmup_cosine_factor(2, warmup_steps=4, total_steps=12, offset=6) == factors[8]


def test_run_writes_log_history_checkpoints_and_ema_model(corpus, tmp_path):
    run_dir = _start(corpus, tmp_path / "run", keep_checkpoints=2)
    pre = train_run(run_dir, verbose=0)
    log = pd.read_csv(run_dir / "train_log.csv")
    assert list(log["epoch"]) == [1, 2, 3, 4]
    lrs = [b["lr"] for row in pre.history_ for b in row["batches"]]
    assert len(lrs) == 4 * 6  # 96 windows / 16 per batch
    assert lrs[0] == pytest.approx(3e-3 / 6) and max(lrs) == pytest.approx(3e-3)
    assert lrs[-1] < 3e-4  # cosine decay to 1 % of lr
    assert [p.name for p in sorted((run_dir / "checkpoints").iterdir())] == [
        "epoch-000003", "epoch-000004"]
    # the exported model is the EMA average, which differs from the raw last weights
    raw = load_file(run_dir / "checkpoints/epoch-000004/module.safetensors")
    ema = load_file(run_dir / "checkpoints/epoch-000004/ema.safetensors")
    exported = load_file(run_dir / "model/model.safetensors")
    key = "encoder.patch_embed.proj.weight"
    key = key if key in exported else sorted(exported)[0]
    assert torch.equal(exported[key], ema[f"module.{key}"])
    assert not torch.equal(exported[key], raw[key])
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["weights"] == "ema" and summary["epochs"] == 4
    # (mode 644 of the exported files is tested with save_pretrained)


def test_resume_refuses_to_overwrite_and_validates(corpus, tmp_path):
    run_dir = _start(corpus, tmp_path / "run")
    with pytest.raises(FileExistsError, match="--resume"):
        _start(corpus, run_dir)
    with pytest.raises(ValueError, match="epochs"):
        load_run_config({"corpus": str(corpus), "epochs": 0})
    with pytest.raises(ValueError, match="unknown_key"):
        load_run_config({"corpus": str(corpus), "unknown_key": 1})
    assert read_run(run_dir).epochs == 4


def test_corrupt_newest_checkpoint_falls_back_to_previous(corpus, tmp_path):
    run_dir = _start(corpus, tmp_path / "run", epochs=2)
    train_run(run_dir, verbose=0)
    newest = run_dir / "checkpoints/epoch-000002/module.safetensors"
    newest.write_bytes(newest.read_bytes()[:-10])
    with pytest.warns(CheckpointWarning, match="epoch-000002/module.safetensors"):
        path, state = latest_good_checkpoint(run_dir / "checkpoints")
    assert path.name == "epoch-000001" and state["epoch"] == 1


def _kill_after_first_checkpoint(command: list[str], run_dir: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (run_dir / "checkpoints/epoch-000001").is_dir():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "no checkpoint within 120 s"
        time.sleep(0.05)
    time.sleep(0.2)  # into the next epoch
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL


def test_sigkill_then_resume_equals_an_uninterrupted_run(corpus, tmp_path):
    """CPU training is deterministic, so the resumed run must match bit for bit."""
    reference_dir = _start(corpus, tmp_path / "reference", epochs=6)
    reference = train_run(reference_dir, verbose=0)

    killed_dir = _start(corpus, tmp_path / "killed", epochs=6)
    # slow the child's epochs down so that the kill lands mid-run
    code = ("import sys, time, torch; from skorch.callbacks import Callback\n"
            "import tsfm.training.run as r\n"
            "class Slow(Callback):\n"
            "    def on_batch_end(self, net, **kw): time.sleep(0.05)\n"
            "orig = r._run_callbacks\n"
            "r._run_callbacks = lambda c, d: orig(c, d) + [('slow', Slow())]\n"
            "torch.set_num_threads(1)\n"
            f"r.train_run({str(killed_dir)!r}, verbose=0)\n")
    _kill_after_first_checkpoint([sys.executable, "-c", code], killed_dir)
    assert not (killed_dir / "model").exists()

    resumed = subprocess.run(
        [sys.executable, "-m", "tsfm", "pretrain", "--resume", str(killed_dir), "--quiet",
         "--threads", "1"],
        capture_output=True, text=True, timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    history = json.loads((killed_dir / "history.json").read_text())
    assert [row["epoch"] for row in history] == [1, 2, 3, 4, 5, 6]
    summary = json.loads((killed_dir / "summary.json").read_text())
    assert 1 <= summary["resumed_at_epoch"] < 6
    expected = {k: v.cpu() for k, v in reference.net_.module_.state_dict().items()}
    got = load_file(killed_dir / "model/model.safetensors")
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert torch.equal(got[key], value), key
    losses = [row["train_loss"] for row in history]
    assert losses == pytest.approx(list(reference.history_[:, "train_loss"]), rel=0, abs=0)
