"""Data-parallel training on 2 CPU processes (gloo): tsfm.training.distributed.

The processes are real ranks of a ``torch.distributed`` process group, started here as
subprocesses with the launcher's environment variables (and once through ``torchrun``).
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load_file

from tsfm import FlowFMPretrainer
from tsfm.datasets.shards import write_shards
from tsfm.datasets.windowing import WindowBatch
from tsfm.training import distributed
from tsfm.training.nets import DataParallelPretrainingNet

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("distributed_worker.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(**extra) -> dict[str, str]:
    """The children's environment: this checkout first on the path, one thread each."""
    path = os.pathsep.join([str(ROOT), str(ROOT / "plugins"), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1", **extra}


def _launch(out: Path, mode: str) -> list[subprocess.Popen]:
    """Start ranks 0 and 1 of a 2-process group, as torchrun would."""
    port = str(_free_port())
    return [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(out), mode],
            env=_env(RANK=str(r), LOCAL_RANK=str(r), WORLD_SIZE="2",
                     MASTER_ADDR="127.0.0.1", MASTER_PORT=port),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for r in range(2)
    ]


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory) -> Path:
    """Outputs of a 6-epoch fit of a tiny model on BasicMotions by 2 gloo ranks."""
    out = tmp_path_factory.mktemp("ddp")
    procs = _launch(out, "fit")
    logs = [p.communicate(timeout=240)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], "\n".join(logs)
    return out


def _record(out: Path, rank: int) -> dict:
    return json.loads((out / f"rank{rank}.json").read_text())


def test_both_ranks_train_data_parallel(two_ranks):
    for rank in (0, 1):
        record = _record(two_ranks, rank)
        assert record["world_size"] == 2
        assert record["net"] == "DataParallelPretrainingNet"
        assert record["classifier_net"] == "DataParallelClassifierNet"
        assert len(record["classifier_loss"]) == 3


@pytest.mark.parametrize("name", ["rank", "clf"])
def test_ranks_hold_identical_weights(two_ranks, name):
    w0, w1 = (load_file(two_ranks / f"{name}{r}.safetensors") for r in (0, 1))
    assert w0.keys() == w1.keys()
    for key in w0:
        assert torch.equal(w0[key], w1[key]), key


def test_saved_model_equals_rank_0(two_ranks):
    w0 = load_file(two_ranks / "rank0.safetensors")
    saved = FlowFMPretrainer.from_pretrained(two_ranks / "model", device="cpu")
    state = saved.net_.module_.state_dict()
    assert state.keys() == w0.keys()
    for key in w0:
        assert torch.equal(state[key], w0[key]), key


def test_loss_falls_on_every_rank(two_ranks):
    for rank in (0, 1):
        loss = _record(two_ranks, rank)["loss"]
        assert len(loss) == 6
        assert loss[-1] < 0.95 * loss[0], loss


def test_ranks_see_disjoint_halves_of_each_epoch(two_ranks):
    seen = [_record(two_ranks, r)["seen"] for r in (0, 1)]
    for epoch, (a, b) in enumerate(zip(*seen, strict=True)):
        assert len(a) == len(b) == 40, epoch  # 80 windows, 2 ranks
        assert not set(a) & set(b), epoch
        assert sorted(a + b) == list(range(80)), epoch
    # a new shuffle each epoch
    assert seen[0][0] != seen[0][1]


