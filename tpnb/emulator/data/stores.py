"""What the API creates at run time: conversations, added products, display names, invitations.

These live with the server (:class:`~tpnb.emulator.api.context.EmulatorState`), not in the data
set: they are created only through the API and are not part of the seeded, deterministic data.
Every store is thread-safe (one lock each). Ids are 24 lowercase hex whose first 8 hex digits
are the creation time in seconds (like the data set's ids); timestamps are
``YYYY-MM-DDTHH:MM:SSZ``. :class:`ConversationStore` is the one place an unknown conversation
or comment id becomes :class:`~.errors.UnknownConversation` / :class:`~.errors.UnknownComment`.
"""

from __future__ import annotations

import copy
import itertools
import threading
import time
from datetime import datetime, timezone
from typing import Any

from tpnb.emulator.data.errors import UnknownComment, UnknownConversation

JSON = dict[str, Any]


def now_iso() -> str:
    """The wall-clock time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Ids:
    """ObjectId-like ids: 8 hex of seconds + 16 hex of a per-store counter and a salt."""

    def __init__(self, salt: int) -> None:
        self._counter = itertools.count(1)
        self._salt = salt

    def next(self) -> str:
        n = next(self._counter)
        return f"{int(time.time()):08x}{self._salt:04x}{n:012x}"


class ConversationStore:
    """Conversations on product reviews and their comments (§2.7)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = _Ids(0xC0)
        self._by_id: dict[str, JSON] = {}
        self._by_review: dict[str, str] = {}

    def for_review(self, review_id: str) -> str | None:
        """The conversation id of a product review, if one was created."""
        with self._lock:
            return self._by_review.get(review_id)

    def create(self, review_id: str, business_unit_id: str, consumer_id: str) -> tuple[str, bool]:
        """Create (or find) the conversation of a product review; returns ``(id, created)``.

        The shape starts as the docs' example: ``{id, businessUnitId, consumerId, source:
        "Product reviews", sourceId}`` (``sourceId``: the product review's id).
        """
        with self._lock:
            existing = self._by_review.get(review_id)
            if existing is not None:
                return existing, False
            conv_id = self._ids.next()
            self._by_id[conv_id] = {
                "id": conv_id,
                "businessUnitId": business_unit_id,
                "consumerId": consumer_id,
                "source": "Product reviews",
                "sourceId": review_id,
                "state": "private",
                "createdAt": now_iso(),
                "updatedAt": None,
                "productReviewId": review_id,
                "comments": [],
            }
            self._by_review[review_id] = conv_id
            return conv_id, True

    def _conversation(self, conv_id: str) -> JSON:
        """The stored conversation (:class:`~.errors.UnknownConversation` if none; caller locks)."""
        conv = self._by_id.get(conv_id)
        if conv is None:
            raise UnknownConversation(conv_id)
        return conv

    def get(self, conv_id: str) -> JSON:
        """A deep copy of a conversation (raises :class:`~.errors.UnknownConversation`)."""
        with self._lock:
            return copy.deepcopy(self._conversation(conv_id))

    def public(self, conv_id: str) -> JSON:
        """A public conversation as everyone may see it (no ``integrationId``); a private one
        is unknown to the public (:class:`~.errors.UnknownConversation`)."""
        with self._lock:
            conv = copy.deepcopy(self._conversation(conv_id))
        if conv["state"] != "public":
            raise UnknownConversation(conv_id)
        for comment in conv["comments"]:
            comment.pop("integrationId", None)
        return conv

    def comment(self, conv_id: str, comment_id: str) -> JSON:
        """One comment of a conversation.

        Raises:
            UnknownConversation: for an unknown conversation.
            UnknownComment: for a comment id the conversation does not have.
        """
        with self._lock:
            for comment in self._conversation(conv_id)["comments"]:
                if comment["commentId"] == comment_id:
                    return dict(comment)
        raise UnknownComment(comment_id)

    def add_comment(
        self, conv_id: str, content: str, author_id: str, integration_id: str | None
    ) -> JSON:
        """Append a comment; returns it."""
        with self._lock:
            conv = self._conversation(conv_id)
            comment = {
                "commentId": self._ids.next(),
                "createdAt": now_iso(),
                "updatedAt": None,
                "author": {"id": author_id, "type": "businessUser"},
                "content": content,
                "integrationId": integration_id,
            }
            conv["comments"].append(comment)
            conv["updatedAt"] = comment["createdAt"]
            return dict(comment)

    def update_comment(self, conv_id: str, comment_id: str, content: str) -> JSON:
        """Replace a comment's content; returns it (raises like :meth:`comment`)."""
        with self._lock:
            conv = self._conversation(conv_id)
            for comment in conv["comments"]:
                if comment["commentId"] == comment_id:
                    comment["content"] = content
                    comment["updatedAt"] = now_iso()
                    conv["updatedAt"] = comment["updatedAt"]
                    return dict(comment)
        raise UnknownComment(comment_id)

    def set_state(self, conv_id: str, new_state: str) -> JSON:
        """Make a conversation ``public`` or ``private``; returns a copy of it."""
        with self._lock:
            conv = self._conversation(conv_id)
            conv["state"] = new_state
            conv["updatedAt"] = now_iso()
            return copy.deepcopy(conv)


