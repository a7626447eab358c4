"""The non-deep baselines are plain scikit-learn transformers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import RidgeClassifier
from sklearn.pipeline import Pipeline

from tsfm.benchmarking.baselines import SktimeAdapter, StatisticalFeatures


def test_statistical_features_shape_and_values(har_data):
    features = StatisticalFeatures().fit(har_data.X)
    out = features.transform(har_data.X)
    n_channels = har_data.X.shape[1]
    assert out.shape == (len(har_data.X), 16 * (n_channels + 1) + 3)
    assert features.n_features_out_ == out.shape[1]
    np.testing.assert_allclose(out[:, :n_channels], har_data.X.mean(axis=2), atol=1e-5)
    np.testing.assert_allclose(out[:, n_channels + 1: 2 * n_channels + 1],
                               har_data.X.std(axis=2), atol=1e-5)


def test_statistical_features_reject_other_channel_counts(har_data):
    features = StatisticalFeatures().fit(har_data.X)
    with pytest.raises(ValueError, match="2 channels, but fit saw 3"):
        features.transform(har_data.X[:, :2])


def test_minirocket_runs_inside_a_sklearn_pipeline(har_data):
    pytest.importorskip("numba", reason="sktime's MiniRocket needs numba")
    from sktime.transformations.panel.rocket import MiniRocketMultivariate

    torch.set_num_threads(1)
    pipe = Pipeline([("rocket", SktimeAdapter(MiniRocketMultivariate(random_state=0))),
                     ("clf", RidgeClassifier())])
    pipe = clone(pipe).fit(har_data.X, har_data.y)
    assert pipe.score(har_data.X, har_data.y) == 1.0
    assert pipe.named_steps["rocket"].n_features_out_ > 1000
    # the sktime object given by the user is cloned, never fitted in place
    assert not pipe.named_steps["rocket"].transformer.is_fitted
    # MiniRocket sets numba's (OpenMP) thread count; torch's must survive it
    assert torch.get_num_threads() == 1


def test_adapter_without_transformer_is_a_clear_error(har_data):
    with pytest.raises(ValueError, match="transformer is required"):
        SktimeAdapter().fit(har_data.X)
