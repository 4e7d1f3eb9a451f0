"""Webhook subscriptions and delivery of ``service-review-*`` events.

Trustpilot configures subscriptions in its Business UI, not through the API; the emulator keeps
them in its admin surface. Each delivery is one ``POST <url>`` with ``Content-Type:
application/json`` and the documented body ``{"events": [{"eventName", "version": "1",
"eventData"}]}``; all events of one admin mutation call are batched into one POST. A
``user:password@`` part of the URL becomes a Basic ``Authorization`` header (and is removed from
the URL that is called and from every record). No signature header is sent (none is documented).

``eventData`` for ``service-review-created`` / ``-updated`` has the documented fields ``id,
language, title, text, referenceId, stars, createdAt, isVerified, locationId, link,
consumer{id, name, link}, tags``; ``service-review-deleted`` sends the same fields as they were
just before the deletion ([I]: the deleted shape is only known to include ``id``).

Deliveries run on one background thread, in order; :meth:`WebhookDispatcher.flush` waits for the
queue to drain. Failures are recorded (never retried) in :attr:`WebhookDispatcher.deliveries`.
"""

from __future__ import annotations

import base64
import json
import queue
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tpnb.emulator.options import DEFAULT_WEBHOOK_TIMEOUT

# no proxies: subscriptions are local test servers
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
EVENT_NAMES = (
    "service-review-created",
    "service-review-updated",
    "service-review-deleted",
    "product-review-created",
)


@dataclass(frozen=True)
class Delivery:
    """The record of one POST (the URL is stored without credentials)."""

    url: str
    event_names: tuple[str, ...]
    status: int | None
    error: str | None


def split_credentials(url: str) -> tuple[str, str | None]:
    """Return ``(url without user:pass, Basic header value or None)``.

    Raises:
        ValueError: When the URL is not an absolute http(s) URL.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"webhook URL must be an absolute http(s) URL, got scheme {parts.scheme!r}"
        )
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    if parts.username is None:
        return clean, None
    raw = f"{parts.username}:{parts.password or ''}".encode()
    return clean, "Basic " + base64.b64encode(raw).decode()


def event(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """One entry of the ``events`` array."""
    if name not in EVENT_NAMES:
        raise ValueError(f"unknown event {name!r}; allowed: {EVENT_NAMES}")
    return {"eventName": name, "version": "1", "eventData": data}


def product_event_data(review: dict[str, Any]) -> dict[str, Any]:
    """The ``eventData`` of ``product-review-created`` from a private product review JSON:
    ``{id, stars, content, product{...}, referenceId, consumer{id, name, email}, state,
    createdAt}``."""
    keys = ("id", "stars", "content", "product", "referenceId", "consumer", "state", "createdAt")
    return {key: review.get(key) for key in keys}


def event_data(review: dict[str, Any], api_base: str) -> dict[str, Any]:
    """Build a webhook ``eventData`` from a private review JSON."""
    consumer = review.get("consumer") or {}
    location = review.get("location") or {}
    return {
        "id": review["id"],
        "language": review.get("language"),
        "title": review.get("title"),
        "text": review.get("text"),
        "referenceId": review.get("referenceId"),
        "stars": review.get("stars"),
        "createdAt": review.get("createdAt"),
        "isVerified": review.get("isVerified"),
        "locationId": location.get("id"),
        "link": f"{api_base}/reviews/{review['id']}",
        "consumer": {
            "id": consumer.get("id"),
            "name": consumer.get("displayName"),
            "link": f"{api_base}/consumers/{consumer.get('id')}",
        },
        "tags": list(review.get("tags") or []),
    }


class WebhookDispatcher:
    """Subscription list plus an ordered background delivery queue."""

    def __init__(self, *, timeout: float = DEFAULT_WEBHOOK_TIMEOUT) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._subscriptions: dict[str, tuple[str, str | None, str | None]] = {}
        self._queue: queue.Queue[tuple[list[dict[str, Any]], str | None] | None] = queue.Queue()
        self.deliveries: list[Delivery] = []
        self._thread: threading.Thread | None = None

    def subscribe(self, url: str, business_unit_id: str | None = None) -> str:
        """Register a URL (optionally only for one business unit); returns the clean URL."""
        clean, auth = split_credentials(url)
        with self._lock:
            self._subscriptions[clean] = (clean, auth, business_unit_id)
        return clean

    def unsubscribe(self, url: str | None = None) -> None:
        """Remove one subscription (by URL, with or without credentials) or all (``None``)."""
        with self._lock:
            if url is None:
                self._subscriptions.clear()
            else:
                self._subscriptions.pop(split_credentials(url)[0], None)

    @property
    def subscriptions(self) -> list[str]:
        """The subscribed URLs, without credentials."""
        with self._lock:
            return sorted(self._subscriptions)

    def dispatch(self, events: list[dict[str, Any]], business_unit_id: str | None) -> None:
        """Queue one batch of events for every matching subscription."""
        if events:
            self._ensure_thread()
            self._queue.put((events, business_unit_id))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued batch was delivered; ``False`` on time-out."""
        done = threading.Event()
        self._ensure_thread()
        self._queue.put(None)
        marker_thread = threading.Thread(target=self._wait_join, args=(done,), daemon=True)
        marker_thread.start()
        return done.wait(timeout)

    def _wait_join(self, done: threading.Event) -> None:
        self._queue.join()
        done.set()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="tpnb-emulator-webhooks", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is not None:
                    self._deliver(*item)
            finally:
                self._queue.task_done()

    def _deliver(self, events: list[dict[str, Any]], business_unit_id: str | None) -> None:
        with self._lock:
            targets = [
                (url, auth)
                for url, auth, bu in self._subscriptions.values()
                if bu is None or bu == business_unit_id
            ]
        body = json.dumps({"events": events}).encode()
        names = tuple(e["eventName"] for e in events)
        for url, auth in targets:
            request = urllib.request.Request(url, data=body, method="POST")
            request.add_header("Content-Type", "application/json")
            request.add_header("User-Agent", "tpnb-emulator-webhooks/1")
            if auth is not None:
                request.add_header("Authorization", auth)
            status: int | None = None
            error: str | None = None
            try:
                with _OPENER.open(request, timeout=self.timeout) as resp:
                    status = resp.status
            except urllib.error.HTTPError as exc:
                status, error = exc.code, f"HTTP {exc.code}"
            except OSError as exc:
                error = type(exc).__name__
            with self._lock:
                self.deliveries.append(Delivery(url, names, status, error))
