"""FlowFMClassifier: full fine-tuning of the representation encoder with a linear head."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from skorch import NeuralNetClassifier

from tsfm.config.model_config import ModelConfig
from tsfm.config.normalization import NormalizationConfig
from tsfm.config.settings import ClassifierSettings
from tsfm.estimators._base import FlowFMEstimator, PredictTemplateMixin, resolve_device
from tsfm.estimators._pretrained import pretrainer_for
from tsfm.estimators._sktime_dunder import SktimeDunderMixin
from tsfm.io.classifier_config import (
    CLASSIFIER_FORMAT,
    CLASSIFIER_FORMAT_VERSION,
    ClassifierConfigFile,
    parse_classifier_config,
)
from tsfm.io.model_dir import load_weights, read_config, read_weights, save_model_dir
from tsfm.nn.heads import EncoderClassifier
from tsfm.training import distributed
from tsfm.training.nets import ClassifierNet, DataParallelClassifierNet
from tsfm.training.normalization import ChannelStandardizer
from tsfm.training.seeding import resolve_seed, torch_seed
from tsfm.utils.device import check_precision
from tsfm.utils.validation import check_finite_output


class FlowFMClassifier(SktimeDunderMixin, PredictTemplateMixin, FlowFMEstimator):
    """Classify series by fine-tuning a FlowFM encoder end to end (paper Sec. 4.2.1).

    A linear layer on the encoder's pooled representation; all weights are trained
    with cross-entropy.

    In sktime pipelines, ``evaluate`` and benchmarks use the sktime-native twin
    :class:`tsfm.sktime.FlowFMSktimeClassifier`; sktime's ``transformer * FlowFMClassifier()``
    builds a pipeline of that twin (see docs/sktime.md).

    Parameters
    ----------
    pretrained : str, PathLike, FlowFMPretrainer or None, default=None
        The encoder to start from: a directory written by ``save_pretrained`` or a
        pretrainer (see :class:`FlowFMTransformer`). With None the encoder is randomly
        initialised from ``model`` and trained supervised only (a from-scratch baseline).
    model : {"tiny", "small", "base"}, default="small"
        Size preset when ``pretrained`` is None.
    max_epochs : int, default=20
    batch_size : int, default=64
    lr : float, default=1e-3
        AdamW learning rate for all weights.
    weight_decay : float, default=0.01
    head_dropout : float, default=0.0
        Dropout on the representation before the linear head.
    device : str, default="auto"
    random_state : int, RandomState or None, default=None
    verbose : int, default=0
    callbacks : list of skorch callbacks, optional
    train_split : callable or None, default=None
    encoder : dict or None, default=None
        Overrides of the preset's encoder when ``pretrained`` is None (see
        :class:`FlowFMPretrainer`); ``encoder__depth``-style keys are routed into it.
    precision : {"fp32", "bf16", "fp16"}, default="fp32"
        Autocast of the fine-tuning forward, as for :class:`FlowFMPretrainer`
        (``"fp16"`` scales the loss with torch's gradient scaler). Not saved with the
        model.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    net_ : tsfm.training.nets.ClassifierNet
    standardizer_ : ChannelStandardizer
        The pretrained model's normalisation, or one fitted on ``X`` from scratch.
    config_ : tsfm.config.model_config.ModelConfig
        The encoder's configuration (of the pretrained model, if one was given).
    settings_ : tsfm.config.settings.ClassifierSettings
        The validated parameters it was fitted with (saved by :meth:`save_pretrained`).

    Examples
    --------
    >>> clf = FlowFMClassifier(pretrained="flowfm-wrist-small").fit(X, y)  # doctest: +SKIP
    >>> clf.save_pretrained("my-classifier/")  # doctest: +SKIP
    >>> FlowFMClassifier.from_pretrained("my-classifier/").predict(X)  # doctest: +SKIP
    """

    _routed_parts = ("encoder",)

    def __init__(
        self,
        *,
        pretrained=None,
        model: str = "small",
        max_epochs: int = 20,
        batch_size: int = 64,
        lr: float = 1e-3,
        weight_decay: float = 0.01,
        head_dropout: float = 0.0,
        device: str = "auto",
        random_state=None,
        verbose: int = 0,
        callbacks=None,
        train_split=None,
        encoder: dict | None = None,
        precision: str = "fp32",
    ):
        self.pretrained = pretrained
        self.model = model
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.head_dropout = head_dropout
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.train_split = train_split
        self.encoder = encoder
        self.precision = precision

    def _sktime_twin(self):
        """This classifier's parameters in :class:`tsfm.sktime.FlowFMSktimeClassifier`."""
        from tsfm.sktime import FlowFMSktimeClassifier

        return FlowFMSktimeClassifier.from_sklearn(self)

    def _fit(self, X: np.ndarray, y) -> None:
        """Fine-tune on checked series ``X`` and their labels ``y`` of shape (n_series,)."""
        y = column_or_1d(y, warn=True)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} series but y has {len(y)} labels")
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"y has 1 class ({encoder.classes_[0]!r}); a classifier needs at least 2 classes"
            )
        settings = ClassifierSettings.from_estimator(self)
        check_precision(self.precision)
        device = distributed.init_from_environment(resolve_device(self.device))
        encoder_state = None
        if self.pretrained is None:
            config = settings.build_model_config(n_channels=X.shape[1], n_timepoints=X.shape[2])
            standardizer = ChannelStandardizer.fit(X)
        else:
            pre = pretrainer_for(self, X)
            config, standardizer = pre.config_, pre.standardizer_
            encoder_state = pre.net_.module_.encoder.state_dict()
        with torch_seed(resolve_seed(self.random_state), device):
            net = self._build_net(config, settings, len(encoder.classes_), device)
            if encoder_state is not None:
                net.module_.encoder.load_state_dict(encoder_state)
            net.partial_fit(standardizer.transform(X), encoder.transform(y).astype(np.int64))
        self.stated_input_ = None if self.pretrained is None else getattr(pre, "stated_input_",
                                                                          None)
        self._set_fitted(net, config, settings, standardizer, encoder)

    def _build_net(self, config: ModelConfig, settings: ClassifierSettings, n_classes: int,
                   device: str) -> NeuralNetClassifier:
        """The initialised skorch classifier of an encoder of ``config`` and a linear head."""
        net_class = DataParallelClassifierNet if distributed.active() else ClassifierNet
        return net_class(
            EncoderClassifier,
            module__config=config,
            module__n_classes=n_classes,
            module__dropout=settings.head_dropout,
            criterion=torch.nn.CrossEntropyLoss,
            classes=np.arange(n_classes),
            precision=check_precision(self.precision),
            **self._common_net_kwargs(settings, device),
        ).initialize()

    def _set_fitted(self, net, config, settings, standardizer, encoder: LabelEncoder) -> None:
        self.net_ = net
        self.config_ = config
        self.settings_ = settings
        self.standardizer_ = standardizer
        self.label_encoder_ = encoder
        self.classes_ = encoder.classes_
        self.history_ = net.history

    # -- saving and loading -------------------------------------------------------
    def save_pretrained(self, directory) -> Path:
        """Write the fine-tuned classifier: ``config.json`` and ``model.safetensors``.

        The weights are the fine-tuned encoder and the linear head; the config holds
        the encoder's configuration, the normalisation, the classes in the head's order
        and the parameters (schema: :mod:`tsfm.io.classifier_config`). Written
        atomically, as :meth:`FlowFMPretrainer.save_pretrained`; nothing is pickled.

        Parameters
        ----------
        directory : str or Path

        Returns
        -------
        Path
        """
        check_is_fitted(self, "net_")
        document = ClassifierConfigFile(
            format=CLASSIFIER_FORMAT,
            format_version=CLASSIFIER_FORMAT_VERSION,
            model=self.config_,
            normalization=NormalizationConfig.from_standardizer(self.standardizer_),
            classes=self.classes_.tolist(),
            estimator_params=self.settings_,
            input=getattr(self, "stated_input_", None),
        )
        return save_model_dir(directory, config=document.to_json(),
                              state_dict=self.net_.module_.state_dict(),
                              metadata={"format": CLASSIFIER_FORMAT})

    @classmethod
    def from_pretrained(cls, directory, *, device: str = "auto") -> FlowFMClassifier:
        """Load a classifier written by :meth:`save_pretrained`, without unpickling.

        Parameters
        ----------
        directory : str or Path
            A local directory (or a Hugging Face Hub id, see
            :func:`tsfm.zoo.model_directory`).
        device : str, default="auto"

        Returns
        -------
        FlowFMClassifier
            Fitted: ``predict`` and ``predict_proba`` work at once; ``fit`` would
            fine-tune again from ``pretrained`` (None here, i.e. from scratch).

        Raises
        ------
        tsfm.exceptions.CheckpointError
            For a missing, corrupt or invalid directory, or a pretrained FlowFM model
            directory (fine-tune that with ``FlowFMClassifier(pretrained=...).fit``).
        """
        from tsfm.zoo import model_directory

        path = model_directory(directory)
        kind, writer = "FlowFMClassifier", "FlowFMClassifier.save_pretrained"
        saved = parse_classifier_config(read_config(path, kind=kind, writer=writer),
                                        source=str(path))
        clf = cls(device=device, **saved.estimator_params.to_params())
        resolved = resolve_device(device)
        net = clf._build_net(saved.model, saved.estimator_params, len(saved.classes), resolved)
        load_weights(net.module_, read_weights(path, kind=kind, writer=writer), source=path,
                     writer=writer)
        net.module_.to(resolved)
        encoder = LabelEncoder()
        encoder.classes_ = np.asarray(saved.classes)
        clf.stated_input_ = saved.input
        clf._set_fitted(net, saved.model, saved.estimator_params,
                        saved.normalization.to_standardizer(), encoder)
        return clf

    def _predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities of shape (n_series, n_classes) of checked ``X``."""
        return check_finite_output(
            self.net_.predict_proba(self.standardizer_.transform(X)),
            what="class probabilities",
            fix="the network's weights are probably NaN or inf (a diverged fit); fit again "
            "with a lower learning rate",
        )
