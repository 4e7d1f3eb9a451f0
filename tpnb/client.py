"""``tpnb.connect()`` and the :class:`Client` facade users hold in a notebook.

The client is a facade: the transport lives in :mod:`tpnb.http.connection`, the DataFrame methods in
the mixins of :mod:`tpnb.methods` (one per resource family), the archive sync in :mod:`tpnb.store.sync`. With no credentials anywhere, :func:`connect` starts the
embedded emulator and says so (demo mode).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpnb.config import Settings, check_setting_names
from tpnb.errors import ConfigError
from tpnb.http.connection import Connection, stop_server
from tpnb.http.stats import Stats
from tpnb.methods import DataMethods

if TYPE_CHECKING:
    from tpnb.store import Archive
    from tpnb.store.reviewstore import ReviewStore
    from tpnb.store.sync import SyncReport

__all__ = ["DEMO_NOTICE", "Client", "connect", "open_review_store"]

DEMO_NOTICE = (
    "tpnb demo mode: no Trustpilot credentials found, so this is demo data from the local "
    "emulator at {url} (set TRUSTPILOT_API_KEY to use the real API)."
)


class Client(DataMethods):
    """What ``tpnb.connect()`` returns: one identity's access to the API.

    Every data method returns a typed DataFrame (see :mod:`tpnb.methods`): business units,
    reviews (public and private), consumers, categories, product reviews, tags and replies.

    Attributes:
        connection: The transport (:class:`tpnb.http.connection.Connection`).
    """

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._store: ReviewStore | None = None
        self._store_closed = False
        # a widget's background load and the notebook may open the store at the same time
        self._store_opening = threading.Lock()

    @property
    def review_store(self) -> ReviewStore | None:
        """The local review store behind :meth:`reviews` and :meth:`all_reviews`
        (:mod:`tpnb.store.reviewstore`), opened on first use; ``None`` with
        ``review_store="off"`` or after :meth:`close`."""
        with self._store_opening:
            if self._store is None and not self._store_closed:
                self._store = open_review_store(self.settings, demo=self.demo)
                self._store_closed = self._store is None
            return self._store

    def _review_store(self) -> ReviewStore | None:
        return self.review_store

    @property
    def stats(self) -> Stats:
        """Requests sent, cache hits, 304 revalidations, retries, bytes, token requests."""
        return self.connection.stats

    def watch_pacing(self, listener: Callable[[float], None]) -> Callable[[], None]:
        """Call ``listener(seconds)`` whenever a request is about to wait ``seconds`` for the
        client's pacing (the API's rate limit); returns the function that stops the calls.

        For displays of long loads (see :meth:`tpnb.http.pacing.Pacer.watch`).

        Raises:
            ConfigError: ``listener`` is not callable.
        """
        if not callable(listener):
            raise ConfigError(
                f"listener must be a function taking the seconds to wait, got {listener!r:.60}"
            )
        return self.connection.pacer.watch(listener)

    @property
    def demo(self) -> bool:
        """True when talking to the embedded emulator (demo data)."""
        return self.connection.demo

    @property
    def settings(self) -> Settings:
        """The settings in force (secrets hidden from the repr)."""
        return self.connection.settings

    def authorization_url(self, redirect_uri: str, state: str | None = None) -> str:
        """The browser URL of the authorization-code login (see :meth:`login_with_code`)."""
        return self.connection.authorization_url(redirect_uri, state)

    def login_with_code(self, code: str, redirect_uri: str) -> None:
        """Finish an authorization-code login with the ``code`` from the redirect."""
        self.connection.login_with_code(code, redirect_uri)

    def sync(self, business_unit: str, archive: Archive | str, **options: Any) -> SyncReport:
        """Bring a local archive's copy of one unit's reviews up to date (see :func:`tpnb.store.sync.sync`).

        The first run pulls everything (resumable); later runs fetch only what is new or changed.

        Args:
            business_unit: The unit, as a 24-hex id or a domain.
            archive: An :class:`tpnb.store.Archive` or the path of its file.
            **options: ``full``, ``overlap``, ``recheck``, ``batch_size``, ``wait``, ``progress``.
        """
        from tpnb.store.sync import sync

        return sync(self, business_unit, archive, **options)

    def logout(self) -> bool:
        """Revoke the OAuth tokens and delete the stored token file."""
        return self.connection.logout()

    def close(self) -> None:
        """Close the connection (and stop the demo emulator) and the review store (a temporary
        one is removed)."""
        with self._store_opening:
            store, self._store = self._store, None
            self._store_closed = True
        if store is not None:
            store.close()
        self.connection.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.demo:
            return "<tpnb.Client demo: local emulator, demo data>"
        return f"<tpnb.Client {self.settings.base_url}>"


def open_review_store(settings: Settings, *, demo: bool) -> ReviewStore | None:
    """The review store that ``settings.review_store`` asks for (see :class:`Settings`).

    ``None`` is ``reviews.sqlite`` beside the HTTP cache in the user cache directory, or a
    temporary store in demo mode (a fresh emulator each time); ``"off"``: no store.
    """
    from tpnb.http.backends import default_cache_path
    from tpnb.store.reviewstore import ReviewStore

    choice = settings.review_store
    if choice == "off":
        return None
    if choice == "memory" or (choice is None and demo):
        return ReviewStore.temporary_store()
    path = Path(choice) if choice is not None else default_cache_path().parent / "reviews.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return ReviewStore(path)


def connect(
    demo: bool | None = None,
    *,
    settings: Settings | None = None,
    **overrides: Any,
) -> Client:
    """Connect to the Trustpilot API, or to the embedded emulator in demo mode.

    Credentials come from the arguments or the environment (``TRUSTPILOT_API_KEY``,
    ``TRUSTPILOT_API_SECRET``, ``TRUSTPILOT_USERNAME``, ``TRUSTPILOT_PASSWORD``; ``TPNB_*`` for
    tpnb's own settings, see :class:`tpnb.config.Settings`).

    Args:
        demo: ``None`` (default): demo mode only when no API key is set anywhere; ``True``:
            always the emulator; ``False``: never (raises when credentials are missing).
        settings: Ready-made settings (then ``overrides`` are applied on top).
        **overrides: Any :class:`~tpnb.config.Settings` field, e.g. ``api_key=...``,
            ``cache_backend="memory"``.

    Raises:
        ConfigError: ``demo=False`` without credentials, or a bad setting.
    """
    if settings is None:
        settings = Settings.from_env(**overrides)
    elif overrides:
        check_setting_names(overrides)  # also those given as None
        settings = settings.replace(**{k: v for k, v in overrides.items() if v is not None})
    want_demo = demo if demo is not None else settings.demo
    if want_demo is None:
        want_demo = not settings.api_key
    if not want_demo:
        if not settings.api_key:
            raise ConfigError(
                "no Trustpilot credentials: set TRUSTPILOT_API_KEY (and TRUSTPILOT_API_SECRET, "
                "TRUSTPILOT_USERNAME, TRUSTPILOT_PASSWORD for private calls) or pass api_key=...; "
                "connect() without demo=False uses the demo emulator instead"
            )
        return Client(Connection(settings))
    return Client(_demo_connection(settings, explicit=set(overrides)))


def _demo_connection(settings: Settings, *, explicit: set[str]) -> Connection:
    from tpnb.emulator import serve  # heavy (Flask, the data set): only in demo mode

    server = serve()
    temp_dir: Path | None = None
    try:
        changes: dict[str, Any] = {
            **server.client_settings,
            "business_user_id": None,
        }
        # a fresh emulator each time: keep its cache and tokens out of the user's directories
        if "cache_backend" not in explicit:
            changes["cache_backend"] = "memory"
        if "token_dir" not in explicit:
            temp_dir = Path(tempfile.mkdtemp(prefix="tpnb-demo-tokens-"))
            changes["token_dir"] = temp_dir
        conn = Connection(settings.replace(**changes), emulator=server)
        if temp_dir is not None:
            conn.owned_dirs.append(temp_dir)
    except BaseException:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)
        stop_server(server)
        raise
    _announce(DEMO_NOTICE.format(url=server.api_url))
    return conn


#: Set (to any non-empty value) in the environment of a kernel whose outputs become a page
#: with its own "Demo data" badge (``tpnb report`` sets it for papermill's kernel): the demo
#: notice is then not printed, as under Voila.
QUIET_NOTICE_VARIABLE = "TPNB_QUIET_NOTICE"


def _announce(notice: str) -> None:
    """Say a one-line notice plainly, where a person reads it, and only there.

    The rule: in a Voila app or a report's kernel (:data:`QUIET_NOTICE_VARIABLE` set), nothing
    (the app's widgets and the report carry a "Demo data" badge, and a printed line would be
    drawn into the page); in a Jupyter kernel, stdout (stderr is drawn as a pink error box, and
    this is not an error); in a terminal or a script, stderr.
    """
    if in_voila() or os.environ.get(QUIET_NOTICE_VARIABLE):
        return
    print(notice, file=sys.stdout if _in_jupyter_kernel() else sys.stderr, flush=True)


def in_voila() -> bool:
    """True in a kernel that Voila started: Voila sets ``SERVER_SOFTWARE=voila/<version>``
    (and ``VOILA_*`` variables) in its kernels' environment, as a CGI server would."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila/") or bool(
        os.environ.get("VOILA_BASE_URL")
    )


def _in_jupyter_kernel() -> bool:
    """True inside a Jupyter kernel (IPython's ZMQ shell), without importing IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"
