"""Bad input to the sktime-native estimators: sktime's own checks, then tsfm's."""

from __future__ import annotations

import numpy as np
import pytest
from sktime.datasets import load_basic_motions
from sktime.utils._testing.panel import _make_panel

from tsfm.sktime import FlowFMSktimeClassifier, FlowFMSktimeTransformer
from tsfm.zoo.registry import UnknownModelError

FAST = {"model": "tiny", "device": "cpu", "random_state": 0, "max_epochs": 1}


@pytest.fixture(scope="module")
def motions():
    X, y = load_basic_motions(return_type="numpy3D")
    return X.astype(np.float32), y


@pytest.mark.parametrize("cls", [FlowFMSktimeClassifier, FlowFMSktimeTransformer])
def test_channel_count_different_from_the_pretrained_model(cls, motions):
    X, y = motions  # 6 channels; the shipped wrist model has 3
    est = cls(pretrained="flowfm-wrist-small", **FAST)
    with pytest.raises(ValueError, match="X has 6 channels but the pretrained model expects 3"):
        est.fit(X[:20], y[:20])
    with pytest.raises(ValueError, match="6 channels but the pretrained model expects 3"):
        est.pretrain(X[:20])


def unequal_panel():
    X = _make_panel(n_instances=6, n_columns=2, n_timepoints=30, all_positive=True,
                    return_mtype="pd-multiindex", random_state=0)
    return X.drop(index=X.index[-5:]), np.array(["a", "b"] * 3)  # last series shorter


@pytest.mark.parametrize("cls", [FlowFMSktimeClassifier, FlowFMSktimeTransformer])
def test_unequal_length_is_refused_by_sktime_as_the_tag_says(cls):
    X, y = unequal_panel()
    assert cls.get_class_tag("capability:unequal_length") is False
    with pytest.raises(ValueError, match="unequal length series"):
        cls(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="unequal length series"):
        cls(**FAST).pretrain(X)


@pytest.mark.parametrize("cls", [FlowFMSktimeClassifier, FlowFMSktimeTransformer])
def test_unknown_pretrained_name_lists_the_shipped_models(cls, motions):
    X, y = motions
    with pytest.raises(UnknownModelError, match="unknown pretrained model 'flowfm-nope'.*"
                       "flowfm-wrist-small"):
        cls(pretrained="flowfm-nope", **FAST).fit(X[::8, :3], y[::8])


def test_pretrain_needs_a_panel_not_a_single_series():
    series = np.random.default_rng(0).normal(size=50)
    with pytest.raises(TypeError, match="pretrain needs a Panel"):
        FlowFMSktimeTransformer(**FAST).pretrain(series)
