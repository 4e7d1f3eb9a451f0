"""The HTTP session: requests-cache's ``CacheMixin`` over requests-oauthlib's ``OAuth2Session``.

What the mix adds to a plain session, and the traps it closes (see
``shared/docs/cache-and-auth.md``):

- ``cache_control=True``: ``max-age``, ``ETag``/304 and ``no-store`` are honoured; headerless
  responses follow tpnb's per-resource policy (:mod:`tpnb.http.cachepolicy`).
- only GET/HEAD answers with status 200 are stored; nothing under ``/oauth/``; nothing that went
  through a redirect (the history would keep the request headers).
- cache keys are partitioned by identity via a custom ``key_fn``; each session builds its own
  backend object, so two sessions never share a ``key_fn``.
- SQLite (WAL, in the user cache directory) is the default backend; Redis stores JSON and SQLite
  a line of JSON followed by the body as received, never pickle (a shared backend must not run
  code on load).
- the credentials are attached per request by :mod:`tpnb.http.connection` (``apikey`` header on every
  call, bearer only on private calls) and the names used are exactly those requests-cache redacts.

``OAuth2Session.request`` is bypassed (:meth:`CachedOAuth2Session.request`): it would log every
request's headers (api key and bearer token) at DEBUG, and it refuses plain-http URLs through a
process-wide environment switch. tpnb manages tokens itself (:mod:`tpnb.http.tokens`) and validates
the transport in :class:`~tpnb.config.Settings` (https unless loopback); the OAuth2Session part
holds the OAuth client identity (``client_id``) and makes the authorization-code ``state``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests_cache import CacheMixin
from requests_cache.backends.base import BaseCache
from requests_cache.policy.directives import set_request_headers
from requests_oauthlib import OAuth2Session

from tpnb.config import Settings
from tpnb.http.backends import build_backend
from tpnb.http.cachepolicy import (
    default_expire_after,
    make_filter_fn,
    make_key_fn,
    urls_expire_after,
)

__all__ = ["REDACTED_PARAMETERS", "CachedOAuth2Session"]

#: Headers that requests-cache removes from keys and stored requests: tpnb sends credentials only
#: under these exact spellings (matching is case-sensitive).
REDACTED_PARAMETERS = (
    "Authorization",
    "Proxy-Authorization",
    "apikey",
    "X-API-Key",
    "access_token",
    "refresh_token",
    "api_key",
    "password",
    "client_secret",
    "token",
)


class CachedOAuth2Session(CacheMixin, OAuth2Session):  # type: ignore[misc]
    """A requests session with tpnb's cache policy and the OAuth client of one api key.

    Args:
        settings: Where the cache lives and how long headerless responses are kept.
        public_identity: Fingerprint of the api key (partitions every cache entry).
        private_identity: Returns the business-user partition for private calls.
        backend: A backend object for this session alone (default: from the settings).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        public_identity: str,
        private_identity: Any,
        backend: BaseCache | None = None,
    ) -> None:
        expiry = settings.cache_expiry
        super().__init__(
            backend=backend if backend is not None else build_backend(settings),
            cache_control=True,
            expire_after=default_expire_after(expiry),
            urls_expire_after=urls_expire_after(expiry),  # type: ignore[arg-type]
            allowable_codes=(200,),
            allowable_methods=("GET", "HEAD"),
            ignored_parameters=REDACTED_PARAMETERS,
            key_fn=make_key_fn(public_identity, private_identity),
            filter_fn=make_filter_fn(expiry),
            stale_if_error=False,
            client_id=settings.api_key,
        )
        self.max_redirects = 0
        self._environment_settings: dict[tuple[Any, ...], dict[str, Any]] = {}

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        *,
        headers: Any = None,
        expire_after: Any = None,
        only_if_cached: bool = False,
        refresh: bool = False,
        force_refresh: bool = False,
        **kwargs: Any,
    ) -> requests.Response:
        """CacheMixin's request, sent without OAuth2Session.request (see the module docstring)."""
        kwargs.setdefault("allow_redirects", False)
        headers = set_request_headers(headers, expire_after, only_if_cached, refresh, force_refresh)
        return requests.Session.request(self, method, url, headers=headers, **kwargs)

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        """requests' merge of proxy/CA settings from the environment, resolved once per host.

        requests scans the whole environment (``*_proxy``, ``no_proxy``, CA bundles) on every
        request, which costs about as much CPU as decoding a 100-review page; tpnb talks to two
        or three hosts, so the answer is kept per scheme, host and explicit settings (set the
        proxy variables before connecting).
        """
        parts = urlsplit(str(url))
        key = (
            parts.scheme,
            parts.netloc,
            tuple(sorted((proxies or {}).items())),
            tuple(sorted(self.proxies.items())),
            stream, str(verify), str(cert), self.trust_env,
        )  # fmt: skip
        merged: Any = self._environment_settings.get(key)
        if merged is None:
            merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
            if len(self._environment_settings) < 64:
                self._environment_settings[key] = merged
        return {**merged, "proxies": dict(merged["proxies"])}

    def __repr__(self) -> str:
        return f"<CachedOAuth2Session cache={type(self.cache).__name__}>"
