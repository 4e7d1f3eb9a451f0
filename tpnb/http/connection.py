"""The transport every tpnb call goes through: one :class:`Connection` per identity.

Order of operations for :meth:`Connection.get_json` (and the write methods):

1. build the URL from ``settings.base_url`` (or ``invitations_url``) and the path; attach the
   ``apikey`` header, and for private calls ``Authorization: Bearer`` from
   :class:`~tpnb.http.tokens.TokenManager` (which reuses, refreshes or logs in as needed);
2. send through :class:`~tpnb.http.session.CachedOAuth2Session` with a (connect, read) time-out; a
   fresh cache entry answers without any request;
3. below the cache, :class:`~tpnb.http.transport.CountingAdapter` paces the request
   (:class:`~tpnb.http.pacing.Pacer`, it sleeps rather than exceed a limit) and counts it in
   :class:`~tpnb.http.stats.Stats`;
4. retry connection errors, time-outs, cut bodies, 429 and 500/502/503/504 with back-off
   (:mod:`tpnb.http.retry`); steps 2-4 are :class:`~tpnb.http.transport.Transport`'s;
5. on a 401 or 403 to a private call, renew the token once and send once more (a 403 that
   persists then raises :class:`~tpnb.errors.ForbiddenError`, and later 403s to that fresh
   token are not renewed again);
6. decode the JSON, or raise the :class:`~tpnb.errors.APIError` subclass for the status.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

import requests
from requests.auth import HTTPBasicAuth

from tpnb.config import Settings, check_redirect_uri, describe_value
from tpnb.errors import (
    APIError,
    ConfigError,
    api_error_for,
)
from tpnb.http.cachepolicy import fingerprint
from tpnb.http.jsonbody import decode_json
from tpnb.http.pacing import Pacer
from tpnb.http.results import ResultCache
from tpnb.http.retry import RetryPolicy, parse_retry_after
from tpnb.http.session import CachedOAuth2Session
from tpnb.http.stats import Stats
from tpnb.http.tokens import TokenManager, TokenStore, default_token_dir
from tpnb.http.transport import UNPARSED, CountingAdapter, Transport

__all__ = ["Connection"]

logger = logging.getLogger(__name__)

Api = Literal["api", "invitations"]


class Connection:
    """A cached, authenticated, paced and retrying connection to the Trustpilot API.

    Args:
        settings: Credentials, URLs, cache and resilience settings.
        emulator: The embedded emulator server in demo mode (stopped by :meth:`close`).
        sleep: Sleep function used by retries and pacing (injectable for tests).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        emulator: Any = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.api_key:
            raise ConfigError(
                "no API key: set TRUSTPILOT_API_KEY (and TRUSTPILOT_API_SECRET for private calls), "
                "pass api_key=..., or use demo mode"
            )
        self.settings = settings
        self.emulator = emulator
        self.demo = emulator is not None
        self.stats = Stats()
        #: finished multi-page results, kept while every page is fresh (:mod:`tpnb.http.results`)
        self.results = ResultCache(on_hit=lambda pages: self.stats.add("cache_hits", pages))
        self.local = threading.local()
        self._sleep = sleep
        self.pacer = Pacer(settings.pace_limits, sleep=sleep)
        self.retry_policy = RetryPolicy(
            max_retries=settings.max_retries,
            backoff_factor=settings.backoff_factor,
            backoff_max=settings.backoff_max,
            retry_after_max=settings.retry_after_max,
        )
        self.tokens: TokenManager | None = None
        if settings.can_login:
            self.tokens = TokenManager(
                settings,
                self._post_token_form,
                TokenStore(settings.token_dir or default_token_dir()),
                on_request=lambda: self.stats.add("token_requests"),
                sleep=sleep,
            )
        tokens = self.tokens
        self.session = CachedOAuth2Session(
            settings,
            public_identity=fingerprint("apikey", settings.api_key),
            private_identity=lambda: tokens.partition if tokens else "none",
        )
        self.transport = Transport(
            settings,
            self.session,
            policy=self.retry_policy,
            stats=self.stats,
            results=self.results,
            local=self.local,
            sleep=sleep,
            secrets=self._secrets,
            hold=self.pacer.hold,
        )
        adapter = CountingAdapter(self.pacer, self.stats, self.local)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._closed = False
        self.owned_dirs: list[Path] = []  # removed by close() (demo token directory)

    # ------------------------------------------------------------------ identity
    @property
    def business_user_id(self) -> str | None:
        """The business user's id when known (settings or token response), else None."""
        if self.tokens is not None:
            return self.tokens.business_user_id
        return self.settings.business_user_id

    def _secrets(self) -> tuple[str, ...]:
        held = self.tokens.secrets() if self.tokens is not None else ()
        return (*self.settings.secrets(), *held)

    # ------------------------------------------------------------------ public API
    def get_json(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        private: bool = False,
        api: Api = "api",
        list_key: str | None = None,
    ) -> Any:
        """GET ``path`` (relative to the API root) and return the decoded JSON.

        ``list_key`` names the list the answer must hold (``"reviews"``): an answer without it
        is retried, then raises :class:`~tpnb.errors.ResponseError` (never read as empty).
        """
        return self._call("GET", path, params=params, private=private, api=api, list_key=list_key)

    def post_json(
        self, path: str, json: Any = None, *, private: bool = True, api: Api = "api"
    ) -> Any:
        """POST a JSON body; returns the decoded answer (None when empty)."""
        return self._call("POST", path, json=json, private=private, api=api)

    def put_json(
        self, path: str, json: Any = None, *, private: bool = True, api: Api = "api"
    ) -> Any:
        """PUT a JSON body; returns the decoded answer (None when empty)."""
        return self._call("PUT", path, json=json, private=private, api=api)

    def delete(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        private: bool = True,
        api: Api = "api",
    ) -> Any:
        """DELETE ``path``; returns the decoded answer (None when empty)."""
        return self._call("DELETE", path, params=params, private=private, api=api)

    def authorization_url(self, redirect_uri: str, state: str | None = None) -> str:
        """The URL where a business user logs in (authorization-code grant).

        Open it in a browser; the redirect to ``redirect_uri`` carries ``?code=...``, which
        :meth:`login_with_code` exchanges for tokens. The URL contains the api key as
        ``client_id`` (OAuth's public client identifier), as Trustpilot documents.
        """
        redirect_uri = check_redirect_uri(redirect_uri)
        if state is not None and (
            not isinstance(state, str) or not state or len(state) > 512 or not state.isprintable()
        ):
            raise ConfigError(
                "state must be None (a random one is made) or a non-empty printable string of at "
                "most 512 characters, got "
                + (
                    f"a string of {len(state)} characters"
                    if isinstance(state, str)
                    else describe_value(state)
                )
            )
        self._require_login("the authorization-code login")
        # built here rather than by oauthlib, which refuses the emulator's plain-http loopback URL
        query = {
            "client_id": str(self.settings.api_key),
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "state": state or self.session.new_state(),
        }
        return f"{self.settings.authorize_url}?{urlencode(query)}"

    def login_with_code(self, code: str, redirect_uri: str) -> None:
        """Exchange the ``code`` from the authorize redirect for tokens (stored for reuse)."""
        if not isinstance(code, str) or not code.strip():
            raise ConfigError(
                f"code must be the non-empty string from the redirect's ?code=, got {describe_value(code)}"
            )
        redirect_uri = check_redirect_uri(redirect_uri)
        self._require_login("login_with_code").login_with_code(code.strip(), redirect_uri)

    def logout(self) -> bool:
        """Revoke the tokens and delete the stored token file; True when revocation succeeded."""
        return self.tokens.logout() if self.tokens is not None else True

    def close(self) -> None:
        """Close the session and its cache connection; stop the demo emulator."""
        if self._closed:
            return
        self._closed = True
        self.results.clear()
        self.session.close()  # type: ignore[no-untyped-call]
        for directory in self.owned_dirs:
            shutil.rmtree(directory, ignore_errors=True)
        if self.emulator is not None:
            stop_server(self.emulator)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "demo (local emulator)" if self.demo else self.settings.base_url
        return f"<tpnb.Connection {mode}, cache={self.settings.cache_backend}>"

    # ------------------------------------------------------------------ internals
    def _require_login(self, what: str) -> TokenManager:
        if self.tokens is None:
            raise ConfigError(
                f"{what} needs an OAuth login: set TRUSTPILOT_API_SECRET, and "
                "TRUSTPILOT_USERNAME/TRUSTPILOT_PASSWORD (or use tp.login_with_code)"
            )
        return self.tokens

    def _url(self, path: str, api: Api) -> str:
        if api not in ("api", "invitations"):
            raise ValueError(f"api must be 'api' or 'invitations', got {api!r}")
        if not path.startswith("/") or "://" in path:
            raise ValueError(
                f"path must be relative to the API root and start with '/', got {path!r}"
            )
        root = self.settings.base_url if api == "api" else self.settings.invitations_url
        return root + path

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        private: bool,
        api: Api,
        list_key: str | None = None,
    ) -> Any:
        url = self._url(path, api)
        headers = {"apikey": str(self.settings.api_key), "Accept": "application/json"}
        bearer = None
        if private:
            bearer = self._require_login(f"the private call {method} {path}").bearer()
            headers["Authorization"] = f"Bearer {bearer}"
        kwargs: dict[str, Any] = {"params": dict(params) if params else None, "headers": headers}
        if json is not None:
            kwargs["json"] = json
        if list_key is not None:
            kwargs["list_key"] = list_key
        response = self._send(method, url, **kwargs)
        # Trustpilot's guidance: on a private call re-authenticate once on 401/403, then raise
        if response.status_code in (401, 403) and bearer is not None and self.tokens is not None:
            renewed = self.tokens.renew_after_refusal(bearer, response.status_code)
            if renewed is not None:
                logger.info(
                    "tpnb: %s %s answered %d; renewing the token once",
                    method,
                    path,
                    response.status_code,
                )
                headers["Authorization"] = f"Bearer {renewed}"
                response = self._send(method, url, **kwargs)
        return self._decode(response, method, path)

    def _decode(self, response: requests.Response, method: str, path: str) -> Any:
        if response.status_code >= 400 or response.status_code < 200:
            raise api_error_for(
                response,
                method=method,
                path=path,
                secrets=self._secrets(),
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if not response.content:
            return None
        # taken off the response: a memory cache may hold the very object (and later reuse it)
        parsed = vars(response).pop("tpnb_json", UNPARSED)
        if parsed is not UNPARSED:
            return parsed
        try:
            return decode_json(response.content)
        except ValueError:
            pass  # raised below: a chained decode error would keep the whole body
        raise APIError(
            response.status_code, "the response body is not valid JSON", method=method, path=path
        )

    def _send(
        self, method: str, url: str, *, replayable: bool = False, **kwargs: Any
    ) -> requests.Response:
        """One logical request, with retries (:meth:`tpnb.http.transport.Transport.send`)."""
        return self.transport.send(method, url, replayable=replayable, **kwargs)

    def _post_token_form(
        self, url: str, form: Mapping[str, str], *, replayable: bool = False
    ) -> requests.Response:
        """POST to a token endpoint with the client's Basic auth (never cached).

        ``replayable`` (logins that may be repeated) enables the retries of :meth:`_send`; a
        refresh or a code exchange is sent once (its token works only once).
        """
        auth = HTTPBasicAuth(str(self.settings.api_key), str(self.settings.api_secret))
        return self._send(
            "POST",
            url,
            replayable=replayable,
            data=dict(form),
            auth=auth,
            headers={"Accept": "application/json"},
        )


def stop_server(server: Any) -> None:
    """Stop an embedded server by whichever of ``close``/``stop``/``shutdown`` it has."""
    for name in ("close", "stop", "shutdown"):
        stop = getattr(server, name, None)
        if callable(stop):
            stop()
            return
