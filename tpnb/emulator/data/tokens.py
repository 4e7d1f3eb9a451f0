"""OAuth state: access tokens, rotating refresh tokens, authorization codes, refresh throttling.

The token endpoints (:mod:`~tpnb.emulator.api.oauth`) and the gateway's bearer check use it;
defaults come from :mod:`tpnb.emulator.options`.

Behaviour (the source of each item given; [I] marks the emulator's own choices):

* the answer has the field set Trustpilot sent in 2025 ([S] lindar-open/trustpilot-client README,
  a captured password-grant answer; its commit 7728347 dropped the older Apigee fields
  ``status, scope, application_name, organization_name, api_product_list(_json), refresh_count``
  as "not supported"): every value a string, ``issued_at``/``refresh_token_issued_at`` in epoch
  seconds, ``token_type: "BearerToken"``, ``refresh_token_status: "approved"``, ``app_enduser``
  (the business user id) and ``client_id``; access tokens start ``tpa-``, refresh tokens ``tpr-``
  (the rest is redacted in the capture: length and alphabet here are [I]);
* access tokens live ``token_lifetime`` seconds, sent as ``expires_in`` (``"360000"`` = 100 h by
  default, as captured; the docs' sample ``"359999"`` is older); refresh tokens live 90 days
  (``refresh_token_expires_in: "7776000"`` as captured, where the docs say 30 days);
  authorization codes live 10 minutes and work once;
* a refresh answer has the same fields minus ``app_enduser`` and ``client_id`` ([S] as captured);
* a client-credentials answer has no ``refresh_*`` fields (documented: no refresh token) and no
  ``app_enduser`` (there is no business user; [I]: the docs show only ``access_token`` and
  ``expires_in``, no capture is public);
* refresh tokens rotate: a successful refresh invalidates the refresh token used and returns a
  new one; the access token issued earlier stays valid until it expires (as on Apigee);
* refreshing too often: more than ``refresh_limit[0]`` refreshes for one (api client, business
  user) within ``refresh_limit[1]`` seconds is answered 429 (default 5 per 60 s);
* revoking a refresh token also revokes the access token issued with it, and vice versa;
* client-credentials tokens carry no business user and no refresh token.
"""

from __future__ import annotations

import math
import secrets
import string
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tpnb.emulator.options import (
    DEFAULT_REFRESH_LIMIT,
    DEFAULT_TOKEN_LIFETIME,
    checked_token_lifetime,
)

REFRESH_TOKEN_LIFETIME = 7_776_000.0  # 90 days, as captured in 2025 (the docs say 30)
CODE_LIFETIME = 600.0
_ALPHABET = string.ascii_letters + string.digits


ACCESS_TOKEN_PREFIX = "tpa-"
REFRESH_TOKEN_PREFIX = "tpr-"


