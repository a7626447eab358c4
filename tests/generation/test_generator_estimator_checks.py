"""scikit-learn's estimator checks on FlowFMSignalGenerator, with known failures explained."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from tsfm import FlowFMSignalGenerator

# as in tests/test_estimator_checks.py: 2-D check data are univariate series of a few
# timepoints, hence patch size 1
ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 1}

N_FEATURES_REASON = (
    "panel estimators have no tabular n_features_in_: the channel count is checked "
    "(n_channels_) and the series length may differ from fit, because the positional "
    "embeddings are interpolated"
)


def expected_failed_checks(estimator) -> dict[str, str]:
    return {
        "check_n_features_in": N_FEATURES_REASON,
        "check_n_features_in_after_fitting": N_FEATURES_REASON,
    }


@parametrize_with_checks(
    [FlowFMSignalGenerator(model="tiny", encoder=ARCH, velocity=ARCH, max_epochs=2,
                           device="cpu", random_state=0)],
    expected_failed_checks=expected_failed_checks,
)
def test_sklearn_compatible_generator(estimator, check):
    check(estimator)
