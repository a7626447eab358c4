"""Budgets and fixed hyperparameters of a benchmark run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True)
class BenchmarkConfig:
    """Everything that fixes a benchmark run except the data and the method list.

    Parameters
    ----------
    model : {"tiny", "small", "base"}
        Size preset of every FlowFM/DiffFM encoder (and of ``scratch``).
    patch_size : int or None
        Patch size of encoder and velocity network; None keeps the preset's.
    pretrain_epochs : int
        Pretraining epochs of each FlowFM/DiffFM encoder.
    finetune_epochs : int
        Supervised epochs of ``*-finetune`` and ``scratch`` (same budget for both).
    batch_size : int
    pretrain_lr, finetune_lr : float
        AdamW learning rates (fixed a priori, never chosen on a test fold).
    n_folds : int
        Outer subject-wise ``GroupKFold`` folds.
    seeds : tuple of int
        Each seed repeats every fold (pretraining, fine-tuning, probes, baselines).
    inner_folds : int
        ``GroupKFold`` folds of the nested ``GridSearchCV`` over training subjects.
    probe_C : tuple of float
        Grid of the logistic-regression probes' inverse regularisation.
    device : str
    quick : bool
        Whether this is the ``--quick`` budget (reported in the summary).
    pretrained : str or None
        A model name or directory (``--pretrained``). ``flowfm-probe`` and
        ``flowfm-finetune`` then start from it instead of pretraining per fold,
        ``random-probe`` and ``scratch`` take its architecture, and every method sees the
        windows resampled to its rate (see :mod:`tsfm.benchmarking.pretrained`).
    model_rate : float
        The pretrained model's rate in Hz where its ``config.json`` states none
        (``--model-rate``; 30 Hz, the rate of the wrist corpus).
    """

    model: str = "small"
    patch_size: int | None = None
    pretrain_epochs: int = 100
    finetune_epochs: int = 30
    batch_size: int = 64
    pretrain_lr: float = 1e-3
    finetune_lr: float = 1e-3
    n_folds: int = 5
    seeds: tuple[int, ...] = (0, 1, 2)
    inner_folds: int = 3
    probe_C: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0)
    device: str = "cpu"
    quick: bool = False
    pretrained: str | None = None
    model_rate: float = 30.0

    @classmethod
    def quick_budget(cls, **overrides: Any) -> BenchmarkConfig:
        """The ``--quick`` budget: tiny preset, few epochs, 3 folds, 1 seed.

        Sized so that one dataset of about 1,000 windows and all methods finish in about
        15 minutes on 2 CPU cores with one torch thread (15 encoders of 60 epochs
        at ~0.7 s per epoch for ~760 windows, plus ~1 minute of fitting per fold).
        """
        base = cls(model="tiny", pretrain_epochs=60, finetune_epochs=15, n_folds=3,
                   seeds=(0,), quick=True)
        return replace(base, **overrides)

    def adapted_to(self, n_outer_folds: int) -> BenchmarkConfig:
        """The quick budget with 3 seeds where there is a single outer fold (archive split).

        One fold of a small archive problem costs seconds, so the budget allows the
        protocol's 3 seeds, and an SD over one run would be meaningless.
        """
        if self.quick and n_outer_folds == 1 and len(self.seeds) == 1:
            return replace(self, seeds=(0, 1, 2))
        return self

    def architecture(self) -> dict[str, int] | None:
        """Encoder/velocity overrides (``{"patch_size": p}``) or None."""
        return None if self.patch_size is None else {"patch_size": int(self.patch_size)}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
