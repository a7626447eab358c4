"""A model tuned for text on windows of another length generates (and saves) that length.

GeoTec's activities last about 1 s, so the text benchmark tunes the 10 s wrist model on
1 s windows; its samples must then be 1 s windows too.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tsfm import FlowFMPretrainer, FlowFMSignalGenerator
from tsfm.exceptions import CheckpointError

TINY = {"model": "tiny", "device": "cpu", "max_epochs": 1, "random_state": 0,
        "encoder": {"patch_size": 8}, "velocity": {"patch_size": 8}}
PROMPTS = ["a man walking."] * 12 + ["a woman lying down."] * 12
TUNE = {"max_epochs": 1, "batch_size": 8, "random_state": 0}


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(1)
    return rng.normal(size=(24, 3, 40)).astype(np.float32)


@pytest.fixture(scope="module")
def pretrained(X):
    return FlowFMPretrainer(**TINY).fit(X)


@pytest.fixture(scope="module")
def short(pretrained, X):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu")
    return gen.fit_text(X[:, :, :16], PROMPTS, "text+rep", **TUNE)


def test_tuning_on_shorter_windows_generates_that_length(short):
    assert short.n_timepoints_ == 16
    assert short.sample(3, text=["a man walking."], random_state=0).shape == (3, 3, 16)
    assert short.sample(2, random_state=0).shape == (2, 3, 16)  # null condition too
    assert short.pretrainer_.n_timepoints_ == 40  # the pretraining length is unchanged


def test_the_tuned_length_is_saved_and_restored(short, tmp_path):
    directory = short.save_pretrained(tmp_path / "m")
    assert json.loads((directory / "config.json").read_text())["text"]["n_timepoints"] == 16
    loaded = FlowFMSignalGenerator.from_pretrained(directory, device="cpu")
    assert loaded.n_timepoints_ == 16
    np.testing.assert_array_equal(loaded.sample(2, text=["a man walking."], random_state=3),
                                  short.sample(2, text=["a man walking."], random_state=3))


def test_tuning_at_the_pretraining_length_records_no_length(pretrained, X, tmp_path):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu")
    gen.fit_text(X, PROMPTS, "text", **TUNE)
    assert gen.n_timepoints_ == 40 and gen.pretrainer_.text_config_.n_timepoints is None
    text = json.loads((gen.save_pretrained(tmp_path / "m") / "config.json").read_text())["text"]
    assert "n_timepoints" not in text  # such files read as before


def test_windows_shorter_than_a_patch_are_rejected(pretrained, X):
    gen = FlowFMSignalGenerator(pretrained=pretrained, device="cpu")
    with pytest.raises(ValueError, match="fewer than one patch"):
        gen.fit_text(X[:, :, :5], PROMPTS, **TUNE)


def test_a_saved_length_shorter_than_a_patch_is_a_checkpoint_error(short, tmp_path):
    directory = short.save_pretrained(tmp_path / "m")
    copy = tmp_path / "edited"
    shutil.copytree(directory, copy)
    config = json.loads((copy / "config.json").read_text())
    config["text"]["n_timepoints"] = 4
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="shorter than one patch"):
        FlowFMPretrainer.from_pretrained(copy, device="cpu")
