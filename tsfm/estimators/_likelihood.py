"""Log-likelihood of windows under a flow-matching model (instantaneous change of variables).

The flow carries noise ``x0 ~ N(0, I)`` at ``t = 0`` to data at ``t = 1`` along
``dx/dt = v(x, t)``. Along a path the log-density changes by ``d log p / dt = -div v``,
so

    log p1(x) = log N(z0; 0, I) - integral_0^1 div v(x_t, t) dt,

where ``z0`` is ``x`` carried back from ``t = 1`` to ``t = 0``. torchdiffeq integrates the
augmented state ``(x_t, a_t)`` with ``da/dt = div v`` from ``t = 1`` down to 0, so
``a(0) = -integral_0^1 div v`` and ``log p1(x) = log N(z0) + a(0)``.

The divergence is Hutchinson's estimate ``E[e^T (dv/dx) e]`` over probes ``e`` with
zero mean and identity covariance (Rademacher or Gaussian), each term a
vector-Jacobian product from ``torch.autograd``. The probes are drawn once per window
and kept over the whole integration (as in FFJORD), so the estimate of the integral
is unbiased. Per solver stage the field is evaluated once and differentiated once per
probe: ``steps x stages`` forward passes (euler 1, midpoint 2, rk4 4 stages) and
``n_probes`` times as many backward passes.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from torchdiffeq import odeint

from tsfm.estimators._base import check_positive_int
from tsfm.nn.eval_mode import shared_eval_mode
from tsfm.training.seeding import resolve_seed, torch_generator

FIXED_STEP_SOLVERS = ("euler", "midpoint", "rk4")
PROBES = ("rademacher", "gaussian")

Field = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def draw_probes(shape: tuple[int, ...], n_probes: int, probe: str,
                rng: torch.Generator | None = None, device=None) -> torch.Tensor:
    """Hutchinson probes of zero mean and identity covariance.

    Parameters
    ----------
    shape : tuple of int
        Shape of one state, ``(n, C, T)``.
    n_probes : int
    probe : {"rademacher", "gaussian"}
    rng : torch.Generator, optional
    device : torch.device, optional

    Returns
    -------
    tensor of shape (n_probes, *shape)
    """
    if probe not in PROBES:
        raise ValueError(f"probe must be one of {list(PROBES)}, got {probe!r}")
    n_probes = check_positive_int(n_probes, "n_probes")
    size = (n_probes, *shape)
    if probe == "gaussian":
        return torch.randn(size, generator=rng, device=device)
    return torch.randint(0, 2, size, generator=rng, device=device).mul_(2).sub_(1).float()


def hutchinson_divergence(out: torch.Tensor, x: torch.Tensor,
                          probes: torch.Tensor) -> torch.Tensor:
    """Hutchinson's estimate of ``div v`` per sample, averaged over the probes.

    Parameters
    ----------
    out : tensor of shape (n, ...)
        ``v(x)``, computed from ``x`` with autograd recording.
    x : tensor of shape (n, ...)
        The state, with ``requires_grad``.
    probes : tensor of shape (n_probes, n, ...)

    Returns
    -------
    tensor of shape (n,)
    """
    total = torch.zeros(len(x), dtype=x.dtype, device=x.device)
    for k, e in enumerate(probes):
        (vjp,) = torch.autograd.grad(out, x, grad_outputs=e,
                                     retain_graph=k < len(probes) - 1)
        total = total + (vjp * e).flatten(1).sum(1)
    return total / len(probes)


def standard_normal_logpdf(z: torch.Tensor) -> torch.Tensor:
    """``log N(z; 0, I)`` per sample, shape (n,), for ``z`` of shape (n, ...)."""
    d = z[0].numel()
    return -0.5 * (z.flatten(1) ** 2).sum(1) - 0.5 * d * math.log(2 * math.pi)


def flow_log_likelihood(field: Field, x: torch.Tensor, *, solver: str = "midpoint",
                        steps: int = 10, n_probes: int = 1, probe: str = "rademacher",
                        rng: torch.Generator | None = None) -> torch.Tensor:
    """``log p1(x)`` of each sample under the flow ``dx/dt = field(x, t)`` from N(0, I).

    Parameters
    ----------
    field : callable
        ``field(x, t)`` with ``x`` of shape (n, ...) and scalar tensor ``t``; returns
        the velocity, shape of ``x``. It must be differentiable in ``x``.
    x : tensor of shape (n, ...)
        Samples at ``t = 1`` (data).
    solver : {"euler", "midpoint", "rk4"}, default="midpoint"
        A fixed-step torchdiffeq method.
    steps : int, default=10
        Equal steps from ``t = 1`` to 0.
    n_probes : int, default=1
        Hutchinson probes per window, fixed over the integration.
    probe : {"rademacher", "gaussian"}, default="rademacher"
    rng : torch.Generator, optional
        Draws the probes.

    Returns
    -------
    tensor of shape (n,)
        Log-likelihood in nats (total over all dimensions), detached.
    """
    if solver not in FIXED_STEP_SOLVERS:
        raise ValueError(
            f"the likelihood needs a fixed-step solver, one of {list(FIXED_STEP_SOLVERS)}; "
            f"got {solver!r}"
        )
    steps = check_positive_int(steps, "steps")
    probes = draw_probes(tuple(x.shape), n_probes, probe, rng, x.device).to(x.dtype)

    def augmented(t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        with torch.enable_grad():
            xt = state[0].detach().requires_grad_(True)
            v = field(xt, t)
            div = hutchinson_divergence(v, xt, probes)
        return v.detach(), div.detach()

    times = torch.linspace(1.0, 0.0, steps + 1, device=x.device, dtype=x.dtype)
    start = (x.detach(), torch.zeros(len(x), device=x.device, dtype=x.dtype))
    z, a = odeint(augmented, start, times, method=solver)
    return standard_normal_logpdf(z[-1]) + a[-1]


def window_log_likelihood(gen, X, *, solver: str = "midpoint", steps: int = 10,
                          n_probes: int = 1, probe: str = "rademacher",
                          condition: str = "window", random_state=None):
    """Log-likelihood per dimension of windows under a fitted flow-matching generator.

    Each window is standardised as in training and carried back to noise by the
    model's field, by default **conditioned on the window's own representation** (as
    the regeneration error is), so this is ``log p(x | r(x))``: not a normalised
    density over windows (the condition depends on ``x``), but a score of how well the
    flow explains the window given its summary. ``condition="none"`` uses the null
    condition instead, the model's unconditional density ``log p(x)``.

    Parameters
    ----------
    gen : FlowFMSignalGenerator
        A fitted generator of a flow-matching model.
    X : ndarray of shape (n, C, T)
        Windows in the data's units.
    solver, steps, n_probes, probe
        As for :func:`flow_log_likelihood`.
    condition : {"window", "none"}, default="window"
        Condition the field on each window's own representation, or on nothing.
    random_state : None, int, RandomState or Generator
        Draws the probes.

    Returns
    -------
    ndarray of shape (n,), float64
        Nats per dimension (divided by ``C * T``), in standardised units.

    Raises
    ------
    ValueError
        For a model whose objective is not flow matching (a diffusion model has no
        deterministic flow to integrate here).
    """
    pre = gen.pretrainer_
    module = pre.net_.module_
    if module.objective.name != "flow_matching":
        raise ValueError(
            f"the likelihood integrates a flow's ODE; this model's objective is "
            f"{module.objective.name!r}, which is not supported; use a flow-matching model "
            f"or score='regeneration'"
        )
    if condition not in ("window", "none"):
        raise ValueError(f"condition must be 'window' or 'none', got {condition!r}")
    device = next(module.parameters()).device
    standardized = pre.standardizer_.transform(X, name="X")
    r = torch.as_tensor(pre.net_.embed(standardized, batch_size=gen.sample_batch_size),
                        device=device)
    data = torch.as_tensor(standardized, device=device)
    rng = torch_generator(resolve_seed(random_state), device)
    batch = check_positive_int(gen.sample_batch_size, "sample_batch_size")
    out = np.zeros(len(X))
    with shared_eval_mode(module), torch.no_grad():
        for start in range(0, len(X), batch):
            x1, rep = data[start:start + batch], r[start:start + batch]
            rep = rep if condition == "window" else None

            def field(x, t, rep=rep):
                return module.field(x, module.objective.network_time(t).expand(len(x)), rep)

            logp = flow_log_likelihood(field, x1, solver=solver, steps=steps,
                                       n_probes=n_probes, probe=probe, rng=rng)
            out[start:start + len(x1)] = logp.cpu().double().numpy()
    return out / (X.shape[1] * X.shape[2])
