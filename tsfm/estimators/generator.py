"""FlowFMSignalGenerator: sample new series from a pretrained FlowFM (or DiffFM) model."""

from __future__ import annotations

import contextlib
import copy
import inspect
import numbers

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from tsfm.config.text_config import TEXT_CONDITIONS
from tsfm.estimators._base import (
    FlowFMEstimator,
    check_positive_float,
    check_positive_int,
)
from tsfm.estimators._pretrained import pretrainer_for
from tsfm.estimators.pretrainer import FlowFMPretrainer, observation_conditioner
from tsfm.nn.eval_mode import shared_eval_mode
from tsfm.nn.flowfm import FlowFMModule
from tsfm.training.seeding import resolve_seed, torch_generator, torch_seed
from tsfm.utils.validation import check_finite_output

#: accepted classifier-free guidance weights ``w`` (inclusive bounds)
GUIDANCE_RANGE = (0.0, 100.0)


def check_solver(generator: torch.nn.Module, solver: str | None, steps) -> tuple[str, int | None]:
    """Resolve ``solver``/``steps`` against a generator plugin; ``None`` picks its defaults.

    Returns
    -------
    solver : str
    steps : int or None
        None for adaptive solvers, which choose their own steps.
    """
    valid = tuple(generator.solvers)
    if not valid:
        raise ValueError(
            f"generator {generator.name!r} declares no solvers (class attribute 'solvers'); "
            "it cannot be sampled by FlowFMSignalGenerator"
        )
    if solver is None:
        solver = generator.default_solver or valid[0]
    if solver not in valid:
        raise ValueError(
            f"unknown solver {solver!r} for a model trained with generator "
            f"{generator.name!r}; valid solvers: {list(valid)}"
        )
    if solver in generator.adaptive_solvers:
        return solver, None
    if steps is None:
        return solver, generator.default_steps(solver)
    return solver, check_positive_int(steps, "steps")


def _takes_rng(generator: torch.nn.Module) -> bool:
    """Whether a generator plugin's ``sample`` accepts the per-call ``rng`` keyword."""
    parameters = inspect.signature(generator.sample).parameters.values()
    return any(p.name == "rng" or p.kind is p.VAR_KEYWORD for p in parameters)


def _non_finite_cause(
    module: FlowFMModule, solver: str, steps: int | None, guidance: float | None
) -> str:
    """The likely cause of non-finite samples and its fix, for the error message."""
    if not all(bool(torch.isfinite(p).all()) for p in module.parameters()):
        return (
            "the model's weights are NaN or inf (its pretraining diverged); pretrain it "
            "again with a lower learning rate"
        )
    return (
        f"the sampler diverged (solver={solver!r}, steps={steps!r}, guidance_scale="
        f"{guidance!r}); use a smaller guidance_scale, more steps, or another solver"
    )


def _generated_length(pre: FlowFMPretrainer) -> int:
    """Timepoints of the windows a model generates: its text-tuning length if recorded
    (``TextConfig.n_timepoints``), else its pretraining length."""
    text = getattr(pre, "text_config_", None)
    if text is not None and text.n_timepoints is not None:
        return text.n_timepoints
    return pre.n_timepoints_


def _check_probability(value, condition: str) -> float:
    """``rep_drop_prob``: a probability in (0, 1) for ``"text+rep"``; ignored otherwise."""
    if condition != "text+rep":
        return 0.0
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not 0 < value < 1:
        raise ValueError(
            f"rep_drop_prob must be a number in (0, 1), got {value!r}; 0 would never teach "
            "the network text without a representation, 1 is condition='text'"
        )
    return float(value)


