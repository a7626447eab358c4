"""FlowFMPretrainer: self-supervised joint training of encoder and generator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from tsfm.config.presets import build_config
from tsfm.estimators._base import FlowFMEstimator, resolve_device
from tsfm.io.model_dir import (
    CheckpointError,
    load_checkpoint,
    load_weights,
    save_checkpoint,
)
from tsfm.nn.flowfm import FlowFMModule
from tsfm.training.nets import PretrainingNet
from tsfm.training.normalization import ChannelStandardizer
from tsfm.training.seeding import resolve_seed, torch_seed
from tsfm.training.streaming import (
    StandardizedDataset,
    fit_standardizer,
    is_stream,
    item_shape,
    open_stream,
)
from tsfm.utils.validation import check_panel

#: estimator parameters written to config.json (callbacks are not serialisable)
_SAVED_PARAMS = (
    "model", "generator", "conditioner", "mask_prob", "augmentation", "max_epochs",
    "batch_size", "lr", "weight_decay", "random_state", "encoder", "velocity",
)


class FlowFMPretrainer(FlowFMEstimator):
    """Pretrain FlowFM on unlabelled series (paper Sec. 4.1).

    A ViT-1D representation encoder and a DiT-1D velocity network are trained
    jointly by the generator's loss alone: the encoder's representation conditions
    the velocity network and gets its gradient through that condition. With
    Dynamic Guidance Switching, each sample's representation is masked to zero with
    probability ``mask_prob``.

    Parameters
    ----------
    model : {"tiny", "small", "base"}, default="small"
        Size preset (see :data:`tsfm.config.presets.PRESETS`).
    generator : str, default="flow_matching"
        Name of a generator plugin (see ``tsfm.plugins.list_plugins("generator")``).
    conditioner : str, default="auto"
        Name of a conditioner plugin; ``"auto"`` is ``"dgs"`` when ``mask_prob > 0``
        and ``"representation"`` otherwise.
    mask_prob : float, default=0.5
        DGS probability of replacing a sample's representation by zeros.
    augmentation : dict or None, default=None
        Training-time augmentation of each batch, for small corpora:
        ``{"crop_scale": 0.7}`` resamples a random 70-100 % span of each window back to
        its full length; ``"jitter"`` adds Gaussian noise of that standard deviation
        (standardised units). The encoder and the generator see the same augmented
        window. None (the paper's setting) trains on the windows as they are. See
        :mod:`tsfm.training.augmentation`.
    max_epochs : int, default=50
        Training epochs; 0 initialises the networks without training them (an
        untrained-encoder baseline).
    batch_size : int, default=64
    lr : float, default=1e-3
        AdamW learning rate.
    weight_decay : float, default=0.01
    device : str, default="auto"
        ``"auto"`` uses CUDA when available.
    random_state : int, RandomState or None, default=None
        Seeds initialisation, batching, noise, times and masks.
    verbose : int, default=0
        1 shows skorch's progress bar and epoch log.
    callbacks : list of skorch callbacks, optional
        Extra callbacks (checkpoints, LR schedules, early stopping…).
    train_split : callable or None, default=None
        skorch validation split; none unless asked for.
    encoder, velocity : dict or None, default=None
        Overrides of the preset's ViT-1D encoder and DiT-1D velocity network
        (``depth``, ``width``, ``heads``, ``patch_size``, ``mlp_ratio``, ``dropout``, and
        for the encoder ``pooling``). ``set_params(encoder__depth=2)`` and grid keys
        such as ``"emb__encoder__depth"`` are routed into them, skorch-style.

    Attributes
    ----------
    net_ : tsfm.training.nets.PretrainingNet
        The fitted skorch net; ``net_.module_`` is the :class:`tsfm.nn.FlowFMModule`.
    config_ : dict
        Model configuration.
    standardizer_ : ChannelStandardizer
        Per-channel normalisation fitted on ``X``.
    n_channels_, n_timepoints_ : int
        Shape of the training series.
    history_ : skorch History
        Per-epoch training loss.

    Examples
    --------
    >>> pre = FlowFMPretrainer(model="tiny", max_epochs=2, random_state=0).fit(X)  # doctest: +SKIP
    >>> pre.save_pretrained("my-model/")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        model: str = "small",
        generator: str = "flow_matching",
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
        encoder: dict | None = None,
        velocity: dict | None = None,
    ):
        self.model = model
        self.generator = generator
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
        self.encoder = encoder
        self.velocity = velocity

    def fit(self, X, y=None):
        """Pretrain on unlabelled series.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints), str or Dataset
            An array or sktime Panel DataFrame (pd-multiindex, nested_univ); or, for
            data larger than memory, a shard directory written by ``tsfm prepare`` or a
            ``torch.utils.data.Dataset`` of (n_channels, n_timepoints) arrays, which is
            streamed in batches.
        y : ignored

        Returns
        -------
        self
        """
        if is_stream(X):
            dataset = open_stream(X)
            shape = item_shape(dataset)
        else:
            X = check_panel(X)
            shape = X.shape[1:]
        config = build_config(
            model=self.model,
            overrides=self._routed_params(),
            n_channels=shape[0],
            n_timepoints=shape[1],
            generator=self.generator,
            conditioner=self.conditioner,
            mask_prob=self.mask_prob,
            augmentation=self.augmentation,
        )
        device = resolve_device(self.device)
        if is_stream(X):
            self.standardizer_ = fit_standardizer(dataset)
            data = StandardizedDataset(dataset, self.standardizer_)
        else:
            self.standardizer_ = ChannelStandardizer.fit(X)
            data = self.standardizer_.transform(X)
        with torch_seed(resolve_seed(self.random_state), device):
            net = PretrainingNet(
                FlowFMModule,
                criterion=torch.nn.MSELoss,
                module__config=config,
                **self._common_net_kwargs(device),
            )
            net.fit(data, None)
        self._set_fitted(net, config)
        return self

    def _set_fitted(self, net: PretrainingNet, config: dict[str, Any]) -> None:
        self.net_ = net
        self.config_ = config
        self.n_channels_ = config["n_channels"]
        self.n_timepoints_ = config["n_timepoints"]
        self.history_ = net.history

    # -- saving and loading -------------------------------------------------------
    def save_pretrained(self, directory) -> Path:
        """Write ``config.json`` (model, normalisation, parameters) and ``model.safetensors``.

        Parameters
        ----------
        directory : str or Path

        Returns
        -------
        Path
            The directory.
        """
        check_is_fitted(self, "net_")
        params = {k: getattr(self, k) for k in _SAVED_PARAMS}
        if not isinstance(params["random_state"], int | None):
            params["random_state"] = None
        config = {
            "model": self.config_,
            "normalization": self.standardizer_.to_dict(),
            "estimator_params": params,
        }
        json.dumps(config)  # fail before writing anything if not serialisable
        return save_checkpoint(directory, config=config, state_dict=self.net_.module_.state_dict())

    @classmethod
    def from_pretrained(cls, directory, *, device: str = "auto") -> FlowFMPretrainer:
        """Load a model written by :meth:`save_pretrained`, without unpickling anything.

        Parameters
        ----------
        directory : str or Path
        device : str, default="auto"
            Where to put the weights; a model saved on GPU loads on CPU.

        Returns
        -------
        FlowFMPretrainer
            A fitted pretrainer.

        Raises
        ------
        tsfm.io.model_dir.CheckpointError
            If the directory is missing, corrupt, or its weights do not match its config.
        """
        config, state_dict = load_checkpoint(directory)
        try:
            model_config = config["model"]
            params = dict(config["estimator_params"])
            standardizer = ChannelStandardizer.from_dict(config["normalization"])
        except (KeyError, TypeError) as exc:
            raise CheckpointError(
                f"config.json in {str(directory)!r} lacks the entry {exc}; re-create it "
                "with save_pretrained"
            ) from None
        pre = cls(device=device, **params)
        resolved = resolve_device(device)
        try:
            net = PretrainingNet(
                FlowFMModule,
                criterion=torch.nn.MSELoss,
                module__config=model_config,
                **pre._common_net_kwargs(resolved),
            ).initialize()
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(
                f"the model section of config.json in {str(directory)!r} is invalid ({exc}); "
                "re-create it with save_pretrained"
            ) from None
        load_weights(net.module_, state_dict, source=directory)
        net.module_.to(resolved)
        pre.standardizer_ = standardizer
        pre._set_fitted(net, model_config)
        return pre

    # -- used by the transformer and the generator -----------------------------------
    def embed(self, X: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
        """Representations of shape (n, d) for raw (unstandardised) ``X`` of shape (n, C, T)."""
        check_is_fitted(self, "net_")
        return self.net_.embed(self.standardizer_.transform(X), batch_size=batch_size)
