"""sktime's pretraining lifecycle (new -> pretrained -> fitted) and pretrained models."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sktime.datasets import load_basic_motions

from tsfm import FlowFMPretrainer
from tsfm.sktime import FlowFMSktimeClassifier, FlowFMSktimeTransformer

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 10}
FAST = {"model": "tiny", "device": "cpu", "random_state": 0, "batch_size": 16}


@pytest.fixture(scope="module")
def motions():
    X, y = load_basic_motions(return_type="numpy3D")
    return X.astype(np.float32), y


def encoder_weights(pretrainer) -> dict:
    return {k: v.clone() for k, v in pretrainer.net_.module_.encoder.state_dict().items()}


def same_weights(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_classifier_goes_new_pretrained_fitted_and_fine_tunes_the_pretrained_encoder(motions):
    X, y = motions
    clf = FlowFMSktimeClassifier(max_epochs=1, pretrain_epochs=1, encoder=ARCH, **FAST)
    assert clf.state == "new" and clf.get_pretrained_params() == {}
    clf.pretrain(X)
    assert clf.state == "pretrained"
    assert list(clf.get_pretrained_params()) == ["pretrainer_"]
    before = encoder_weights(clf.pretrainer_)
    clf.fit(X[:40], y[:40])
    assert clf.state == "fitted"
    assert clf.classifier_.pretrained is clf.pretrainer_  # fine-tuned from it
    assert same_weights(before, encoder_weights(clf.pretrainer_))  # not mutated by fit
    tuned = clf.classifier_.net_.module_.encoder.state_dict()
    assert not same_weights(before, tuned)


def test_refit_starts_from_the_pretrained_model_again(motions):
    X, y = motions
    clf = FlowFMSktimeClassifier(max_epochs=1, pretrain_epochs=1, encoder=ARCH, **FAST)
    clf.pretrain(X).fit(X[:40], y[:40])
    pre = clf.pretrainer_
    clf.fit(X[40:], y[40:])
    assert clf.pretrainer_ is pre and clf.classifier_.pretrained is pre


def test_second_pretrain_trains_further_and_drops_the_fitted_head(motions):
    X, y = motions
    clf = FlowFMSktimeClassifier(max_epochs=1, pretrain_epochs=1, encoder=ARCH, **FAST)
    clf.pretrain(X).fit(X[:40], y[:40])
    before = encoder_weights(clf.pretrainer_)
    epochs = len(clf.pretrainer_.history_)
    clf.pretrain(X[40:])
    assert clf.state == "pretrained" and not hasattr(clf, "classifier_")
    assert len(clf.pretrainer_.net_.history) == epochs + 1
    assert not same_weights(before, encoder_weights(clf.pretrainer_))


def test_clone_keeps_pretrained_state_reset_and_set_params_drop_it(motions):
    X, _ = motions
    clf = FlowFMSktimeClassifier(max_epochs=1, pretrain_epochs=1, encoder=ARCH, **FAST)
    clf.pretrain(X)
    copy = clf.clone()
    assert copy.state == "pretrained" and copy.pretrainer_ is not clf.pretrainer_
    assert same_weights(encoder_weights(copy.pretrainer_), encoder_weights(clf.pretrainer_))
    assert copy.reset().state == "new" and not hasattr(copy, "pretrainer_")
    assert clf.set_params(lr=1e-2).state == "new"


def test_transformer_fit_after_pretrain_uses_that_encoder_instead_of_pretraining(motions):
    X, _ = motions
    emb = FlowFMSktimeTransformer(max_epochs=1, encoder=ARCH, velocity=ARCH, **FAST)
    emb.pretrain(X)
    Z = emb.fit_transform(X[:10])
    assert emb.transformer_.pretrainer_ is emb.pretrainer_
    expected = emb.pretrainer_._embed(X[:10], batch_size=8)
    np.testing.assert_allclose(Z.to_numpy(), expected, rtol=1e-5, atol=1e-6)


def test_shipped_model_by_name_is_fine_tuned(motions):
    X, y = motions
    X3 = X[:, :3]  # the shipped wrist model has 3 accelerometer channels
    clf = FlowFMSktimeClassifier(pretrained="flowfm-wrist-small", max_epochs=1, **FAST)
    clf.fit(X3[:40], y[:40])
    shipped = FlowFMPretrainer.from_pretrained("flowfm-wrist-small", device="cpu")
    assert clf.classifier_.config_ == shipped.config_
    assert clf.predict_proba(X3[40:44]).shape == (4, 4)


def test_local_directory_is_loaded_and_pretrain_continues_a_copy(motions, tmp_path):
    X, _ = motions
    FlowFMPretrainer(max_epochs=1, encoder=ARCH, velocity=ARCH, **FAST).fit(X).save_pretrained(
        tmp_path / "m")
    emb = FlowFMSktimeTransformer(pretrained=str(tmp_path / "m"), **FAST)
    Z = emb.fit_transform(X[:5])
    assert Z.shape == (5, 16)
    saved = encoder_weights(FlowFMPretrainer.from_pretrained(tmp_path / "m", device="cpu"))
    emb.pretrain(X)  # further pretraining of the loaded model, 1 more epoch
    assert not same_weights(saved, encoder_weights(emb.pretrainer_))
    again = encoder_weights(FlowFMPretrainer.from_pretrained(tmp_path / "m", device="cpu"))
    assert same_weights(saved, again)  # the directory is left as it was


def test_fitted_pretrainer_parameter_is_not_changed_by_pretrain(motions):
    X, _ = motions
    given = FlowFMPretrainer(max_epochs=1, encoder=ARCH, velocity=ARCH, **FAST).fit(X)
    before = encoder_weights(given)
    emb = FlowFMSktimeTransformer(pretrained=given, max_epochs=1, **FAST).pretrain(X)
    assert emb.pretrainer_ is not given
    assert same_weights(before, encoder_weights(given))
