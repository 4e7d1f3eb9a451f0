"""tpnb's settings: one frozen object, read from the environment in one place.

``Settings.from_env(**overrides)`` reads ``TRUSTPILOT_API_KEY``, ``TRUSTPILOT_API_SECRET``,
``TRUSTPILOT_USERNAME``, ``TRUSTPILOT_PASSWORD`` and tpnb's own ``TPNB_*`` variables (listed in
:data:`ENV_VARS`); keyword overrides win over the environment, and an override of ``None`` means
"not given". String values are stripped of surrounding white space, keywords like environment
values. Every value is checked when the object is built: a bad one raises
:class:`~tpnb.errors.ConfigError` naming the setting and what is allowed (numbers: finite and
within :data:`NUMBER_RANGES`; credentials: no control characters, the api key and secret visible
ASCII), never a credential's value. Secrets never appear in the repr.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tpnb.errors import ConfigError

__all__ = [
    "CACHE_BACKENDS",
    "DEFAULT_AUTHORIZE_URL",
    "DEFAULT_BASE_URL",
    "DEFAULT_CACHE_EXPIRY",
    "DEFAULT_INVITATIONS_URL",
    "DEFAULT_PACE_LIMITS",
    "ENV_VARS",
    "MAX_CACHE_SECONDS",
    "NUMBER_RANGES",
    "SECRET_FIELDS",
    "Settings",
    "check_redirect_uri",
    "check_setting_names",
    "describe_value",
    "is_loopback_url",
    "mask_userinfo",
]

DEFAULT_BASE_URL = "https://api.trustpilot.com/v1"
DEFAULT_INVITATIONS_URL = "https://invitations-api.trustpilot.com/v1"
DEFAULT_AUTHORIZE_URL = "https://authenticate.trustpilot.com"
DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 4
DEFAULT_BACKOFF_FACTOR = 0.5
DEFAULT_BACKOFF_MAX = 30.0
#: The 833-calls window's length: a 429 from it asks for at most this; the hour's window for more.
DEFAULT_RETRY_AFTER_MAX = 300.0
DEFAULT_TOKEN_REFRESH_SKEW = 300.0
#: Trustpilot's guidance: at most 833 calls per 5 minutes and 10,000 per hour (calls, seconds).
DEFAULT_PACE_LIMITS: tuple[tuple[int, float], ...] = ((833, 300.0), (10_000, 3600.0))
#: Seconds a response *without* cache headers is kept, per resource class (see tpnb.http.cachepolicy).
#: 0 means "not cached". Responses with Cache-Control/ETag follow their headers instead.
DEFAULT_CACHE_EXPIRY: Mapping[str, float] = MappingProxyType(
    {
        "business_unit_ids": 30 * 86400.0,  # business-units/find: ids never change
        "profiles": 86400.0,  # business units, profile info, scores, consumers: about a day
        "resources": 7 * 86400.0,  # categories, resources (images, strings, countries)
        "reviews": 600.0,  # review lists and single reviews: short
        "private": 0.0,  # customer-API responses
        "default": 300.0,  # any other public GET
    }
)
CACHE_BACKENDS = ("sqlite", "memory", "redis")
#: The words ``review_store`` takes besides a path (see :class:`Settings`).
REVIEW_STORE_WORDS = ("memory", "off")
SECRET_FIELDS = ("api_key", "api_secret", "password")
#: Longest a response is kept in the cache, whatever a setting or a response header asks: ten years
#: (a response's larger ``max-age`` is clamped to it, see :mod:`tpnb.http.cachepolicy`).
MAX_CACHE_SECONDS = 10 * 365 * 86400.0
#: Allowed (lowest, highest) value of each numeric setting: beyond them a value is a mistake
#: (``inf``, ``nan``, a negative time-out) that would fail later, deep in a request.
NUMBER_RANGES: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "timeout": (1e-3, 3600.0),
        "connect_timeout": (1e-3, 3600.0),
        "max_retries": (0.0, 100.0),
        "backoff_factor": (0.0, 3600.0),
        "backoff_max": (0.0, 86400.0),
        "retry_after_max": (0.0, 86400.0),
        "token_refresh_skew": (0.0, 86400.0),
        "cache_expiry": (0.0, MAX_CACHE_SECONDS),
        "pace_limits calls": (1.0, 1e9),
        "pace_limits seconds": (1e-3, 7 * 86400.0),
    }
)
#: Settings stripped of surrounding white space, whether given as keywords or in the environment.
STRIPPED_FIELDS = (
    "api_key", "api_secret", "username", "password", "business_user_id", "base_url",
    "invitations_url", "authorize_url", "cache_backend", "redis_url",
)  # fmt: skip

#: Environment variable -> Settings field.
ENV_VARS: Mapping[str, str] = MappingProxyType(
    {
        "TRUSTPILOT_API_KEY": "api_key",
        "TRUSTPILOT_API_SECRET": "api_secret",
        "TRUSTPILOT_USERNAME": "username",
        "TRUSTPILOT_PASSWORD": "password",
        "TPNB_BUSINESS_USER_ID": "business_user_id",
        "TPNB_BASE_URL": "base_url",
        "TPNB_INVITATIONS_URL": "invitations_url",
        "TPNB_AUTHORIZE_URL": "authorize_url",
        "TPNB_CACHE_BACKEND": "cache_backend",
        "TPNB_CACHE_PATH": "cache_path",
        "TPNB_CACHE_EXPIRY": "cache_expiry",
        "TPNB_REDIS_URL": "redis_url",
        "TPNB_TOKEN_DIR": "token_dir",
        "TPNB_REVIEW_STORE": "review_store",
        "TPNB_TIMEOUT": "timeout",
        "TPNB_CONNECT_TIMEOUT": "connect_timeout",
        "TPNB_MAX_RETRIES": "max_retries",
        "TPNB_BACKOFF_FACTOR": "backoff_factor",
        "TPNB_BACKOFF_MAX": "backoff_max",
        "TPNB_RETRY_AFTER_MAX": "retry_after_max",
        "TPNB_PACE_LIMITS": "pace_limits",
        "TPNB_TOKEN_REFRESH_SKEW": "token_refresh_skew",
        "TPNB_DEMO": "demo",
    }
)


def is_loopback_url(url: str) -> bool:
    """True when ``url``'s host is ``localhost`` or a loopback IP address."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mask_userinfo(url: str) -> str:
    """``url`` with any ``user:password@`` part shown as ``***@`` (for reprs and messages)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def check_setting_names(names: Iterable[str]) -> None:
    """Raise a :class:`ConfigError` listing the allowed names when one of ``names`` is unknown."""
    fields = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(names) - fields)
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(fields))}"
        )


@dataclass(frozen=True)
class Settings:
    """Everything a tpnb connection needs, validated once.

    Attributes:
        api_key: The API key ("client id"); sent only as the ``apikey`` header.
        api_secret: The API secret, used only for the OAuth token endpoint.
        username: A business user's login, for the password grant.
        password: That user's password.
        business_user_id: The business user's id, when known: partitions the cache for private
            calls, and names the authorization-code login a new session resumes.
        base_url: The API root; any non-loopback host must be https.
        invitations_url: The invitations API root.
        authorize_url: Where the authorization-code flow sends the browser.
        cache_backend: ``"sqlite"`` (default), ``"memory"`` or ``"redis"``.
        cache_path: The SQLite file (default: the user cache directory).
        cache_expiry: Seconds per resource class for responses without cache headers.
        redis_url: ``redis://`` URL when ``cache_backend="redis"``.
        token_dir: Where tokens are stored (default: the user state directory).
        review_store: Where ``reviews()`` / ``all_reviews()`` keep their local review store
            (:mod:`tpnb.store.reviewstore`): ``None`` (default) ``reviews.sqlite`` in the user
            cache directory, a file path, ``"memory"`` (a temporary file removed by
            ``close()``; the default in demo mode) or ``"off"`` (every call walks the API).
        timeout: Read time-out in seconds, on every request.
        connect_timeout: Connect time-out in seconds.
        max_retries: Retries after the first attempt (connection errors, 429, 500/502/503/504).
        backoff_factor: Base of the exponential back-off, in seconds.
        backoff_max: Longest back-off between two attempts.
        retry_after_max: Longest ``Retry-After`` honoured (default 300 s, the 5-minute window of
            the rate limit, as long as tpnb's own pacing may wait); a longer one fails at once.
        pace_limits: ``(calls, seconds)`` windows the client never exceeds (it sleeps instead).
        token_refresh_skew: Refresh this many seconds before the token expires (at most a tenth
            of the token's lifetime).
        demo: ``True`` forces demo mode, ``False`` forbids it, ``None`` = demo when no credentials.
    """

    api_key: str | None = field(default=None, repr=False)
    api_secret: str | None = field(default=None, repr=False)
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    business_user_id: str | None = None
    base_url: str = DEFAULT_BASE_URL
    invitations_url: str = DEFAULT_INVITATIONS_URL
    authorize_url: str = DEFAULT_AUTHORIZE_URL
    cache_backend: str = "sqlite"
    cache_path: Path | None = None
    cache_expiry: Mapping[str, float] = field(default_factory=lambda: DEFAULT_CACHE_EXPIRY)
    redis_url: str | None = None
    token_dir: Path | None = None
    review_store: str | Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR
    backoff_max: float = DEFAULT_BACKOFF_MAX
    retry_after_max: float = DEFAULT_RETRY_AFTER_MAX
    pace_limits: tuple[tuple[int, float], ...] = DEFAULT_PACE_LIMITS
    token_refresh_skew: float = DEFAULT_TOKEN_REFRESH_SKEW
    demo: bool | None = None

    def __post_init__(self) -> None:
        for name in STRIPPED_FIELDS:  # keywords like environment values (a key read from a file)
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, value.strip())
        for name in ("base_url", "invitations_url", "authorize_url"):
            url = str(getattr(self, name)).rstrip("/")
            object.__setattr__(self, name, url)
            parts = urlsplit(url)
            if "@" in parts.netloc:  # first, so no message below can echo a password
                raise ConfigError(
                    f"{name} must not carry credentials (user:password@ in "
                    f"{mask_userinfo(url)!r}): pass them as api_key/api_secret/username/password"
                )
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ConfigError(f"{name} must be an http(s) URL with a host, got {url!r}")
            if parts.scheme != "https" and not is_loopback_url(url):
                raise ConfigError(
                    f"{name} must use https for a non-loopback host (got {url!r}); "
                    "plain http is allowed only for localhost/127.0.0.1, e.g. the emulator"
                )
            if parts.query or parts.fragment:
                raise ConfigError(f"{name} must not carry a query or fragment")
        if self.cache_backend not in CACHE_BACKENDS:
            raise ConfigError(
                f"cache_backend must be one of {', '.join(CACHE_BACKENDS)}, "
                f"got {self.cache_backend!r}"
            )
        if self.cache_backend == "redis" and not self.redis_url:
            raise ConfigError("cache_backend='redis' needs redis_url (or TPNB_REDIS_URL)")
        if self.redis_url is not None and not isinstance(self.redis_url, str):
            raise ConfigError(
                f"redis_url must be a string such as 'redis://localhost:6379/0', "
                f"got {describe_value(self.redis_url)}"
            )
        store = self.review_store
        if store is not None and str(store).strip() not in REVIEW_STORE_WORDS:
            if not isinstance(store, (str, os.PathLike)) or not str(store).strip():
                raise ConfigError(
                    "review_store must be a file path, 'memory', 'off' or None (the user cache "
                    f"directory), got {describe_value(store)}"
                )
            object.__setattr__(self, "review_store", Path(store).expanduser())
        elif isinstance(store, str):
            object.__setattr__(self, "review_store", store.strip())
        for name in ("cache_path", "token_dir"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value).expanduser())
        expiry = dict(DEFAULT_CACHE_EXPIRY)
        for key, seconds in dict(self.cache_expiry).items():
            if key not in DEFAULT_CACHE_EXPIRY:
                raise ConfigError(
                    f"cache_expiry has an unknown resource class {key!r}; "
                    f"allowed: {', '.join(DEFAULT_CACHE_EXPIRY)}"
                )
            expiry[key] = _number(f"cache_expiry[{key}]", seconds, "cache_expiry")
        object.__setattr__(self, "cache_expiry", MappingProxyType(expiry))
        for name in (
            "timeout", "connect_timeout", "backoff_factor", "backoff_max", "retry_after_max",
            "token_refresh_skew",
        ):  # fmt: skip
            object.__setattr__(self, name, _number(name, getattr(self, name)))
        object.__setattr__(self, "max_retries", _whole("max_retries", self.max_retries))
        object.__setattr__(self, "pace_limits", _pace_limits(self.pace_limits))
        if self.demo is not None and not isinstance(self.demo, bool):
            raise ConfigError(f"demo must be True, False or None, got {self.demo!r}")
        self._check_credentials()

    def _check_credentials(self) -> None:
        """Credentials: non-empty strings without control characters; the api key and secret
        visible ASCII (they travel in HTTP headers). Messages never show the value."""
        for name in (*SECRET_FIELDS, "username", "business_user_id"):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{name} must be a non-empty string when given")
            if any(unicodedata.category(char) in CONTROL_CATEGORIES for char in value):
                raise ConfigError(
                    f"{name} must not contain control characters (a line break, tab, NUL, "
                    "zero-width or escape character); check how it was pasted or read from a file"
                )
            visible = value.isascii() and value.isprintable() and " " not in value
            if name in ("api_key", "api_secret") and not visible:
                raise ConfigError(
                    f"{name} must be visible ASCII characters without spaces, as Trustpilot "
                    "issues it; check how it was pasted"
                )
        if self.api_secret and not self.api_key:
            raise ConfigError("api_secret is set but api_key is not: set TRUSTPILOT_API_KEY too")
        if bool(self.username) != bool(self.password):
            given, missing = ("username", "password") if self.username else ("password", "username")
            raise ConfigError(
                f"{given} is set but {missing} is not: set both TRUSTPILOT_USERNAME and "
                "TRUSTPILOT_PASSWORD for the password grant, or neither"
            )
        if self.username and not self.api_secret:
            raise ConfigError(
                "a username/password login needs the API secret too: set TRUSTPILOT_API_SECRET"
            )

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from the environment, then apply keyword overrides.

        Args:
            environ: The environment to read (default ``os.environ``).
            **overrides: Field values that win over the environment; ``None`` means "not given".

        Raises:
            ConfigError: An unknown setting name, or a value that is not allowed.
        """
        env = os.environ if environ is None else environ
        check_setting_names(overrides)
        values: dict[str, Any] = {}
        for var, name in ENV_VARS.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                values[name] = _parse_env(var, name, raw.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (validated again).

        Raises:
            ConfigError: An unknown setting name, or a value that is not allowed.
        """
        check_setting_names(changes)
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ derived
    @property
    def has_credentials(self) -> bool:
        """True when an API key is set (public calls possible)."""
        return bool(self.api_key)

    @property
    def can_login(self) -> bool:
        """True when private calls can get a token without a browser (key and secret set)."""
        return bool(self.api_key and self.api_secret)

    def secrets(self) -> tuple[str, ...]:
        """The secret values set here (for redaction), the Redis URL's password included."""
        redis_password = urlsplit(self.redis_url).password if self.redis_url else None
        return tuple(v for v in (self.api_key, self.api_secret, self.password, redis_password) if v)

    def __repr__(self) -> str:
        shown = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in (*SECRET_FIELDS, "username"):
                shown.append(f"{f.name}={'<set>' if value else None}")
            elif f.name == "cache_expiry":
                shown.append(f"cache_expiry={dict(value)!r}")
            elif f.name == "redis_url" and value:
                shown.append(f"redis_url={mask_userinfo(value)!r}")
            else:
                shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"


#: Unicode categories refused in a credential: controls, format (zero-width) and line separators.
CONTROL_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def _number(name: str, value: Any, kind: str | None = None) -> float:
    """``value`` as a float within :data:`NUMBER_RANGES` of ``kind`` (default: ``name``).

    Raises:
        ConfigError: Not a number, not finite, or out of range; the message names the setting and
            the allowed range.
    """
    lowest, highest = NUMBER_RANGES[kind or name]
    allowed = f"{name} must be a number from {_show(lowest)} to {_show(highest)}"
    if isinstance(value, bool):
        raise ConfigError(f"{allowed}, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{allowed}, got {describe_value(value)}") from None
    if not math.isfinite(number) or not lowest <= number <= highest:
        raise ConfigError(f"{allowed}, got {describe_value(value)}")
    return number


def _whole(name: str, value: Any, kind: str | None = None) -> int:
    """``value`` as a whole number within :data:`NUMBER_RANGES` of ``kind`` (default: ``name``)."""
    number = _number(name, value, kind)
    if number != int(number):
        lowest, highest = NUMBER_RANGES[kind or name]
        raise ConfigError(
            f"{name} must be a whole number from {_show(lowest)} to {_show(highest)}, got {value!r}"
        )
    return int(number)


def _show(number: float) -> str:
    """A range bound as people write it: ``0.001``, ``3600``, ``315,360,000``."""
    return f"{number:,.0f}" if number == int(number) else f"{number:g}"


def _pace_limits(value: Any) -> tuple[tuple[int, float], ...]:
    try:
        pairs = tuple((c, s) for c, s in value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"pace_limits must be (calls, seconds) pairs like ((833, 300), (10000, 3600)), "
            f"got {value!r}"
        ) from None
    return tuple(
        (_whole("pace_limits calls", calls), _number("pace_limits seconds", seconds))
        for calls, seconds in pairs
    )


def _parse_env(var: str, name: str, raw: str) -> Any:
    """Turn one environment string into the field's type (checked later by Settings)."""
    try:
        if name == "pace_limits":  # "833/300,10000/3600"
            return tuple(
                (int(c), float(s))
                for c, s in (part.split("/") for part in raw.split(",") if part.strip())
            )
        if name == "cache_expiry":  # "reviews=60,profiles=3600"
            return {
                k.strip(): float(v)
                for k, v in (part.split("=") for part in raw.split(",") if part.strip())
            }
    except ValueError:
        example = "833/300,10000/3600" if name == "pace_limits" else "reviews=60,profiles=3600"
        raise ConfigError(f"{var} must look like {example!r}, got {raw!r}") from None
    if name == "demo":
        lowered = raw.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{var} must be true or false, got {raw!r}")
    return raw


def check_redirect_uri(value: Any) -> str:
    """``value`` when it is a usable OAuth redirect URI, else a :class:`ConfigError`.

    Allowed: an absolute ``https://`` URL (``http://`` only on a loopback host such as
    ``localhost`` or ``127.0.0.1``), without a ``#fragment``, as registered for the api key.
    """
    allowed = (
        "an absolute https:// URL (http:// only on localhost/127.0.0.1) without a #fragment, "
        "exactly as registered for the api key"
    )
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"redirect_uri must be {allowed}; got {describe_value(value)}")
    uri = str(value).strip()
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ConfigError(f"redirect_uri is not a valid URL; it must be {allowed}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        raise ConfigError(f"redirect_uri must be {allowed}; got {describe_value(uri)}")
    if parts.scheme == "http" and not is_loopback_url(uri):
        raise ConfigError(
            f"redirect_uri must use https off loopback (http only for localhost); got {uri!r}"
        )
    return uri


def describe_value(value: Any) -> str:
    """A short description of a bad argument: its repr when short and simple, else its type."""
    if value is None or isinstance(value, (str, int, float, bool)):
        text = repr(value)
        return text if len(text) <= 80 else text[:77] + "..."
    return f"a {type(value).__name__}"