def test_a_killed_rank_ends_the_run_with_an_error(tmp_path):
    procs = _launch(tmp_path, "hang")
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "rank1.started").exists():
            assert time.monotonic() < deadline, "rank 1 never finished an epoch"
            assert procs[0].poll() is None and procs[1].poll() is None
            time.sleep(0.2)
        procs[1].send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        log = procs[0].communicate(timeout=60)[0]  # the group's timeout is 15 s
        assert procs[0].returncode != 0
        assert time.monotonic() - killed_at < 60
        assert "Error" in log
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_torchrun_runs_tsfm_pretrain(tmp_path):
    """``torchrun --nproc_per_node 2 -m tsfm pretrain``: rank 0 writes one run."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3, 64)).astype(np.float32)
    meta = pd.DataFrame({"subject": "s", "activity": None, "source": "synthetic",
                         "start_time": 0.0}, index=range(64))
    write_shards([WindowBatch(X, meta)], tmp_path / "corpus")
    arch = "{ depth = 1, width = 16, heads = 2, patch_size = 8 }"
    config = tmp_path / "run.toml"
    config.write_text(f"encoder = {arch}\nvelocity = {arch}\n")
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
         "--master_port", str(_free_port()), "-m", "tsfm", "pretrain",
         "--config", str(config), "--corpus", str(tmp_path / "corpus"),
         "--out", str(tmp_path / "run"), "--model", "tiny", "--epochs", "2",
         "--batch-size", "8", "--device", "cpu", "--quiet"],
        env=_env(), capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["processes"] == 2
    assert summary["epochs"] == 2
    assert result.stdout.count('"processes": 2') == 1  # only rank 0 reports
    assert (tmp_path / "run" / "model" / "model.safetensors").is_file()
    assert len(list((tmp_path / "run" / "checkpoints").iterdir())) == 2
    # 64 windows / 2 ranks / batch 8: 4 steps an epoch, so 8 LR values in the log
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert [len(row["batches"]) for row in history] == [4, 4]


RUNNER = Path(__file__).with_name("distributed_run.py")


def _torchrun(dump: Path | str, slow: float, *args: str, **popen) -> subprocess.Popen:
    """``torchrun --nproc_per_node 2 distributed_run.py DUMP SLOW -- pretrain ARGS``."""
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
               "--master_port", str(_free_port()), str(RUNNER), str(dump), str(slow), "--",
               "pretrain", *args, "--quiet"]
    return subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **popen)


def _kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and its descendants: torchrun starts each rank in a session of its
    own, so killing torchrun's process group would leave the ranks running (Linux)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children += [int(c) for c in (task / "children").read_text().split()]
    os.kill(pid, signal.SIGKILL)  # first, so that it restarts no rank
    for child in children:
        _kill_tree(child)


def _finish(proc: subprocess.Popen) -> None:
    log = proc.communicate(timeout=240)[0]
    assert proc.returncode == 0, log


@pytest.mark.slow
def test_torchrun_resume_continues_the_killed_run_exactly(tmp_path):
    """A 2-rank fp16 run killed after its 2nd checkpoint, resumed with torchrun ``--resume``,
    ends with the weights, losses and scaler state of an uninterrupted 2-rank run."""
    rng = np.random.default_rng(0)
    X = np.sin(np.linspace(0, 20, 64) * rng.uniform(0.5, 2, (64, 3, 1))).astype(np.float32)
    meta = pd.DataFrame({"subject": "s", "activity": None, "source": "synthetic",
                         "start_time": 0.0}, index=range(64))
    write_shards([WindowBatch(X, meta)], tmp_path / "corpus")
    arch = "{ depth = 1, width = 16, heads = 2, patch_size = 8 }"
    (tmp_path / "run.toml").write_text(f"encoder = {arch}\nvelocity = {arch}\n")
    settings = ["--config", str(tmp_path / "run.toml"), "--corpus", str(tmp_path / "corpus"),
                "--model", "tiny", "--epochs", "4", "--batch-size", "8", "--device", "cpu",
                "--precision", "fp16"]
    _finish(_torchrun(tmp_path / "reference", 0, *settings, "--out", str(tmp_path / "ref")))

    killed = tmp_path / "killed"
    proc = _torchrun("-", 0.5, *settings, "--out", str(killed))
    try:
        deadline = time.monotonic() + 180
        while not (killed / "checkpoints" / "epoch-000002").is_dir():
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "no second checkpoint within 180 s"
            time.sleep(0.05)
    finally:
        _kill_tree(proc.pid)  # torchrun and both ranks, as a lost node would be
        proc.communicate()
    assert not (killed / "model").exists()
    _finish(_torchrun(tmp_path / "resumed", 0, "--resume", str(killed)))

    summary = json.loads((killed / "summary.json").read_text())
    assert summary["processes"] == 2 and 2 <= summary["resumed_at_epoch"] < 4
    history = json.loads((killed / "history.json").read_text())
    reference = json.loads((tmp_path / "ref" / "history.json").read_text())
    assert [row["epoch"] for row in history] == [1, 2, 3, 4]
    assert [len(row["batches"]) for row in history] == [4] * 4  # 64 / 2 ranks / 8
    assert [row["train_loss"] for row in history] == [row["train_loss"] for row in reference]
    for name in ("reference", "resumed"):  # both ranks hold the same weights and scaler
        w0, w1 = (load_file(tmp_path / name / f"rank{r}.safetensors") for r in (0, 1))
        assert all(torch.equal(w0[key], w1[key]) for key in w0), name
        s0, s1 = (json.loads((tmp_path / name / f"rank{r}.json").read_text()) for r in (0, 1))
        assert s0 == s1 and s0["epochs"] == 4, name
    resumed = load_file(tmp_path / "resumed" / "rank0.safetensors")
    uninterrupted = load_file(tmp_path / "reference" / "rank0.safetensors")
    for key, value in uninterrupted.items():
        assert torch.equal(resumed[key], value), key
    assert s0["grad_scaler"] == json.loads(
        (tmp_path / "reference" / "rank0.json").read_text())["grad_scaler"]
    assert s0["grad_scaler"]["_growth_tracker"] > 0
    exported, expected = (load_file(d / "model" / "model.safetensors")
                          for d in (killed, tmp_path / "ref"))
    assert all(torch.equal(exported[key], expected[key]) for key in expected)


@pytest.mark.slow
def test_accelerate_launch_runs_tsfm_pretrain(tmp_path):
    """``accelerate launch --multi_gpu --num_processes 2 ... --device cpu``: 2 gloo ranks."""
    pytest.importorskip("accelerate")
    X = np.random.default_rng(0).standard_normal((32, 3, 64)).astype(np.float32)
    meta = pd.DataFrame({"subject": "s", "activity": None, "source": "synthetic",
                         "start_time": 0.0}, index=range(32))
    write_shards([WindowBatch(X, meta)], tmp_path / "corpus")
    result = subprocess.run(
        [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu",
         "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
         "--dynamo_backend", "no", "--main_process_port", str(_free_port()),
         "-m", "tsfm", "pretrain", "--corpus", str(tmp_path / "corpus"),
         "--out", str(tmp_path / "run"), "--model", "tiny", "--epochs", "1",
         "--batch-size", "8", "--device", "cpu", "--quiet"],
        env=_env(), capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["processes"] == 2


# -- one process: everything stays as it was -------------------------------------------

def test_without_a_launcher_there_is_one_rank():
    assert not distributed.active()
    assert (distributed.world_size(), distributed.rank()) == (1, 0)
    assert distributed.is_main_process()
    assert distributed.init_from_environment("cpu") == "cpu"


@pytest.mark.parametrize("n_samples, n_ranks", [(1, 2), (3, 4)])
def test_fewer_samples_than_ranks_is_refused(n_samples, n_ranks):
    with pytest.raises(ValueError, match=f"{n_samples} training samples cannot be shared by "
                                         f"{n_ranks} processes"):
        distributed.check_shardable(n_samples, n_ranks)


def test_check_shardable_accepts_one_sample_per_rank():
    distributed.check_shardable(2, 2)


def test_data_parallel_net_without_a_group_trains_and_pickles():
    X = np.random.default_rng(0).standard_normal((16, 2, 32)).astype(np.float32)
    pre = FlowFMPretrainer(model="tiny", max_epochs=1, batch_size=8, device="cpu",
                           random_state=0, encoder={"depth": 1, "width": 16, "heads": 2},
                           velocity={"depth": 1, "width": 16, "heads": 2})
    pre.fit(X)
    net = DataParallelPretrainingNet(
        type(pre.net_.module_), module__config=pre.config_,
        module__objective=pre.config_.objective_class(),
        module__conditioner=pre.config_.conditioner_class(), max_epochs=1, batch_size=8,
        optimizer=torch.optim.AdamW, device="cpu", train_split=None,
    )
    net.fit(pre.standardizer_.transform(X), None)
    assert len(net.history) == 1 and np.isfinite(net.history[-1, "train_loss"])
    assert len(list(net.get_iterator(net.get_dataset(X), training=True))) == 2
    pickle.loads(pickle.dumps(net))
