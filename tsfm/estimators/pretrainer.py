"""FlowFMPretrainer: self-supervised joint training of encoder and generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from tsfm.config.model_config import ModelConfig
from tsfm.config.settings import PretrainingSettings
from tsfm.config.text_config import TextConfig
from tsfm.estimators._base import (
    EmbedTemplateMixin,
    FlowFMEstimator,
    resolve_device,
    resolve_objective,
)
from tsfm.exceptions import CheckpointError, MissingExtraError
from tsfm.io.flowfm_config import FORMAT, config_file, parse_config_file
from tsfm.io.model_dir import load_weights, read_config, read_weights, save_model_dir
from tsfm.io.plugin_records import check_plugin_records, plugin_records
from tsfm.nn.flowfm import FlowFMModule
from tsfm.nn.observation import ObservationConditioner
from tsfm.plugins import get_plugin
from tsfm.training import distributed
from tsfm.training.nets import DataParallelPretrainingNet, PretrainingNet
from tsfm.training.normalization import ChannelStandardizer
from tsfm.training.seeding import resolve_seed, torch_seed
from tsfm.training.streaming import (
    StandardizedDataset,
    fit_standardizer,
    is_stream,
    item_shape,
    open_stream,
)
from tsfm.utils.device import check_compile, check_precision


def build_pretraining_net(
    estimator: FlowFMEstimator, settings: PretrainingSettings, config: ModelConfig, device: str
) -> PretrainingNet:
    """The skorch net of ``config``; plugin names are resolved to classes here, once."""
    net_class = DataParallelPretrainingNet if distributed.active() else PretrainingNet
    return net_class(
        FlowFMModule,
        module__config=config,
        module__objective=config.objective_class(),
        module__conditioner=config.conditioner_class(),
        precision=check_precision(estimator.precision),
        compile=check_compile(estimator.compile),
        **estimator._common_net_kwargs(settings, device),
    )


def text_conditioner(text: TextConfig, module: FlowFMModule, device: str, *, source):
    """The text conditioner of a saved text model, with its language model loaded.

    Raises
    ------
    tsfm.exceptions.MissingExtraError
        If the text extra is not installed (the message says which).
    tsfm.exceptions.CheckpointError
        If the language model's embedding width differs from the saved one.
    """
    try:
        conditioner = get_plugin("conditioner", text.conditioner).from_text_encoder(
            text.text_encoder, width=module.velocity.width, device=device)
    except MissingExtraError as exc:
        raise MissingExtraError(
            f"{str(source)!r} is a text model (text_encoder {text.text_encoder!r}): {exc}"
        ) from exc
    if conditioner.in_features != text.embedding_dim:
        raise CheckpointError(
            f"text encoder {text.text_encoder!r} gives {conditioner.in_features}-dimensional "
            f"embeddings, but the model in {str(source)!r} was tuned with "
            f"{text.embedding_dim}; load it with the language model it was tuned with"
        )
    return conditioner


def observation_conditioner(module: FlowFMModule) -> ObservationConditioner:
    """A fresh (zero-output) observation conditioner shaped for ``module``'s velocity network."""
    return ObservationConditioner(module.config.n_channels, module.velocity.width,
                                  module.velocity.patch_embed.patch_size)


