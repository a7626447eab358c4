"""FlowFMSktimeTransformer: FlowFM embeddings as an sktime Panel -> Table transformer."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sktime.transformations.base import BaseTransformer

from tsfm.estimators.transformer import FlowFMTransformer
from tsfm.sktime._input import check_pretrain_panel, refuse_unequal_length
from tsfm.sktime._lifecycle import PretrainLifecycleMixin
from tsfm.sktime._model import AUTHORS, PYTHON_DEPENDENCIES, TEST_ARCHITECTURE, FlowFMModelMixin

__all__ = ["FlowFMSktimeTransformer"]


class FlowFMSktimeTransformer(PretrainLifecycleMixin, FlowFMModelMixin, BaseTransformer):
    """Embed each series with a frozen FlowFM encoder: sktime Panel in, Table out.

    The sktime-native twin of :class:`tsfm.FlowFMTransformer`, to which it delegates:
    use it in sktime pipelines (``FlowFMSktimeTransformer() * RidgeClassifierCV()``,
    ``SklearnClassifierPipeline``), ``evaluate`` and benchmarks. In a scikit-learn
    ``Pipeline`` use :class:`tsfm.FlowFMTransformer`.

    ``fit`` uses, in this order: the model of a preceding :meth:`pretrain` call, the
    model named by ``pretrained``, or a new model pretrained on the ``fit`` data with
    the parameters below. ``transform`` returns one row of ``embedding_dim_`` columns
    per series.

    Parameters
    ----------
    pretrained : str, PathLike, FlowFMPretrainer or None, default=None
        A shipped model name (``"flowfm-wrist-small"``), a directory written by
        ``save_pretrained``, a Hugging Face Hub id, or a pretrainer.
    model : {"tiny", "small", "base"}, default="small"
        Size preset of a new model.
    max_epochs : int, default=50
        Pretraining epochs of a new model in ``fit``, and of each :meth:`pretrain` call.
    batch_size : int, default=64
    lr : float, default=1e-3
    weight_decay : float, default=0.01
    mask_prob : float, default=0.5
        Dynamic Guidance Switching probability (see :class:`tsfm.FlowFMPretrainer`).
    encoder, velocity : dict or None, default=None
        Architecture overrides of a new model (see :class:`tsfm.FlowFMPretrainer`).
    features : {"representation", "layers"}, default="representation"
        What ``transform`` returns (see :class:`tsfm.FlowFMTransformer`).
    transform_batch_size : int, default=256
    device : str, default="auto"
        ``"auto"`` uses CUDA when available.
    random_state : int or None, default=None
    verbose : int, default=0

    Attributes
    ----------
    pretrainer_ : FlowFMPretrainer
        Set by :meth:`pretrain` (a pretrained attribute, kept by ``fit`` and ``clone``).
    transformer_ : FlowFMTransformer
        The fitted scikit-learn transformer that does the work.
    embedding_dim_ : int
        Number of output columns.

    Examples
    --------
    >>> from sktime.datasets import load_basic_motions
    >>> from tsfm.sktime import FlowFMSktimeTransformer
    >>> X, _ = load_basic_motions(return_type="numpy3D")  # 80 series, 6 channels x 100
    >>> emb = FlowFMSktimeTransformer(model="tiny", max_epochs=1, device="cpu",
    ...                               random_state=0)
    >>> emb.fit_transform(X[:20]).shape  # one row of embedding_dim_ columns per series
    (20, 64)
    """

    _tags = {
        "authors": AUTHORS,
        "maintainers": AUTHORS,
        "python_dependencies": PYTHON_DEPENDENCIES,
        "object_type": "transformer",
        "scitype:transform-input": "Series",
        "scitype:transform-output": "Primitives",
        "scitype:instancewise": True,
        "X_inner_mtype": "numpy3D",
        "y_inner_mtype": "None",
        "requires_y": False,
        "fit_is_empty": False,
        "capability:multivariate": True,
        "capability:categorical_in_X": False,
        "capability:unequal_length": False,
        "capability:missing_values": False,
        "capability:random_state": True,
        "property:randomness": "derandomized",
    }

    _PRETRAINING_PARAMS = ("model", "batch_size", "lr", "weight_decay", "mask_prob",
                           "encoder", "velocity")

    def __init__(self, pretrained=None, model="small", max_epochs=50, batch_size=64, lr=1e-3,
                 weight_decay=0.01, mask_prob=0.5, encoder=None, velocity=None,
                 features="representation", transform_batch_size=256, device="auto",
                 random_state=None, verbose=0):
        self.pretrained = pretrained
        self.model = model
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.mask_prob = mask_prob
        self.encoder = encoder
        self.velocity = velocity
        self.features = features
        self.transform_batch_size = transform_batch_size
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        super().__init__()

    def fit(self, X, y=None):
        """Fit on the sktime Panel ``X`` (n_instances, n_channels, n_timepoints); ``y`` ignored.

        See :class:`sktime.transformations.base.BaseTransformer`; unequal-length panels
        are refused with sktime's wording before sktime converts them.
        """
        refuse_unequal_length(self, X)
        return super().fit(X, y)

    def transform(self, X, y=None):
        """Embeddings of the Panel ``X``: a Table of shape (n_instances, ``embedding_dim_``).

        See :class:`sktime.transformations.base.BaseTransformer`.
        """
        refuse_unequal_length(self, X)
        return super().transform(X, y)

    def _pretrain_epochs(self) -> int:
        return self.max_epochs

    def _pretrain_input(self, X):
        return check_pretrain_panel(self, X)

    def _pretrain(self, X: np.ndarray) -> None:
        """Set ``pretrainer_`` from the panel ``X`` of shape (n, C, T)."""
        self._pretrain_panel(X)

    def _pretrain_update(self, X: np.ndarray) -> None:
        self._pretrain_update_panel(X)

    def _fit(self, X: np.ndarray, y=None):
        """Load, take or pretrain the encoder for panels ``X`` of shape (n, C, T)."""
        start = self._starting_pretrainer(X)
        if start is None:
            delegate = FlowFMTransformer(**self._pretraining_params(),
                                         features=self.features,
                                         transform_batch_size=self.transform_batch_size)
        else:
            delegate = FlowFMTransformer(pretrained=start, device=self.device,
                                         features=self.features,
                                         transform_batch_size=self.transform_batch_size)
        self.transformer_ = delegate.fit(X)
        self.embedding_dim_ = self.transformer_.embedding_dim_
        return self

    def _transform(self, X: np.ndarray, y=None) -> pd.DataFrame:
        """Embeddings of the panel ``X`` (n, C, T): a DataFrame (n, ``embedding_dim_``)."""
        Z = self.transformer_.transform(X)
        return pd.DataFrame(Z, columns=self.transformer_.get_feature_names_out())

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Tiny, fast configurations for sktime's ``check_estimator``.

        Returns
        -------
        list of dict
        """
        arch = dict(TEST_ARCHITECTURE)
        common = {"model": "tiny", "device": "cpu", "random_state": 0, "batch_size": 16}
        return [
            {**common, "max_epochs": 1, "encoder": arch, "velocity": arch},
            {**common, "max_epochs": 1, "encoder": {**arch, "width": 8},
             "velocity": arch, "features": "layers", "mask_prob": 0.0},
        ]
