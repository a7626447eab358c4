"""FlowFMSignalGenerator: sample new series from a pretrained FlowFM (or DiffFM) model."""

from __future__ import annotations

import contextlib
import inspect
import numbers
from pathlib import Path

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from tsfm.estimators._base import (
    FlowFMEstimator,
    check_positive_float,
    check_positive_int,
)
from tsfm.estimators._pretrained import pretrainer_for
from tsfm.estimators.pretrainer import FlowFMPretrainer
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


class _CountingField:
    """The network's field for one batch, optionally guided; counts network evaluations.

    With ``guidance_scale = w`` it returns ``v_uncond + w (v_cond - v_uncond)``, which
    costs two network evaluations per call.
    """

    def __init__(self, module: FlowFMModule, representation, guidance_scale: float | None):
        self.module = module
        self.representation = representation
        self.guidance_scale = guidance_scale
        self.network_evaluations = 0

    def __call__(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        if self.guidance_scale is None:
            self.network_evaluations += 1
            return self.module.field(x_t, t, self.representation)
        self.network_evaluations += 2
        conditional = self.module.field(x_t, t, self.representation)
        unconditional = self.module.field(x_t, t, None)
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
        Shape of the generated series.
    nfe_ : int
        Network evaluations per sample in the last :meth:`sample` call (set by
        ``sample``). Guidance costs two per solver evaluation. For ``dopri5``, whose
        count varies between batches, the largest count of any batch.
    trajectory_times_ : ndarray of shape (n_times,)
        Network times of the last returned trajectory (0 is noise, 1 is data).

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
        self.n_channels_ = pre.n_channels_
        self.n_timepoints_ = pre.n_timepoints_

    # -- saving and loading -------------------------------------------------------
    def save_pretrained(self, directory) -> Path:
        """Save the model it samples from; see :meth:`FlowFMPretrainer.save_pretrained`.

        The sampling settings (``solver``, ``steps``…) are parameters of this estimator,
        not of the model: pass them again to :meth:`from_pretrained`.
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

        samples, trajectories, nfe = [], [], 0
        with shared_eval_mode(module), torch.inference_mode(), plugin_seed:
            representation = None if condition is None else self._representations(condition, n)
            for start in range(0, n, batch):
                size = min(batch, n - start)
                r = None if representation is None else representation[start : start + size]
                field = _CountingField(module, r, guidance)
                shape = (size, self.n_channels_, self.n_timepoints_)
                noise = torch.randn(shape, generator=rng, device=device)
                out = module.objective.sample(field, noise, **options)
                if return_trajectory:
                    out, trajectory, times = out
                    trajectories.append(trajectory.float().cpu().numpy())
                samples.append(out.float().cpu().numpy())
                nfe = max(nfe, field.network_evaluations)
        self.nfe_ = nfe
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
