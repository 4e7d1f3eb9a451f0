"""The webhook receiver: a small WSGI app that applies Trustpilot's review events to an archive.

Trustpilot POSTs ``{"events": [...]}`` to the subscription URL (API notes §3.5) and signs nothing;
the only protection documented is HTTP Basic credentials embedded in that URL
(``https://user:password@host/path``). So the receiver:

1. answers 401 (with ``WWW-Authenticate``) unless the Basic credentials match, compared in
   constant time; credentials are never logged, echoed or kept in a repr;
2. accepts only ``POST`` (405 otherwise) with a declared length up to ``max_body`` bytes (413
   above it, 411 without a length), decoded as UTF-8 JSON nested at most 32 levels, in the
   documented shape (400 otherwise, naming what is wrong; nothing is stored);
3. validates each event (:func:`tpnb.store.events.parse_events`) and applies the valid ones in
   one archive transaction (:func:`tpnb.store.apply_events`): idempotent, the newest state wins,
   product-review and unknown events skipped, counted and logged;
4. answers 200 with the counts ``{"applied", "duplicates", "ignored", "stale"}``; or 400 when an
   event was invalid, with the same counts plus ``"rejected": [{"index", "error"}]`` naming each
   refused event and field; or 503 with ``Retry-After`` when the archive stayed locked.

**A batch is applied event by event**: the valid events of a POST are stored even when another
event of it is refused (a 400 that names the refused ones). Trustpilot would send the refused
event the same way again, so refusing the whole POST would only lose the valid events with it;
a sender that retries the whole POST loses nothing either, because applying is idempotent.

Events do not name the business unit; add ``?business_unit=<id>`` to the subscription URL (or
pass ``business_unit=`` here) so new reviews are filed under it; otherwise the next sync of any
unit resolves them. Run it in a notebook thread with :func:`serve`, or in the foreground with
``tpnb webhooks --archive FILE --port N --username U --password-file FILE``. It binds 127.0.0.1
unless told otherwise: put a TLS-terminating proxy in front of it to receive from the internet.

**The HTTP server is waitress**, not werkzeug's development server. The development server
starts a thread per connection, with no time-out and no limit: 400 idle connections pinned 402
threads for good, and at the process's file-descriptor limit legitimate deliveries timed out.
waitress (pure Python, no C extension, a dependency of tpnb) reads every request in one
event loop and hands the application only complete requests, on a fixed pool of
``threads``; so a slow or silent client holds a socket, never a thread. The limits:

* ``idle_timeout`` (default 30 s): a connection that sends nothing for this long, while its
  headers or body are incomplete or between requests, is closed (waitress's ``channel_timeout``,
  checked every few seconds);
* ``max_connections`` (default 500, kept below the process's file-descriptor limit): above it
  new connections wait in the listen queue until idle ones are closed, instead of failing the
  process's other files (the archive) with "too many open files";
* a declared ``Content-Length`` above ``max_body`` gets its 413 at once, without waiting for a
  body that may never come; headers are limited to 64 KiB.

Nothing is logged per request above DEBUG: each POST's outcome at INFO on the
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
import socket
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote

from tpnb import params
from tpnb.errors import ConfigError
from tpnb.store import Archive, ArchiveBusyError, EventError, apply_events, parse_events
from tpnb.store.events import decode_body

__all__ = [
    "DEFAULT_IDLE_TIMEOUT",
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_CONNECTIONS",
    "HttpServer",
    "ReceiverServer",
    "WebhookReceiver",
    "bind",
    "check_receiver",
    "check_server",
    "make_server",
    "serve",
]

logger = logging.getLogger(__name__)

#: Largest accepted body (bytes): far above any real batch of review events.
DEFAULT_MAX_BODY = 1024 * 1024
#: Seconds a connection may stay silent (mid-request or between requests) before it is closed.
DEFAULT_IDLE_TIMEOUT = 30
#: Open connections served at once; more wait in the listen queue.
DEFAULT_MAX_CONNECTIONS = 500
#: Threads that run the application (each holds one archive connection while it works).
DEFAULT_THREADS = 4
MAX_HEADER_BYTES = 64 * 1024
_RESERVED_FILES = 64  # file descriptors kept free for the archive, logs and the interpreter
_DRAIN_LIMIT = 8 * 1024 * 1024  # read and discard at most this much of a rejected body

StartResponse = Callable[..., Any]
_REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    405: "405 Method Not Allowed",
    411: "411 Length Required",
    413: "413 Content Too Large",
    500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}
Answer = tuple[int, dict[str, Any], list[tuple[str, str]]]


def _digest(value: bytes) -> bytes:
    return hashlib.sha256(value).digest()


def check_receiver(username: object, business_unit: object, max_body: object) -> str | None:
    """Check the receiver's settings (but the password); return the unit id, if given.

    Raises:
        tpnb.errors.ConfigError: Naming the bad setting and what is allowed.
    """
    if not isinstance(username, str) or not username or ":" in username:
        raise ConfigError(f"username must be a non-empty string without ':', got {username!r}")
    if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
        raise ConfigError(f"max_body must be a whole number of bytes > 0, got {max_body!r}")
    return _unit_id(business_unit) if business_unit else None


def _check_password(password: object) -> None:
    if not isinstance(password, str) or not password:
        raise ConfigError("password must be a non-empty string")


class WebhookReceiver:
    """The WSGI application (thread-safe; one archive connection per request).

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
        unit = check_receiver(username, business_unit, max_body)
        _check_password(password)
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
        except Exception:  # a bug, not the sender's fault: say so without details
            logger.exception("webhook request failed")
            status, body, headers = 500, {"error": "internal error"}, []
        finally:
            self.archive.release()  # requests run on a pool of threads: keep no connection
        logger.debug(
            "webhook request %s %s %s -> %d",
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
            environ.get("SERVER_PROTOCOL"),
            status,
        )
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

    def _handle(self, environ: dict[str, Any]) -> Answer:
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
        unit = self.business_unit
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "business_unit" in query:
            try:
                unit = _unit_id(query["business_unit"][0])
            except ConfigError as exc:
                return 400, {"error": str(exc)}, []
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            batch = parse_events(decode_body(raw))
        except EventError as exc:
            logger.warning("webhook body refused: %s", exc)
            return 400, {"error": str(exc)}, []
        try:
            outcome = apply_events(self.archive, batch.events, business_unit_id=unit)
        except ArchiveBusyError:
            logger.warning("webhook events not stored: the archive is busy")
            return 503, {"error": "archive busy, retry later"}, [("Retry-After", "5")]
        counts: dict[str, Any] = outcome.as_dict()
        if not batch.rejected:
            logger.info("webhook POST: %s", counts)
            return 200, counts, []
        rejected = [{"index": r.index, "error": r.reason} for r in batch.rejected]
        total = len(batch.events) + len(batch.rejected)
        error = f"{len(rejected)} of {total} events refused: " + "; ".join(
            r.reason for r in batch.rejected[:3]
        )
        logger.warning("webhook POST: %s; %s", counts, error)
        return 400, {"error": error, **counts, "rejected": rejected}, []

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


