"""No secret is reachable from an exception tpnb raises.

Each failing login (a dropped connection, 400, 401, 429, 5xx, a cut body; password, client
credentials, authorization code and refresh) runs against a private emulator with distinctive
credentials. The raised exception is then walked, to a bounded depth: its ``__cause__`` and
``__context__`` chain, its ``args`` and attributes, and what those hold (a kept request's body
and headers, a response, a JSON error's document...). Every string or bytes met, and the
message, repr and formatted traceback, are searched for every secret and token in its raw,
``repr``-escaped, URL-quoted and Basic-auth forms. (Traceback *frames* are not walked: their
local variables hold the settings by design, and a notebook shows a traceback's code lines, not
its locals.)
"""

from __future__ import annotations

import base64
import dataclasses
import json
import traceback
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import pytest
import requests
from kit.clients import settings_for
from kit.ledger import LEDGER
from kit.server import GENEROUS_RATE_LIMITS, GENEROUS_REFRESH_LIMIT
from kit.truth import CLEAR, WRONG

from tpnb.emulator import EmulatorServer, serve
from tpnb.emulator.data.accounts import ApiClient
from tpnb.errors import TpnbError
from tpnb.http.connection import Connection

KEY = "EXCKEY-r4Tn8Wq2Zm6Yv1Lp"
SECRET = "EXCSECRET-b7Hs3Kd9Xc5Fj0Gu"
PASSWORD = "EXCPASS-n2Wd6Qz8Rt4Ym1Vk"
WRONG_PASSWORD = "EXCWRONG-p9Lk3Fs7Hd1Ja5Wq"
WRONG_SECRET = "EXCWRONGSECRET-e6Ty2Gu8Bn4Mv0"
REDIRECT = "http://127.0.0.1/callback"
TOKENS = "/oauth/oauth-business-users-for-applications"
MAX_DEPTH = 9
FAULT = "failing login: no secret reachable from the exception"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """A private emulator knowing a distinctive api client and password."""
    with serve(
        scale=0.02, rate_limits=GENEROUS_RATE_LIMITS, refresh_limit=GENEROUS_REFRESH_LIMIT
    ) as emulator:
        ds = emulator.dataset
        ds.accounts.clients[KEY] = ApiClient(KEY, SECRET, "exceptions", (REDIRECT,))
        demo = ds.user_by_username(emulator.credentials["username"])
        assert demo is not None
        changed = dataclasses.replace(demo, password=PASSWORD)
        ds.accounts.replace_user(changed)
        yield emulator


@pytest.fixture
def clean(server: EmulatorServer) -> Iterator[EmulatorServer]:
    yield server
    server.admin.reset_faults()
    server.admin.set_rate_limits(GENEROUS_RATE_LIMITS)
    server.admin.reset_rate_limits()
    server.admin.set_refresh_limit(*GENEROUS_REFRESH_LIMIT)


