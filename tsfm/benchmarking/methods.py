"""The benchmark's methods, each an ordinary scikit-learn estimator or pipeline.

Probes and baselines with hyperparameters are wrapped in ``GridSearchCV`` whose
splitter is built over the training subjects of the outer fold only; the deep
classifiers (``*-finetune``, ``scratch``) use fixed budgets from
:class:`~tsfm.benchmarking.config.BenchmarkConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from tsfm.benchmarking.baselines import SktimeAdapter, StatisticalFeatures
from tsfm.benchmarking.config import BenchmarkConfig


@dataclass(frozen=True)
class EncoderSpec:
    """Which pretrained encoder a method needs.

    Attributes
    ----------
    objective : {"flow_matching", "diffusion"}
    mask_prob : float
        DGS masking probability of pretraining.
    trained : bool
        False for the untrained (randomly initialised) encoder of ``random-probe``.
    """

    objective: str
    mask_prob: float
    trained: bool = True

    @property
    def key(self) -> str:
        """A short name, also the encoder's directory name (``flowfm-mask0.5``)."""
        if not self.trained:
            return "random"
        family = "flowfm" if self.objective == "flow_matching" else "difffm"
        return f"{family}-mask{self.mask_prob:g}"


@dataclass(frozen=True)
class Method:
    """One row of the results table.

    Attributes
    ----------
    name : str
    kind : {"probe", "finetune", "scratch", "minirocket", "features-rf"}
    encoder : EncoderSpec or None
        The pretrained encoder it starts from, if any.
    group : str
        Section of the summary table ("transfer", "fine-tuning", "baseline", "dgs").
    description : str
    features : {"representation", "layers"}
        What a probe reads from the encoder (``FlowFMTransformer(features=...)``).
    """

    name: str
    kind: str
    encoder: EncoderSpec | None
    group: str
    description: str
    features: str = "representation"


def _flow(mask_prob: float) -> EncoderSpec:
    return EncoderSpec("flow_matching", mask_prob)


#: the FlowFM encoder of ``flowfm-probe`` and ``flowfm-finetune`` (DGS 0.5)
FLOWFM = _flow(0.5)
DIFFUSION = EncoderSpec("diffusion", 0.5)
RANDOM = EncoderSpec("flow_matching", 0.5, trained=False)

_CORE = [
    Method("flowfm-probe", "probe", FLOWFM, "transfer",
           "frozen FlowFM encoder (DGS 0.5) + StandardScaler + LogisticRegression"),
    Method("difffm-probe", "probe", DIFFUSION, "transfer",
           "frozen DiffFM encoder (DGS 0.5) + StandardScaler + LogisticRegression"),
    Method("random-probe", "probe", RANDOM, "transfer",
           "untrained encoder of the same architecture + the same probe (sanity floor)"),
    Method("flowfm-finetune", "finetune", FLOWFM, "fine-tuning",
           "FlowFMClassifier from the FlowFM encoder, all weights trained"),
    Method("difffm-finetune", "finetune", DIFFUSION, "fine-tuning",
           "FlowFMClassifier from the DiffFM encoder, all weights trained"),
    Method("scratch", "scratch", None, "fine-tuning",
           "same encoder + linear head, randomly initialised, trained supervised"),
    Method("minirocket", "minirocket", None, "baseline",
           "sktime MiniRocketMultivariate + StandardScaler + RidgeClassifier"),
    Method("features-rf", "features-rf", None, "baseline",
           "hand-crafted statistical features + RandomForestClassifier"),
]
_DGS = [
    Method(f"flowfm-{kind}-mask{p:g}", kind, _flow(p), "dgs",
           f"flowfm-{kind} with DGS mask_prob={p:g} in pretraining")
    for kind in ("probe", "finetune") for p in (0.0, 0.25, 0.75)
]

#: every method by name, in table order
METHODS: dict[str, Method] = {m.name: m for m in [*_CORE, *_DGS]}

#: the methods that can start from a ``--pretrained`` model (the others pretrain their
#: own encoder variant per fold)
PRETRAINED_METHODS = [m.name for m in _CORE if m.encoder in (None, FLOWFM, RANDOM)]

#: names accepted by ``--methods`` besides method names
ALIASES: dict[str, list[str]] = {
    "all": list(METHODS),
    "core": [m.name for m in _CORE],
    "dgs": ["flowfm-probe", "flowfm-finetune", *[m.name for m in _DGS]],
    "pretrained": PRETRAINED_METHODS,
}


