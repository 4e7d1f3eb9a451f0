"""Fault injection: a WSGI middleware in front of the Flask app (off by default).

Faults apply to API paths only (never to ``/_emulator/``). For every request, in this order:

1. ``latency`` seconds of sleep (plus up to ``latency_jitter`` more, seeded);
2. a dropped connection (the socket is shut down, no status line is sent) with ``drop_rate``
   or while ``drop_next`` > 0;
3. an error status from ``error_rates`` (``{500: 0.1, 503: 0.05}``) or ``fail_next``; the body is
   JSON ``{"message", "errorCode", "details": null}`` and 503s carry ``Retry-After`` when
   ``retry_after`` is set;
4. a truncated body (the full ``Content-Length`` is announced, half the bytes are sent, then the
   connection is closed) with ``truncate_rate`` or while ``truncate_next`` > 0.

Random draws use one ``random.Random(seed)``, so a run with the same requests in the same order
makes the same decisions. :meth:`FaultInjector.reset` turns every fault off.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tpnb.emulator.httputil import PRIVATE_CACHE_CONTROL

ADMIN_PREFIX = "/_emulator"
ALLOWED_ERROR_STATUSES = (500, 502, 503, 504)


@dataclass
class FaultConfig:
    """The faults in force (all off by default)."""

    error_rates: dict[int, float] = field(default_factory=dict)
    latency: float = 0.0
    latency_jitter: float = 0.0
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    fail_next: list[int] = field(default_factory=list)  # statuses for the next calls
    drop_next: int = 0
    truncate_next: int = 0
    retry_after: int | None = None
    path_prefix: str = ""  # only paths starting with this ("" = every API path)

    def validate(self) -> None:
        """Raise ``ValueError`` naming the bad setting."""
        for status, rate in self.error_rates.items():
            if status not in ALLOWED_ERROR_STATUSES:
                raise ValueError(
                    f"error status {status!r} not allowed; use one of {ALLOWED_ERROR_STATUSES}"
                )
            _check_rate(f"error_rates[{status}]", rate)
        if sum(self.error_rates.values()) > 1:
            raise ValueError("error_rates must add up to at most 1")
        for status in self.fail_next:
            if status not in ALLOWED_ERROR_STATUSES:
                raise ValueError(
                    f"fail_next status {status!r} not allowed; use {ALLOWED_ERROR_STATUSES}"
                )
        _check_rate("drop_rate", self.drop_rate)
        _check_rate("truncate_rate", self.truncate_rate)
        for name in ("latency", "latency_jitter", "drop_next", "truncate_next"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")


def _check_rate(name: str, rate: float) -> None:
    if not 0 <= rate <= 1:
        raise ValueError(f"{name} must be a probability in [0, 1], got {rate!r}")


@dataclass(frozen=True)
class Decision:
    """What to do with one request."""

    delay: float = 0.0
    drop: bool = False
    status: int | None = None
    truncate: bool = False


class FaultInjector:
    """Holds the fault settings and decides, per request, which fault (if any) to inject."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._rng = random.Random(seed)
        self.config = FaultConfig()

    def configure(self, seed: int | None = None, **settings: Any) -> None:
        """Change fault settings (keyword names of :class:`FaultConfig`); others keep values.

        Raises:
            ValueError: For an unknown setting name or an invalid value.
        """
        with self._lock:
            current = {k: getattr(self.config, k) for k in FaultConfig.__dataclass_fields__}
            unknown = set(settings) - set(current)
            if unknown:
                raise ValueError(
                    f"unknown fault setting(s) {sorted(unknown)}; allowed: {sorted(current)}"
                )
            current.update(settings)
            current["error_rates"] = {int(k): float(v) for k, v in current["error_rates"].items()}
            current["fail_next"] = [int(s) for s in current["fail_next"]]
            config = FaultConfig(**current)
            config.validate()
            self.config = config
            if seed is not None:
                self._seed = seed
                self._rng = random.Random(seed)

    def reset(self) -> None:
        """Turn every fault off and re-seed the random generator."""
        with self._lock:
            self.config = FaultConfig()
            self._rng = random.Random(self._seed)

    @property
    def active(self) -> bool:
        """Whether any fault is configured."""
        return self.config != FaultConfig()

    def decide(self, path: str) -> Decision:
        """Draw the fault decision for one request on ``path``."""
        with self._lock:
            cfg = self.config
            if not path.startswith(cfg.path_prefix):
                return Decision()
            delay = cfg.latency
            if cfg.latency_jitter:
                delay += self._rng.random() * cfg.latency_jitter
            if cfg.drop_next > 0:
                cfg.drop_next -= 1
                return Decision(delay=delay, drop=True)
            if cfg.drop_rate and self._rng.random() < cfg.drop_rate:
                return Decision(delay=delay, drop=True)
            if cfg.fail_next:
                return Decision(delay=delay, status=cfg.fail_next.pop(0))
            if cfg.error_rates:
                draw, acc = self._rng.random(), 0.0
                for status, rate in sorted(cfg.error_rates.items()):
                    acc += rate
                    if draw < acc:
                        return Decision(delay=delay, status=status)
            if cfg.truncate_next > 0:
                cfg.truncate_next -= 1
                return Decision(delay=delay, truncate=True)
            if cfg.truncate_rate and self._rng.random() < cfg.truncate_rate:
                return Decision(delay=delay, truncate=True)
            return Decision(delay=delay)


_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
_REASONS[504] = "Gateway Timeout"


def _shutdown(environ: dict[str, Any]) -> None:
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class FaultMiddleware:
    """WSGI middleware applying :class:`FaultInjector` decisions around the wrapped app."""

    def __init__(self, app: Any, injector: FaultInjector, on_request: Any = None) -> None:
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
        body = json.dumps(
            {
                "message": f"{_REASONS[status]} (emulated fault)",
                "errorCode": status,
                "details": None,
            }
        ).encode()
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