def forms(value: str) -> dict[str, str]:
    """The ways a secret could show up in text."""
    return {
        "raw": value,
        "repr": repr(value)[1:-1],
        "json": json.dumps(value)[1:-1],
        "quoted": quote_plus(value),
        "quoted path": quote(value, safe=""),
        "fragment": value[len(value) // 3 : len(value) // 3 + 10],
    }


def needles(server: EmulatorServer) -> dict[str, bytes]:
    """Every secret (and every token the emulator issued) in every form, as bytes."""
    store = server.state.tokens
    secrets = {
        "api key": KEY,
        "api secret": SECRET,
        "password": PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "wrong secret": WRONG_SECRET,
    }
    secrets |= {f"token {t[:4]}…": t for t in (*store._access, *store._refresh, *store._codes)}
    out = {
        f"{name} ({kind})": text.encode()
        for name, value in secrets.items()
        for kind, text in forms(value).items()
    }
    for user, password in ((KEY, SECRET), (KEY, WRONG_SECRET)):
        out[f"basic {password[:8]}"] = base64.b64encode(f"{user}:{password}".encode())
    return out


def reachable_texts(error: BaseException) -> list[tuple[str, bytes]]:
    """(path, text) of every string and bytes reachable from ``error`` within MAX_DEPTH."""
    found: list[tuple[str, bytes]] = []
    seen: set[int] = set()

    def walk(obj: Any, path: str, depth: int) -> None:
        if isinstance(obj, str):
            found.append((path, obj.encode("utf-8", "replace")))
            return
        if isinstance(obj, (bytes, bytearray, memoryview)):
            found.append((path, bytes(obj)))
            return
        if obj is None or isinstance(obj, (int, float, bool, complex)) or depth > MAX_DEPTH:
            return
        if isinstance(obj, (types.ModuleType, type, types.FrameType, types.TracebackType)):
            return
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, BaseException):
            walk(obj.__cause__, path + ".__cause__", depth + 1)
            walk(obj.__context__, path + ".__context__", depth + 1)
            walk(obj.args, path + ".args", depth + 1)
        if isinstance(obj, (types.FunctionType, types.MethodType)):
            walk(getattr(obj, "__self__", None), path + ".__self__", depth + 1)
            for i, cell in enumerate(getattr(obj, "__closure__", None) or ()):
                walk(cell.cell_contents, f"{path}.__closure__[{i}]", depth + 1)
            return
        if isinstance(obj, Mapping) or (hasattr(obj, "items") and callable(obj.items)):
            try:
                items = list(obj.items())
            except Exception:
                items = []
            for key, value in items:
                walk(key, f"{path}[key]", depth + 1)
                walk(value, f"{path}[{key!r}]", depth + 1)
        elif isinstance(obj, (list, tuple, set, frozenset)):
            for i, item in enumerate(obj):
                walk(item, f"{path}[{i}]", depth + 1)
        attributes: dict[str, Any] = dict(getattr(obj, "__dict__", None) or {})
        for cls in type(obj).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if isinstance(name, str) and hasattr(obj, name):
                    attributes[name] = getattr(obj, name)
        for name, value in attributes.items():
            walk(value, f"{path}.{name}", depth + 1)

    walk(error, "e", 0)
    shown = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    found += [
        ("str", str(error).encode()),
        ("repr", repr(error).encode()),
        ("traceback", shown.encode()),
    ]
    return found


def leaks(server: EmulatorServer, error: BaseException) -> list[str]:
    """``"<secret form> at <path>"`` for every secret reachable from ``error``."""
    texts = reachable_texts(error)
    assert len(texts) > 3, "the walk found nothing: it proves little"
    return [
        f"{name} at {path}"
        for name, needle in needles(server).items()
        for path, text in texts
        if needle in text
    ]


def private_path(server: EmulatorServer) -> str:
    user = server.dataset.user_by_username(server.credentials["username"])
    assert user is not None
    return f"/private/business-units/{sorted(user.business_unit_ids)[0]}/reviews"


def faults_on(server: EmulatorServer, endpoint: str, **faults: Any) -> None:
    prefix = urlsplit(server.api_url).path + f"{TOKENS}/{endpoint}"
    server.admin.set_faults(path_prefix=prefix, **faults)


def code_login(server: EmulatorServer, conn: Connection) -> None:
    user = server.dataset.user_by_username(server.credentials["username"])
    assert user is not None
    conn.login_with_code(server.state.tokens.create_code(KEY, user.id, REDIRECT), REDIRECT)


Setup = Callable[[EmulatorServer, Connection], None]


def nothing(server: EmulatorServer, conn: Connection) -> None:
    """The login runs on the first private call."""


def refresh_prepared(server: EmulatorServer, conn: Connection) -> None:
    """An authorization-code login whose access token the server expired: the next call refreshes."""
    code_login(server, conn)
    conn.get_json(private_path(server), private=True)
    server.admin.expire_tokens()


def revoke_all(server: EmulatorServer) -> None:
    server.admin.revoke_all_tokens()