def resolve_methods(names: str | list[str] | None, *, pretrained: bool = False) -> list[Method]:
    """Methods from a comma-separated list or list of names and aliases.

    Parameters
    ----------
    names : str, list of str or None
        Method names or aliases (``all``, ``core``, ``dgs``, ``pretrained``); None means
        ``all``.
    pretrained : bool, default=False
        Whether the run starts from a pretrained model (``--pretrained``). The aliases
        then name only the methods that can (:data:`PRETRAINED_METHODS`), and naming
        another method is an error.

    Returns
    -------
    list of Method
        Without duplicates, in table order.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid names and aliases), or, with
        ``pretrained``, a method that pretrains its own encoder.
    """
    if names is None:
        names = ["all"]
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    if not names:
        raise ValueError("no method given; valid methods: " + ", ".join(METHODS))
    chosen: set[str] = set()
    for name in names:
        if name in ALIASES:
            chosen.update(n for n in ALIASES[name] if not pretrained or n in PRETRAINED_METHODS)
        elif name in METHODS:
            chosen.add(name)
        else:
            raise ValueError(f"unknown method {name!r}; valid methods: {', '.join(METHODS)}; "
                             f"aliases: {', '.join(ALIASES)}")
    methods = [m for name, m in METHODS.items() if name in chosen]
    if pretrained:
        check_pretrained(methods)
    return methods


def check_pretrained(methods: list[Method]) -> None:
    """Refuse methods whose encoder a pretrained model cannot replace.

    Raises
    ------
    ValueError
        Naming the methods that pretrain their own encoder variant (DiffFM, other DGS
        masks) and the ones that can start from ``--pretrained``.
    """
    own = [m.name for m in methods if m.encoder not in (None, FLOWFM, RANDOM)]
    if own:
        raise ValueError(
            f"methods {own} pretrain their own encoder per fold and cannot start from "
            f"--pretrained; with --pretrained choose from {', '.join(PRETRAINED_METHODS)} "
            "(the alias 'pretrained' names them all)")


def _search(pipeline: Pipeline, grid: dict, cv) -> GridSearchCV:
    return GridSearchCV(pipeline, grid, cv=cv, scoring="f1_macro", n_jobs=1, refit=True)


def _minirocket(seed: int):
    try:
        from sktime.transformations.panel.rocket import MiniRocketMultivariate

        return MiniRocketMultivariate(random_state=seed)
    except ModuleNotFoundError as exc:  # numba is a soft dependency of sktime
        raise ModuleNotFoundError(
            f"the minirocket method needs sktime's MiniRocketMultivariate, which failed to "
            f"import: {exc}. Install numba (`pip install numba`) or leave minirocket out "
            "of --methods"
        ) from None


def build_estimator(method: Method, config: BenchmarkConfig, *, seed: int,
                    encoder_dir: str | Path | None, cv, memory=None,
                    architecture: dict | None = None):
    """A fresh, unfitted estimator for ``method``.

    Parameters
    ----------
    method : Method
    config : BenchmarkConfig
    seed : int
        ``random_state`` of every random part.
    encoder_dir : str, Path or None
        Directory of the pretrained encoder (``save_pretrained``), for methods that need one.
    cv : splitter
        Inner splitter of the nested ``GridSearchCV`` (built over training subjects).
    memory : joblib.Memory or str, optional
        Cache of fitted pipeline transformers during the search.
    architecture : dict, optional
        ``{"model": preset, "encoder": {...}}`` of ``scratch`` (a pretrained model's,
        see :meth:`~tsfm.benchmarking.pretrained.ModelSpec.architecture`); default
        ``config.model`` and ``config.architecture()``.

    Returns
    -------
    estimator
        ``GridSearchCV`` for probes and the non-deep baselines, ``FlowFMClassifier`` for
        fine-tuning and ``scratch``. Fit it with ``fit(X, y)`` (plus ``groups=`` for a search).
    """
    from tsfm import FlowFMClassifier, FlowFMTransformer

    if method.encoder is not None and encoder_dir is None:
        raise ValueError(f"method {method.name!r} needs a pretrained encoder directory")
    if method.kind == "probe":
        pipeline = Pipeline([
            ("embed", FlowFMTransformer(pretrained=str(encoder_dir), device=config.device,
                                        features=method.features)),
            ("scale", StandardScaler()),
            ("clf", LogisticRegression(max_iter=2000)),
        ], memory=memory)
        return _search(pipeline, {"clf__C": list(config.probe_C)}, cv)
    deep = {"max_epochs": config.finetune_epochs, "batch_size": config.batch_size,
            "lr": config.finetune_lr, "device": config.device, "random_state": seed}
    if method.kind == "finetune":
        return FlowFMClassifier(pretrained=str(encoder_dir), **deep)
    if method.kind == "scratch":
        if architecture is not None:
            return FlowFMClassifier(pretrained=None, model=architecture["model"],
                                    encoder=dict(architecture["encoder"]), **deep)
        return FlowFMClassifier(pretrained=None, model=config.model,
                                encoder=config.architecture(), **deep)
    if method.kind == "minirocket":
        pipeline = Pipeline([
            ("minirocket", SktimeAdapter(_minirocket(seed))),
            ("scale", StandardScaler()),
            ("clf", RidgeClassifier()),
        ], memory=memory)
        return _search(pipeline, {"clf__alpha": list(np.logspace(-1, 5, 7))}, cv)
    if method.kind == "features-rf":
        pipeline = Pipeline([
            ("features", StatisticalFeatures()),
            ("rf", RandomForestClassifier(n_estimators=200, random_state=seed, n_jobs=1)),
        ], memory=memory)
        return _search(pipeline, {"rf__min_samples_leaf": [1, 5]}, cv)
    raise ValueError(f"unknown method kind {method.kind!r}")
