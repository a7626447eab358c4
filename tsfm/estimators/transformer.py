"""FlowFMTransformer: frozen FlowFM representations as features (the transfer setting)."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from tsfm.estimators._base import FlowFMEstimator, TransformTemplateMixin, check_positive_int
from tsfm.estimators._pretrained import pretrainer_for
from tsfm.estimators.pretrainer import FlowFMPretrainer
from tsfm.exceptions import ConfigError
from tsfm.utils.validation import check_finite_output

#: what ``transform`` can return (see the ``features`` parameter)
FEATURES = ("representation", "layers")


class FlowFMTransformer(TransformTemplateMixin, FlowFMEstimator):
    """Embed series with a frozen FlowFM representation encoder.

    ``transform`` returns the encoder's pooled representation ``r`` (paper Eq. 3),
    to be fed to any scikit-learn estimator, e.g.
    ``Pipeline([("emb", FlowFMTransformer()), ("clf", LogisticRegression())])``.

    Parameters
    ----------
    pretrained : str, PathLike, FlowFMPretrainer or None, default=None
        A directory written by ``save_pretrained``, or a pretrainer. With None,
        ``fit`` pretrains a new model on ``X`` (labels are ignored) with the
        parameters below. A fitted pretrainer is used as it is; ``clone`` (as in
        cross-validation) makes an unfitted copy, which ``fit`` then pretrains on each
        training fold. To reuse fixed weights across folds, pass a directory.
    model, objective, conditioner, mask_prob, augmentation, max_epochs, batch_size, lr, \
weight_decay, random_state, verbose, callbacks, train_split, encoder, velocity, \
precision, compile, generator
        Pretraining parameters, used only when ``pretrained`` is None; see
        :class:`FlowFMPretrainer`.
    device : str, default="auto"
        Where the encoder runs; ``"auto"`` uses CUDA when available.
    transform_batch_size : int, default=256
        Batch size of ``transform``.
    features : {"representation", "layers"}, default="representation"
        What ``transform`` returns: the encoder's representation ``r`` (the vector that
        conditions the velocity network, width ``d``), or ``"layers"``: the mean-pooled
        tokens of every encoder block beside ``r``, width ``(depth + 1) d``, for probes
        that should see the intermediate blocks too.

    Attributes
    ----------
    pretrainer_ : FlowFMPretrainer
        The fitted pretrainer whose encoder embeds the data.
    config_ : tsfm.config.model_config.ModelConfig
        Its model configuration.
    n_channels_, n_timepoints_ : int
        Shape the encoder was pretrained on.
    embedding_dim_ : int
        Width of the embeddings: ``d``, or ``(depth + 1) d`` with ``features="layers"``.
    """

    def __init__(
        self,
        *,
        pretrained=None,
        model: str = "small",
        objective: str = "flow_matching",
        conditioner: str = "auto",
        mask_prob: float = 0.5,
        augmentation: dict | None = None,
        max_epochs: int = 50,
        batch_size: int = 64,
        lr: float = 1e-3,
        weight_decay: float = 0.01,
        device: str = "auto",
        random_state=None,
        verbose: int = 0,
        callbacks=None,
        train_split=None,
        transform_batch_size: int = 256,
        features: str = "representation",
        encoder: dict | None = None,
        velocity: dict | None = None,
        precision: str = "fp32",
        compile: bool = False,
        generator: str | None = None,
    ):
        self.pretrained = pretrained
        self.model = model
        self.objective = objective
        self.conditioner = conditioner
        self.mask_prob = mask_prob
        self.augmentation = augmentation
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.train_split = train_split
        self.transform_batch_size = transform_batch_size
        self.features = features
        self.encoder = encoder
        self.velocity = velocity
        self.precision = precision
        self.compile = compile
        self.generator = generator

    def _accepts_stream(self) -> bool:
        return self.pretrained is None

    def _fit(self, X, y=None) -> None:
        """Pretrain on ``X`` (if no pretrained model was given) or load the model.

        A shard directory or torch Dataset is streamed when pretraining (see
        :class:`FlowFMPretrainer`); ``y`` is ignored.
        """
        check_positive_int(self.transform_batch_size, "transform_batch_size")
        self._check_features()
        self._set_fitted(pretrainer_for(self, X))

    def _check_features(self) -> None:
        if not isinstance(self.features, str) or self.features not in FEATURES:
            raise ConfigError(f"features must be one of {list(FEATURES)}, got {self.features!r}")

    def _set_fitted(self, pre: FlowFMPretrainer) -> None:
        self.pretrainer_ = pre
        self.config_ = pre.config_
        self.n_channels_ = pre.n_channels_
        self.n_timepoints_ = pre.n_timepoints_
        self.embedding_dim_ = pre.net_.module_.encoder.features_width(self.features)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        """Embeddings of shape (n_series, embedding_dim_), float32, of checked ``X``."""
        return check_finite_output(
            self.pretrainer_._embed(X, batch_size=self.transform_batch_size,
                                    features=self.features),
            what="embeddings",
            fix="the encoder's weights are probably NaN or inf (a diverged pretraining); "
            "pretrain again with a lower learning rate",
        )

    def save_pretrained(self, directory):
        """Save the underlying pretrained model; see :meth:`FlowFMPretrainer.save_pretrained`."""
        check_is_fitted(self, "pretrainer_")
        return self.pretrainer_.save_pretrained(directory)

    @classmethod
    def from_pretrained(cls, directory, *, device: str = "auto", **params) -> FlowFMTransformer:
        """A fitted transformer of a saved model, a shipped name or a Hub id.

        The same as ``FlowFMTransformer(pretrained=directory, ...).fit(X)`` without
        needing ``X``: nothing is unpickled, and the model is checked as in
        :meth:`FlowFMPretrainer.from_pretrained`.

        Parameters
        ----------
        directory : str or Path
        device : str, default="auto"
        **params
            Other parameters (``features``, ``transform_batch_size``).

        Returns
        -------
        FlowFMTransformer
        """
        transformer = cls(pretrained=directory, device=device, **params)
        check_positive_int(transformer.transform_batch_size, "transform_batch_size")
        transformer._check_features()
        transformer._set_fitted(FlowFMPretrainer.from_pretrained(directory, device=device))
        return transformer

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``flowfm0 … flowfm{d-1}`` of the embedding dimensions."""
        check_is_fitted(self, "pretrainer_")
        return np.asarray([f"flowfm{i}" for i in range(self.embedding_dim_)], dtype=object)
