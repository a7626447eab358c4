"""Built-in dataset adapters, registered through the ``tsfm`` entry-point group.

One module per published dataset; each only parses files into
:class:`tsfm.datasets.Recording` objects, and :mod:`tsfm.datasets.windowing` does the rest.
"""

from __future__ import annotations

from tsfm.plugins.hookspecs import hookimpl
from tsfm_builtins.datasets.adl import ADLAdapter
from tsfm_builtins.datasets.basic_motions import BasicMotionsAdapter
from tsfm_builtins.datasets.capture24 import Capture24Adapter
from tsfm_builtins.datasets.geotec import GeoTecAdapter
from tsfm_builtins.datasets.hapt import HAPTAdapter
from tsfm_builtins.datasets.opportunity import OpportunityAdapter
from tsfm_builtins.datasets.pamap2 import PAMAP2Adapter
from tsfm_builtins.datasets.realworld import RealWorldAdapter
from tsfm_builtins.datasets.smartfallmm import SmartFallMMAdapter
from tsfm_builtins.datasets.uci_har import UCIHARAdapter
from tsfm_builtins.datasets.uea import UEAAdapter
from tsfm_builtins.datasets.wisdm import WISDMAdapter
from tsfm_builtins.datasets.wisdm_v1 import WISDMv1Adapter

ADAPTERS = [
    ADLAdapter,
    BasicMotionsAdapter,
    Capture24Adapter,
    GeoTecAdapter,
    HAPTAdapter,
    OpportunityAdapter,
    PAMAP2Adapter,
    RealWorldAdapter,
    SmartFallMMAdapter,
    UCIHARAdapter,
    UEAAdapter,
    WISDMAdapter,
    WISDMv1Adapter,
]


@hookimpl
def tsfm_register_dataset_adapters() -> list[type]:
    return list(ADAPTERS)
