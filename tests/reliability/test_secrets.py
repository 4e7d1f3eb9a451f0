"""Secret scan: every flow run with distinctive secrets, then every trace searched for them.

The emulator gets a new API client (distinctive key and secret) and the demo business user a
distinctive password; the webhook receiver a distinctive Basic password. Every flow runs: the
password, client-credentials, authorization-code and refresh grants, public and private calls,
errors (401, 403, 404, a bad login), retries under faults and a 429, the archive (sync) and the
webhook receiver, logout. The access and refresh tokens the emulator issued are collected too.
Then every file written under the test's directory (cache, WAL, token store, archive, Parquet),
the captured DEBUG log records, stdout/stderr (the token store's own files may hold the
tokens, nothing else may), the text, repr and formatted traceback of every
exception, and the repr of every object a notebook would show are searched for each secret,
its Basic-auth form and a fragment of it: zero hits.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import requests
from kit.clients import client_for
from kit.ledger import SCANS
from kit.server import GENEROUS_RATE_LIMITS, GENEROUS_REFRESH_LIMIT

from tpnb.emulator import EmulatorServer, serve
from tpnb.emulator.data.accounts import ApiClient
from tpnb.errors import TpnbError

KEY = "RELKEY-q7Zt3vXw9PkLm2Nb"
SECRET = "RELSECRET-Hx4Jd8Rf1Tg6Yc0V"
PASSWORD = "RELPASS-Wn5Bs2Ke7Qa9Lp3U"
HOOK_PASSWORD = "RELHOOK-Mv8Cz1Xr4Fe6Dj0S"
WRONG_KEY = "RELWRONGKEY-Gy2Hu5Ni8Ok1Pl4M"
WRONG_PASSWORD = "RELWRONGPW-Tb3Vc6Xz9As2Dq5E"
REDIRECT = "http://127.0.0.1/callback"


@pytest.fixture
def secret_server() -> Iterator[EmulatorServer]:
    """A private emulator knowing the distinctive api client and password."""
    with serve(
        scale=0.02, rate_limits=GENEROUS_RATE_LIMITS, refresh_limit=GENEROUS_REFRESH_LIMIT
    ) as server:
        ds = server.dataset
        ds.accounts.clients[KEY] = ApiClient(KEY, SECRET, "reliability", (REDIRECT,))
        demo = ds.user_by_username(server.credentials["username"])
        assert demo is not None
        changed = dataclasses.replace(demo, password=PASSWORD)
        ds.accounts.replace_user(changed)
        yield server


class Traces:
    """Everything a run leaves behind that a person or another process could read."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.texts: list[tuple[str, str]] = []  # (where, text)
        self.tokens: set[str] = set()

    def collect_tokens(self) -> None:
        """The access and refresh tokens the emulator has issued so far."""
        store = self.server.state.tokens
        self.tokens |= set(store._access) | set(store._refresh) | set(store._codes)

    def shown(self, where: str, obj: Any) -> None:
        """What a notebook shows of an object: its repr and str."""
        self.texts.append((f"repr {where}", repr(obj)))
        self.texts.append((f"str {where}", str(obj)))

    def error(self, where: str, exc: BaseException) -> None:
        """An exception as a notebook shows it: message, repr, full chained traceback."""
        self.shown(where, exc)
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.texts.append((f"traceback {where}", tb))
        response = getattr(exc, "response", None)
        request = getattr(response, "request", None) or getattr(exc, "request", None)
        if request is not None:  # what `err.response.request` exposes in a notebook
            self.texts.append((f"request {where}", f"{request.url} {dict(request.headers)}"))
            self.texts.append((f"request body {where}", str(request.body)))

    def expect_error(self, where: str, call: Callable[[], Any]) -> BaseException:
        """Run a call that must fail with a typed tpnb error; keep its traces."""
        self.collect_tokens()
        with pytest.raises(TpnbError) as info:
            call()
        self.error(where, info.value)
        return info.value

    def run(self, where: str, call: Callable[[], Any]) -> Any:
        """Run a call that may succeed or fail (retries under faults); keep its traces."""
        try:
            result = call()
        except TpnbError as exc:
            self.error(where, exc)
            return None
        finally:
            self.collect_tokens()
        self.shown(where, type(result))
        return result