class ProductStore:
    """Products added or updated through ``POST /private/business-units/{id}/products``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = _Ids(0xA1)
        self._by_unit: dict[str, dict[str, JSON]] = {}

    def merged(self, business_unit_id: str, base: list[JSON]) -> list[JSON]:
        """The data set's products of a unit with the added/updated ones (base order first)."""
        with self._lock:
            extra = dict(self._by_unit.get(business_unit_id, {}))
        out = [extra.pop(p["sku"], p) for p in base]
        return out + list(extra.values())

    def upsert(self, business_unit_id: str, base: list[JSON], product: JSON) -> tuple[JSON, bool]:
        """Add or update one product (by ``sku``); returns ``(product, created)``."""
        with self._lock:
            unit = self._by_unit.setdefault(business_unit_id, {})
            known = {p["sku"]: p for p in base}
            previous = unit.get(product["sku"]) or known.get(product["sku"])
            merged = {**(previous or {}), **product}
            merged["id"] = (previous or {}).get("id") or self._ids.next()
            unit[product["sku"]] = merged
            return dict(merged), previous is None


class DisplayNames:
    """Consumer display names created through ``/consumers/profile/displayname/create``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._taken: set[str] = set()

    def taken(self, name: str) -> bool:
        """Whether ``name`` (case-insensitive) was created already."""
        with self._lock:
            return name.casefold() in self._taken

    def add(self, name: str) -> bool:
        """Take ``name``; ``False`` when it was taken already."""
        with self._lock:
            key = name.casefold()
            if key in self._taken:
                return False
            self._taken.add(key)
            return True


class Invitations:
    """Invitations recorded by the invitation endpoints (nothing is sent), oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[JSON] = []

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def add(self, record: JSON) -> None:
        """Record one invitation (``businessUnitId`` and ``createdAt`` required)."""
        with self._lock:
            self._records.append(record)

    def all(self) -> list[JSON]:
        """Every recorded invitation."""
        with self._lock:
            return list(self._records)

    def forget(self, business_unit_id: str, emails: set[str], older_than: str | None) -> None:
        """Forget the unit's invitations to ``emails`` (lower-case) or created before
        ``older_than`` (an ISO timestamp, compared as text)."""
        with self._lock:
            kept = []
            for record in self._records:
                email = str(record.get("consumerEmail") or record.get("email") or "").lower()
                same_unit = record["businessUnitId"] == business_unit_id
                old = older_than is not None and record["createdAt"] < older_than
                if same_unit and (email in emails or old):
                    continue
                kept.append(record)
            self._records[:] = kept
