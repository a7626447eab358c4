"""tsfm: time-series foundation models as scikit-learn and sktime citizens.

The first model is FlowFM (Ukita & Okita, arXiv 2512.19729): a ViT-1D
representation encoder trained jointly with a conditional flow-matching DiT-1D
generator on unlabelled sensor windows.

The estimators are imported on first use (PEP 562), so that ``import tsfm`` and the
``tsfm`` command line start without loading torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: public name -> the module that defines it
_LAZY = {
    "FlowFMClassifier": "tsfm.estimators",
    "FlowFMPretrainer": "tsfm.estimators",
    "FlowFMSignalGenerator": "tsfm.estimators",
    "FlowFMTransformer": "tsfm.estimators",
    "hookimpl": "tsfm.plugins.hookspecs",
    "list_pretrained": "tsfm.zoo",
}

__all__ = [
    "FlowFMClassifier",
    "FlowFMPretrainer",
    "FlowFMSignalGenerator",
    "FlowFMTransformer",
    "__version__",
    "hookimpl",
    "list_pretrained",
]

if TYPE_CHECKING:
    from tsfm.estimators import (
        FlowFMClassifier,
        FlowFMPretrainer,
        FlowFMSignalGenerator,
        FlowFMTransformer,
    )
    from tsfm.plugins.hookspecs import hookimpl
    from tsfm.zoo import list_pretrained


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tsfm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
