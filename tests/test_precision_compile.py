"""bfloat16/float16 autocast and torch.compile: options of training, off by default."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from tsfm import FlowFMClassifier, FlowFMPretrainer, FlowFMTransformer
from tsfm.exceptions import ConfigError
from tsfm.training.checkpoints import ResumeFromCheckpoint, RunCheckpoint
from tsfm.training.precision import check_autocast
from tsfm.training.run import load_run_config

TINY = {"model": "tiny", "encoder": {"depth": 1, "width": 16, "heads": 2, "patch_size": 4},
        "velocity": {"depth": 1, "width": 16, "heads": 2, "patch_size": 4},
        "batch_size": 8, "random_state": 0}


@pytest.fixture
def X():
    return np.random.default_rng(0).normal(size=(16, 3, 32)).astype(np.float32)


@pytest.fixture
def sines():
    """32 noisy sines (3 channels x 32 points) of 1-4 cycles; the label: above 2.5 cycles."""
    rng = np.random.default_rng(0)
    cycles = rng.uniform(1, 4, (32, 1, 1))
    X = np.sin(2 * np.pi * cycles * np.linspace(0, 1, 32)) * np.array([1, 0.5, -1])[:, None]
    X = X + 0.05 * rng.standard_normal((32, 3, 32))
    return X.astype(np.float32), (cycles.ravel() > 2.5).astype(int)


def _velocity_dtypes(pre: FlowFMPretrainer, X) -> set:
    """Output dtypes of the velocity network over one more training epoch."""
    seen = set()
    handle = pre.net_.module_.velocity.register_forward_hook(
        lambda module, args, out: seen.add(out.dtype))
    try:
        pre.net_.partial_fit(pre.standardizer_.transform(X))
    finally:
        handle.remove()
    return seen


def test_bf16_trains_under_autocast_with_float32_weights(X):
    pre = FlowFMPretrainer(max_epochs=2, precision="bf16", device="cpu", **TINY).fit(X)
    assert _velocity_dtypes(pre, X) == {torch.bfloat16}
    assert all(p.dtype == torch.float32 for p in pre.net_.module_.parameters())
    assert np.isfinite(pre.history_[:, "train_loss"]).all()
    embeddings = pre.embed(X)
    assert embeddings.dtype == np.float32 and np.isfinite(embeddings).all()


def test_fp32_is_the_default_and_does_not_autocast(X):
    pre = FlowFMPretrainer(max_epochs=1, device="cpu", **TINY).fit(X)
    assert pre.precision == "fp32" and pre.compile is False
    assert _velocity_dtypes(pre, X) == {torch.float32}


def test_fp16_trains_under_float16_autocast_with_torchs_gradient_scaler(sines):
    X, _ = sines
    pre = FlowFMPretrainer(max_epochs=8, precision="fp16", lr=3e-3, device="cpu",
                           **TINY).fit(X)
    assert _velocity_dtypes(pre, X) == {torch.float16}
    assert all(p.dtype == torch.float32 for p in pre.net_.module_.parameters())
    loss = pre.history_[:, "train_loss"]
    assert np.isfinite(loss).all() and loss[7] < 0.8 * loss[0], loss
    scaler = pre.net_.grad_scaler_
    assert isinstance(scaler, torch.amp.GradScaler) and scaler.is_enabled()
    # every step went through the scaler, none overflowed: fit and _velocity_dtypes'
    # partial_fit ran 8 epochs each, of 4 batches
    assert scaler.state_dict()["_growth_tracker"] == 16 * 4
    assert pre.embed(X).dtype == np.float32


def test_fp32_and_bf16_have_no_gradient_scaling(X):
    for precision in ("fp32", "bf16"):
        pre = FlowFMPretrainer(max_epochs=1, precision=precision, device="cpu", **TINY).fit(X)
        assert not pre.net_.grad_scaler_.is_enabled()


def test_fp16_fine_tuning_returns_float32_probabilities(sines):
    X, y = sines
    clf = FlowFMClassifier(model="tiny", encoder=TINY["encoder"], max_epochs=6, batch_size=8,
                           lr=3e-3, precision="fp16", device="cpu", random_state=0).fit(X, y)
    assert clf.net_.grad_scaler_.is_enabled()
    loss = clf.history_[:, "train_loss"]
    assert loss[-1] < 0.8 * loss[0], loss
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32 and np.allclose(proba.sum(axis=1), 1, atol=1e-5)


def test_fp16_transformer_pretrains_with_the_scaler_and_embeds_float32(sines):
    X, _ = sines
    transformer = FlowFMTransformer(max_epochs=2, precision="fp16", device="cpu", **TINY)
    Z = transformer.fit(X).transform(X)
    scaler = transformer.pretrainer_.net_.grad_scaler_
    assert transformer.pretrainer_.precision == "fp16" and scaler.is_enabled()
    assert scaler.state_dict()["_growth_tracker"] == 2 * 4  # 2 epochs of 4 batches
    assert Z.dtype == np.float32 and Z.shape[0] == len(X) and np.isfinite(Z).all()


class ScalerAtStart(Callback):
    """The gradient scaler's state when training begins (after a resume)."""

    def on_train_begin(self, net, **kwargs):
        self.state_ = net.grad_scaler_.state_dict()