RETRIES = 2
CASES: dict[str, tuple[dict[str, Any], Setup, Callable[[EmulatorServer], None]]] = {
    "password, dropped": (
        {},
        nothing,
        lambda s: faults_on(s, "accesstoken", drop_next=RETRIES + 1),
    ),
    "password, cut body": (
        {},
        nothing,
        lambda s: faults_on(s, "accesstoken", truncate_next=RETRIES + 1),
    ),
    "password, 503": (
        {},
        nothing,
        lambda s: faults_on(s, "accesstoken", fail_next=[503] * (RETRIES + 1)),
    ),
    "password, 400 wrong password": ({"password": WRONG_PASSWORD}, nothing, lambda s: None),
    "password, 401 wrong secret": ({"api_secret": WRONG_SECRET}, nothing, lambda s: None),
    "password, 429": ({}, nothing, lambda s: s.admin.set_rate_limits([(1, 600.0)])),
    "client credentials, dropped": (
        {"username": None, "password": None},
        nothing,
        lambda s: faults_on(s, "accesstoken", drop_next=RETRIES + 1),
    ),
    "client credentials, cut body": (
        {"username": None, "password": None},
        nothing,
        lambda s: faults_on(s, "accesstoken", truncate_next=RETRIES + 1),
    ),
    "refresh, dropped": (
        {"username": None, "password": None},
        refresh_prepared,
        lambda s: faults_on(s, "refresh", drop_next=1),
    ),
    "refresh, cut body": (
        {"username": None, "password": None},
        refresh_prepared,
        lambda s: faults_on(s, "refresh", truncate_next=1),
    ),
    "refresh, 502": (
        {"username": None, "password": None},
        refresh_prepared,
        lambda s: faults_on(s, "refresh", fail_next=[502]),
    ),
    "refresh, 429": (
        {"username": None, "password": None},
        refresh_prepared,
        lambda s: s.admin.set_refresh_limit(0, 600.0),
    ),
    "refresh, 400 used token": (
        {"username": None, "password": None},
        refresh_prepared,
        lambda s: revoke_all(s),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_secret_reachable_from_a_failing_login(
    clean: EmulatorServer, tmp_path: Path, case: str
) -> None:
    server = clean
    overrides, setup, fault = CASES[case]
    credentials = {"api_key": KEY, "api_secret": SECRET, "password": PASSWORD}
    settings = settings_for(
        server, tmp_path, fast=True, max_retries=RETRIES, **{**credentials, **overrides}
    )
    with Connection(settings) as conn:
        setup(server, conn)
        fault(server)
        with pytest.raises(TpnbError) as info:
            conn.get_json(private_path(server), private=True)
    record(case, info.value, leaks(server, info.value))


def record(case: str, error: BaseException, found: list[str]) -> None:
    """One ledger row per case: a clear error, or wrong when a secret was reachable."""
    evidence = "; ".join(found[:3]) if found else f"{type(error).__name__}, nothing reachable"
    LEDGER.record(FAULT, WRONG if found else CLEAR, f"{case}: {evidence}")
    assert not found, f"{type(error).__name__}: " + "\n".join(sorted(set(found))[:20])


def test_no_secret_reachable_from_a_failing_code_exchange(
    clean: EmulatorServer, tmp_path: Path
) -> None:
    """The code exchange is sent once: a dropped answer is an AuthError without the code."""
    server = clean
    settings = settings_for(
        server, tmp_path, fast=True, api_key=KEY, api_secret=SECRET, username=None, password=None
    )
    with Connection(settings) as conn:
        faults_on(server, "accesstoken", drop_next=1)
        with pytest.raises(TpnbError) as info:
            code_login(server, conn)
    record("code exchange, dropped", info.value, leaks(server, info.value))


API_CASES: dict[str, tuple[dict[str, Any], Callable[[EmulatorServer], Any]]] = {
    "private call, 403 another company's unit": ({}, lambda s: None),
    "public call, 401 wrong api key": ({"api_key": "EXCOTHERKEY-w8Dk2Lq6Zt"}, lambda s: None),
    "private call, 503 after retries": ({}, lambda s: s.admin.set_faults(fail_next=[503] * 9)),
    "public call, dropped": ({}, lambda s: s.admin.set_faults(drop_next=9)),
    "public call, cut body": ({}, lambda s: s.admin.set_faults(truncate_next=9)),
}


@pytest.mark.parametrize("case", sorted(API_CASES))
def test_no_secret_reachable_from_a_failing_api_call(
    clean: EmulatorServer, tmp_path: Path, case: str
) -> None:
    """API errors keep their response (``err.response.status_code``): nothing secret in it."""
    server = clean
    overrides, fault = API_CASES[case]
    credentials = {"api_key": KEY, "api_secret": SECRET, "password": PASSWORD}
    settings = settings_for(
        server, tmp_path, fast=True, max_retries=RETRIES, **{**credentials, **overrides}
    )
    ds = server.dataset
    user = ds.user_by_username(server.credentials["username"])
    assert user is not None
    other = next(b for b in ds.business_unit_ids() if b not in user.business_unit_ids)
    with Connection(settings) as conn:
        if "private" in case:
            conn.get_json(private_path(server), private=True)  # logged in: tokens to find
        if "403" in case:
            path, private = f"/private/business-units/{other}/reviews", True
        else:
            path, private = (
                (private_path(server), True)
                if "private" in case
                else (f"/business-units/{other}/reviews", False)
            )
        fault(server)
        with pytest.raises(TpnbError) as info:
            conn.get_json(path, private=private)
    record(case, info.value, leaks(server, info.value))


def test_the_walk_finds_a_planted_secret(clean: EmulatorServer) -> None:
    """Control: a password in a request body three links down a chain is found."""
    request = requests.Request("POST", "http://127.0.0.1/x", data={"password": PASSWORD})

    def fail() -> None:
        try:
            raise requests.ConnectionError("reset", request=request.prepare())
        except requests.ConnectionError:
            raise TpnbError("outer") from None  # hidden from the traceback, still reachable

    with pytest.raises(TpnbError) as info:
        fail()
    assert any("password (quoted)" in hit for hit in leaks(clean, info.value))


@pytest.mark.parametrize(
    "secret", ["KEY-4f9Qa\n", "pa'ss\\wo\"rd-77", "pässwörd-€-91", "a b&c=d/e+f%20"], ids=repr
)
def test_redaction_covers_every_form_of_a_secret(secret: str) -> None:
    from tpnb.errors import redact

    for kind, form in forms(secret).items():
        if kind == "fragment":
            continue
        text = redact(f"before {form} after; {form!r}; {[form]}", [secret])
        assert form not in text, kind
        assert repr(form)[1:-1] not in text, kind
    try:
        requests.Request("GET", "http://127.0.0.1/", headers={"apikey": secret}).prepare()
    except requests.exceptions.InvalidHeader as error:  # the audit's case: repr(value) inside
        for text in (str(error), repr(error)):
            assert secret.strip() not in redact(text, [secret])


def test_an_invalid_header_is_a_config_error_without_the_value(
    clean: EmulatorServer, tmp_path: Path
) -> None:
    """Settings refuse such a key; should a header value HTTP cannot carry still reach the
    transport, it is a ConfigError (nothing was sent), not a transport failure, and the value
    (which requests quotes with repr) is nowhere in it."""
    from tpnb.errors import ConfigError, TransportError

    bad = KEY + "\n"
    with Connection(settings_for(clean, tmp_path, fast=True, api_key=KEY)) as conn:
        with pytest.raises(ConfigError, match="header") as info:
            conn.transport.send("GET", clean.api_url + "/business-units/x", headers={"apikey": bad})
        assert not isinstance(info.value, TransportError)
        assert conn.stats.requests == 0
    record("invalid header value", info.value, leaks(clean, info.value))
