"""sktime-native FlowFM estimators, for sktime pipelines, ``evaluate`` and benchmarks.

- :class:`FlowFMSktimeTransformer`: Panel -> Table embeddings (``BaseTransformer``).
- :class:`FlowFMSktimeClassifier`: fine-tuning classifier (``BaseClassifier``).
- :class:`FlowFMForecaster`: probabilistic forecasts by conditional generation
  (``BaseForecaster``); see docs/tasks.md.
- :class:`FlowFMImputer`: fills gaps by conditional generation (``BaseTransformer``).
- :class:`FlowFMAnomalyDetector`: anomaly scores by the peak regeneration error
  (``BaseDetector``).

Both follow sktime's pretraining lifecycle (``pretrain``, then ``fit``) and delegate
the work to the scikit-learn estimators of :mod:`tsfm.estimators`, which remain the
ones to use inside a scikit-learn ``Pipeline``. The shared base of model loading,
devices and pretraining, written for a future forecaster too, is
:class:`tsfm.sktime._model.FlowFMModelMixin`. See docs/sktime.md.
"""

from tsfm.sktime.classifier import FlowFMSktimeClassifier
from tsfm.sktime.detector import FlowFMAnomalyDetector
from tsfm.sktime.forecaster import FlowFMForecaster
from tsfm.sktime.imputer import FlowFMImputer
from tsfm.sktime.transformer import FlowFMSktimeTransformer

__all__ = ["FlowFMAnomalyDetector", "FlowFMForecaster", "FlowFMImputer",
           "FlowFMSktimeClassifier",
           "FlowFMSktimeTransformer"]
