"""The frozen feature extractor behind FID, Inception score and precision/recall.

Generative metrics compare features, not raw series, and are only comparable between
models when every model is scored with the same frozen extractor. tsfm's extractor
is a small 1-D CNN classifier trained once per dataset on real labelled series and
saved (safetensors weights plus a JSON config) for reuse:

    Conv1d(k=5) -> BatchNorm -> ReLU -> MaxPool(2), repeated ``depth`` times
    (``width`` channels), then global average pooling -> features of size ``width``
    -> Linear -> class logits.

The pooled vector is the feature for FID and precision/recall (the analogue of
Inception-v3's pool3 features); the softmax of the head gives the class
probabilities for the Inception score.
"""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import torch
from pydantic import Field, ValidationError
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetClassifier
from torch import nn

from tsfm.config.errors import describe_errors
from tsfm.config.model_config import MAX_CHANNELS
from tsfm.config.normalization import NormalizationConfig
from tsfm.config.types import FrozenModel, Integer, Number
from tsfm.exceptions import CheckpointError, ConfigError
from tsfm.io.model_dir import load_weights, read_config, read_weights, save_model_dir
from tsfm.training.normalization import ChannelStandardizer
from tsfm.training.seeding import resolve_seed, torch_seed
from tsfm.utils.device import resolve_device
from tsfm.utils.validation import check_panel

FORMAT = "tsfm.feature_extractor"
CONFIG_NAME = "extractor.json"
WEIGHTS_NAME = "extractor.safetensors"
_FILES = {
    "config_name": CONFIG_NAME,
    "weights_name": WEIGHTS_NAME,
    "kind": "feature extractor",
    "writer": "FeatureExtractor.save",
}


def _positive(limit: int):
    return Annotated[
        Integer, Field(ge=1, le=limit, description=f"must be an integer in [1, {limit}]")
    ]


class ExtractorParams(FrozenModel):
    """The validated parameters of :class:`FeatureExtractor` (saved in its file)."""

    width: _positive(4096)
    depth: _positive(32)
    kernel_size: _positive(1024)
    max_epochs: _positive(100_000)
    batch_size: _positive(2**20)
    lr: Annotated[Number, Field(gt=0, description="must be a positive number")]
    device: str
    random_state: Integer | None


class ExtractorFile(FrozenModel):
    """The schema of ``extractor.json``."""

    format: Literal["tsfm.feature_extractor"]
    params: ExtractorParams
    classes: Annotated[list[Any], Field(min_length=2, max_length=100_000)]
    n_channels: Annotated[Integer, Field(ge=1, le=MAX_CHANNELS)]
    normalization: NormalizationConfig
    train_accuracy: Annotated[Number, Field(ge=0, le=1)]
    metadata: dict[str, Any] = {}


