"""The webhook receiver: a small WSGI app that applies Trustpilot's review events to an archive.

Trustpilot POSTs ``{"events": [...]}`` to the subscription URL (API notes §3.5) and signs nothing;
the only protection documented is HTTP Basic credentials embedded in that URL
(``https://user:password@host/path``). So the receiver:

1. answers 401 (with ``WWW-Authenticate``) unless the Basic credentials match, compared in
   constant time; credentials are never logged, echoed or kept in a repr;
2. accepts only ``POST`` (405 otherwise) with a declared length up to ``max_body`` bytes (413
   above it, 411 without a length), decoded as UTF-8 JSON in the documented shape (400 otherwise);
3. applies all events of the POST in one archive transaction (:func:`tpnb.store.apply_events`):
   idempotent, unknown event names ignored and logged, nothing stored when the body is rejected;
4. answers 200 with the counts ``{"applied", "duplicates", "ignored", "stale"}``, or 503 with
   ``Retry-After`` when the archive stayed locked by another writer.

Events do not name the business unit; add ``?business_unit=<id>`` to the subscription URL (or
pass ``business_unit=`` here) so new reviews are filed under it; otherwise the next sync of any
unit resolves them. Run it in a notebook thread with :func:`serve`, or in the foreground with
``tpnb webhooks --archive FILE --port N --username U --password-file FILE`` (without
``--password-file`` it asks for the password). It binds 127.0.0.1 unless
told otherwise: put a TLS-terminating proxy in front of it to receive from the internet. It writes
no access-log line per request (werkzeug's default): each POST's outcome is logged at INFO on the
``tpnb.store.webhooks`` logger, the request lines at DEBUG.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote

from tpnb import params
from tpnb.errors import ConfigError
from tpnb.store import Archive, ArchiveBusyError, EventError, apply_events, parse_events

__all__ = ["DEFAULT_MAX_BODY", "ReceiverServer", "WebhookReceiver", "make_server", "serve"]

logger = logging.getLogger(__name__)

#: Largest accepted body (bytes): far above any real batch of review events.
DEFAULT_MAX_BODY = 1024 * 1024
_DRAIN_LIMIT = 8 * 1024 * 1024  # read and discard at most this much of a rejected body

StartResponse = Callable[..., Any]
_REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    405: "405 Method Not Allowed",
    411: "411 Length Required",
    413: "413 Content Too Large",
    503: "503 Service Unavailable",
}


def _digest(value: bytes) -> bytes:
    return hashlib.sha256(value).digest()


class WebhookReceiver:
    """The WSGI application (thread-safe; one archive connection per serving thread).

    Args:
        archive: The archive to write, or the path of its file.
        username: The Basic user name configured in the subscription URL.
        password: The Basic password configured in the subscription URL.
        business_unit: The 24-hex id of the unit the subscription is for, when known.
        max_body: Largest accepted body in bytes.
    """

    def __init__(
        self,
        archive: Archive | str | os.PathLike[str],
        *,
        username: str,
        password: str,
        business_unit: str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        if not isinstance(username, str) or not username or ":" in username:
            raise ConfigError("username must be a non-empty string without ':'")
        if not isinstance(password, str) or not password:
            raise ConfigError("password must be a non-empty string")
        if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
            raise ConfigError(f"max_body must be a whole number of bytes > 0, got {max_body!r}")
        unit = _unit_id(business_unit) if business_unit else None
        # every argument is checked before the archive file is opened (or created)
        self._owns_archive = not isinstance(archive, Archive)
        self.archive = archive if isinstance(archive, Archive) else Archive(archive)
        self.username = username
        self._expected = _digest(f"{username}:{password}".encode())
        self.business_unit = unit
        self.max_body = max_body

    def __repr__(self) -> str:
        return f"WebhookReceiver(archive={self.archive!r}, username={self.username!r})"

    def close(self) -> None:
        """Close the archive if this receiver opened it (an :class:`Archive` passed in stays open)."""
        if self._owns_archive:
            self.archive.close()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, body, headers = self._handle(environ)
        finally:
            self.archive.release()  # werkzeug serves each request on a new thread
        payload = json.dumps(body).encode()
        start_response(
            _REASONS[status],
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(payload))),
                *headers,
            ],
        )
        return [payload]

    def _authorized(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        try:
            given = base64.b64decode(token.strip(), validate=True)
        except (binascii.Error, ValueError):
            given = b""
        ok = hmac.compare_digest(_digest(given), self._expected)
        return ok and scheme.lower() == "basic"

    def _handle(self, environ: dict[str, Any]) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        if not self._authorized(environ.get("HTTP_AUTHORIZATION", "")):
            logger.warning("webhook request refused: missing or wrong credentials")
            self._drain(environ)
            return 401, {"error": "unauthorized"}, [("WWW-Authenticate", 'Basic realm="tpnb"')]
        if environ.get("REQUEST_METHOD") != "POST":
            return 405, {"error": "only POST is accepted"}, [("Allow", "POST")]
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length < 0:
            return 411, {"error": "a Content-Length is required"}, []
        if length > self.max_body:
            logger.warning("webhook body refused: %d bytes > %d", length, self.max_body)
            self._drain(environ)
            return 413, {"error": f"body larger than {self.max_body} bytes"}, []
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            events = parse_events(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, EventError) else "the body is not valid JSON"
            logger.warning("webhook body refused: %s", reason)
            return 400, {"error": reason}, []
        unit = self.business_unit
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "business_unit" in query:
            try:
                unit = _unit_id(query["business_unit"][0])
            except ConfigError as exc:
                return 400, {"error": str(exc)}, []
        try:
            outcome = apply_events(self.archive, events, business_unit_id=unit)
        except ArchiveBusyError:
            logger.warning("webhook events not stored: the archive is busy")
            return 503, {"error": "archive busy, retry later"}, [("Retry-After", "5")]
        logger.info("webhook POST: %s", outcome.as_dict())
        return 200, outcome.as_dict(), []

    def _drain(self, environ: dict[str, Any]) -> None:
        """Read a rejected body (up to a limit) so the client sees our answer, not a reset."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        stream = environ["wsgi.input"]
        remaining = min(length, _DRAIN_LIMIT)
        while remaining > 0:
            chunk = stream.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)


