"""Training-time augmentation: the crop/stretch and jitter, and the estimator parameter."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from tsfm import FlowFMPretrainer, FlowFMTransformer
from tsfm.io.model_dir import CheckpointError
from tsfm.training.augmentation import Augmentation, check_augmentation, random_resized_crop

TINY = dict(model="tiny", max_epochs=3, batch_size=8, device="cpu", random_state=0,
            encoder={"patch_size": 8}, velocity={"patch_size": 8})


def test_crop_of_a_ramp_is_a_ramp_over_a_kept_span_of_the_right_length():
    torch.manual_seed(0)
    ramp = torch.arange(50, dtype=torch.float32).repeat(64, 2, 1)  # value == position
    out = random_resized_crop(ramp, 0.6)
    slope = out[:, :, 1:] - out[:, :, :-1]
    # a linear resampling of a ramp is a ramp: constant slope = kept span / (T - 1)
    assert torch.allclose(slope, slope[:, :, :1].expand_as(slope), atol=1e-4)
    kept = out[:, 0, -1] - out[:, 0, 0]
    assert kept.min() >= 0.6 * 49 - 1e-3 and kept.max() <= 49 + 1e-3
    assert out.min() >= 0 and out.max() <= 49
    assert torch.equal(out[:, 0], out[:, 1])  # all channels of a series share the crop
    assert kept.std() > 1.0  # spans differ between series


def test_crop_scale_one_keeps_the_series():
    x = torch.randn(4, 3, 30)
    assert torch.allclose(random_resized_crop(x, 1.0), x, atol=1e-5)


def test_augmentation_is_identity_in_eval_mode_and_jitters_in_training():
    torch.manual_seed(0)
    x = torch.randn(200, 3, 100)
    aug = Augmentation(jitter=0.2)
    assert aug.eval()(x) is x
    noise = aug.train()(x) - x
    assert noise.std().item() == pytest.approx(0.2, rel=0.02)


@pytest.mark.parametrize(
    "value, error, match",
    [
        ({"crop_scale": 0.0}, ValueError, r"crop_scale.*\(0, 1\]"),
        ({"crop_scale": 1.5}, ValueError, r"crop_scale.*\(0, 1\]"),
        ({"jitter": -0.1}, ValueError, "jitter.*>= 0"),
        ({"crop": 0.7}, ValueError, r"unknown augmentation key.*\['crop'\].*valid keys"),
        ({"jitter": "lots"}, ValueError, "must be a finite number"),
        ({"jitter": float("nan")}, ValueError, "jitter.*must be a finite number"),
        ("crop", TypeError, "augmentation must be None or a dict"),
    ],
)
def test_bad_augmentation_is_rejected_before_training(panel, value, error, match):
    with pytest.raises(error, match=match):
        FlowFMPretrainer(**TINY, augmentation=value).fit(panel)


def test_check_augmentation_returns_floats():
    assert check_augmentation(None) == {}
    assert check_augmentation({"crop_scale": 1, "jitter": 0}) == {"crop_scale": 1.0, "jitter": 0.0}


def test_augmented_pretraining_is_reproducible_saved_and_changes_the_model(tmp_path, panel):
    aug = {"crop_scale": 0.7, "jitter": 0.05}
    first = FlowFMPretrainer(**TINY, augmentation=aug).fit(panel)
    again = FlowFMPretrainer(**TINY, augmentation=aug).fit(panel)
    plain = FlowFMPretrainer(**TINY).fit(panel)
    np.testing.assert_array_equal(first.embed(panel), again.embed(panel))
    assert not np.allclose(first.embed(panel), plain.embed(panel))
    assert first.config_.augmentation.model_dump(exclude_defaults=True) == aug
    assert plain.config_.augmentation.model_dump(exclude_defaults=True) == {}

    first.save_pretrained(tmp_path / "m")
    loaded = FlowFMPretrainer.from_pretrained(tmp_path / "m", device="cpu")
    assert loaded.augmentation == aug
    assert loaded.config_.augmentation.model_dump(exclude_defaults=True) == aug
    np.testing.assert_array_equal(loaded.embed(panel), first.embed(panel))


def test_invalid_augmentation_in_a_saved_config_is_a_checkpoint_error(tmp_path, panel):
    directory = FlowFMPretrainer(**TINY).fit(panel).save_pretrained(tmp_path / "m")
    config = json.loads((directory / "config.json").read_text())
    config["model"]["augmentation"] = {"crop": 0.5}
    (directory / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="model section of config.json.*invalid.*'crop'"):
        FlowFMPretrainer.from_pretrained(directory, device="cpu")


def test_transformer_passes_augmentation_to_its_pretraining(panel):
    emb = FlowFMTransformer(**TINY, augmentation={"crop_scale": 0.8}).fit(panel)
    augmentation = emb.pretrainer_.config_.augmentation
    assert augmentation.model_dump(exclude_defaults=True) == {"crop_scale": 0.8}