class FlowFMPretrainer(EmbedTemplateMixin, FlowFMEstimator):
    """Pretrain FlowFM on unlabelled series (paper Sec. 4.1).

    A ViT-1D representation encoder and a DiT-1D velocity network are trained
    jointly by the objective's loss alone: the encoder's representation conditions
    the velocity network and gets its gradient through that condition. With
    Dynamic Guidance Switching, each sample's representation is masked to zero with
    probability ``mask_prob``.

    ``fit(X)`` takes an array or sktime Panel DataFrame of shape (n_series,
    n_channels, n_timepoints) or, for data larger than memory, a shard directory
    written by ``tsfm prepare`` or a ``torch.utils.data.Dataset`` of (n_channels,
    n_timepoints) arrays, which is streamed in batches.

    Parameters
    ----------
    model : {"tiny", "small", "base"}, default="small"
        Size preset (see :data:`tsfm.config.presets.PRESETS`).
    objective : str, default="flow_matching"
        Name of the objective plugin (see ``tsfm.plugins.list_plugins("objective")``):
        ``"flow_matching"`` (FlowFM) or ``"diffusion"`` (DiffFM).
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
    precision : {"fp32", "bf16", "fp16"}, default="fp32"
        ``"bf16"`` trains under bfloat16 autocast, ``"fp16"`` under float16 autocast
        with torch's gradient scaler (both for CUDA; the weights and the loss stay
        float32). A device whose autocast lacks the dtype is a ``ConfigError``. Not
        saved with the model: it changes how, not what, is trained.
    compile : bool, default=False
        Compile the networks with ``torch.compile`` (in place, so saved models and
        checkpoints are unchanged). Pays off on CUDA for long runs; the first epoch is
        slower while it compiles.
    generator : str or None, default=None
        Deprecated former name of ``objective`` (a FutureWarning; removed in tsfm 0.3).
    encoder, velocity : dict or None, default=None
        Overrides of the preset's ViT-1D encoder and DiT-1D velocity network
        (``depth``, ``width``, ``heads``, ``patch_size``, ``mlp_ratio``, ``dropout``, and
        for the encoder ``pooling``). ``set_params(encoder__depth=2)`` and grid keys
        such as ``"emb__encoder__depth"`` are routed into them, skorch-style.
        ``patch_size`` defaults to ``"auto"``: about 16 tokens per series (see
        :mod:`tsfm.config.patch_size`); ``config_`` records the chosen integer.

    Attributes
    ----------
    net_ : tsfm.training.nets.PretrainingNet
        The fitted skorch net; ``net_.module_`` is the :class:`tsfm.nn.FlowFMModule`.
    config_ : tsfm.config.model_config.ModelConfig
        The frozen model configuration (saved as the ``model`` section of config.json).
    settings_ : tsfm.config.settings.PretrainingSettings
        The validated parameters the model was pretrained with (saved as
        ``estimator_params``).
    standardizer_ : ChannelStandardizer
        Per-channel normalisation fitted on ``X``.
    n_channels_, n_timepoints_ : int
        Shape of the training series.
    history_ : skorch History
        Per-epoch training loss.
    stated_input_ : dict
        Only for a loaded model whose config.json describes its input (rate, units,
        channels; the shipped models do); quoted by shape errors and saved again by
        :meth:`save_pretrained`.
    text_config_ : tsfm.config.text_config.TextConfig
        Only for a model tuned for text (``FlowFMSignalGenerator.fit_text``): how, and
        with which language model; saved as the ``text`` section of config.json.
    observation_config_ : tsfm.config.observation_config.ObservationConfig
        Only for a model tuned by ``FlowFMSignalGenerator.fit_observed``: the masks it
        was tuned with; saved as the ``observation`` section of config.json.

    Examples
    --------
    >>> pre = FlowFMPretrainer(model="tiny", max_epochs=2, random_state=0).fit(X)  # doctest: +SKIP
    >>> pre.save_pretrained("my-model/")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
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
        encoder: dict | None = None,
        velocity: dict | None = None,
        precision: str = "fp32",
        compile: bool = False,
        generator: str | None = None,
    ):
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
        self.encoder = encoder
        self.velocity = velocity
        self.precision = precision
        self.compile = compile
        self.generator = generator

    def _accepts_stream(self) -> bool:
        return True

    def _fit(self, X, y=None) -> None:
        """Pretrain on unlabelled series.

        ``X`` is a checked array (n_series, n_channels, n_timepoints) or, for data
        larger than memory, a shard directory written by ``tsfm prepare`` or a
        ``torch.utils.data.Dataset`` of (n_channels, n_timepoints) arrays, which is
        streamed in batches. ``y`` is ignored.
        """
        settings = PretrainingSettings.from_estimator(self, objective=resolve_objective(self))
        check_precision(self.precision)
        check_compile(self.compile)
        if is_stream(X):
            dataset = open_stream(X)
            n_channels, n_timepoints = item_shape(dataset)
        else:
            n_channels, n_timepoints = X.shape[1:]
        config = settings.build_model_config(n_channels=n_channels, n_timepoints=n_timepoints)
        device = distributed.init_from_environment(resolve_device(self.device))
        if is_stream(X):
            self.standardizer_ = fit_standardizer(dataset)
            data = StandardizedDataset(dataset, self.standardizer_)
        else:
            self.standardizer_ = ChannelStandardizer.fit(X)
            data = self.standardizer_.transform(X)
        with torch_seed(resolve_seed(self.random_state), device):
            net = build_pretraining_net(self, settings, config, device)
            net.fit(data, None)
        self._set_fitted(net, config, settings)

    def _set_fitted(
        self, net: PretrainingNet, config: ModelConfig, settings: PretrainingSettings
    ) -> None:
        self.net_ = net
        self.config_ = config
        self.settings_ = settings
        self.n_channels_ = config.n_channels
        self.n_timepoints_ = config.n_timepoints
        self.history_ = net.history

    # -- saving and loading -------------------------------------------------------
    def save_pretrained(self, directory) -> Path:
        """Write ``config.json`` (model, normalisation, parameters) and ``model.safetensors``.

        Both files are written into a temporary directory beside ``directory``, which
        then replaces it in one rename: a crash leaves the old model or the new one,
        never a mix. An existing model directory is replaced (its other files, such as
        a model card, are kept); a non-empty directory that is not a model directory is
        refused.

        Parameters
        ----------
        directory : str or Path

        Returns
        -------
        Path
            The directory.

        Raises
        ------
        FileExistsError
            If ``directory`` exists and is neither empty nor a model directory.
        """
        check_is_fitted(self, "net_")
        document = config_file(self.config_, self.standardizer_, self.settings_,
                               text=getattr(self, "text_config_", None),
                               input=getattr(self, "stated_input_", None),
                               plugins=plugin_records(self.config_),
                               observation=getattr(self, "observation_config_", None))
        return save_model_dir(
            directory,
            config=document.to_json(),
            state_dict=self.net_.module_.state_dict(),
            metadata={"format": FORMAT},
        )

    @classmethod
    def from_pretrained(cls, directory, *, device: str = "auto") -> FlowFMPretrainer:
        """Load a model written by :meth:`save_pretrained`, without unpickling anything.

        ``config.json`` is validated against the schema of
        :mod:`tsfm.io.flowfm_config` (types, ranges, unknown keys, plugin names, a cap
        on the implied parameter count) before any network is built, and the weights
        must match the built model in names, shapes and dtypes and be finite.

        Parameters
        ----------
        directory : str or Path
            A model directory, the name of a shipped model (``tsfm.list_pretrained()``,
            e.g. ``"flowfm-wrist-small"``: no network), or a Hugging Face Hub repo id
            ``"org/name"`` (fetched through ``huggingface_hub``).
        device : str, default="auto"
            Where to put the weights; a model saved on GPU loads on CPU.

        Returns
        -------
        FlowFMPretrainer
            A fitted pretrainer.

        Raises
        ------
        tsfm.exceptions.CheckpointError
            If the directory is missing, corrupt, invalid, or its weights do not match
            its config.
        """
        from tsfm.zoo import model_directory

        directory = model_directory(directory)
        saved = parse_config_file(read_config(directory), source=str(directory))
        settings = saved.estimator_params
        check_plugin_records(saved.plugins, source=str(directory))
        pre = cls(device=device, **settings.to_params())
        resolved = resolve_device(device)
        try:
            net = build_pretraining_net(pre, settings, saved.model, resolved).initialize()
        except (TypeError, ValueError) as exc:  # an objective plugin rejecting its params
            raise CheckpointError(
                f"the model of config.json in {str(directory)!r} could not be built ({exc}); "
                "re-create it with save_pretrained"
            ) from None
        if saved.text is not None:
            net.module_.add_text_conditioner(text_conditioner(saved.text, net.module_, resolved,
                                                              source=directory))
            pre.text_config_ = saved.text
        if saved.observation is not None:
            net.module_.add_observation_conditioner(observation_conditioner(net.module_))
            pre.observation_config_ = saved.observation
        load_weights(net.module_, read_weights(directory), source=directory)
        net.module_.to(resolved)
        pre.standardizer_ = saved.normalization.to_standardizer()
        if saved.input is not None:
            pre.stated_input_ = saved.input
        pre._set_fitted(net, saved.model, settings)
        return pre

    # -- used by the transformer and the generator -----------------------------------
    def _embed(self, X: np.ndarray, *, batch_size: int,
               features: str = "representation") -> np.ndarray:
        """Representations of shape (n, d) of checked, raw (unstandardised) ``X``.

        ``features="layers"``: every encoder block's pooled tokens too, (n, (depth + 1) d).
        """
        return self.net_.embed(self.standardizer_.transform(X), batch_size=batch_size,
                               features=features)
