"""Training on real sensor data (UEA BasicMotions from ../shared/data) and on CUDA."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tsfm import FlowFMPretrainer


def _basic_motions_train(shared_data):
    from sktime.datasets import load_from_tsfile

    path = shared_data / "UEA_motion" / "BasicMotions" / "BasicMotions_TRAIN.ts"
    X, _ = load_from_tsfile(str(path), return_data_type="numpy3D")
    return X.astype(np.float32)


def test_flow_matching_loss_falls_on_real_data(shared_data):
    X = _basic_motions_train(shared_data)
    assert X.shape == (40, 6, 100)
    pre = FlowFMPretrainer(
        model="tiny", max_epochs=40, batch_size=16, lr=2e-3, device="cpu", random_state=0
    ).fit(X)
    loss = np.asarray(pre.history_[:, "train_loss"])
    # the loss of a standard-normal target starts near E||x1 - x0||^2 / d = 2
    assert 1.5 < loss[:3].mean() < 2.5
    assert loss[-5:].mean() < 0.7 * loss[:3].mean()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_model_trained_on_gpu_loads_on_cpu(tmp_path, panel):
    pre = FlowFMPretrainer(model="tiny", max_epochs=2, device="cuda", random_state=0).fit(panel)
    assert next(pre.net_.module_.parameters()).is_cuda
    pre.save_pretrained(tmp_path / "gpu-model")
    cpu = FlowFMPretrainer.from_pretrained(tmp_path / "gpu-model", device="cpu")
    assert not next(cpu.net_.module_.parameters()).is_cuda
    np.testing.assert_allclose(cpu.embed(panel), pre.embed(panel), atol=1e-4)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_auto_device_picks_cuda(panel):
    pre = FlowFMPretrainer(model="tiny", max_epochs=1, device="auto", random_state=0).fit(panel)
    assert pre.net_.device == "cuda"