# --------------------------------------------------------------------------- the HTTP server
def _file_limit() -> int | None:
    """The process's soft limit of open files, where the platform has one."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft == resource.RLIM_INFINITY else int(soft)


def check_server(host: object, port: object, idle_timeout: object, max_connections: object) -> int:
    """Check the server's settings before anything is bound; return the connection limit.

    Raises:
        tpnb.errors.ConfigError: Naming the bad setting and what is allowed.
    """
    if not isinstance(host, str) or not host.strip():
        raise ConfigError(f"host must be an address or host name such as 127.0.0.1, got {host!r}")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ConfigError(f"port must be a whole number 0..65535 (0: any free port), got {port!r}")
    if isinstance(idle_timeout, bool) or not isinstance(idle_timeout, int) or idle_timeout < 1:
        raise ConfigError(
            f"idle_timeout must be a whole number of seconds >= 1, got {idle_timeout!r}"
        )
    files = _file_limit()
    ceiling = max(1, files - _RESERVED_FILES) if files is not None else None
    if max_connections is None:
        return min(DEFAULT_MAX_CONNECTIONS, ceiling or DEFAULT_MAX_CONNECTIONS)
    if isinstance(max_connections, bool) or not isinstance(max_connections, int):
        raise ConfigError(f"max_connections must be a whole number >= 1, got {max_connections!r}")
    if max_connections < 1 or (ceiling is not None and max_connections > ceiling):
        limit = f" (this process may open {files} files)" if files is not None else ""
        raise ConfigError(
            f"max_connections must be 1..{ceiling or 'any'}{limit}, got {max_connections!r}"
        )
    return max_connections


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (not yet listening).

    Raises:
        OSError: Saying which address could not be bound, and why.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise OSError(f"cannot listen on {host}:{port}: unknown host ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # on Windows SO_REUSEADDR would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


class HttpServer:
    """waitress serving one WSGI app on an already bound socket, until :meth:`stop`.

    Args:
        app: The WSGI application.
        sock: A bound TCP socket (see :func:`bind`); the server listens on it and closes it.
        max_body: Largest accepted body in bytes (a larger declared length: 413 at once).
        idle_timeout: Seconds of silence after which a connection is closed.
        max_connections: Connections served at once (more wait in the listen queue).
        threads: Threads running the application.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        sock: socket.socket,
        *,
        max_body: int = DEFAULT_MAX_BODY,
        idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        from waitress.server import create_server

        self._map: dict[int, Any] = {}
        self._server = create_server(
            app,
            map=self._map,
            sockets=[sock],
            threads=threads,
            # waitress counts its own listening socket and wake-up pipe among the connections
            connection_limit=max_connections + 2,
            channel_timeout=idle_timeout,
            cleanup_interval=max(1, min(idle_timeout // 2, 10)),
            max_request_body_size=max_body,
            max_request_header_size=MAX_HEADER_BYTES,
            asyncore_use_poll=True,  # select() cannot watch more than 1024 sockets
            ident="tpnb",
            expose_tracebacks=False,
        )
        #: The address actually bound (host, port), as the socket reports it.
        bound_host, bound_port = sock.getsockname()[:2]
        self.address = (str(bound_host), int(bound_port))
        self.port = self.address[1]
        self._stopping = threading.Event()

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` is called (from another thread) or ``KeyboardInterrupt``."""
        from waitress import wasyncore

        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=1.0, map=self._map, use_poll=True, count=1)
        finally:
            self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
            wasyncore.close_all(self._map, ignore_all=True)

    def stop(self) -> None:
        """Ask :meth:`serve_forever` to return (it closes every connection and the socket)."""
        self._stopping.set()
        self._server.pull_trigger()  # wake the loop up now rather than at its next tick


def make_server(
    host: str,
    port: int,
    app: WebhookReceiver,
    *,
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
    max_connections: int | None = None,
) -> HttpServer:
    """Bind ``host:port`` and return a waitress server for ``app`` (call ``serve_forever``)."""
    limit = check_server(host, port, idle_timeout, max_connections)
    return HttpServer(
        app,
        bind(host, port),
        max_body=app.max_body,
        idle_timeout=idle_timeout,
        max_connections=limit,
    )


class ReceiverServer:
    """A receiver served by waitress in a background thread.

    Use as a context manager (or call :meth:`shutdown`). :attr:`url` has no credentials;
    :meth:`subscription_url` builds the URL to register, credentials included (treat it as a
    secret).
    """

    def __init__(self, receiver: WebhookReceiver, server: HttpServer, host: str) -> None:
        self.receiver = receiver
        self._server = server
        self.host = host
        self.port = server.port
        #: The address actually bound (host, port): ``host`` as the socket reports it.
        self.address = server.address
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
        self._server.stop()
        self._thread.join(timeout=30)
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
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
    max_connections: int | None = None,
) -> ReceiverServer:
    """Start a receiver in a background thread (port 0 = a free port); returns the server.

    Every setting is checked first, then the port is bound, and only then is the archive
    opened (or created): a bad setting or a port in use leaves no file behind.

    Args:
        archive: The archive to write, or the path of its file.
        username: The Basic user name of the subscription URL.
        password: The Basic password of the subscription URL.
        host: The address to bind (loopback by default).
        port: The port (0: any free port; see :attr:`ReceiverServer.port`).
        business_unit: The 24-hex id of the unit the subscription is for, when known.
        max_body: Largest accepted body in bytes.
        idle_timeout: Seconds a connection may stay silent before it is closed.
        max_connections: Connections served at once (default 500, below the file limit).

    Example::

        with serve("reviews.sqlite", username="hook", password=secret) as receiver:
            emulator.admin.add_webhook(receiver.subscription_url(secret))

    Raises:
        tpnb.errors.ConfigError: A bad setting (nothing was bound or created).
        OSError: The port could not be bound (nothing was created).
    """
    check_receiver(username, business_unit, max_body)
    _check_password(password)
    limit = check_server(host, port, idle_timeout, max_connections)
    sock = bind(host, port)
    try:
        receiver = WebhookReceiver(
            archive,
            username=username,
            password=password,
            business_unit=business_unit,
            max_body=max_body,
        )
    except BaseException:
        sock.close()
        raise
    try:
        server = HttpServer(
            receiver, sock, max_body=max_body, idle_timeout=idle_timeout, max_connections=limit
        )
        return ReceiverServer(receiver, server, host)
    except BaseException:  # do not leave the archive open
        sock.close()
        receiver.close()
        raise
