"""Run the emulator: a threaded werkzeug server in a background thread (or the foreground).

::

    with tpnb.emulator.serve(scale=0.05) as server:     # 127.0.0.1, a free port
        # the same: serve(options=EmulatorOptions(scale=0.05))
        requests.get(server.api_url + "/business-units/find",
                     params={"name": "northwind-outdoor.example"},
                     headers={"apikey": server.credentials["api_key"]})

``server.url`` is ``http://127.0.0.1:PORT``; ``api_url`` (``url + "/v1"``) stands for
``https://api.trustpilot.com/v1``; ``invitations_url`` for ``https://invitations-api.trustpilot
.com/v1``; ``authorize_url`` for ``https://authenticate.trustpilot.com``. ``stop()`` and
``restart()`` (same port, same state) allow "server went away" tests. The werkzeug access log is
off (it would print ``apikey`` query parameters); ``log_requests=True`` prints a redacted one.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tpnb.emulator.api.admin import Admin
from tpnb.emulator.api.app import create_app
from tpnb.emulator.api.context import STATE_KEY, EmulatorState
from tpnb.emulator.data.accounts import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from tpnb.emulator.data.dataset import Dataset, build_dataset
from tpnb.emulator.options import EmulatorOptions

_SECRET_PARAMS = re.compile(
    r"((?:apikey|code|token|refresh_token|access_token|password)=)[^&\s]+", re.I
)


class _QuietHandler(WSGIRequestHandler):
    """No access log by default; a redacted one when the server asks for it."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if getattr(self.server, "tpnb_log_requests", False):
            line = _SECRET_PARAMS.sub(r"\1REDACTED", self.requestline)
            sys.stderr.write(f"{self.address_string()} {line} {code}\n")

    def log_error(self, format: str, *args: Any) -> None:
        pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


class EmulatorServer:
    """A running (or stopped) emulator: URLs, demo credentials, data set and admin API."""

    def __init__(
        self,
        dataset: Dataset | None = None,
        options: EmulatorOptions | None = None,
        **settings: Any,
    ) -> None:
        """Build the app (not started; see :meth:`start`).

        Args:
            dataset: The data set to serve (default: built from the options' ``seed``,
                ``scale`` and ``now``).
            options: The settings (default: :class:`EmulatorOptions`'s defaults).
            **settings: Settings changed from ``options``, by the names of
                :class:`EmulatorOptions` fields (``rate_limits=...``, ``record_cap=...``).

        Raises:
            TypeError: for a setting name that :class:`EmulatorOptions` does not have.
            ValueError: for a bad setting, or ``seed``/``scale``/``now`` given with ``dataset``.
        """
        if dataset is not None and {"seed", "scale", "now"} & set(settings):
            raise ValueError("give either dataset or seed/scale/now (they build the data set)")
        options = (options or EmulatorOptions()).replace(**settings)
        if dataset is None:
            dataset = build_dataset(options.seed, now=options.now, scale=options.scale)
        self.options = options
        self.dataset = dataset
        self.host = options.host
        self.port = options.port
        self.log_requests = options.log_requests
        self.app = create_app(dataset, options)
        self.state: EmulatorState = self.app.extensions[STATE_KEY]
        self.admin = Admin(self.state)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # --------------------------------------------------------------- addresses
    @property
    def url(self) -> str:
        """``http://HOST:PORT`` (the host as clients should use it)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        """Base of the Public and Customer APIs (stands for https://api.trustpilot.com/v1)."""
        return self.url + "/v1"

    @property
    def invitations_url(self) -> str:
        """Base of the Invitation API (stands for https://invitations-api.trustpilot.com/v1)."""
        return self.url + "/invitations-api/v1"

    @property
    def authorize_url(self) -> str:
        """The authorization-code login page (stands for https://authenticate.trustpilot.com)."""
        return self.url + "/authenticate"

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint."""
        return self.api_url + "/oauth/oauth-business-users-for-applications/accesstoken"

    @property
    def credentials(self) -> dict[str, str]:
        """The demo ``api_key``, ``api_secret``, ``username`` and ``password``."""
        return {
            "api_key": DEMO_API_KEY,
            "api_secret": DEMO_API_SECRET,
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
        }

    @property
    def client_settings(self) -> dict[str, str]:
        """What points a client here: the demo credentials and the three base URLs, under the
        keyword names of ``tpnb.connect()`` (``api_key`` ... ``base_url``, ``invitations_url``,
        ``authorize_url``)."""
        return {
            **self.credentials,
            "base_url": self.api_url,
            "invitations_url": self.invitations_url,
            "authorize_url": self.authorize_url,
        }

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    # -------------------------------------------------------------- lifecycle
    def start(self) -> EmulatorServer:
        """Bind and serve in a daemon thread (idempotent); returns ``self``."""
        if self.running:
            return self
        server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler
        )
        server.tpnb_log_requests = self.log_requests  # type: ignore[attr-defined]
        self.port = server.server_port
        self.state.api_base = self.api_url
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"tpnb-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port (the state is kept for :meth:`restart`)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def restart(self, *, downtime: float = 0.0) -> None:
        """Stop, wait ``downtime`` seconds, and serve again on the same port with the same state."""
        self.stop()
        if downtime:
            time.sleep(downtime)
        self.start()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the ``tpnb emulator`` command)."""
        self.start()
        try:
            while self.running:
                time.sleep(0.2)
        finally:
            self.stop()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        status = "running" if self.running else "stopped"
        return f"<EmulatorServer {self.url} {status} seed={self.dataset.seed}>"


def serve(
    options: EmulatorOptions | None = None,
    *,
    dataset: Dataset | None = None,
    start: bool = True,
    **settings: Any,
) -> EmulatorServer:
    """Build the data set and start an emulator in a background thread.

    Usable as a context manager (``with serve() as server:``) or directly (``server =
    serve(); ...; server.stop()``).

    Args:
        options: The settings (default: :class:`EmulatorOptions`'s defaults: seed
            ``DEFAULT_SEED``, scale 1.0, 127.0.0.1 on a free port, 100 h tokens, 833 calls per
            5 min and 10,000 per hour, the 100,000-record cap...).
        dataset: An existing data set to serve instead of building one.
        start: Start serving right away.
        **settings: Settings changed from ``options``, by the names of
            :class:`EmulatorOptions` fields: ``serve(scale=0.05, record_cap=500)``.

    Returns:
        The :class:`EmulatorServer`.

    Raises:
        TypeError: for a setting name that :class:`EmulatorOptions` does not have.
        ValueError: for a bad setting.
    """
    server = EmulatorServer(dataset, options, **settings)
    return server.start() if start else server
