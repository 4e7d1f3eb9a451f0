"""Fault injection: the faults in force and the seeded decision for each request (off by default).

:class:`FaultInjector` decides; :class:`~.middleware.FaultMiddleware` applies the decision in
front of the Flask app. Faults apply to API paths only (never to ``/_emulator/``). For every
request, in this order:

1. ``latency`` seconds of sleep (plus up to ``latency_jitter`` more, seeded);
2. a dropped connection (the socket is shut down, no status line is sent) with ``drop_rate``
   or while ``drop_next`` > 0;
3. an error status from ``error_rates`` (``{500: 0.1, 503: 0.05}``) or ``fail_next``; the body is
   an application error ``{"message", "errorCode", "correlationId"}`` and 503s carry ``Retry-After`` when
   ``retry_after`` is set;
4. a truncated body (the full ``Content-Length`` is announced, half the bytes are sent, then the
   connection is closed) with ``truncate_rate`` or while ``truncate_next`` > 0.

Random draws use one ``random.Random(seed)``, so a run with the same requests in the same order
makes the same decisions. :meth:`FaultInjector.reset` turns every fault off.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

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
