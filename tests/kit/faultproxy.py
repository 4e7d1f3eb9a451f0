"""A programmable HTTP proxy in front of a server, for faults the server itself cannot make.

The emulator injects transport faults (drops, cut bodies, 5xx); what it cannot do is answer a
list request with a well-formed *wrong* answer. :class:`FaultProxy` forwards every request to
the upstream server (rewriting the upstream's own URLs in bodies and headers, so links lead
back through the proxy) and replaces the answers that match a :class:`Rule`::

    with FaultProxy(server.url) as proxy:
        proxy.add(Rule(r"/private/business-units/.*/reviews", body=b"{}", times=None))
        tp = client_for(server, tmp_path, base_url=proxy.url + "/v1")

Loopback only; bounded by the test's own requests.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

#: Answers a list request must never be read as "no reviews": (label, status, body, type).
MALFORMED_LIST_ANSWERS: tuple[tuple[str, int, bytes, str], ...] = (
    ("empty object", 200, b"{}", "application/json"),
    ("null", 200, b"null", "application/json"),
    ("null list", 200, b'{"reviews": null, "links": []}', "application/json"),
    ("list not a list", 200, b'{"reviews": {"id": "x"}}', "application/json"),
    ("bare list", 200, b"[]", "application/json"),
    ("empty 200", 200, b"", "application/json"),
    ("204", 204, b"", ""),
    ("unsolicited 304", 304, b"", ""),
    ("HTML 200", 200, b"<html><body>Maintenance</body></html>", "text/html"),
)


@dataclass
class Rule:
    """Replace the answers to requests whose path matches ``path`` (a regex searched in it).

    Attributes:
        path: Regex searched in the request path.
        status: Status of the replacement answer.
        body: Its body.
        content_type: Its Content-Type ("" sends none).
        times: How many matching requests to answer so (None: all of them).
        skip: Let this many matching requests through first.
        query: Only requests whose query has these values (e.g. ``{"page": "2"}``).
        action: When set, the matching request is not answered by the rule: ``action()`` runs
            (e.g. deletes a review on the server) and the request is then forwarded.
    """

    path: str
    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/json"
    times: int | None = 1
    skip: int = 0
    query: dict[str, str] | None = None
    action: Callable[[], None] | None = None
    hits: int = 0

    def matches(self, request: Request) -> bool:
        if not re.search(self.path, request.path):
            return False
        if self.query:
            args = parse_qs(request.query_string.decode())
            if any(args.get(k, [None])[0] != v for k, v in self.query.items()):
                return False
        self.hits += 1
        if self.hits <= self.skip:
            return False
        return self.times is None or self.hits - self.skip <= self.times


class FaultProxy:
    """A loopback proxy to ``upstream`` (e.g. ``http://127.0.0.1:8765``) that applies rules."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.rules: list[Rule] = []
        self.requests = 0
        self._lock = threading.Lock()
        self._http = requests.Session()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def _rule_for(self, request: Request) -> Rule | None:
        with self._lock:
            self.requests += 1
            for rule in self.rules:
                if rule.matches(request):
                    return rule
        return None

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        rule = self._rule_for(request)
        if rule is not None and rule.action is not None:
            rule.action()
            rule = None
        if rule is not None:
            headers = {"Content-Type": rule.content_type} if rule.content_type else {}
            response = Response(rule.body, status=rule.status, headers=headers)
            if not rule.body:
                response.headers["Content-Length"] = "0"
            return response(environ, start_response)
        upstream = self._http.request(
            request.method,
            self.upstream + request.full_path.rstrip("?"),
            headers={
                k: v for k, v in request.headers if k.lower() not in ("host", "content-length")
            },
            data=request.get_data(),
            allow_redirects=False,
            timeout=30,
        )
        body = upstream.content.replace(self.upstream.encode(), self.url.encode())
        keep = {"content-type", "cache-control", "etag", "last-modified", "retry-after", "location"}
        headers = [
            (k, v.replace(self.upstream, self.url))
            for k, v in upstream.headers.items()
            if k.lower() in keep
        ]
        return Response(body, status=upstream.status_code, headers=headers)(environ, start_response)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()