def test_fp16_checkpoint_keeps_the_scaler_state_and_resume_restores_it(sines, tmp_path):
    X, _ = sines
    first = FlowFMPretrainer(max_epochs=2, precision="fp16", device="cpu", callbacks=[
        ("checkpoint", RunCheckpoint(tmp_path, total_epochs=2))], **TINY).fit(X)
    saved = json.loads((tmp_path / "epoch-000002" / "state.json").read_text())["grad_scaler"]
    assert saved == first.net_.grad_scaler_.state_dict()
    assert saved["_growth_tracker"] == 2 * 4  # not the fresh scaler's 0
    start = ScalerAtStart()
    resumed = FlowFMPretrainer(max_epochs=1, precision="fp16", device="cpu", callbacks=[
        ("resume", ResumeFromCheckpoint(tmp_path)), ("start", start)], **TINY).fit(X)
    assert start.state_ == saved
    assert len(resumed.history_) == 3
    assert resumed.net_.grad_scaler_.state_dict()["_growth_tracker"] == 3 * 4


def test_an_fp32_checkpoint_has_no_scaler_state(X, tmp_path):
    FlowFMPretrainer(max_epochs=1, device="cpu", callbacks=[
        ("checkpoint", RunCheckpoint(tmp_path, total_epochs=1))], **TINY).fit(X)
    assert "grad_scaler" not in json.loads((tmp_path / "epoch-000001/state.json").read_text())


def test_an_autocast_the_device_lacks_is_a_config_error():
    check_autocast("fp16", "cpu")  # CPU autocast has float16 and bfloat16
    check_autocast("fp32", "meta")  # no autocast, nothing to check
    with pytest.raises(ConfigError, match=r"precision='fp16' needs torch.float16 autocast.*"
                                          r"device 'meta'; use precision='fp32'"):
        check_autocast("fp16", "meta")


@pytest.mark.parametrize("precision", ["fp8", "BF16", None, 16])
def test_unknown_precision_is_a_config_error(X, precision):
    with pytest.raises(ConfigError, match=r"precision must be 'fp32', 'bf16' .* or 'fp16'"):
        FlowFMPretrainer(max_epochs=1, precision=precision, device="cpu", **TINY).fit(X)
    with pytest.raises(ConfigError, match=r"precision must be 'fp32', 'bf16' .* or 'fp16'"):
        FlowFMClassifier(model="tiny", encoder=TINY["encoder"], max_epochs=1,
                         precision=precision, device="cpu").fit(X, np.arange(16) % 2)


def test_compile_must_be_a_bool(X):
    with pytest.raises(ConfigError, match="compile must be True or False, got 'yes'"):
        FlowFMPretrainer(max_epochs=1, compile="yes", device="cpu", **TINY).fit(X)


def test_run_config_takes_precision_and_compile_and_rejects_others():
    config = load_run_config({"corpus": "c", "precision": "bf16", "compile": True})
    assert (config.precision, config.compile) == ("bf16", True)
    assert load_run_config({"corpus": "c", "precision": "fp16"}).precision == "fp16"
    assert load_run_config({"corpus": "c"}).precision == "fp32"
    with pytest.raises(ValueError, match="precision"):
        load_run_config({"corpus": "c", "precision": "fp8"})


@pytest.mark.slow
def test_compiled_model_saves_with_the_same_parameter_names(X, tmp_path):
    plain = FlowFMPretrainer(max_epochs=1, device="cpu", **TINY).fit(X)
    compiled = FlowFMPretrainer(max_epochs=1, compile=True, device="cpu", **TINY).fit(X)
    assert list(compiled.net_.module_.state_dict()) == list(plain.net_.module_.state_dict())
    loaded = FlowFMPretrainer.from_pretrained(compiled.save_pretrained(tmp_path / "m"),
                                              device="cpu")
    np.testing.assert_allclose(loaded.embed(X), compiled.embed(X), rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_bf16_and_compile_on_cuda(X, tmp_path):
    pre = FlowFMPretrainer(max_epochs=2, precision="bf16", compile=True, device="cuda",
                           **TINY).fit(X)
    assert np.isfinite(pre.history_[:, "train_loss"]).all()
    loaded = FlowFMPretrainer.from_pretrained(pre.save_pretrained(tmp_path / "m"), device="cpu")
    assert np.isfinite(loaded.embed(X)).all()