class ConvFeatureNet(nn.Module):
    """1-D CNN classifier whose pooled activations are the features.

    Parameters
    ----------
    n_channels, n_classes : int
    width : int, default=64
        Channels of every convolution, and the feature dimension.
    depth : int, default=3
        Number of conv blocks.
    kernel_size : int, default=5
    """

    def __init__(
        self, n_channels: int, n_classes: int, width: int = 64, depth: int = 3,
        kernel_size: int = 5,
    ):
        super().__init__()
        layers: list[nn.Module] = []
        for i in range(depth):
            layers += [
                nn.Conv1d(n_channels if i == 0 else width, width, kernel_size,
                          padding=kernel_size // 2),
                nn.BatchNorm1d(width),
                nn.ReLU(),
                nn.MaxPool1d(2, ceil_mode=True),
            ]
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Pooled features (n, width) of standardised series (n, C, T)."""
        return self.body(x).mean(dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits (n, n_classes)."""
        return self.head(self.features(x))


class FeatureExtractor(TransformerMixin, BaseEstimator):
    """A CNN classifier trained on real labelled series, frozen to score generators.

    Parameters
    ----------
    width : int, default=64
        Feature dimension.
    depth : int, default=3
    kernel_size : int, default=5
    max_epochs : int, default=30
    batch_size : int, default=64
    lr : float, default=1e-3
        Adam learning rate.
    device : str, default="cpu"
    random_state : int, RandomState or None, default=0

    Attributes
    ----------
    net_ : skorch.NeuralNetClassifier
        Its ``module_`` is a :class:`ConvFeatureNet`, in eval mode after ``fit``.
    classes_ : ndarray of shape (n_classes,)
    standardizer_ : ChannelStandardizer
        Per-channel normalisation fitted on the real training series.
    n_channels_ : int
    train_accuracy_ : float
        Accuracy on the training series (a sanity check that the features separate
        the classes).

    Examples
    --------
    >>> extractor = FeatureExtractor(random_state=0).fit(X_real, y_real)  # doctest: +SKIP
    >>> extractor.save("extractor/")  # doctest: +SKIP
    >>> fid(extractor.transform(X_real), extractor.transform(S))  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        width: int = 64,
        depth: int = 3,
        kernel_size: int = 5,
        max_epochs: int = 30,
        batch_size: int = 64,
        lr: float = 1e-3,
        device: str = "cpu",
        random_state=0,
    ):
        self.width = width
        self.depth = depth
        self.kernel_size = kernel_size
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.device = device
        self.random_state = random_state

    def _params(self) -> ExtractorParams:
        """The validated parameters; a non-int ``random_state`` is recorded as None."""
        params = self.get_params()
        if not isinstance(params["random_state"], numbers.Integral):
            params["random_state"] = None
        try:
            return ExtractorParams.model_validate(params)
        except ValidationError as exc:
            raise ConfigError(describe_errors(exc, ExtractorParams, style="parameter")) from None

    def _build_net(
        self, params: ExtractorParams, n_channels: int, n_classes: int, device: str
    ) -> NeuralNetClassifier:
        return NeuralNetClassifier(
            ConvFeatureNet,
            module__n_channels=n_channels,
            module__n_classes=n_classes,
            module__width=params.width,
            module__depth=params.depth,
            module__kernel_size=params.kernel_size,
            criterion=nn.CrossEntropyLoss,
            optimizer=torch.optim.Adam,
            lr=params.lr,
            batch_size=params.batch_size,
            max_epochs=params.max_epochs,
            iterator_train__shuffle=True,
            train_split=None,
            device=device,
            verbose=0,
        )

    def fit(self, X, y):
        """Train the classifier on real series and their labels, then freeze it.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints)
        y : array-like of shape (n_series,)

        Returns
        -------
        self
        """
        params = self._params()
        X = check_panel(X)
        y = np.asarray(y)
        if y.shape != (len(X),):
            raise ValueError(f"y must have shape ({len(X)},), got {y.shape}")
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("the feature extractor needs labels of at least 2 classes")
        self.standardizer_ = ChannelStandardizer.fit(X)
        self.n_channels_ = X.shape[1]
        device = resolve_device(self.device)
        with torch_seed(resolve_seed(self.random_state), device):
            net = self._build_net(params, X.shape[1], len(self.classes_), device)
            net.fit(self.standardizer_.transform(X), codes.astype(np.int64))
        net.module_.eval()
        self.net_ = net
        self.train_accuracy_ = float((self.predict_proba(X).argmax(1) == codes).mean())
        return self

    def _forward(self, X, fn) -> np.ndarray:
        check_is_fitted(self, "net_")
        X = check_panel(X)
        if X.shape[1] != self.n_channels_:
            raise ValueError(
                f"X has {X.shape[1]} channels but the extractor was trained on "
                f"{self.n_channels_}; use the channels of the real data"
            )
        module = self.net_.module_
        module.eval()
        X = self.standardizer_.transform(X)
        device = next(module.parameters()).device
        with torch.inference_mode():
            out = [
                fn(module, torch.as_tensor(X[i : i + 512], device=device)).float().cpu().numpy()
                for i in range(0, len(X), 512)
            ]
        return np.concatenate(out)

    def transform(self, X) -> np.ndarray:
        """Features of series in the data's units.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints)

        Returns
        -------
        ndarray of shape (n_series, width), float32
        """
        return self._forward(X, lambda m, x: m.features(x))

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of shape (n_series, n_classes)."""
        return self._forward(X, lambda m, x: torch.softmax(m(x), dim=-1))

    def predict(self, X) -> np.ndarray:
        """Predicted labels of shape (n_series,)."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    # -- saving and loading -------------------------------------------------------
    def save(self, directory, *, metadata: dict | None = None) -> Path:
        """Write ``extractor.json`` and ``extractor.safetensors`` into ``directory``.

        Written atomically, like a FlowFM model (see :func:`tsfm.io.model_dir.save_model_dir`).

        Parameters
        ----------
        directory : str or Path
        metadata : dict, optional
            JSON-serialisable notes, e.g. the dataset and split it was trained on.

        Returns
        -------
        Path
        """
        check_is_fitted(self, "net_")
        normalization = NormalizationConfig.from_standardizer(self.standardizer_)
        config = {
            "format": FORMAT,
            "params": self._params().model_dump(mode="json"),
            "classes": self.classes_.tolist(),
            "n_channels": self.n_channels_,
            "normalization": normalization.model_dump(),
            "train_accuracy": self.train_accuracy_,
            "metadata": metadata or {},
        }
        return save_model_dir(
            directory,
            config=config,
            state_dict=self.net_.module_.state_dict(),
            metadata={"format": FORMAT},
            config_name=CONFIG_NAME,
            weights_name=WEIGHTS_NAME,
        )

    @classmethod
    def load(cls, directory, *, device: str = "cpu") -> FeatureExtractor:
        """Load an extractor written by :meth:`save`; nothing is unpickled.

        Raises
        ------
        tsfm.exceptions.CheckpointError
            If the files are missing, corrupt, invalid or of another format.
        """
        try:
            saved = ExtractorFile.model_validate(read_config(directory, **_FILES))
        except ValidationError as exc:
            raise CheckpointError(
                f"corrupt feature extractor in {str(directory)!r}: "
                f"{describe_errors(exc, ExtractorFile, style='file')}; re-create it with "
                "FeatureExtractor.save"
            ) from None
        extractor = cls(**{**saved.params.model_dump(), "device": device})
        extractor.classes_ = np.asarray(saved.classes)
        extractor.n_channels_ = saved.n_channels
        extractor.standardizer_ = saved.normalization.to_standardizer()
        extractor.train_accuracy_ = saved.train_accuracy
        extractor.metadata_ = dict(saved.metadata)
        net = extractor._build_net(
            saved.params, saved.n_channels, len(saved.classes), resolve_device(device)
        ).initialize()
        state = read_weights(
            directory, weights_name=WEIGHTS_NAME, kind="feature extractor",
            writer="FeatureExtractor.save",
        )
        load_weights(net.module_, state, source=directory, writer="FeatureExtractor.save")
        net.module_.eval()
        extractor.net_ = net
        return extractor