def _unit_id(value: object) -> str:
    return params.entity_id(value, "business_unit")


def make_server(host: str, port: int, app: WebhookReceiver) -> Any:
    """A threaded werkzeug server for ``app`` that writes no access-log line per request.

    Each request is logged at DEBUG on ``tpnb.store.webhooks`` instead (the outcome of a POST is
    logged at INFO by the receiver itself); werkzeug's error lines are kept.
    """
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            logger.debug("webhook request %r -> %s", self.requestline, code)

    return make_server(host, port, app, threaded=True, request_handler=QuietHandler)


class ReceiverServer:
    """A receiver served by a threaded werkzeug server in a background thread.

    Use as a context manager (or call :meth:`shutdown`). :attr:`url` has no credentials;
    :meth:`subscription_url` builds the URL to register, credentials included (treat it as a
    secret).
    """

    def __init__(self, receiver: WebhookReceiver, host: str, port: int) -> None:
        self.receiver = receiver
        try:
            self._server = make_server(host, port, receiver)
        except SystemExit:  # werkzeug exits the interpreter when it cannot bind: say why instead
            raise OSError(f"cannot listen on {host}:{port} (is the port already in use?)") from None
        self.host = host
        self.port = int(self._server.server_port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="tpnb-webhooks", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The receiver's URL, without credentials."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def subscription_url(self, password: str, business_unit: str | None = None) -> str:
        """The URL to register as a webhook subscription: credentials and unit included."""
        user = quote(self.receiver.username, safe="")
        url = self.url.replace("://", f"://{user}:{quote(password, safe='')}@", 1)
        return url + (f"?business_unit={_unit_id(business_unit)}" if business_unit else "")

    def shutdown(self) -> None:
        """Stop serving, wait for the thread, and close the archive if the receiver opened it."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.receiver.close()

    def __enter__(self) -> ReceiverServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    def __repr__(self) -> str:
        return f"ReceiverServer(url={self.url!r}, archive={self.receiver.archive!r})"


def serve(
    archive: Archive | str | os.PathLike[str],
    *,
    username: str,
    password: str,
    host: str = "127.0.0.1",
    port: int = 0,
    business_unit: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> ReceiverServer:
    """Start a receiver in a background thread (port 0 = a free port); returns the server.

    Example::

        with serve("reviews.sqlite", username="hook", password=secret) as receiver:
            emulator.admin.subscribe(receiver.subscription_url(secret))
    """
    receiver = WebhookReceiver(
        archive,
        username=username,
        password=password,
        business_unit=business_unit,
        max_body=max_body,
    )
    try:
        return ReceiverServer(receiver, host, port)
    except BaseException:  # e.g. the port is taken: do not leave the archive open
        receiver.close()
        raise