def needles(tokens: set[str]) -> dict[str, bytes]:
    """Each secret in the forms it could leak in: raw, URL-quoted, Basic auth, a fragment."""
    secrets = {"api key": KEY, "api secret": SECRET, "password": PASSWORD,
               "webhook password": HOOK_PASSWORD, "wrong api key": WRONG_KEY,
               "wrong password": WRONG_PASSWORD}  # fmt: skip
    secrets |= {f"token {t[:6]}…": t for t in tokens}
    out: dict[str, bytes] = {}
    for name, value in secrets.items():
        out[name] = value.encode()
        out[f"{name} (fragment)"] = value[len(value) // 3 : len(value) // 3 + 10].encode()
        out[f"{name} (quoted)"] = quote_plus(value).encode()
    for user, pw, name in ((KEY, SECRET, "client basic"), ("hook", HOOK_PASSWORD, "hook basic")):
        out[f"{name} auth"] = base64.b64encode(f"{user}:{pw}".encode())
    return out


def test_no_secret_anywhere(
    secret_server: EmulatorServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Every flow, then every file, log record, output, error and repr: zero hits."""
    from tpnb.store import Archive, export_parquet
    from tpnb.store.sync import sync
    from tpnb.store.webhooks import serve as serve_hooks

    caplog.set_level(logging.DEBUG)
    server, admin = secret_server, secret_server.admin
    tr = Traces(server)
    common = {"api_key": KEY, "api_secret": SECRET, "password": PASSWORD,
              "cache_backend": "sqlite", "cache_path": tmp_path / "cache" / "http.sqlite",
              "token_dir": tmp_path / "tokens"}  # fmt: skip
    ds = server.dataset
    user = ds.user_by_username(server.credentials["username"])
    assert user is not None
    unit = max(user.business_unit_ids, key=lambda b: len(ds.query_reviews(business_unit_id=b)))
    other = next(b for b in ds.business_unit_ids() if b not in user.business_unit_ids)
    review_id = ds.review_id(int(ds.query_reviews(business_unit_id=unit)[0]))

    # password grant: public and private calls, a 404, a 403
    tp = client_for(server, tmp_path, **common, fast=True)
    tr.shown("client", tp)
    tr.shown("connection", tp.connection)
    tr.shown("settings", tp.settings)
    tr.shown("session", tp.connection.session)
    tr.shown("token manager", tp.connection.tokens)
    tr.run("business unit", lambda: tp.business_unit(unit))
    tr.run("reviews", lambda: tp.reviews(unit, limit=250, progress=False))
    tr.run("private reviews", lambda: tp.private_reviews(unit, limit=250, progress=False))
    tr.run("private review", lambda: tp.private_review(review_id))
    tr.expect_error("404", lambda: tp.review("0123456789abcdef01234567"))
    tr.expect_error("403", lambda: tp.private_reviews(other, limit=10, progress=False))
    # refresh grant (server-side expiry -> 401 -> refresh), and a revoked token
    admin.expire_tokens()
    tr.run("after expiry", lambda: tp.private_reviews(unit, limit=150, progress=False))
    admin.revoke_all_tokens()
    tr.run("after revocation", lambda: tp.private_review(review_id))
    # retries: 5xx, dropped and truncated answers, then a 429 storm
    admin.set_faults(seed=3, error_rates={500: 0.2, 503: 0.2}, truncate_rate=0.1, drop_rate=0.1)
    tr.run("faulted public", lambda: tp.reviews(unit, progress=False))
    tr.run("faulted private", lambda: tp.private_reviews(unit, progress=False))
    admin.reset_faults()
    admin.reset_rate_limits()
    admin.set_rate_limits([(3, 60.0)])
    tr.run("429", lambda: [tp.review(review_id) for _ in range(2)] and tp.reviews(unit))
    admin.set_rate_limits(GENEROUS_RATE_LIMITS)
    admin.reset_rate_limits()

    # the archive: a sync, then the webhook receiver fed by the emulator
    archive_path = tmp_path / "archive" / "reviews.sqlite"
    archive_path.parent.mkdir()
    report = tr.run("sync", lambda: sync(tp, unit, str(archive_path)))
    tr.shown("sync report", report)
    with serve_hooks(str(archive_path), username="hook", password=HOOK_PASSWORD) as hooks:
        tr.shown("receiver", hooks)
        tr.shown("receiver app", hooks.receiver)
        admin.add_webhook(hooks.subscription_url(HOOK_PASSWORD), unit)
        new_id = admin.add_review(unit, stars=5, title="t", text="secret scan review")
        admin.update_review(new_id, text="edited")
        admin.delete_review(review_id)
        assert admin.flush_webhooks(10)
        for auth in (None, ("hook", WRONG_PASSWORD)):
            answer = requests.post(hooks.url, json={"events": []}, auth=auth, timeout=5)
            assert answer.status_code == 401
            tr.texts.append(("receiver 401 body", answer.text))
    with Archive(archive_path) as archive:
        tr.shown("archive", archive)
        tr.run("archive reviews", lambda: archive.reviews(unit))
        tr.run("parquet", lambda: export_parquet(archive, tmp_path / "parquet"))
    tp.close()

    # client-credentials grant, authorization-code grant, a bad login, a wrong api key, logout
    cc = client_for(server, tmp_path, **{**common, "username": None, "password": None}, fast=True)
    tr.run("client credentials", lambda: cc.private_reviews(unit, limit=10, progress=False))
    cc.close()
    ac = client_for(server, tmp_path, **{**common, "username": None, "password": None}, fast=True)
    url = tr.run("authorize url", lambda: ac.authorization_url(REDIRECT, state="s1"))
    assert url
    assert SECRET not in url
    code = server.state.tokens.create_code(KEY, user.id, REDIRECT)
    tr.run("code login", lambda: ac.login_with_code(code, REDIRECT))
    tr.run("code private", lambda: ac.private_reviews(unit, limit=10, progress=False))
    tr.run("logout", ac.logout)
    ac.close()
    bad = client_for(
        server,
        tmp_path,
        **{**common, "password": WRONG_PASSWORD, "token_dir": tmp_path / "t2"},
        fast=True,
    )
    tr.expect_error("bad login", lambda: bad.private_reviews(unit, limit=5, progress=False))
    bad.close()
    wrong = client_for(server, tmp_path / "wrong", **{**common, "api_key": WRONG_KEY}, fast=True)
    tr.expect_error("wrong key", lambda: wrong.business_unit(unit))
    tr.shown("wrong-key settings", wrong.settings)
    wrong.close()
    tr.collect_tokens()
    assert len(tr.tokens) >= 6, "the flows should have issued several tokens"

    # search
    out, err = capfd.readouterr()
    places: list[tuple[str, bytes]] = [("stdout", out.encode()), ("stderr", err.encode())]
    for record in caplog.records:
        text = f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        places.append((f"log {record.name}", text.encode()))
    places += [(where, text.encode()) for where, text in tr.texts]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.startswith("token") for p in files), "no token file was written"
    assert any("wal" in p.name or p.suffix == ".sqlite" for p in files)
    places += [(f"file {p.relative_to(tmp_path)}", p.read_bytes()) for p in files]
    hits = [
        f"{name} in {where}"
        for where, blob in places
        for name, needle in needles(tr.tokens).items()
        if needle in blob and not (name.startswith("token ") and _is_token_file(where))
    ]
    stored = [
        w for w, blob in places if _is_token_file(w) and any(t.encode() in blob for t in tr.tokens)
    ]
    assert stored, "control: the issued tokens should be found in the token store's files"
    SCANS["every flow (grants, calls, errors, retries, archive, webhooks)"] = (
        len(places),
        len(hits),
    )
    assert not hits, "secrets found:\n" + "\n".join(sorted(set(hits))[:40])
    assert len(caplog.records) > 10, "DEBUG logging captured nothing: the scan proves little"


def _is_token_file(where: str) -> bool:
    """The token store's own files: the one place tokens belong (0600, see below)."""
    name = where.rsplit("/", 1)[-1]
    return where.startswith("file ") and name.startswith("token-") and name.endswith(".json")


def test_token_files_private(secret_server: EmulatorServer, tmp_path: Path) -> None:
    """Token files are 0600 inside a 0700 directory; the cache file is not world-readable."""
    tokens = tmp_path / "state" / "tokens"
    tp = client_for(
        secret_server, tmp_path, api_key=KEY, api_secret=SECRET, password=PASSWORD,
        token_dir=tokens, cache_backend="sqlite", cache_path=tmp_path / "c" / "http.sqlite", fast=True,
    )  # fmt: skip
    with tp:
        unit = sorted(
            secret_server.dataset.user_by_username(tp.settings.username).business_unit_ids
        )
        tp.private_reviews(unit[-1], limit=5, progress=False)
    files = list(tokens.iterdir())
    assert files
    assert tokens.stat().st_mode & 0o777 == 0o700
    for path in files:
        if path.suffix == ".json":
            assert path.stat().st_mode & 0o777 == 0o600, path.name
    cache = tmp_path / "c" / "http.sqlite"
    assert cache.stat().st_mode & 0o077 == 0, oct(cache.stat().st_mode)
    assert (tmp_path / "c").stat().st_mode & 0o077 == 0


def test_quote_is_the_url_form() -> None:
    """The quoted needle matches how a secret would appear inside a URL."""
    assert quote(PASSWORD, safe="") == quote_plus(PASSWORD)
