"""The emulator's WSGI application, assembled by :func:`create_app`.

Order of operations for every request (the gateway, then the backend):

1. :class:`~.middleware.FaultMiddleware` logs ``(method, path)`` and may inject a fault;
2. werkzeug's ``ProxyFix`` takes the scheme, host and port from ``X-Forwarded-Proto``,
   ``X-Forwarded-Host`` and ``X-Forwarded-Port`` (one proxy trusted), so the absolute links the
   emulator writes (``next-page``, ``self``, review links) point at the URL the client used:
   a client behind a TLS-terminating proxy gets followable ``https://`` links ([I]; the real API
   is reached at one public host, so its links are always the public ones);
3. the gateway (:mod:`~.gateway`) checks the apikey or bearer token and counts the call against
   the key's rate limit (401, 403, 429);
4. the route (one module per resource) validates parameters (400, :mod:`~.params`), asks the
   data set (an unknown id raises there and the gateway's handler answers 404; a unit the token
   may not manage is 403) and renders with :func:`~.responses.json_response` (ETag,
   Cache-Control, JSONP).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from tpnb.emulator.api import (
    admin,
    business_units,
    categories,
    consumers,
    conversations,
    deletions,
    gateway,
    invitations,
    oauth,
    private,
    products,
    resources,
    reviews,
)
from tpnb.emulator.api.context import STATE_KEY, EmulatorState
from tpnb.emulator.api.middleware import FaultMiddleware
from tpnb.emulator.data.dataset import Dataset
from tpnb.emulator.options import EmulatorOptions

#: every route module, each with one ``blueprint``
ROUTE_MODULES = (
    oauth,
    business_units,
    deletions,  # before reviews and consumers: /reviews/deletions is no review id
    reviews,
    consumers,
    categories,
    resources,
    private,
    products,
    conversations,
    invitations,
    admin,
)


def create_app(dataset: Dataset, options: EmulatorOptions | None = None) -> Flask:
    """Build the Flask app serving ``dataset``.

    Args:
        dataset: The data set (from :func:`tpnb.emulator.data.dataset.build_dataset`).
        options: The settings (default: :class:`~tpnb.emulator.options.EmulatorOptions`'s
            defaults); its data-set settings (``seed``, ``scale``, ``now``) are not used:
            ``dataset`` is given.

    Returns:
        The app; ``app.extensions["tpnb_emulator"]`` is its
        :class:`~.context.EmulatorState` and ``app.wsgi_app`` is wrapped by the fault
        middleware.
    """
    app = Flask("tpnb.emulator")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    st = EmulatorState(dataset, options or EmulatorOptions())
    app.extensions[STATE_KEY] = st
    app.url_map.strict_slashes = False
    gateway.install(app)
    for module in ROUTE_MODULES:
        app.register_blueprint(module.blueprint)
    inner: Callable[..., Any] = ProxyFix(app.wsgi_app, x_for=0, x_proto=1, x_host=1, x_port=1)
    app.wsgi_app = FaultMiddleware(inner, st.faults, st.log_request)  # type: ignore[method-assign]
    return app
