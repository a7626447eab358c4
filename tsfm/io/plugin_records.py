"""The ``plugins`` section of a saved model: which distribution provided its plugins.

A model directory names its objective and conditioner plugins; the code behind a name
comes from whatever installed distribution registers it. Saving records that
distribution and its version, and loading warns when this installation provides a
plugin of the same name from another distribution (or another version), so that a
model never silently runs with different code than it was trained with.
"""

from __future__ import annotations

import warnings

from tsfm.config.model_config import ModelConfig
from tsfm.io.flowfm_config import PluginRecord
from tsfm.plugins import plugin_provenance


class PluginProvenanceWarning(UserWarning):
    """A loaded model's plugin now comes from another distribution or version."""


def plugin_records(config: ModelConfig) -> list[PluginRecord]:
    """Records of the objective and conditioner plugins ``config`` names.

    Parameters
    ----------
    config : ModelConfig

    Returns
    -------
    list of PluginRecord
        One per plugin, with the distribution and version that provide it here.
    """
    records = []
    for kind, name in (("objective", config.objective), ("conditioner", config.conditioner)):
        distribution, version = plugin_provenance(kind, name)
        records.append(PluginRecord(kind=kind, name=name, distribution=distribution,
                                    version=version))
    return records


def check_plugin_records(records: list[PluginRecord] | None, *, source: str) -> None:
    """Warn for each recorded plugin that this installation provides differently.

    Parameters
    ----------
    records : list of PluginRecord or None
        The ``plugins`` section of a loaded ``config.json`` (None for files written
        before it existed, which are not checked).
    source : str
        The model directory, for the message.

    Warns
    -----
    PluginProvenanceWarning
        Naming the plugin, the recorded distribution and version, and the current ones.
    """
    for record in records or []:
        distribution, version = plugin_provenance(record.kind, record.name)
        if (distribution, version) != (record.distribution, record.version):
            warnings.warn(
                f"the model in {source!r} was saved with {record.kind} {record.name!r} from "
                f"distribution {record.distribution!r} {record.version}, but this "
                f"installation provides it from {distribution!r} {version}; its outputs may "
                "differ from the ones it was validated with. Install that version, or "
                "re-save the model to record the current one",
                PluginProvenanceWarning, stacklevel=3)