def _check_non_negative(value, name: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return float(value)


class _CountingField:
    """The network's field for one batch, optionally guided; counts network evaluations.

    With ``guidance_scale = w`` it returns ``v_uncond + w (v_cond - v_uncond)``: two
    network evaluations per sample, computed in one batched call on ``[x_t; x_t]``
    with the conditions ``[r; 0]`` (the null condition is the projection of a zero
    representation, as in :meth:`tsfm.generative.conditioner.Conditioner.forward`).
    ``network_evaluations`` counts evaluations per sample, ``network_calls`` forward
    passes of the network.
    """

    def __init__(
        self, module: FlowFMModule, representation, guidance_scale: float | None, text=None
    ):
        self.module = module
        self.representation = representation
        self.guidance_scale = guidance_scale
        self.text = text
        self.network_evaluations = 0
        self.network_calls = 0
        if guidance_scale is not None:
            # the conditional and the null condition, stacked once for every step
            self.both = torch.cat([representation, torch.zeros_like(representation)])

    def __call__(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        self.network_calls += 1
        if self.guidance_scale is None:
            self.network_evaluations += 1
            return self.module.field(x_t, t, self.representation, text=self.text)
        self.network_evaluations += 2
        t = t.expand(len(x_t)) if t.dim() == 0 else t
        both = self.module.field(torch.cat([x_t, x_t]), torch.cat([t, t]), self.both)
        conditional, unconditional = both.chunk(2)
        return unconditional + self.guidance_scale * (conditional - unconditional)


class FlowFMSignalGenerator(FlowFMEstimator):
    """Generate series with the velocity (or noise) network of a pretrained model.

    The generator plugin the model was trained with decides how samples are drawn:
    FlowFM (``objective="flow_matching"``) integrates its velocity field with a
    torchdiffeq ODE solver, DiffFM (``objective="diffusion"``) denoises with DDPM or
    DDIM steps. Samples are returned in the units of the pretraining data.

    Parameters
    ----------
    pretrained : str, PathLike, FlowFMPretrainer or None, default=None
        A directory written by ``save_pretrained``, or a pretrainer. With None,
        ``fit`` pretrains a new model on ``X`` with the parameters below.
    solver : str or None, default=None
        FlowFM: ``"euler"``, ``"midpoint"``, ``"rk4"`` (fixed steps) or ``"dopri5"``
        (adaptive). DiffFM: ``"ddpm"`` (ancestral) or ``"ddim"``. None picks the
        generator's default (``"midpoint"`` for FlowFM, ``"ddim"`` for DiffFM).
    steps : int or None, default=None
        Steps of a fixed-step solver, DDPM or DDIM. None picks the generator's
        default (10 for FlowFM, 1000 for DDPM, 50 for DDIM). Ignored by ``dopri5``.
    rtol, atol : float, default=1e-5
        Tolerances of ``dopri5``.
    sample_batch_size : int, default=256
        Series generated per batch.
    model, objective, conditioner, mask_prob, augmentation, max_epochs, batch_size, lr, \
weight_decay, random_state, verbose, callbacks, train_split, encoder, velocity, \
precision, compile, generator
        Pretraining parameters, used only when ``pretrained`` is None; see
        :class:`FlowFMPretrainer`. ``random_state`` seeds pretraining only;
        :meth:`sample` takes its own.
    device : str, default="auto"
        Where sampling runs; ``"auto"`` uses CUDA when available.
    text_encoder : str, default="minilm"
        The language model :meth:`fit_text` tunes with: a registered short name
        (``tsfm.text.list_text_encoders()``), a local directory or a Hugging Face id. A
        model already tuned for text keeps the encoder it was tuned with for sampling.

    Attributes
    ----------
    pretrainer_ : FlowFMPretrainer
        The fitted model.
    config_ : tsfm.config.model_config.ModelConfig
        Its model configuration.
    objective_ : str
        Objective plugin of the model (``"flow_matching"`` or ``"diffusion"``).
    solver_ : str
        The resolved solver.
    steps_ : int or None
        The resolved number of steps (None for adaptive solvers).
    supports_guidance_ : bool
        Whether the model learned the null condition (DGS), which unconditional
        sampling and classifier-free guidance need.
    n_channels_, n_timepoints_ : int
        Shape of the generated series: the pretraining length, or the length of the
        windows :meth:`fit_text` tuned on (a text model generates windows like those it
        was tuned on, e.g. 1 s activity windows of a model pretrained on 10 s).
    nfe_ : int
        Network evaluations per sample in the last :meth:`sample` call (set by
        ``sample``). Guidance costs two per solver evaluation. For ``dopri5``, whose
        count varies between batches, the largest count of any batch.
    network_calls_ : int
        Forward passes of the network per batch in the last :meth:`sample` call: one
        per solver evaluation, with or without guidance (guidance evaluates the
        conditional and the unconditional field in one call on a doubled batch).
    trajectory_times_ : ndarray of shape (n_times,)
        Network times of the last returned trajectory (0 is noise, 1 is data).
    supports_text_ : bool
        Whether the model was tuned for text (by :meth:`fit_text`, or loaded so), so
        that :meth:`sample` takes ``text=``.
    text_history_ : list of float
        Mean loss of each epoch of the last :meth:`fit_text`.
    supports_observed_ : bool
        Whether the model has an observation conditioner (tuned by
        :meth:`fit_observed`, or loaded so), which
        ``sample_observed(method="observation_conditioner")`` needs.
    observed_history_ : list of float
        Mean loss of each epoch of the last :meth:`fit_observed`.

    Examples
    --------
    >>> gen = FlowFMSignalGenerator(pretrained="my-model/", solver="midpoint", steps=10)
    >>> S = gen.fit().sample(16, random_state=0)  # doctest: +SKIP
    >>> S = gen.sample(16, condition=X_ref[:16], guidance_scale=2.0)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        pretrained=None,
        solver: str | None = None,
        steps: int | None = None,
        rtol: float = 1e-5,
        atol: float = 1e-5,
        sample_batch_size: int = 256,
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
        text_encoder: str = "minilm",
    ):
        self.pretrained = pretrained
        self.solver = solver
        self.steps = steps
        self.rtol = rtol
        self.atol = atol
        self.sample_batch_size = sample_batch_size
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
        self.text_encoder = text_encoder

    def fit(self, X=None, y=None):
        """Pretrain on ``X`` (if no pretrained model was given) or load the model.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints), optional
            Required when ``pretrained`` is None or an unfitted pretrainer; otherwise,
            if given, checked against the model's channels.
        y : ignored

        Returns
        -------
        self
        """
        return super().fit(X, y)

    def _check_fit_input(self, X):
        """``X`` checked as a panel; None is allowed when a fitted model is given."""
        return None if X is None else super()._check_fit_input(X)

    def _fit(self, X, y=None) -> None:
        check_positive_int(self.sample_batch_size, "sample_batch_size")
        check_positive_float(self.rtol, "rtol")
        check_positive_float(self.atol, "atol")
        needs_data = self.pretrained is None or (
            isinstance(self.pretrained, FlowFMPretrainer) and not hasattr(self.pretrained, "net_")
        )
        if X is None and needs_data:
            raise ValueError(
                "fit needs X to pretrain a model; pass X of shape (n_series, n_channels, "
                "n_timepoints), or pretrained= a directory written by save_pretrained"
            )
        pre = pretrainer_for(self, X)
        module = pre.net_.module_
        self.solver_, self.steps_ = check_solver(module.objective, self.solver, self.steps)
        self.pretrainer_ = pre
        self.config_ = pre.config_
        self.objective_ = pre.config_.objective
        self.supports_guidance_ = bool(module.conditioner.supports_masking)
        self.supports_text_ = module.text_conditioner is not None
        self.supports_observed_ = module.observation_conditioner is not None
        self.n_channels_ = pre.n_channels_
        self.n_timepoints_ = _generated_length(pre)

    # -- text -----------------------------------------------------------------------
    def fit_text(
        self,
        X,
        prompts,
        condition: str = "text+rep",
        *,
        max_epochs: int = 20,
        batch_size: int = 64,
        lr: float = 3e-4,
        weight_decay: float = 0.0,
        rep_drop_prob: float = 0.5,
        random_state=None,
    ):
        """Tune the velocity network to generate from text (paper Sec. 4.2.2, Fig. 2).

        The encoder stays frozen. A copy of the model is tuned, so a pretrainer given
        as ``pretrained`` is left as it was. With ``condition="text+rep"`` (the
        paper's Text + Rep) the condition during tuning is the text embedding plus the
        frozen encoder's representation of the window, which is replaced by the null
        condition with probability ``rep_drop_prob``, as DGS does in pretraining; so
        :meth:`sample` with ``text=`` alone needs no reference window. With
        ``"text"`` (Text-Only) the representation is always the null condition.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints)
            Series in the model's units. Their length may differ from the pretraining
            length (at least one patch); the tuned model then generates windows of
            this length (``n_timepoints_``, saved with the model).
        prompts : list of str, length n_series
            One description per series, e.g. from :func:`tsfm.text.make_prompts`.
        condition : {"text+rep", "text"}, default="text+rep"
        max_epochs : int, default=20
        batch_size : int, default=64
        lr : float, default=3e-4
            AdamW learning rate.
        weight_decay : float, default=0.0
        rep_drop_prob : float, default=0.5
            Probability of dropping the representation (``"text+rep"`` only), in (0, 1).
        random_state : None, int, RandomState or Generator
            Seeds shuffling, noise, times and drops.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            For empty or blank prompts, ``prompts`` and ``X`` of different lengths, an
            unknown ``condition``, or a model without a null condition (pretrained
            without DGS).
        tsfm.exceptions.TextEncoderError, tsfm.exceptions.MissingExtraError
            If ``text_encoder`` is unknown or its package is not installed.
        """
        from tsfm.text.embedder import check_prompts

        prompts = check_prompts(prompts)
        if condition not in TEXT_CONDITIONS:
            raise ValueError(
                f"condition must be one of {list(TEXT_CONDITIONS)}, got {condition!r}"
            )
        rep_drop_prob = _check_probability(rep_drop_prob, condition)
        if not hasattr(self, "pretrainer_"):
            self.fit(X)
        X = self._check_input(X)
        if len(prompts) != len(X):
            raise ValueError(
                f"prompts has {len(prompts)} texts but X has {len(X)} series; pass one "
                "prompt per series"
            )
        settings = dict(max_epochs=check_positive_int(max_epochs, "max_epochs"),
                        batch_size=check_positive_int(batch_size, "batch_size"),
                        lr=check_positive_float(lr, "lr"),
                        weight_decay=_check_non_negative(weight_decay, "weight_decay"))
        module = self.pretrainer_.net_.module_
        if not module.conditioner.supports_masking:
            raise ValueError(
                "text tuning needs a model pretrained with DGS (mask_prob > 0): sampling "
                "from text alone uses the null representation, which conditioner "
                f"{self.config_.conditioner!r} lacks; pretrain with mask_prob > 0"
            )
        self._tune_text(X, prompts, condition, rep_drop_prob, settings, random_state)
        return self

    def _tune_text(self, X, prompts, condition, rep_drop_prob, settings, random_state) -> None:
        from tsfm.config.text_config import TextConfig
        from tsfm.plugins import get_plugin
        from tsfm.text.tuning import tune_text

        pre = copy.deepcopy(self.pretrainer_)
        module: FlowFMModule = pre.net_.module_
        device = next(module.parameters()).device
        current = module.text_conditioner
        if current is None or current.text_encoder != self.text_encoder:
            module.add_text_conditioner(get_plugin("conditioner", "text").from_text_encoder(
                self.text_encoder, width=module.velocity.width, device=str(device)).to(device))
        conditioner = module.text_conditioner
        embeddings = conditioner.embed(prompts).cpu().numpy()
        seed = resolve_seed(random_state)
        with torch_seed(seed, str(device)):
            losses = tune_text(
                module, pre.standardizer_.transform(X), embeddings, condition=condition,
                rep_drop_prob=rep_drop_prob, generator=torch_generator(seed, "cpu"),
                **settings)
        pre.text_config_ = TextConfig(
            conditioner=conditioner.name, text_encoder=str(conditioner.text_encoder),
            embedding_dim=conditioner.in_features, condition=condition,
            rep_drop_prob=rep_drop_prob if condition == "text+rep" else 0.0,
            n_timepoints=None if X.shape[2] == pre.n_timepoints_ else X.shape[2])
        self.pretrainer_ = pre
        self.n_timepoints_ = X.shape[2]
        self.supports_text_ = True
        self.text_history_ = losses

    # -- observation conditioning -------------------------------------------------------
    def fit_observed(
        self,
        X,
        *,
        max_epochs: int = 5,
        batch_size: int = 64,
        lr: float = 3e-4,
        weight_decay: float = 0.0,
        future_fraction=(0.05, 0.5),
        gap_fraction=(0.05, 0.3),
        point_fraction=(0.1, 0.9),
        random_state=None,
    ):
        """Tune the velocity network to generate a window given its observed points.

        Mechanism 2 of conditional sampling (``docs/tasks.md``): an observation
        conditioner (:class:`tsfm.nn.observation.ObservationConditioner`) embeds
        ``[x * mask ; mask]`` into the velocity network's input tokens, and the velocity
        network and the conditioner are tuned on the objective's own loss (flow matching
        or diffusion) with random masks. The encoder stays frozen. Each window hides,
        with equal probability, its end (a future), one gap, or scattered points. A copy
        of the model is tuned, so a pretrainer given as ``pretrained`` is left as it
        was; a model already tuned for it is tuned further. Sample with
        ``sample_observed(..., method="observation_conditioner")``.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints)
            Windows in the model's units.
        max_epochs : int, default=5
        batch_size : int, default=64
        lr : float, default=3e-4
            AdamW learning rate.
        weight_decay : float, default=0.0
        future_fraction : (float, float), default=(0.05, 0.5)
            Range of the hidden future's length, as a fraction of the window.
        gap_fraction : (float, float), default=(0.05, 0.3)
            Range of the gap's length, as a fraction of the window (0.5 to 3 s for the
            10 s windows of ``flowfm-wrist-small``).
        point_fraction : (float, float), default=(0.1, 0.9)
            Range of the probability of hiding each point in the scattered pattern.
        random_state : None, int, RandomState or Generator
            Seeds shuffling, masks, noise and times.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            On a wrong shape or channel count, or a fraction range that is not a pair
            of fractions in (0, 1) with low <= high.
        """
        from tsfm.config.observation_config import observation_config

        config = observation_config(future_fraction, gap_fraction, point_fraction)
        if not hasattr(self, "pretrainer_"):
            self.fit(X)
        X = self._check_input(X)
        settings = dict(max_epochs=check_positive_int(max_epochs, "max_epochs"),
                        batch_size=check_positive_int(batch_size, "batch_size"),
                        lr=check_positive_float(lr, "lr"),
                        weight_decay=_check_non_negative(weight_decay, "weight_decay"))
        self._tune_observed(X, config, settings, random_state)
        return self

    def _tune_observed(self, X, config, settings, random_state) -> None:
        from tsfm.training.observation_tuning import tune_observed

        pre = copy.deepcopy(self.pretrainer_)
        module: FlowFMModule = pre.net_.module_
        device = next(module.parameters()).device
        if module.observation_conditioner is None:
            module.add_observation_conditioner(observation_conditioner(module).to(device))
        seed = resolve_seed(random_state)
        with torch_seed(seed, str(device)):
            losses = tune_observed(module, pre.standardizer_.transform(X), config,
                                   generator=torch_generator(seed, "cpu"), **settings)
        pre.observation_config_ = config
        self.pretrainer_ = pre
        self.supports_observed_ = True
        self.observed_history_ = losses

    def save_pretrained(self, directory):
        """Save the model (with its text projection and text encoder, if tuned for text).

        See :meth:`FlowFMPretrainer.save_pretrained`; load it back with
        :meth:`from_pretrained` or ``FlowFMSignalGenerator(pretrained=directory)``. The
        sampling settings (``solver``, ``steps``…) are parameters of this estimator, not
        of the model: pass them again when loading.

        Returns
        -------
        Path
        """
        check_is_fitted(self, "pretrainer_")
        return self.pretrainer_.save_pretrained(directory)

    @classmethod
    def from_pretrained(cls, directory, *, device: str = "auto",
                        **params) -> FlowFMSignalGenerator:
        """A fitted generator of a saved model, a shipped name or a Hub id.

        Parameters
        ----------
        directory : str or Path
        device : str, default="auto"
        **params
            Sampling parameters (``solver``, ``steps``, ``sample_batch_size``…).

        Returns
        -------
        FlowFMSignalGenerator
        """
        return cls(pretrained=directory, device=device, **params).fit()

    # -- sampling -------------------------------------------------------------------
    def sample(
        self,
        n_samples: int,
        condition=None,
        guidance_scale: float | None = None,
        random_state=None,
        return_trajectory: bool = False,
        text=None,
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Generate series.

        Parameters
        ----------
        n_samples : int
            Number of series to generate.
        condition : array-like of shape (n_samples, n_channels, n_timepoints), optional
            Reference series in the data's units; sample ``i`` is conditioned on the
            encoder's representation of ``condition[i]``. A single series conditions
            every sample. None generates unconditionally from the null condition,
            which only a model trained with DGS (``mask_prob > 0``) has.
        guidance_scale : float, optional
            Classifier-free guidance weight ``w`` in ``[0, 100]``: the field is
            ``v_uncond + w (v_cond - v_uncond)``. ``w = 1`` is plain conditional
            sampling, ``w = 0`` unconditional, ``w > 1`` pushes samples further towards
            the condition (closer to the reference, less diverse; 1 to 5 is typical).
            Needs ``condition`` and a DGS model.
        random_state : None, int, RandomState or Generator, default=None
            Seeds the noise (and DDPM's per-step noise) through a torch generator of
            this call only, so seeded calls give the same samples from any number of
            threads. An int must lie in ``[0, 2**32 - 1]``; a numpy ``RandomState`` or
            ``Generator`` is consumed (each call draws a new seed from it).
        return_trajectory : bool, default=False
            Also return the intermediate states, see ``trajectory_times_``.
        text : list of str, optional
            Prompts, one per sample or a single one for every sample; needs a model
            tuned by :meth:`fit_text`. No reference window is needed: the
            representation is the null condition unless ``condition`` is also given
            (``"text+rep"`` models only). Not combinable with ``guidance_scale``.

        Returns
        -------
        samples : ndarray of shape (n_samples, n_channels, n_timepoints), float32
            In the data's units.
        trajectory : ndarray of shape (n_times, n_samples, n_channels, n_timepoints)
            Only with ``return_trajectory``: the states from noise (first) to the
            samples (last), in the data's units.

        Raises
        ------
        ValueError
            On an invalid ``n_samples``, ``guidance_scale`` or ``condition`` (see
            :func:`tsfm.utils.validation.check_panel`), or an int ``random_state``
            outside ``[0, 2**32 - 1]``.
        TypeError
            On a non-numeric ``condition`` or a ``random_state`` of another type.
        tsfm.exceptions.NonFiniteError
            If ``condition`` lies too far outside the pretraining data's range, or
            sampling produced NaN or inf (the message names the cause).
        """
        check_is_fitted(self, "pretrainer_")
        module: FlowFMModule = self.pretrainer_.net_.module_
        n = self._check_n_samples(n_samples)
        solver, steps = check_solver(module.objective, self.solver, self.steps)
        guidance = self._check_guidance(guidance_scale, condition)
        embeddings = None if text is None else self._text_embeddings(text, n, condition, guidance)
        seed = resolve_seed(random_state)
        device = next(module.parameters()).device
        batch = check_positive_int(self.sample_batch_size, "sample_batch_size")
        options = self._sampler_options(module, solver, steps, bool(return_trajectory))
        rng = torch_generator(seed, device)
        if _takes_rng(module.objective):
            options["rng"] = rng
            plugin_seed = contextlib.nullcontext()
        else:  # a plugin drawing from torch's global generator: reproducible, not thread-safe
            plugin_seed = torch_seed(seed, str(device))

        samples, trajectories, nfe, calls = [], [], 0, 0
        with shared_eval_mode(module), torch.inference_mode(), plugin_seed:
            representation = None if condition is None else self._representations(condition, n)
            for start in range(0, n, batch):
                size = min(batch, n - start)
                r = None if representation is None else representation[start : start + size]
                y = None if embeddings is None else embeddings[start : start + size]
                field = _CountingField(module, r, guidance, text=y)
                shape = (size, self.n_channels_, self.n_timepoints_)
                noise = torch.randn(shape, generator=rng, device=device)
                out = module.objective.sample(field, noise, **options)
                if return_trajectory:
                    out, trajectory, times = out
                    trajectories.append(trajectory.float().cpu().numpy())
                samples.append(out.float().cpu().numpy())
                nfe = max(nfe, field.network_evaluations)
                calls = max(calls, field.network_calls)
        self.nfe_ = nfe
        self.network_calls_ = calls
        standardized = check_finite_output(
            np.concatenate(samples),
            what="samples",
            fix=_non_finite_cause(module, solver, steps, guidance),
        )
        inverse = self.pretrainer_.standardizer_.inverse_transform
        S = inverse(standardized)
        if not return_trajectory:
            return S
        self.trajectory_times_ = times.float().cpu().numpy()
        stacked = np.concatenate(trajectories, axis=1)
        return S, np.stack([inverse(state, name="trajectory") for state in stacked])

    def sample_observed(self, X, mask=None, n_draws: int = 1, *,
                        method: str = "guided_inpainting", condition: str = "observed",
                        random_state=None) -> np.ndarray:
        """Draw the unknown points of windows given their observed points.

        Each draw is a sample of ``p(unknown | observed)``: many draws give quantiles
        and intervals. Forecasting hides the end of the window, imputation its gaps.

        Parameters
        ----------
        X : array-like of shape (n, n_channels, n_timepoints)
            Windows in the data's units; NaN marks the unknown points when ``mask``
            is None. Every channel of every window needs one observed point.
        mask : bool array-like of shape (n, n_channels, n_timepoints), optional
            True at the observed points (overrides NaN).
        n_draws : int, default=1
        method : str, default="guided_inpainting"
            A registered conditional sampler (``tsfm.plugins.list_plugins(
            "conditional_sampler")``). ``"guided_inpainting"`` works with any
            pretrained flow-matching or diffusion model as it is, with a fixed-step
            solver. ``"observation_conditioner"`` needs a model tuned by
            :meth:`fit_observed` and works with any solver.
        condition : {"observed", "none"}, default="observed"
            What the network is conditioned on: the encoder's representation of the
            window with its unknown points linearly interpolated, or the null
            condition (DGS models only).
        random_state : None, int, RandomState or Generator

        Returns
        -------
        ndarray of shape (n_draws, n, n_channels, n_timepoints), float32
            In the data's units; equal to ``X`` at the observed points.

        Raises
        ------
        ValueError
            On a wrong shape, a window channel with no observed point, an unknown
            ``method`` or ``condition``, an adaptive solver with guided inpainting, or
            ``method="observation_conditioner"`` on a model never tuned by
            :meth:`fit_observed`.
        """
        from tsfm.estimators._observed import sample_observed

        check_is_fitted(self, "pretrainer_")
        return sample_observed(self, X, mask, n_draws, method=method, condition=condition,
                               random_state=random_state)

    def _text_embeddings(self, text, n: int, condition, guidance) -> torch.Tensor:
        """Language-model embeddings of shape (n, text_dim) of the prompts, on the device."""
        from tsfm.text.embedder import check_prompts

        if not self.supports_text_:
            raise ValueError(
                "text= needs a model tuned for text, and this one never was; call "
                "fit_text(X, prompts) first (or load a model saved after fit_text)"
            )
        prompts = check_prompts(text, name="text")
        if len(prompts) not in (1, n):
            raise ValueError(
                f"text has {len(prompts)} prompts but n_samples={n}; pass one prompt per "
                "sample, or a single one for every sample"
            )
        if guidance is not None:
            raise ValueError("guidance_scale cannot be combined with text=; drop guidance_scale")
        tuned = self.pretrainer_.text_config_.condition
        if condition is not None and tuned != "text+rep":
            raise ValueError(
                f"this model was tuned with condition={tuned!r}, without representations; "
                "drop condition= (or tune with condition='text+rep')"
            )
        embeddings = self.pretrainer_.net_.module_.text_conditioner.embed(prompts)
        return embeddings.expand(n, -1) if len(prompts) == 1 else embeddings

    def _sampler_options(self, module, solver: str, steps: int | None, trajectory: bool) -> dict:
        options: dict = {"solver": solver, "return_trajectory": trajectory}
        if solver in module.objective.adaptive_solvers:
            options.update(
                rtol=check_positive_float(self.rtol, "rtol"),
                atol=check_positive_float(self.atol, "atol"),
            )
        else:
            options["steps"] = steps
        return options

    @staticmethod
    def _check_n_samples(n_samples) -> int:
        if (
            not isinstance(n_samples, numbers.Integral)
            or isinstance(n_samples, bool)
            or n_samples <= 0
        ):
            raise ValueError(
                f"n_samples must be a positive integer (the number of series to generate), "
                f"got {n_samples!r}"
            )
        return int(n_samples)

    def _check_guidance(self, guidance_scale, condition) -> float | None:
        if guidance_scale is None:
            if condition is None and not self.supports_guidance_:
                raise ValueError(
                    "unconditional sampling needs the null condition, but this model was "
                    "trained without DGS (mask_prob=0); pass condition= reference series, "
                    "or pretrain with mask_prob > 0"
                )
            return None
        if not self.supports_guidance_:
            raise ValueError(
                "guidance_scale needs the null condition (v_uncond), but this model was "
                f"trained without DGS masking (conditioner "
                f"{self.pretrainer_.config_.conditioner!r}, mask_prob=0); drop "
                "guidance_scale, or pretrain with mask_prob > 0"
            )
        if condition is None:
            raise ValueError(
                "guidance_scale needs a condition to guide towards; pass condition= "
                "reference series, or drop guidance_scale for unconditional sampling"
            )
        low, high = GUIDANCE_RANGE
        if (
            not isinstance(guidance_scale, numbers.Real)
            or isinstance(guidance_scale, bool)
            or not low <= guidance_scale <= high
        ):
            raise ValueError(
                f"guidance_scale must be a number in [{low:g}, {high:g}], got "
                f"{guidance_scale!r}; 1 is plain conditional sampling and 1 to 5 is typical"
            )
        return float(guidance_scale)

    def _representations(self, condition, n: int) -> torch.Tensor:
        """Encoder representations of the condition series, shape (n, d), on the device."""
        condition = self._check_input(condition, name="condition")
        if len(condition) not in (1, n):
            raise ValueError(
                f"condition has {len(condition)} series but n_samples={n}; pass one "
                "reference series per sample, or a single one to condition every sample"
            )
        standardized = self.pretrainer_.standardizer_.transform(condition, name="condition")
        r = self.pretrainer_.net_.embed(standardized, batch_size=self.sample_batch_size)
        if len(r) == 1:
            r = np.repeat(r, n, axis=0)
        device = next(self.pretrainer_.net_.module_.parameters()).device
        return torch.as_tensor(r, device=device)
