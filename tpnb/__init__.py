"""tpnb: the Trustpilot Public and Customer APIs as typed pandas DataFrames, charts and widgets.

Start with :func:`tpnb.connect`::

    import tpnb
    tp = tpnb.connect()                       # demo mode: the embedded emulator, no account needed
    reviews = tp.reviews("northwind-outdoor.example")

``import tpnb`` stays light: the public names below are loaded on first use (PEP 562), so
neither matplotlib nor ipywidgets (nor the emulator's Flask app) is imported until needed.
The user-facing subpackages are reachable the same way, as in scipy and pandas::

    import tpnb
    tpnb.analysis.trustscore(reviews)     # imports tpnb.analysis on first use
    tpnb.charts.plot_ratings_over_time(reviews)
    tpnb.widgets.app(tp)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "APIError": "tpnb.errors",
    "AuthError": "tpnb.errors",
    "BadRequestError": "tpnb.errors",
    "CapExceededError": "tpnb.errors",
    "Client": "tpnb.client",
    "ConfigError": "tpnb.errors",
    "ConsistencyError": "tpnb.errors",
    "ForbiddenError": "tpnb.errors",
    "NotFoundError": "tpnb.errors",
    "RateLimitError": "tpnb.errors",
    "ResponseError": "tpnb.errors",
    "ServerError": "tpnb.errors",
    "Settings": "tpnb.config",
    "TpnbError": "tpnb.errors",
    "TransportError": "tpnb.errors",
    "UnauthorizedError": "tpnb.errors",
    "connect": "tpnb.client",
}

# subpackages reachable as attributes of ``tpnb`` (imported on first use)
_SUBMODULES: tuple[str, ...] = ("analysis", "charts", "emulator", "frames", "store", "widgets")

__all__ = [
    "APIError",
    "AuthError",
    "BadRequestError",
    "CapExceededError",
    "Client",
    "ConfigError",
    "ConsistencyError",
    "ForbiddenError",
    "NotFoundError",
    "RateLimitError",
    "ResponseError",
    "ServerError",
    "Settings",
    "TpnbError",
    "TransportError",
    "UnauthorizedError",
    "__version__",
    "connect",
]

if TYPE_CHECKING:  # pragma: no cover
    from tpnb import (  # noqa: F401  # for type checkers: the lazy subpackages
        analysis,
        charts,
        emulator,
        frames,
        store,
        widgets,
    )
    from tpnb.client import Client, connect
    from tpnb.config import Settings
    from tpnb.errors import (
        APIError,
        AuthError,
        BadRequestError,
        CapExceededError,
        ConfigError,
        ConsistencyError,
        ForbiddenError,
        NotFoundError,
        RateLimitError,
        ResponseError,
        ServerError,
        TpnbError,
        TransportError,
        UnauthorizedError,
    )


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"tpnb.{name}")  # the import binds it in this namespace
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tpnb' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))
