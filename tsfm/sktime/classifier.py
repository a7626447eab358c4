"""FlowFMSktimeClassifier: fine-tuning a FlowFM encoder as an sktime time series classifier."""

from __future__ import annotations

import numpy as np
from sktime.classification.base import BaseClassifier

from tsfm.estimators.classifier import FlowFMClassifier
from tsfm.sktime._input import check_pretrain_panel
from tsfm.sktime._lifecycle import PretrainLifecycleMixin
from tsfm.sktime._model import AUTHORS, PYTHON_DEPENDENCIES, TEST_ARCHITECTURE, FlowFMModelMixin

__all__ = ["FlowFMSktimeClassifier"]

#: parameters passed unchanged to the scikit-learn FlowFMClassifier
_DELEGATED = ("model", "max_epochs", "batch_size", "lr", "weight_decay", "head_dropout",
              "device", "random_state", "verbose", "callbacks", "train_split", "precision")


class FlowFMSktimeClassifier(PretrainLifecycleMixin, FlowFMModelMixin, BaseClassifier):
    """Classify series by fine-tuning a FlowFM encoder end to end, sktime-native.

    The sktime twin of :class:`tsfm.FlowFMClassifier`, to which it delegates: use it
    in sktime pipelines (``ClassifierPipeline``, ``transformer * classifier``),
    ``evaluate`` and ``ClassificationBenchmark``. In a scikit-learn ``Pipeline`` use
    :class:`tsfm.FlowFMClassifier`. ``ExponentTransformer() * FlowFMClassifier()``
    builds a pipeline of this class.

    ``fit`` fine-tunes, in this order: the model of a preceding :meth:`pretrain` call,
    the model named by ``pretrained``, or (neither) a randomly initialised encoder of
    size ``model``, trained supervised only.

    Parameters
    ----------
    pretrained : str, PathLike, FlowFMPretrainer or None, default=None
        A shipped model name (``"flowfm-wrist-small"``), a directory written by
        ``save_pretrained``, a Hugging Face Hub id, or a pretrainer.
    model : {"tiny", "small", "base"}, default="small"
        Size preset of a new encoder.
    max_epochs : int, default=20
        Fine-tuning epochs of ``fit``.
    pretrain_epochs : int, default=50
        Epochs of each :meth:`pretrain` call.
    batch_size : int, default=64
    lr : float, default=1e-3
        AdamW learning rate (fine-tuning and pretraining).
    weight_decay : float, default=0.01
    head_dropout : float, default=0.0
    encoder : dict or None, default=None
        Architecture overrides of a new encoder (see :class:`tsfm.FlowFMPretrainer`).
    device : str, default="auto"
    random_state : int or None, default=None
    verbose : int, default=0
    callbacks : list of skorch callbacks or None, default=None
    train_split : callable or None, default=None
    precision : {"fp32", "bf16", "fp16"}, default="fp32"
        Autocast of fine-tuning (see :class:`tsfm.FlowFMClassifier`).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    pretrainer_ : FlowFMPretrainer
        Set by :meth:`pretrain` (a pretrained attribute, kept by ``fit`` and ``clone``).
    classifier_ : FlowFMClassifier
        The fitted scikit-learn classifier that does the work.

    Examples
    --------
    >>> from sktime.datasets import load_basic_motions
    >>> from tsfm.sktime import FlowFMSktimeClassifier
    >>> X, y = load_basic_motions(return_type="numpy3D")  # 80 series, 6 channels x 100
    >>> clf = FlowFMSktimeClassifier(model="tiny", max_epochs=1, pretrain_epochs=1,
    ...                              device="cpu", random_state=0)
    >>> clf.pretrain(X).state  # unlabelled data; fit then starts from this model
    'pretrained'
    >>> clf.fit(X[:40], y[:40]).predict_proba(X[40:42]).shape
    (2, 4)
    """

    _tags = {
        "authors": AUTHORS,
        "maintainers": AUTHORS,
        "python_dependencies": PYTHON_DEPENDENCIES,
        "X_inner_mtype": "numpy3D",
        "y_inner_mtype": "numpy1D",
        "capability:multivariate": True,
        "capability:categorical_in_X": False,
        "capability:unequal_length": False,
        "capability:missing_values": False,
        "capability:predict_proba": True,
        "capability:random_state": True,
        "property:randomness": "derandomized",
    }

    _PRETRAINING_PARAMS = ("model", "batch_size", "lr", "weight_decay", "encoder")

    def __init__(self, pretrained=None, model="small", max_epochs=20, pretrain_epochs=50,
                 batch_size=64, lr=1e-3, weight_decay=0.01, head_dropout=0.0, encoder=None,
                 device="auto", random_state=None, verbose=0, callbacks=None,
                 train_split=None, precision="fp32"):
        self.pretrained = pretrained
        self.model = model
        self.max_epochs = max_epochs
        self.pretrain_epochs = pretrain_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.head_dropout = head_dropout
        self.encoder = encoder
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.train_split = train_split
        self.precision = precision
        super().__init__()

    @classmethod
    def from_sklearn(cls, estimator: FlowFMClassifier) -> FlowFMSktimeClassifier:
        """The sktime twin of an (unfitted) scikit-learn :class:`tsfm.FlowFMClassifier`.

        Parameters
        ----------
        estimator : FlowFMClassifier
            Its parameters are copied; fitted state is not.

        Returns
        -------
        FlowFMSktimeClassifier
        """
        return cls(**estimator.get_params(deep=False))

    def _pretrain_epochs(self) -> int:
        return self.pretrain_epochs

    def _pretrain_input(self, X):
        return check_pretrain_panel(self, X)

    def _pretrain(self, X: np.ndarray) -> None:
        """Set ``pretrainer_`` from the unlabelled panel ``X`` of shape (n, C, T)."""
        self._pretrain_panel(X)

    def _pretrain_update(self, X: np.ndarray) -> None:
        self._pretrain_update_panel(X)

    def _fit(self, X: np.ndarray, y: np.ndarray):
        """Fine-tune on the panel ``X`` (n, C, T) and labels ``y`` (n,)."""
        start = self._starting_pretrainer(X)
        params = {name: getattr(self, name) for name in _DELEGATED}
        # with a pretrained start the architecture is the model's (overrides are an error)
        encoder = self.encoder if start is None else None
        self.classifier_ = FlowFMClassifier(pretrained=start, encoder=encoder, **params)
        self.classifier_.fit(X, y)
        return self

    def _predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities (n, n_classes) of the panel ``X`` (n, C, T), columns as ``classes_``."""
        proba = self.classifier_.predict_proba(X)
        # BaseClassifier orders classes_ by np.unique, as the LabelEncoder inside does
        return proba[:, np.searchsorted(self.classifier_.classes_, self.classes_)]

    def _predict(self, X: np.ndarray) -> np.ndarray:
        """Labels (n,) of the panel ``X`` (n, C, T)."""
        return self.classes_[np.argmax(self._predict_proba(X), axis=1)]

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Tiny, fast configurations for sktime's ``check_estimator``.

        Returns
        -------
        list of dict
        """
        arch = dict(TEST_ARCHITECTURE)
        common = {"model": "tiny", "device": "cpu", "random_state": 0, "batch_size": 16,
                  "pretrain_epochs": 1}
        return [
            {**common, "max_epochs": 2, "encoder": arch},
            {**common, "max_epochs": 1, "encoder": {**arch, "width": 8}, "lr": 1e-2,
             "head_dropout": 0.1},
        ]
