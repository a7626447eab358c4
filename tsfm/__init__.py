"""tsfm: time-series foundation models as scikit-learn and sktime citizens.

The first model is FlowFM (Ukita & Okita, arXiv 2512.19729): a ViT-1D
representation encoder trained jointly with a conditional flow-matching DiT-1D
generator on unlabelled sensor windows.
"""

from tsfm.estimators import (
    FlowFMClassifier,
    FlowFMPretrainer,
    FlowFMSignalGenerator,
    FlowFMTransformer,
)
from tsfm.plugins.hookspecs import hookimpl
from tsfm.zoo import list_pretrained

__version__ = "0.1.0"

__all__ = [
    "FlowFMClassifier",
    "FlowFMPretrainer",
    "FlowFMSignalGenerator",
    "FlowFMTransformer",
    "__version__",
    "hookimpl",
    "list_pretrained",
]
