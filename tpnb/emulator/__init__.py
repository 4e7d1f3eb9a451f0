"""tpnb.emulator: a local stand-in for the Trustpilot API, served over loopback, with a seeded
synthetic data set. May import Flask/werkzeug, numpy and the standard library, nothing else of tpnb.

::

    import tpnb.emulator
    with tpnb.emulator.serve(scale=0.05) as server:   # or serve(options=EmulatorOptions(...))
        print(server.api_url, server.credentials)

Layers (imports point down; a shared misreading of the API by client and emulator cannot hide):

* :mod:`~tpnb.emulator.server`: runs the app in a thread (:class:`EmulatorServer`, :func:`serve`);
* :mod:`~tpnb.emulator.api`: Flask only, one route module per resource, the gateway and the
  admin/control API (:class:`Admin`);
* :mod:`~tpnb.emulator.data`: the seeded data set and the run-time state, no Flask;
* :mod:`~tpnb.emulator.options`: :class:`EmulatorOptions` and the ``DEFAULT_*`` settings.
"""

from __future__ import annotations

from tpnb.emulator.api.admin import Admin
from tpnb.emulator.api.app import create_app
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
