"""Denoising diffusion generator: the DiffFM twin of FlowFM (paper Sec. 5).

DiffFM shares FlowFM's encoder, conditioning, DGS masking and DiT-1D backbone; only
the generative objective differs. It trains as DDPM (Ho et al., 2020): a linear
schedule of ``n_train_steps = 1000`` noise levels ``beta_1 … beta_K`` and an
ε-prediction loss. It samples with DDPM ancestral steps or with deterministic DDIM
(Song et al., 2021) at any number of steps.

Time convention, fixed here and only here: the diffusion step ``k`` runs from
``k = 0`` (clean data) to ``k = K`` (almost pure noise), ``x_k = sqrt(ᾱ_k) x1 +
sqrt(1 - ᾱ_k) ε`` with ``ᾱ_k = prod_{s <= k} (1 - beta_s)`` and ``ᾱ_0 = 1``. The
backbone sees the network time ``t = 1 - k / K`` (:meth:`network_time`), so that, as
for flow matching, ``t = 0`` is the noise end and ``t = 1`` the data end.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import torch

from tsfm.generative.objective import Objective, Predictor
from tsfm.plugins.hookspecs import hookimpl

#: solver name -> DDIM's η: 1 is DDPM's ancestral sampler, 0 deterministic DDIM
ETAS = {"ddpm": 1.0, "ddim": 0.0}


def linear_betas(n_steps: int, beta_start: float, beta_end: float) -> torch.Tensor:
    """DDPM's linear noise schedule ``beta_1 … beta_K`` as float64, shape (K,).

    The endpoints are given for ``K = 1000`` (Ho et al. use 1e-4 and 0.02) and scaled
    by ``1000 / K`` for other ``K``, so the total amount of noise stays the same.
    """
    scale = 1000.0 / n_steps
    return torch.linspace(scale * beta_start, scale * beta_end, n_steps, dtype=torch.float64)


class DiffusionGenerator(Objective):
    """DDPM training with ε-prediction; DDPM ancestral or DDIM sampling (DiffFM).

    Parameters
    ----------
    n_train_steps : int, default=1000
        Number ``K`` of noise levels of the training schedule.
    beta_start, beta_end : float, default=1e-4, 0.02
        Ends of the linear schedule (for ``K = 1000``).

    Attributes
    ----------
    alphas_cumprod : tensor of shape (K + 1,)
        ``ᾱ_k`` for ``k = 0 … K``, with ``ᾱ_0 = 1``; a non-persistent buffer, so it
        follows the module's device but is not saved with the weights.
    """

    name = "diffusion"
    solvers: ClassVar[tuple[str, ...]] = tuple(ETAS)
    adaptive_solvers: ClassVar[tuple[str, ...]] = ()
    default_solver: ClassVar[str] = "ddim"

    def __init__(
        self, n_train_steps: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02
    ):
        super().__init__()
        if not isinstance(n_train_steps, int) or n_train_steps < 2:
            raise ValueError(f"n_train_steps must be an integer >= 2, got {n_train_steps!r}")
        betas = linear_betas(n_train_steps, beta_start, beta_end)
        if not 0 < beta_start < beta_end or betas[-1] >= 1:
            raise ValueError(
                "need 0 < beta_start < beta_end with beta_end * 1000 / n_train_steps < 1, got "
                f"beta_start={beta_start!r}, beta_end={beta_end!r}"
            )
        self.n_train_steps = n_train_steps
        one = torch.ones(1, dtype=torch.float64)
        alphas_cumprod = torch.cat([one, torch.cumprod(1 - betas, 0)])
        self.register_buffer("alphas_cumprod", alphas_cumprod.float(), persistent=False)

    # -- the time convention --------------------------------------------------------
    def network_time(self, k: torch.Tensor) -> torch.Tensor:
        """Map diffusion steps ``k`` in ``0 … K`` to the network time ``1 - k / K``."""
        return 1.0 - k.to(self.alphas_cumprod.dtype) / self.n_train_steps

    def default_steps(self, solver: str) -> int:
        """All ``K`` steps for DDPM, 50 for DDIM."""
        return self.n_train_steps if solver == "ddpm" else 50

    def timesteps(self, steps: int) -> torch.Tensor:
        """``steps`` diffusion steps spaced evenly over ``1 … K``, in decreasing order."""
        if not isinstance(steps, int | np.integer) or not 1 <= steps <= self.n_train_steps:
            raise ValueError(
                f"steps must be an integer from 1 to n_train_steps={self.n_train_steps}, "
                f"got {steps!r}"
            )
        grid = np.unique(np.round(np.linspace(1, self.n_train_steps, int(steps))).astype(int))
        return torch.as_tensor(grid[::-1].copy(), device=self.alphas_cumprod.device)

    # -- training -----------------------------------------------------------------
    def training_example(
        self, x1: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        k = torch.randint(1, self.n_train_steps + 1, (len(x1),), device=x1.device)
        noise = torch.randn_like(x1)
        return self.add_noise(x1, noise, k), self.network_time(k).to(x1.dtype), noise

    def add_noise(self, x1: torch.Tensor, noise: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        """``x_k = sqrt(ᾱ_k) x1 + sqrt(1 - ᾱ_k) ε`` for per-sample steps ``k`` of shape (n,)."""
        a = self.alphas_cumprod[k].to(x1.dtype).reshape(-1, *([1] * (x1.dim() - 1)))
        return a.sqrt() * x1 + (1 - a).sqrt() * noise

    # -- sampling -----------------------------------------------------------------
    def observed_state(self, observed, noise, t, rng=None):
        """``sqrt(ᾱ_k) x_obs + sqrt(1 - ᾱ_k) ε`` at the step ``k`` of network time ``t``.

        ``ε`` is fresh noise from ``rng`` (RePaint's replacement); at ``k = 0`` this is
        ``x_obs`` itself.
        """
        k = torch.round((1 - t) * self.n_train_steps).long().clamp(0, self.n_train_steps)
        if int(k) == 0:
            return observed
        eps = torch.randn(observed.shape, generator=rng, device=observed.device,
                          dtype=observed.dtype)
        return self.add_noise(observed, eps, k.expand(len(observed)))

    def sample(
        self,
        predict: Predictor,
        noise: torch.Tensor,
        *,
        solver: str = "ddim",
        steps: int | None = None,
        return_trajectory: bool = False,
        rng: torch.Generator | None = None,
        project=None,
    ):
        """Denoise from ``x_K = noise`` to data with DDPM or DDIM steps.

        Both follow DDIM's update (Song et al. 2021, Eq. 12) from step ``k`` to the next
        ``k' < k`` of :meth:`timesteps`, with ``x̂1 = (x_k - sqrt(1 - ᾱ_k) ε̂) /
        sqrt(ᾱ_k)``::

            x_k' = sqrt(ᾱ_k') x̂1 + sqrt(1 - ᾱ_k' - σ²) ε̂ + σ z,
            σ = η sqrt((1 - ᾱ_k') / (1 - ᾱ_k)) sqrt(1 - ᾱ_k / ᾱ_k').

        ``"ddpm"`` (η = 1) over all ``K`` steps is exactly DDPM's ancestral sampler with
        the posterior variance; ``"ddim"`` (η = 0) is deterministic. The last step goes
        to ``k' = 0`` and returns ``x̂1``.

        Parameters
        ----------
        predict : callable
            ``predict(x_t, t)`` returns the predicted noise ε̂, shape (n, C, T).
        noise : tensor of shape (n, C, T)
        solver : {"ddpm", "ddim"}, default="ddim"
        steps : int, optional
            Number of denoising steps (network evaluations), 1 to ``K``. Defaults to
            ``K`` for DDPM and 50 for DDIM.
        return_trajectory : bool, default=False
            Also return the states after every step and their network times.
        rng : torch.Generator, optional
            Source of DDPM's per-step noise (on ``noise``'s device); None uses torch's
            global generator. Pass one per call for reproducible, thread-safe sampling.
        project : callable, optional
            ``project(x, t)`` applied to the state after every step, at the network
            time ``t`` of the step reached (conditional sampling).

        Returns
        -------
        x1 : tensor of shape (n, C, T)
        trajectory : tensor of shape (steps + 1, n, C, T)
            Only with ``return_trajectory``; starts with ``noise``.
        times : tensor of shape (steps + 1,)
            Only with ``return_trajectory``; network times of the trajectory.
        """
        if solver not in ETAS:
            raise ValueError(
                f"unknown solver {solver!r} for generator {self.name!r}; valid solvers: "
                f"{list(self.solvers)}"
            )
        eta = ETAS[solver]
        ks = self.timesteps(self.default_steps(solver) if steps is None else steps)
        ks_next = torch.cat([ks[1:], ks.new_zeros(1)])
        x = noise
        states = [x]
        for k, k_next in zip(ks.tolist(), ks_next.tolist(), strict=True):
            t = self.network_time(torch.tensor(k)).to(noise)
            eps = predict(x, t.expand(len(x)))
            a, a_next = self.alphas_cumprod[k].to(x), self.alphas_cumprod[k_next].to(x)
            x1_hat = (x - (1 - a).sqrt() * eps) / a.sqrt()
            sigma = eta * ((1 - a_next) / (1 - a) * (1 - a / a_next)).clamp(min=0).sqrt()
            x = a_next.sqrt() * x1_hat + (1 - a_next - sigma**2).clamp(min=0).sqrt() * eps
            if k_next > 0 and eta > 0:
                z = torch.randn(x.shape, generator=rng, device=x.device, dtype=x.dtype)
                x = x + sigma * z
            if project is not None:
                x = project(x, self.network_time(torch.tensor(k_next)).to(noise))
            states.append(x)
        if not return_trajectory:
            return x
        times = self.network_time(torch.cat([ks, ks.new_zeros(1)])).to(noise)
        return x, torch.stack(states), times


@hookimpl
def tsfm_register_objectives() -> list[type]:
    return [DiffusionGenerator]
