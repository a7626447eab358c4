"""The scikit-learn estimators of tsfm."""

from tsfm.estimators.classifier import FlowFMClassifier
from tsfm.estimators.generator import FlowFMSignalGenerator
from tsfm.estimators.pretrainer import FlowFMPretrainer
from tsfm.estimators.transformer import FlowFMTransformer

__all__ = [
    "FlowFMClassifier",
    "FlowFMPretrainer",
    "FlowFMSignalGenerator",
    "FlowFMTransformer",
]
