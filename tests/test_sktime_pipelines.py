"""The sktime-native estimators inside sktime's pipelines, evaluate and benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sktime.benchmarking.classification import ClassificationBenchmark
from sktime.classification.compose import ClassifierPipeline, SklearnClassifierPipeline
from sktime.classification.model_evaluation import evaluate
from sktime.datasets import load_basic_motions
from sktime.transformations.series.exponent import ExponentTransformer

from tsfm import FlowFMClassifier
from tsfm.sktime import FlowFMSktimeClassifier, FlowFMSktimeTransformer

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 10}
FAST = {"model": "tiny", "device": "cpu", "random_state": 0, "batch_size": 16}


@pytest.fixture(scope="module")
def motions():
    X, y = load_basic_motions(return_type="numpy3D")
    return X.astype(np.float32), y


def tiny_classifier(**params) -> FlowFMSktimeClassifier:
    return FlowFMSktimeClassifier(max_epochs=1, encoder=ARCH, **FAST, **params)


def test_exponent_times_sklearn_classifier_trains_on_6_channels_of_100_points(motions):
    """The silent flattening of issue 12: sktime's * used to feed (n, 600) as 1 channel."""
    X, y = motions
    pipe = ExponentTransformer() * FlowFMClassifier(max_epochs=1, encoder=ARCH, **FAST)
    assert isinstance(pipe, ClassifierPipeline)
    assert isinstance(pipe.classifier, FlowFMSktimeClassifier)
    pipe.fit(X[:40], y[:40])
    config = pipe.classifier_.classifier_.config_
    assert (config.n_channels, config.n_timepoints) == (6, 100)
    assert set(pipe.predict(X[40:44])) <= set(y)


def test_sklearn_classifier_keeps_its_parameters_in_the_twin():
    clf = FlowFMClassifier(max_epochs=3, lr=5e-3, head_dropout=0.2, encoder=ARCH, **FAST)
    twin = (ExponentTransformer() * clf).classifier
    assert {k: twin.get_params()[k] for k in clf.get_params(deep=False)} == clf.get_params(
        deep=False)


def test_sklearn_classifier_answers_no_other_sktime_tag():
    with pytest.raises(ValueError, match="FlowFMSktimeClassifier from tsfm.sktime"):
        FlowFMClassifier().get_tag("capability:multivariate")
    assert FlowFMClassifier().get_tag("capability:multivariate", "x", raise_error=False) == "x"


def test_classifier_pipeline_and_dunder_with_the_sktime_classifier(motions):
    X, y = motions
    for pipe in (ClassifierPipeline(tiny_classifier(), [ExponentTransformer()]),
                 ExponentTransformer() * tiny_classifier()):
        pipe.fit(X[:40], y[:40])
        proba = pipe.predict_proba(X[40:45])
        assert proba.shape == (5, 4)
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


def test_sktime_transformer_feeds_a_tabular_sklearn_classifier(motions):
    X, y = motions
    emb = FlowFMSktimeTransformer(max_epochs=1, encoder=ARCH, velocity=ARCH, **FAST)
    for pipe in (SklearnClassifierPipeline(LogisticRegression(max_iter=200), [emb]),
                 emb * LogisticRegression(max_iter=200)):
        pipe.fit(X[:40], y[:40])
        assert pipe.predict(X[40:45]).shape == (5,)


def test_evaluate_gives_finite_scores(motions):
    X, y = motions
    results = evaluate(tiny_classifier(), cv=KFold(2, shuffle=True, random_state=0), X=X,
                       y=y, error_score="raise")
    assert len(results) == 2
    assert np.isfinite(results["test_accuracy_score"]).all()


def test_classification_benchmark_of_two_estimators_on_basic_motions(tmp_path):
    def basic_motions():
        return load_basic_motions(return_type="pd-multiindex")

    bench = ClassificationBenchmark()
    bench.add_estimator(tiny_classifier(), estimator_id="FlowFM-finetune")
    bench.add_estimator(
        FlowFMSktimeTransformer(max_epochs=1, encoder=ARCH, velocity=ARCH, **FAST)
        * LogisticRegression(max_iter=200), estimator_id="FlowFM-probe")
    from sklearn.metrics import accuracy_score

    bench.add_task(basic_motions, KFold(2, shuffle=True, random_state=0), [accuracy_score])
    frame = bench.run(str(tmp_path / "results.csv"))
    assert isinstance(frame, pd.DataFrame) and len(frame) == 2
    scores = frame["accuracy_score_mean"].to_numpy(dtype=float)
    assert np.isfinite(scores).all() and ((0 <= scores) & (scores <= 1)).all()


def test_sktime_transformer_survives_sklearn_pipeline_reset(motions):
    """sktime's fit resets; scikit-learn 1.9's Pipeline context must survive that."""
    from sklearn.pipeline import Pipeline

    X, y = motions
    emb = FlowFMSktimeTransformer(max_epochs=1, encoder=ARCH, velocity=ARCH, **FAST)
    pipe = Pipeline([("emb", emb), ("clf", LogisticRegression(max_iter=200))])
    assert pipe.fit(X[:40], y[:40]).predict(X[40:45]).shape == (5,)
