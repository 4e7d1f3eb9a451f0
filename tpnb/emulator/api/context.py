"""What every route shares: :class:`EmulatorState` (the data set plus the run-time state) and the
current request's :class:`Identity`.

Routes reach them through :func:`state` and :func:`identity`, never through the app factory, so
no route module imports :mod:`~.app`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, cast

from flask import current_app, g

from tpnb.emulator.api.faults import FaultInjector
from tpnb.emulator.api.limits import RateLimiter
from tpnb.emulator.data.accounts import ApiClient, BusinessUser
from tpnb.emulator.data.dataset import Dataset
from tpnb.emulator.data.errors import UnknownReview
from tpnb.emulator.data.stores import ConversationStore, DisplayNames, Invitations, ProductStore
from tpnb.emulator.data.tokens import TokenStore
from tpnb.emulator.data.webhooks import WebhookDispatcher, event, event_data
from tpnb.emulator.options import EmulatorOptions

#: the key of :class:`EmulatorState` in ``app.extensions``
STATE_KEY = "tpnb_emulator"


@dataclass(frozen=True)
class Identity:
    """Who a private call acts for: the api client and, unless client-credentials, a user."""

    client: ApiClient
    user: BusinessUser | None
    unit_ids: frozenset[str]


class EmulatorState:
    """Everything the routes share: the data set plus the HTTP-side state.

    Attributes:
        dataset: The seeded data set.
        options: The settings the emulator was built with (initial values: the admin API
            changes token lifetime, limits and faults of ``tokens``, ``limiter``, ``faults``).
        api_base: The emulated ``https://api.trustpilot.com/v1`` (the server sets it once it
            has a port; webhook events link to it).
        request_log: ``(method, path)`` of every API call (admin calls excluded).
    """

    def __init__(self, dataset: Dataset, options: EmulatorOptions) -> None:
        self.dataset = dataset
        self.options = options
        self.tokens = TokenStore(
            token_lifetime=options.token_lifetime, refresh_limit=options.refresh_limit
        )
        self.limiter = RateLimiter(options.rate_limits)
        self.faults = FaultInjector(options.fault_seed)
        self.webhooks = WebhookDispatcher(timeout=options.webhook_timeout)
        self.api_base = "http://127.0.0.1/v1"
        self.invitations = Invitations()
        self.conversations = ConversationStore()
        self.added_products = ProductStore()
        self.display_names = DisplayNames()
        self._log_lock = threading.Lock()
        self.request_log: list[tuple[str, str]] = []

    def review_event(self, name: str, review_id: str) -> tuple[dict[str, Any], str]:
        """A webhook event ``name`` for the review as it is now, and its business unit's id
        (raises :class:`~tpnb.emulator.data.errors.UnknownReview`)."""
        review = self.dataset.review_json_by_id(review_id, self.api_base, private=True)
        entry = event(name, event_data(review, self.api_base))
        return entry, str(review["businessUnit"]["id"])

    def publish_review_event(self, name: str, review_id: str) -> None:
        """Post one event ``name`` for a review to the matching webhook subscriptions."""
        if not self.webhooks.subscriptions:
            return
        try:
            entry, unit = self.review_event(name, review_id)
        except UnknownReview:  # pragma: no cover - deleted concurrently: nothing to tell
            return
        self.webhooks.dispatch([entry], unit)

    def log_request(self, method: str, path: str) -> None:
        """Record one API call (admin calls are not recorded)."""
        with self._log_lock:
            self.request_log.append((method, path))

    def clear_log(self) -> None:
        """Forget recorded calls."""
        with self._log_lock:
            self.request_log.clear()


def state() -> EmulatorState:
    """The :class:`EmulatorState` of the running app."""
    return cast(EmulatorState, current_app.extensions[STATE_KEY])


def identity() -> Identity:
    """The identity of the current private call (set by the gateway)."""
    return cast(Identity, g.identity)
