"""No silent NaN: out-of-range inputs, diverged fits and non-finite outputs raise."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from tsfm import FlowFMClassifier, FlowFMPretrainer, FlowFMTransformer
from tsfm.exceptions import NonFiniteError, TsfmError
from tsfm.training.divergence import DivergenceGuard
from tsfm.training.normalization import MAX_STANDARDIZED, ChannelStandardizer

TINY = {"model": "tiny", "device": "cpu", "max_epochs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def X() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(16, 3, 40)).astype(np.float32)


@pytest.fixture(scope="module")
def y() -> np.ndarray:
    return np.repeat([0, 1], 8)


@pytest.fixture(scope="module")
def transformer(X) -> FlowFMTransformer:
    return FlowFMTransformer(**TINY).fit(X)


@pytest.fixture(scope="module")
def classifier(X, y) -> FlowFMClassifier:
    return FlowFMClassifier(**TINY).fit(X, y)


def test_non_finite_error_is_a_tsfm_value_error():
    assert issubclass(NonFiniteError, TsfmError) and issubclass(NonFiniteError, ValueError)


# -- inputs far outside the pretraining range ------------------------------------------
def test_embedding_values_far_outside_the_training_range_raises(transformer, X):
    with pytest.raises(NonFiniteError, match=r"X has values up to 3\.\d+e\+20 standard "
                                             r"deviations.*first in series 0, channel 0.*"
                                             r"other units than the pretraining data"):
        transformer.transform(X * 1e20)


def test_classifier_does_not_predict_class_0_for_out_of_range_input(classifier, X):
    with pytest.raises(NonFiniteError, match="standard deviations from the pretraining"):
        classifier.predict(X * 1e20)
    with pytest.raises(NonFiniteError, match="standard deviations from the pretraining"):
        classifier.predict_proba(X * 1e20)


def test_values_just_inside_the_bound_embed_finitely(transformer):
    X = np.zeros((2, 3, 40), dtype=np.float32)
    X[0, 0, 5] = 0.5 * MAX_STANDARDIZED  # the training data has mean ~0 and scale ~1
    assert np.isfinite(transformer.transform(X)).all()


def test_pretraining_on_huge_values_gives_finite_embeddings(X):
    """The statistics are computed in float64, so data near float32's limit is fine."""
    huge = X * np.float32(1e37)
    Z = FlowFMTransformer(**TINY).fit(huge).transform(huge)
    assert np.isfinite(Z).all()


# -- the standardiser ----------------------------------------------------------------------
def test_statistics_of_data_near_the_float32_limit_are_finite():
    X = np.array([[[3e38, -3e38, 3e38, -3e38]]], dtype=np.float32)
    standardizer = ChannelStandardizer.fit(X)
    np.testing.assert_allclose(standardizer.scale, [3e38], rtol=1e-6)
    np.testing.assert_allclose(standardizer.transform(X), [[[1, -1, 1, -1]]], rtol=1e-6)


def test_standardizer_bounds_the_standardised_values():
    standardizer = ChannelStandardizer(mean=np.zeros(2), scale=np.ones(2))
    X = np.zeros((3, 2, 4))
    X[2, 1, 3] = 2 * MAX_STANDARDIZED
    with pytest.raises(NonFiniteError, match=r"up to 2e\+06 .*first in series 2, channel 1"):
        standardizer.transform(X)


def test_inverse_transform_beyond_float32_raises():
    standardizer = ChannelStandardizer(mean=np.zeros(1), scale=np.full(1, 1e38))
    with pytest.raises(NonFiniteError, match=r"1 values of the samples are NaN, inf or "
                                             r"beyond the float32 range.*rescaled data"):
        standardizer.inverse_transform(np.array([[[1.0, 5.0]]]))


@pytest.mark.parametrize(("mean", "scale"), [([np.nan], [1.0]), ([0.0], [0.0]),
                                             ([0.0], [np.inf]), ([0.0, 1.0], [1.0])])
def test_standardizer_rejects_invalid_statistics(mean, scale):
    with pytest.raises(ValueError, match="finite, with positive scales"):
        ChannelStandardizer(mean=np.asarray(mean), scale=np.asarray(scale))


# -- diverged fits ---------------------------------------------------------------------
def test_diverged_pretraining_names_the_epoch_and_a_lower_lr(X):
    pre = FlowFMPretrainer(**(TINY | {"lr": 1e3, "max_epochs": 4, "batch_size": 8}))
    with pytest.raises(NonFiniteError, match=r"training diverged in epoch 2: the training "
                                             r"loss of batch 2 is nan.*try lr=100\b"):
        pre.fit(X)
    assert not hasattr(pre, "net_")


def test_diverged_fine_tuning_raises(X, y):
    clf = FlowFMClassifier(**(TINY | {"lr": 1e6, "max_epochs": 4, "batch_size": 8}))
    with pytest.raises(NonFiniteError, match=r"training diverged in epoch 1.*Lower the "
                                             r"learning rate \(lr=1e\+06; try lr=100000\)"):
        clf.fit(X, y)


def test_the_guard_is_a_default_callback_beside_user_callbacks(X):
    from skorch.callbacks import EpochTimer

    pre = FlowFMPretrainer(**(TINY | {"callbacks": [("timer2", EpochTimer())]})).fit(X)
    names = [name for name, _ in pre.net_.callbacks_]
    assert "divergence_guard" in names and "timer2" in names


def test_guard_checks_the_weights_at_the_end_of_each_epoch(transformer):
    net = copy.deepcopy(transformer.pretrainer_.net_)
    with torch.no_grad():
        next(net.module_.parameters()).view(-1)[0] = float("inf")
    with pytest.raises(NonFiniteError, match=r"epoch 1: the weights 'encoder\.\S+' are NaN"):
        DivergenceGuard().on_epoch_end(net)


# -- non-finite outputs -----------------------------------------------------------------
def test_embeddings_of_a_nan_model_raise(transformer, X):
    broken = copy.deepcopy(transformer)
    with torch.no_grad():
        for param in broken.pretrainer_.net_.module_.encoder.parameters():
            param.fill_(float("nan"))
    with pytest.raises(NonFiniteError, match=r"the embeddings contain NaN or inf \(\d+ values "
                                             r"in 16 rows, first at row 0\).*lower learning"):
        broken.transform(X)


def test_probabilities_of_a_nan_model_raise(classifier, X):
    broken = copy.deepcopy(classifier)
    with torch.no_grad():
        broken.net_.module_.head.bias.fill_(float("nan"))
    with pytest.raises(NonFiniteError, match="the class probabilities contain NaN"):
        broken.predict(X)


def test_guard_reads_the_validation_loss_of_validation_batches(transformer):
    net = copy.deepcopy(transformer.pretrainer_.net_)
    net.history.new_epoch()
    net.history.new_batch()
    net.history.record_batch("valid_loss", float("inf"))
    with pytest.raises(NonFiniteError, match="epoch 2: the validation loss of batch 1 is inf"):
        DivergenceGuard().on_batch_end(net, training=False)
