"""tpnb.emulator: a local stand-in for the Trustpilot API, served over loopback.

::

    import tpnb.emulator
    with tpnb.emulator.serve(scale=0.05) as server:   # or serve(options=EmulatorOptions(...))
        print(server.api_url, server.credentials)

It imports nothing from the client side of tpnb (so a misreading of the API shared by the client
and the emulator cannot hide). :mod:`~tpnb.emulator.data` builds the deterministic data set;
:mod:`~tpnb.emulator.app` and the ``routes_*`` modules serve it; :mod:`~tpnb.emulator.server`
runs it with the settings of :mod:`~tpnb.emulator.options`; :mod:`~tpnb.emulator.admin` controls it
(live reviews, webhooks, faults).
"""

from __future__ import annotations

from tpnb.emulator.admin import Admin
from tpnb.emulator.app import create_app
from tpnb.emulator.data.accounts import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from tpnb.emulator.data.dataset import Dataset, build_dataset
from tpnb.emulator.options import DATASET_NOW, DEFAULT_SEED, EmulatorOptions
from tpnb.emulator.server import EmulatorServer, serve

__all__ = [
    "DATASET_NOW",
    "DEFAULT_SEED",
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "Admin",
    "Dataset",
    "EmulatorOptions",
    "EmulatorServer",
    "build_dataset",
    "create_app",
    "serve",
]
