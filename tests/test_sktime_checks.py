"""sktime's own conformance suite (check_estimator) on the sktime-native estimators."""

from __future__ import annotations

import pytest
from sktime.utils.estimator_checks import check_estimator

from tsfm.sktime import FlowFMSktimeClassifier, FlowFMSktimeTransformer

#: checks excluded from sktime's suite, with the reason; none are needed today
EXCLUDED: dict[str, str] = {}


@pytest.mark.parametrize("cls", [FlowFMSktimeClassifier, FlowFMSktimeTransformer])
def test_sktime_check_estimator_passes(cls):
    results = check_estimator(cls, raise_exceptions=False, tests_to_exclude=list(EXCLUDED))
    failed = {name: str(result)[:300] for name, result in results.items()
              if result != "PASSED"}
    assert len(results) > 100  # the whole suite ran, not a handful of checks
    assert failed == {}


@pytest.mark.parametrize("cls", [FlowFMSktimeClassifier, FlowFMSktimeTransformer])
def test_tags_state_what_the_estimators_can_do(cls):
    assert cls.get_class_tag("capability:multivariate") is True
    assert cls.get_class_tag("capability:unequal_length") is False
    assert cls.get_class_tag("capability:missing_values") is False
    assert cls.get_class_tag("X_inner_mtype") == "numpy3D"
    assert cls.get_class_tag("python_dependencies") == ["torch", "skorch"]
    assert cls.get_class_tag("authors") == ["tsfm developers"]
    assert cls.get_class_tag("maintainers") == ["tsfm developers"]


def test_classifier_states_probabilities_and_transformer_a_table():
    assert FlowFMSktimeClassifier.get_class_tag("capability:predict_proba") is True
    assert FlowFMSktimeTransformer.get_class_tag("scitype:transform-output") == "Primitives"


@pytest.mark.parametrize("cls", [FlowFMSktimeClassifier, FlowFMSktimeTransformer])
def test_test_params_are_tiny_cpu_configurations(cls):
    for params in cls.get_test_params():
        assert params["model"] == "tiny" and params["device"] == "cpu"
        assert params["max_epochs"] <= 2
