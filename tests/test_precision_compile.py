"""bfloat16 autocast and torch.compile: options of a pretraining run, off by default."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tsfm import FlowFMPretrainer
from tsfm.exceptions import ConfigError
from tsfm.training.run import load_run_config

TINY = {"model": "tiny", "encoder": {"depth": 1, "width": 16, "heads": 2, "patch_size": 4},
        "velocity": {"depth": 1, "width": 16, "heads": 2, "patch_size": 4},
        "batch_size": 8, "random_state": 0}


@pytest.fixture
def X():
    return np.random.default_rng(0).normal(size=(16, 3, 32)).astype(np.float32)


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


@pytest.mark.parametrize("precision", ["fp16", "BF16", None, 16])
def test_unknown_precision_is_a_config_error(X, precision):
    with pytest.raises(ConfigError, match=r"precision must be 'fp32' or 'bf16'"):
        FlowFMPretrainer(max_epochs=1, precision=precision, device="cpu", **TINY).fit(X)


def test_compile_must_be_a_bool(X):
    with pytest.raises(ConfigError, match="compile must be True or False, got 'yes'"):
        FlowFMPretrainer(max_epochs=1, compile="yes", device="cpu", **TINY).fit(X)


def test_run_config_takes_precision_and_compile_and_rejects_others():
    config = load_run_config({"corpus": "c", "precision": "bf16", "compile": True})
    assert (config.precision, config.compile) == ("bf16", True)
    assert load_run_config({"corpus": "c"}).precision == "fp32"
    with pytest.raises(ValueError, match="precision"):
        load_run_config({"corpus": "c", "precision": "fp16"})


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