def _new_token(length: int, prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass
class AccessGrant:
    """One access token's record (the token itself is the store's dict key)."""

    client_key: str
    user_id: str | None
    issued_at: float
    expires_at: float
    refresh_token: str | None = None
    revoked: bool = False


@dataclass
class RefreshGrant:
    """One refresh token's record."""

    client_key: str
    user_id: str
    issued_at: float
    expires_at: float
    access_token: str
    refresh_count: int = 0
    used: bool = False
    revoked: bool = False


@dataclass
class CodeGrant:
    """One authorization code's record."""

    client_key: str
    user_id: str
    redirect_uri: str
    expires_at: float
    used: bool = False


class TokenError(Exception):
    """A token-endpoint failure: HTTP status, Apigee ``ErrorCode`` and message."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


class TokenStore:
    """Thread-safe store of every OAuth grant the emulator has issued."""

    def __init__(
        self,
        *,
        token_lifetime: float = DEFAULT_TOKEN_LIFETIME,
        refresh_limit: tuple[int, float] = DEFAULT_REFRESH_LIMIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token_lifetime = checked_token_lifetime(token_lifetime)
        self.refresh_limit = refresh_limit
        self._clock = clock
        self._lock = threading.Lock()
        self._access: dict[str, AccessGrant] = {}
        self._refresh: dict[str, RefreshGrant] = {}
        self._codes: dict[str, CodeGrant] = {}
        self._refresh_times: dict[tuple[str, str], deque[float]] = {}

    # ------------------------------------------------------------------ issuing
    def issue(
        self,
        client_key: str,
        user_id: str | None,
        *,
        refresh_count: int = 0,
        is_refresh: bool = False,
    ) -> dict[str, str]:
        """Issue an access token (plus a refresh token when ``user_id`` is set).

        Args:
            client_key: The api client's key.
            user_id: The business user the token acts for; ``None`` for client credentials.
            refresh_count: How many refreshes led to this token (kept in the grant only).
            is_refresh: The answer to a refresh (no ``app_enduser``/``client_id``).

        Returns:
            The token answer as Trustpilot sent it in 2025 (every value a string).
        """
        now = self._clock()
        issued_at = str(int(now))
        access = _new_token(28, ACCESS_TOKEN_PREFIX)
        body: dict[str, str] = {
            "access_token": access,
            "issued_at": issued_at,
            "expires_in": str(max(int(self.token_lifetime), 1)),
            "token_type": "BearerToken",
        }
        grant = AccessGrant(client_key, user_id, now, now + self.token_lifetime)
        with self._lock:
            self._access[access] = grant
            if user_id is not None:
                refresh = _new_token(32, REFRESH_TOKEN_PREFIX)
                grant.refresh_token = refresh
                self._refresh[refresh] = RefreshGrant(
                    client_key,
                    user_id,
                    now,
                    now + REFRESH_TOKEN_LIFETIME,
                    access,
                    refresh_count=refresh_count,
                )
                body.update(
                    {
                        "refresh_token": refresh,
                        "refresh_token_issued_at": issued_at,
                        "refresh_token_expires_in": str(int(REFRESH_TOKEN_LIFETIME)),
                        "refresh_token_status": "approved",
                    }
                )
                if not is_refresh:
                    body["app_enduser"] = user_id
        if not is_refresh:
            body["client_id"] = client_key
        return body

    def refresh(self, client_key: str, refresh_token: str) -> dict[str, str]:
        """Redeem a refresh token (single use) for a new access + refresh token pair.

        Raises:
            TokenError: 400 ``invalid_grant`` for an unknown, used, expired, revoked or foreign
                token; 429 when this identity refreshes too often.
        """
        now = self._clock()
        with self._lock:
            grant = self._refresh.get(refresh_token)
            if grant is None or grant.client_key != client_key:
                raise TokenError(400, "invalid_grant", "Invalid Refresh Token")
            if grant.used or grant.revoked:
                raise TokenError(400, "invalid_grant", "Refresh Token has been used or revoked")
            if grant.expires_at <= now:
                raise TokenError(400, "invalid_grant", "Refresh Token expired")
            count, window = self.refresh_limit
            times = self._refresh_times.setdefault((client_key, grant.user_id), deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= count:
                raise TokenError(
                    429,
                    "too_many_requests",
                    f"Refreshing too often: at most {count} refreshes per {window:g} s",
                    retry_after=max(1, math.ceil(times[0] + window - now)) if times else 1,
                )
            times.append(now)
            grant.used = True
            user_id, next_count = grant.user_id, grant.refresh_count + 1
        return self.issue(client_key, user_id, refresh_count=next_count, is_refresh=True)

    def create_code(self, client_key: str, user_id: str, redirect_uri: str) -> str:
        """Create a single-use authorization code for the authorization-code grant."""
        code = _new_token(32)
        with self._lock:
            self._codes[code] = CodeGrant(
                client_key, user_id, redirect_uri, self._clock() + CODE_LIFETIME
            )
        return code

    def redeem_code(self, client_key: str, code: str, redirect_uri: str | None) -> str:
        """Redeem an authorization code; returns the business user id.

        Raises:
            TokenError: 400 ``invalid_grant`` for an unknown/used/expired/foreign code or a
                ``redirect_uri`` different from the one used on the authorize page.
        """
        with self._lock:
            grant = self._codes.get(code)
            if grant is None or grant.client_key != client_key:
                raise TokenError(400, "invalid_grant", "Invalid Authorization Code")
            if grant.used or grant.expires_at <= self._clock():
                raise TokenError(400, "invalid_grant", "Authorization Code expired or used")
            if redirect_uri != grant.redirect_uri:
                raise TokenError(400, "invalid_request", "Invalid redirection uri")
            grant.used = True
            return grant.user_id

    # --------------------------------------------------------------- checking
    def check_access(self, token: str) -> AccessGrant | str:
        """Look an access token up: the grant, or ``"invalid"`` / ``"expired"``."""
        with self._lock:
            grant = self._access.get(token)
            if grant is None or grant.revoked:
                return "invalid"
            if grant.expires_at <= self._clock():
                return "expired"
            return grant

    # --------------------------------------------------------------- revoking
    def revoke(self, token: str) -> bool:
        """Revoke an access or refresh token (and its partner); ``False`` when unknown."""
        with self._lock:
            access = self._access.get(token)
            refresh = self._refresh.get(token)
            if access is not None:
                access.revoked = True
                if access.refresh_token in self._refresh:
                    self._refresh[access.refresh_token].revoked = True
            if refresh is not None:
                refresh.revoked = True
                if refresh.access_token in self._access:
                    self._access[refresh.access_token].revoked = True
            return access is not None or refresh is not None

    def revoke_all(self) -> int:
        """Revoke every access and refresh token; returns how many access tokens were live."""
        with self._lock:
            live = sum(1 for g in self._access.values() if not g.revoked)
            for access in self._access.values():
                access.revoked = True
            for refresh in self._refresh.values():
                refresh.revoked = True
            return live

    def expire_all(self) -> None:
        """Make every access token expired now (refresh tokens keep working)."""
        with self._lock:
            now = self._clock()
            for grant in self._access.values():
                grant.expires_at = min(grant.expires_at, now)

    def reset_refresh_throttle(self) -> None:
        """Forget past refreshes (the 429 throttle starts afresh)."""
        with self._lock:
            self._refresh_times.clear()
