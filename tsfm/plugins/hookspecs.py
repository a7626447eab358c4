"""Hook specifications of tsfm's plugin system.

A plugin is any importable object (usually a module) that implements one or more of
the hooks below with :data:`tsfm.hookimpl`, and is announced in the ``tsfm``
entry-point group of its distribution::

    [project.entry-points.tsfm]
    my_objective = "my_package.my_module"

Every hook is called with keyword arguments only, so a specification can gain
arguments later without breaking existing plugins. Each hook returns a list of
classes; each class carries its registry name in a ``name`` class attribute.
"""

from __future__ import annotations

import pluggy

PROJECT_NAME = "tsfm"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def tsfm_register_objectives() -> list[type]:
    """Return objective classes (subclasses of :class:`tsfm.generative.objective.Objective`).

    An objective owns a probability path or noise schedule, its time convention,
    its training target, its loss and its sampler. The estimators take it by its ``name``,
    e.g. ``FlowFMPretrainer(objective="flow_matching")``.
    """


@hookspec(warn_on_impl=FutureWarning(
    "the tsfm hook tsfm_register_generators was renamed tsfm_register_objectives; "
    "rename the function in your plugin (the old name will stop working in tsfm 0.3)"))
def tsfm_register_generators() -> list[type]:
    """Deprecated name of :func:`tsfm_register_objectives`; still collected, with a warning."""


@hookspec
def tsfm_register_conditioners() -> list[type]:
    """Return conditioner classes (subclasses of :class:`tsfm.generative.conditioner.Conditioner`).

    A conditioner turns one input (the encoder's representation, a text embedding…)
    into a vector of the velocity network's width. Condition vectors are added
    element-wise to the time embedding.
    """


@hookspec
def tsfm_register_conditional_samplers() -> list[type]:
    """Return conditional samplers (subclasses of
    :class:`tsfm.generative.conditional.ConditionalSampler`).

    A conditional sampler draws the unknown points of a window given its observed
    points (forecasting, gap imputation, anomaly scores), with any objective that
    implements :meth:`tsfm.generative.objective.Objective.observed_state`.
    """


@hookspec
def tsfm_register_dataset_adapters() -> list[type]:
    """Return dataset adapter classes (subclasses of ``tsfm.datasets.DatasetAdapter``).

    An adapter reads one published dataset in its original format and turns it into
    windows, labels and subject groups.
    """
