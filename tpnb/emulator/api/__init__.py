"""The emulator's HTTP face: Flask routes that serve :mod:`tpnb.emulator.data` as Trustpilot
does (auth, errors, paging, caching), one route module per resource, and the admin API.

May import Flask/werkzeug, the standard library, :mod:`tpnb.emulator.data` and
:mod:`tpnb.emulator.options`. :mod:`~.app` builds the application (its docstring gives the order
of operations); routes reach the shared state through :mod:`~.context`, never through the app.
"""
