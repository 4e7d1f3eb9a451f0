"""The WSGI middleware in front of the Flask app: it logs every API call and applies the fault
injector's decision (see :mod:`~.faults` for the faults and their order).

Admin paths (``/_emulator/``) pass straight through: never logged, never faulted. An injected
error is an application error ``{"message", "errorCode", "correlationId"}`` with ``Cache-Control: private, no-store``
(and ``Retry-After`` on 503/504 when set); a dropped connection shuts the socket without a
status line; a truncated body announces the full ``Content-Length``, sends half, then closes.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tpnb.emulator.api.faults import ADMIN_PREFIX, FaultInjector
from tpnb.emulator.api.responses import PRIVATE_CACHE_CONTROL, error_body

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
_REASONS[504] = "Gateway Timeout"


def _shutdown(environ: dict[str, Any]) -> None:
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class FaultMiddleware:
    """WSGI middleware applying :class:`FaultInjector` decisions around the wrapped app."""

    def __init__(
        self,
        app: Any,
        injector: FaultInjector,
        on_request: Callable[[str, str], None] | None = None,
    ) -> None:
        self.app = app
        self.injector = injector
        self.on_request = on_request

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(ADMIN_PREFIX):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        if self.on_request is not None:
            self.on_request(environ.get("REQUEST_METHOD", "GET"), path)
        decision = self.injector.decide(path)
        if decision.delay:
            time.sleep(decision.delay)
        if decision.drop:
            _shutdown(environ)
            raise ConnectionAbortedError("emulated fault: dropped connection")
        if decision.status is not None:
            return self._error(decision.status, start_response)
        if decision.truncate:
            return self._truncated(environ, start_response)
        return self.app(environ, start_response)  # type: ignore[no-any-return]

    def _error(self, status: int, start_response: Any) -> list[bytes]:
        body = json.dumps(error_body(status, f"{_REASONS[status]} (emulated fault)")).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", PRIVATE_CACHE_CONTROL),
        ]
        retry_after = self.injector.config.retry_after
        if retry_after is not None and status in (503, 504):
            headers.append(("Retry-After", str(retry_after)))
        start_response(f"{status} {_REASONS[status]}", headers)
        return [body]

    def _truncated(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        inner = self.app(environ, capture)
        try:
            body = b"".join(inner)
        finally:
            close = getattr(inner, "close", None)
            if close is not None:
                close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return self._half_then_close(body, environ)

    @staticmethod
    def _half_then_close(body: bytes, environ: dict[str, Any]) -> Iterator[bytes]:
        yield body[: len(body) // 2]
        _shutdown(environ)
        raise ConnectionAbortedError("emulated fault: truncated body")
