"""Every kind of bad input raises an error that names the problem and the fix."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import sparse

from tsfm import FlowFMClassifier, FlowFMPretrainer, FlowFMTransformer
from tsfm.io.model_dir import CheckpointError

TINY = {"model": "tiny", "device": "cpu", "max_epochs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def fitted():
    X = np.random.default_rng(0).normal(size=(16, 3, 40)).astype(np.float32)
    return FlowFMTransformer(**TINY).fit(X)


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        (np.zeros((2, 3, 40, 1)), ValueError, "must have 3 dimensions.*Reshape"),
        (np.zeros(40), ValueError, "must have 3 dimensions"),
        (np.zeros((0, 3, 40)), ValueError, "empty"),
        (np.zeros((4, 0, 40)), ValueError, "empty"),
        (np.full((4, 3, 40), "a"), TypeError, "must be numeric"),
        (np.zeros((4, 3, 40), dtype=complex), ValueError, "Complex data not supported"),
        (sparse.csr_matrix(np.ones((4, 40))), TypeError, "sparse input is not supported"),
        (np.array([[[1.0, {"a": 1}]]], dtype=object), TypeError, "object array holds non-numeric"),
    ],
    ids=["4d", "1d", "no-series", "no-channels", "strings", "complex", "sparse", "object"],
)
def test_malformed_arrays(X, error, match):
    with pytest.raises(error, match=match):
        FlowFMPretrainer(**TINY).fit(X)


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        ([[[0.0] * 40, [0.0] * 39]], ValueError, "could not be read as an array.*same number"),
        (np.array([[["1.5"] * 40]], dtype=object), TypeError, "object array holds strings"),
        (np.array([[[2**2000] * 40]], dtype=object), ValueError, "integers too large"),
    ],
    ids=["ragged", "object-strings", "huge-python-ints"],
)
def test_arrays_numpy_cannot_convert_cleanly(X, error, match):
    with pytest.raises(error, match=match):
        FlowFMPretrainer(**TINY).fit(X)


def test_boolean_panels_are_read_as_zeros_and_ones(fitted):
    X = np.zeros((2, 3, 40), dtype=bool)
    X[0, 0, :20] = True
    np.testing.assert_array_equal(fitted.transform(X), fitted.transform(X.astype(np.float32)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_name_the_series(bad):
    X = np.zeros((5, 3, 40), dtype=np.float32)
    X[3, 1, 7] = bad
    with pytest.raises(ValueError, match=r"NaN or inf values \(1 values in 1 series, first at "
                                         r"series 3\); impute or drop"):
        FlowFMPretrainer(**TINY).fit(X)


def test_series_shorter_than_one_patch():
    with pytest.raises(ValueError, match=r"shorter than one patch \(encoder__patch_size=10\).*"
                                         r"at most 6"):
        FlowFMPretrainer(encoder={"patch_size": 10}, **TINY).fit(np.zeros((4, 3, 6)))


def test_unknown_preset_lists_valid_ones():
    valid = r"unknown model preset 'huge'.*\['base', 'small', 'tiny'\]"
    with pytest.raises(ValueError, match=valid):
        FlowFMPretrainer(**(TINY | {"model": "huge"})).fit(np.zeros((4, 3, 40)))


def test_unknown_architecture_override_lists_valid_ones():
    with pytest.raises(ValueError, match=r"unknown encoder parameter\(s\) \['depht'\].*'depth'"):
        FlowFMPretrainer(encoder={"depht": 2}, **TINY).fit(np.zeros((4, 3, 40)))


def test_heads_must_divide_width():
    with pytest.raises(ValueError, match="velocity: width=30 must be divisible by heads=4"):
        FlowFMPretrainer(velocity={"width": 30}, **TINY).fit(np.zeros((4, 3, 40)))


@pytest.mark.parametrize("mask_prob", [-0.1, 1.0, "half"])
def test_mask_prob_out_of_range(mask_prob):
    with pytest.raises(ValueError, match=r"mask_prob must be a number in \[0, 1\)"):
        FlowFMPretrainer(mask_prob=mask_prob, **TINY).fit(np.zeros((4, 3, 40)))


def test_representation_conditioner_with_masking_is_rejected():
    with pytest.raises(ValueError, match="use conditioner='dgs' or mask_prob=0.0"):
        FlowFMPretrainer(conditioner="representation", mask_prob=0.5, **TINY).fit(
            np.zeros((4, 3, 40))
        )


def test_unknown_conditioner_lists_available():
    with pytest.raises(ValueError, match=r"available conditioners: 'dgs', 'representation'"):
        FlowFMPretrainer(conditioner="text9", **TINY).fit(np.zeros((4, 3, 40)))


def test_non_positive_batch_size():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        FlowFMPretrainer(**(TINY | {"batch_size": 0})).fit(np.zeros((4, 3, 40)))


def test_negative_epochs():
    with pytest.raises(ValueError, match="max_epochs must be a non-negative integer"):
        FlowFMPretrainer(**(TINY | {"max_epochs": -1})).fit(np.zeros((4, 3, 40)))


def test_unknown_device():
    with pytest.raises(ValueError, match="device must be 'auto', 'cpu', 'cuda'"):
        FlowFMPretrainer(**(TINY | {"device": "tpu9"})).fit(np.zeros((4, 3, 40)))


def test_wrong_channel_count_for_pretrained_model(fitted):
    with pytest.raises(ValueError, match="has 2 channels but the pretrained model expects 3"):
        fitted.transform(np.zeros((4, 2, 40)))


def test_length_shorter_than_a_patch_of_pretrained_model(fitted):
    # patch_size="auto" chose 3 for the 40 timepoints of the fit
    with pytest.raises(ValueError, match=r"fewer than one patch \(3\).*trained on 40.*"
                                         r"interpolating positional embeddings"):
        fitted.transform(np.zeros((4, 3, 2)))


def test_overrides_with_pretrained_model_are_rejected(fitted):
    emb = FlowFMTransformer(pretrained=fitted.pretrainer_, encoder={"depth": 4})
    with pytest.raises(ValueError, match="cannot be combined with a pretrained model"):
        emb.fit(np.zeros((4, 3, 40)))


def test_transform_before_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FlowFMTransformer().transform(np.zeros((2, 3, 40)))


def test_classifier_label_count_mismatch():
    with pytest.raises(ValueError, match="X has 4 series but y has 3 labels"):
        FlowFMClassifier(**TINY).fit(np.zeros((4, 3, 40)), [0, 1, 0])


def test_classifier_single_class():
    with pytest.raises(ValueError, match="1 class .*at least 2 classes"):
        FlowFMClassifier(**TINY).fit(np.zeros((4, 3, 40)), [1, 1, 1, 1])


def test_non_panel_dataframe_is_read_as_univariate_rows():
    import pandas as pd

    X = pd.DataFrame(np.random.default_rng(0).normal(size=(6, 20)))
    emb = FlowFMTransformer(**TINY).fit(X)
    assert emb.n_channels_ == 1 and emb.n_timepoints_ == 20


# -- checkpoints ---------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path, fitted):
    return fitted.save_pretrained(tmp_path / "model")


def test_missing_model_directory(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist; expected config.json and "
                                              "model.safetensors"):
        FlowFMPretrainer.from_pretrained(tmp_path / "nowhere")


def test_directory_without_model_files(tmp_path):
    with pytest.raises(CheckpointError, match=r"missing \['config.json', 'model.safetensors'\]"):
        FlowFMTransformer(pretrained=tmp_path).fit(np.zeros((2, 3, 40)))


def test_truncated_weights(saved):
    weights = saved / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(CheckpointError, match="corrupt tsfm model: weights file.*re-create it"):
        FlowFMPretrainer.from_pretrained(saved)


def test_corrupt_config(saved):
    (saved / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="corrupt config.json"):
        FlowFMPretrainer.from_pretrained(saved)


def test_foreign_json_config(saved):
    (saved / "config.json").write_text(json.dumps({"architectures": ["BertModel"]}))
    with pytest.raises(CheckpointError, match="is not a tsfm model config"):
        FlowFMPretrainer.from_pretrained(saved)


def test_weights_from_another_model(saved, tmp_path):
    other = FlowFMPretrainer(encoder={"depth": 1}, **TINY).fit(np.zeros((4, 3, 40)) + 1.0)
    other_dir = other.save_pretrained(tmp_path / "other")
    (saved / "model.safetensors").write_bytes((other_dir / "model.safetensors").read_bytes())
    with pytest.raises(CheckpointError, match="do not match the model in its config.*missing"):
        FlowFMPretrainer.from_pretrained(saved)


def test_weights_with_other_shapes(saved, tmp_path):
    other = FlowFMPretrainer(encoder={"width": 32}, **TINY).fit(np.zeros((4, 3, 40)) + 1.0)
    other_dir = other.save_pretrained(tmp_path / "other")
    (saved / "model.safetensors").write_bytes((other_dir / "model.safetensors").read_bytes())
    with pytest.raises(CheckpointError, match="do not match the model in its config.*size"):
        FlowFMPretrainer.from_pretrained(saved)


def test_newer_format_version(saved):
    config = json.loads((saved / "config.json").read_text())
    config["format_version"] = 99
    (saved / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="newer tsfm.*upgrade"):
        FlowFMPretrainer.from_pretrained(saved)


def test_shard_directory_where_labelled_arrays_are_needed(tmp_path):
    with pytest.raises(TypeError, match="streamed only when pretraining"):
        FlowFMClassifier(**TINY).fit(str(tmp_path), [0, 1])


def test_missing_shard_directory_names_the_prepare_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="tsfm prepare"):
        FlowFMPretrainer(**TINY).fit(str(tmp_path / "no-shards"))
