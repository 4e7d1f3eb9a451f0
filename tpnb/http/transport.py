"""Below :class:`~tpnb.http.connection.Connection`: attempts, retries, body checks, pacing and counts.

Order of operations for :meth:`Transport.send` (one logical request):

1. send through the cached session with a (connect, read) time-out; a fresh cache entry answers
   without any request;
2. below the cache, :class:`CountingAdapter` paces the request (:class:`~tpnb.http.pacing.Pacer`, it
   sleeps rather than exceed a limit), counts it in :class:`~tpnb.http.stats.Stats`, and rewrites
   an invalid ``Expires`` or an absurd ``max-age`` in the answer before the cache reads them;
3. a 200 JSON answer to a GET (or a replayable POST) is parsed once
   (:func:`~tpnb.http.jsonbody.decode_json`); a body that does not parse
   was cut short: its cached copy is dropped and the request retried. Where a list is due
   (``list_key``), an answer that is not an object holding a list under that key (``{}``,
   ``null``, ``{"reviews": null}``, an empty 200, a 204, an unsolicited 304) is treated the same
   way, and when it persists raises :class:`~tpnb.errors.ResponseError`: a page that cannot be
   read is never taken for an empty one (a sync would delete what it did not see);
4. connection errors, time-outs, 429 and 500/502/503/504 are retried with back-off
   (:mod:`tpnb.http.retry`); a request that keeps failing raises :class:`~tpnb.errors.TransportError`
   with every credential redacted from the message. The error does not chain the requests
   exception: its request would hold the credentials and a token request's form body.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from tpnb.config import Settings
from tpnb.errors import ConfigError, ResponseError, TransportError, redact
from tpnb.http.cachepolicy import sanitize_cache_headers
from tpnb.http.jsonbody import decode_json
from tpnb.http.pacing import Pacer
from tpnb.http.results import ResultCache
from tpnb.http.retry import RetryPolicy, parse_retry_after
from tpnb.http.session import CachedOAuth2Session
from tpnb.http.stats import Stats

__all__ = ["UNPARSED", "CountingAdapter", "Transport"]

logger = logging.getLogger(__name__)

UNPARSED: Any = object()  # marks a response whose body was not decoded by the body check


class CountingAdapter(HTTPAdapter):
    """Below the cache: every request that reaches the network is paced and counted, and its
    response's freshness headers are made computable
    (:func:`~tpnb.http.cachepolicy.sanitize_cache_headers`).

    Args:
        pacer: Paces the requests.
        stats: Counts requests, paced waits and bytes.
        local: Per-thread flags: ``sent`` (a request left) and ``status`` (its answer's status).
    """

    def __init__(self, pacer: Pacer, stats: Stats, local: threading.local) -> None:
        super().__init__(max_retries=0, pool_maxsize=32)
        self._pacer = pacer
        self._stats = stats
        self._local = local

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        ticket = self._pacer.reserve()
        if ticket.waited > 0:
            self._stats.add("paced")
            self._stats.add("paced_seconds", ticket.waited)
        self._stats.add("requests")
        self._local.sent = True
        try:
            response = super().send(request, *args, **kwargs)
        finally:
            self._pacer.done(ticket)
        self._local.status = response.status_code
        self._stats.add("bytes_received", len(response.content))
        fixed = sanitize_cache_headers(response.headers)  # before requests-cache reads them
        if fixed:
            logger.debug(
                "tpnb: %s %s: invalid or absurd %s, read as RFC 9111 says (expired, clamped)",
                request.method, urlsplit(request.url or "").path, " and ".join(fixed),
            )  # fmt: skip
        return response


class Transport:
    """Sends one logical request: attempts with retries, each through cache, pacing and stats.

    Args:
        settings: Time-outs.
        session: The cached session the requests go through.
        policy: What is retried, and how long to wait.
        stats: Counters (``retries``, ``cache_hits``, ``revalidations``).
        results: Told about every final response (:mod:`tpnb.http.results`).
        local: The per-thread flags :class:`CountingAdapter` sets.
        sleep: Sleeps between attempts.
        secrets: The credentials to redact from error messages.
        hold: Called with a 429's wait, to hold every call of the client that long
            (:meth:`tpnb.http.pacing.Pacer.hold`); None: only the refused call sleeps.
    """

    def __init__(
        self,
        settings: Settings,
        session: CachedOAuth2Session,
        *,
        policy: RetryPolicy,
        stats: Stats,
        results: ResultCache,
        local: threading.local,
        sleep: Callable[[float], None],
        secrets: Callable[[], tuple[str, ...]],
        hold: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.session = session
        self.policy = policy
        self.stats = stats
        self.results = results
        self.local = local
        self._sleep = sleep
        self._secrets = secrets
        self._hold = hold

    def send(
        self,
        method: str,
        url: str,
        *,
        replayable: bool = False,
        list_key: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """One logical request (the order of operations is in the module docstring).

        ``replayable=True`` marks a POST that is safe to send again (a password or
        client-credentials login: each answer is a new token): it is retried like a GET, on
        connection errors, cut or non-JSON bodies, 429 and 5xx. ``list_key`` names the list a
        successful answer must hold (``"reviews"``); any other successful answer is retried,
        then refused.

        Raises:
            TransportError: No answer after the retries (connection errors, cut bodies).
            ResponseError: A list was due and every answer lacked it.
            ConfigError: A header value HTTP does not allow (nothing was sent).
        """
        policy = self.policy
        path = urlsplit(url).path
        timeout = (self.settings.connect_timeout, self.settings.timeout)
        decide_as = "GET" if replayable else method  # the method the retry rules consider
        checked = replayable or method in ("GET", "HEAD")
        attempt = 0
        while True:
            self.local.sent = False
            self.local.status = None
            failure: str | None = None
            not_a_list: str | None = None
            invalid_header = False
            try:
                response = self.session.request(method, url, timeout=timeout, **kwargs)
                if checked and response.status_code == 200:
                    response.tpnb_json = self.check_body(response)  # type: ignore[attr-defined]
                if list_key is not None and 200 <= response.status_code < 400:
                    self.check_list(response, list_key)
            except requests.exceptions.InvalidHeader:  # its message quotes the value
                invalid_header = True
            except (requests.RequestException, _TruncatedBody) as error:
                if attempt < policy.max_retries and (
                    isinstance(error, _TruncatedBody) or policy.should_retry_error(decide_as, error)
                ):
                    logger.info(
                        "tpnb: %s %s failed (%s); retry %d",
                        method, path, type(error).__name__, attempt + 1,
                    )  # fmt: skip
                    self._retry_wait(policy.backoff(attempt))
                    attempt += 1
                    continue
                failure = f"{type(error).__name__}: {redact(str(error), self._secrets())}"
                if isinstance(error, _NotAList):
                    not_a_list = error.what
            # raised here, not in the except clause: the error must not chain the requests
            # exception, whose request holds the credentials and the form body (a password)
            if invalid_header:
                raise ConfigError(
                    f"{method} {path}: a request header has a character HTTP does not allow (a "
                    "line break, control character or surrounding space in a credential or "
                    "token); nothing was sent"
                )
            if failure is not None:
                host = urlsplit(url).hostname
                if not_a_list is not None:
                    raise ResponseError(
                        f"{method} {path} on {host} answered {not_a_list} {attempt + 1} time(s) "
                        f"where a list under {list_key!r} was due; nothing was taken from it"
                    )
                raise TransportError(
                    f"{method} {path} on {host} failed after {attempt + 1} attempt(s): {failure}"
                )
            if getattr(response, "from_cache", False):
                if not self.local.sent:
                    self.stats.add("cache_hits")
                elif self.local.status == 304:
                    self.stats.add("revalidations")
            if attempt < policy.max_retries and policy.should_retry_status(
                decide_as, response.status_code
            ):
                wait = policy.wait_for(
                    attempt, parse_retry_after(response.headers.get("Retry-After"))
                )
                if wait is not None:
                    logger.info(
                        "tpnb: %s %s answered %s; retry %d in %.1f s",
                        method, path, response.status_code, attempt + 1, wait,
                    )  # fmt: skip
                    if response.status_code == 429 and self._hold is not None:
                        self._hold(wait)  # every call waits, announced; the retry too
                        wait = 0.0
                    self._retry_wait(wait)
                    attempt += 1
                    continue
            self.results.observe(response)
            return response

    def check_body(self, response: requests.Response) -> Any:
        """The decoded body of a 200 JSON answer (parsed once, reused by the caller).

        A JSON body that does not parse was cut short: drop any cached copy and retry.
        Returns :data:`UNPARSED` for an empty or non-JSON answer.
        """
        if "json" not in response.headers.get("Content-Type", "") or not response.content:
            return UNPARSED
        try:
            return decode_json(response.content)
        except ValueError:
            pass  # raised below, without chaining the decode error (it holds the body)
        cache_key = getattr(response, "cache_key", None)
        if cache_key and response.request.method in ("GET", "HEAD"):
            self.session.cache.delete(cache_key)
        raise _TruncatedBody

    def check_list(self, response: requests.Response, key: str) -> None:
        """Raise :class:`_NotAList` (dropping any cached copy) unless the answer holds a list
        under ``key``; a valid body is left parsed on the response for the caller."""
        parsed = getattr(response, "tpnb_json", UNPARSED)
        if response.status_code == 200 and parsed is UNPARSED and response.content:
            with contextlib.suppress(ValueError):
                parsed = decode_json(response.content)
                response.tpnb_json = parsed  # type: ignore[attr-defined]
        if isinstance(parsed, dict) and isinstance(parsed.get(key), list):
            return
        if response.status_code != 200:
            what = f"HTTP {response.status_code}"
        elif not response.content:
            what = "an empty body"
        elif parsed is UNPARSED:
            what = "a body that is not JSON"
        elif not isinstance(parsed, dict):
            what = f"JSON {type(parsed).__name__}"
        elif key not in parsed:
            what = f"an object without {key!r}"
        else:
            what = f"{key!r} = {type(parsed[key]).__name__}"
        cache_key = getattr(response, "cache_key", None)
        if cache_key:
            self.session.cache.delete(cache_key)
        raise _NotAList(what)

    def _retry_wait(self, seconds: float) -> None:
        self.stats.add("retries")
        if seconds > 0:
            self._sleep(seconds)


class _TruncatedBody(Exception):
    """A 200 answer whose JSON body does not parse (a cut connection)."""


class _NotAList(_TruncatedBody):
    """A successful answer where a list was due, without the list: retried like a cut body."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what
