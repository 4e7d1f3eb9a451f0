"""The emulator's deterministic synthetic data set and its in-memory model.

``build_dataset(seed)`` returns a :class:`Dataset`: ~25 fictional business units (see
:mod:`tpnb.emulator.units` for the units and their stories), about 250,000 reviews at scale 1.0
held as numpy columns (:mod:`tpnb.emulator.reviews`), their consumers and product reviews.
JSON is rendered only for the rows a response returns (:mod:`tpnb.emulator.render`,
:mod:`tpnb.emulator.catalog`). The same seed gives the same bytes (:meth:`Dataset.canonical_bytes`).

Thread safety: ``Dataset.lock`` (an RLock) is held by every mutation and, briefly, by every query,
so a query never sees a half-applied mutation; ``version`` bumps on every mutation.

Demo credentials (clearly fake): api key/secret ``DEMO_API_KEY``/``DEMO_API_SECRET``; business
user ``DEMO_USERNAME``/``DEMO_PASSWORD`` (units in ``units.DEMO_USER_UNITS``); a second api client
``SECOND_API_KEY``/``SECOND_API_SECRET`` and a second user ``OTHER_USERNAME``/``OTHER_PASSWORD``
(units in ``units.OTHER_USER_UNITS``); every unit also has an owner ``owner@<domain>`` with
password ``owner-password``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator import catalog, units
from tpnb.emulator.catalog import Location, Unit
from tpnb.emulator.generate import epoch, generate
from tpnb.emulator.ids import (
    KIND_BUSINESS_UNIT,
    KIND_BUSINESS_USER,
    KIND_CONSUMER,
    KIND_MISC,
    KIND_REVIEW,
    object_id,
    salt_for,
    uuid_from,
)
from tpnb.emulator.mutations import MutationsMixin
from tpnb.emulator.options import DATASET_NOW, DEFAULT_SEED, check_dataset_settings
from tpnb.emulator.products import ProductsMixin
from tpnb.emulator.queries import QueriesMixin
from tpnb.emulator.render import Renderer, iso
from tpnb.emulator.reviews import ReviewTable

JSON = dict[str, Any]
DEMO_API_KEY = "demo-api-key-tpnb-emulator"
DEMO_API_SECRET = "demo-api-secret-tpnb-emulator"
SECOND_API_KEY = "second-api-key-tpnb-emulator"
SECOND_API_SECRET = "second-api-secret-tpnb-emulator"
DEMO_USERNAME = "demo@tpnb.example"
DEMO_PASSWORD = "demo-password"
OTHER_USERNAME = "other@tpnb.example"
OTHER_PASSWORD = "other-password"
OWNER_PASSWORD = "owner-password"
REDIRECT_URIS = ("http://127.0.0.1/callback", "http://localhost/callback")


@dataclass(frozen=True)
class ApiClient:
    """An API application (key = client id, secret) and its registered OAuth redirect URIs."""

    api_key: str
    api_secret: str
    name: str
    redirect_uris: tuple[str, ...]

    def __repr__(self) -> str:  # never show the secret
        return f"ApiClient(name={self.name!r}, api_key=<hidden>)"


@dataclass(frozen=True)
class BusinessUser:
    """A business user (login = e-mail) with access to some business units."""

    id: str
    username: str
    password: str
    name: str
    business_unit_ids: frozenset[str]

    def __repr__(self) -> str:  # never show the password
        return f"BusinessUser(id={self.id!r}, username={self.username!r}, name={self.name!r})"


class NotFound(LookupError):
    """An id passed to a mutation does not exist."""


class Dataset(QueriesMixin, MutationsMixin, ProductsMixin):
    """The whole data set; see the module docstring. Build it with :func:`build_dataset`."""

    def __init__(self, seed: int, now: datetime, scale: float) -> None:
        self.seed = seed
        self.now = now
        self.now_s = epoch(now)
        self.scale = scale
        self.lock = threading.RLock()
        self.version = 0
        self._review_salt = salt_for(seed, KIND_REVIEW)
        self._consumer_salt = salt_for(seed, KIND_CONSUMER)
        self._make_units()
        self._make_users()
        unit_users = [self._unit_user_indexes(u) for u in range(len(self.units))]
        gen = generate(seed, self.now_s, scale, unit_users)
        self.table = ReviewTable(gen.reviews, gen.offsets, len(self.units), self._review_salt)
        self.consumers: dict[str, npt.NDArray[Any]] = gen.consumers
        self.consumer_review_counts = np.bincount(
            gen.reviews["consumer"], minlength=gen.consumers["lang"].size
        ).astype(np.int64)
        self.product_table = gen.product_reviews
        self.renderer = Renderer(self)
        self._aggregates: dict[int, tuple[JSON, JSON]] = {}
        self._query_cache: dict[tuple[Any, ...], npt.NDArray[np.int64]] = {}

    # --- construction --------------------------------------------------------------------------
    def _make_units(self) -> None:
        salt = salt_for(self.seed, KIND_BUSINESS_UNIT)
        self.units: list[Unit] = []
        self.locations: list[Location] = []
        for u, spec in enumerate(units.UNITS):
            created = epoch(datetime(*spec.since, 1, tzinfo=timezone.utc)) - 86400 * (30 + u)
            locs = []
            for city in spec.locations:
                li = len(self.locations)
                slug = catalog.slugify(city)
                self.locations.append(Location(li, uuid_from(self.seed, KIND_MISC, li), u,
                                               f"{spec.display} {city}", slug, f"store-{li + 1:03d}"))  # fmt: skip
                locs.append(li)
            uid = object_id(created, u, salt)
            former = None
            if spec.merged is not None:
                merged_at = epoch(datetime(*spec.merged[2], tzinfo=timezone.utc))
                former = (object_id(created - 86400 * 365, 1000 + u, salt), merged_at)
            unit = catalog.make_unit(u, uid, spec, tuple(locs), iso(created) or "", former)
            self.units.append(unit)
        self.unit_index = {unit.id: unit.index for unit in self.units}
        self.location_index = {loc.id: loc.index for loc in self.locations}
        self._names = {name.lower(): unit.id for unit in self.units for name in unit.names()}

    def _make_users(self) -> None:
        salt = salt_for(self.seed, KIND_BUSINESS_USER)
        base = epoch(datetime(2016, 1, 4, tzinfo=timezone.utc))
        by_domain = {unit.spec.domain: unit.id for unit in self.units}
        specs: list[tuple[str, str, str, frozenset[str]]] = [
            (DEMO_USERNAME, DEMO_PASSWORD, "Demo User",
             frozenset(by_domain[d] for d in units.DEMO_USER_UNITS)),
            (OTHER_USERNAME, OTHER_PASSWORD, "Other User",
             frozenset(by_domain[d] for d in units.OTHER_USER_UNITS)),
        ]  # fmt: skip
        for unit in self.units:
            specs.append((f"owner@{unit.spec.domain}", OWNER_PASSWORD,
                          f"{unit.spec.display} Team", frozenset({unit.id})))  # fmt: skip
        self.user_list = [
            BusinessUser(object_id(base + i * 7 * 86400, i, salt), name, pw, display, access)
            for i, (name, pw, display, access) in enumerate(specs)
        ]
        self.business_users = {user.id: user for user in self.user_list}
        self._users_by_name = {user.username.lower(): user for user in self.user_list}
        self._user_index = {user.id: i for i, user in enumerate(self.user_list)}
        self.api_clients = {
            DEMO_API_KEY: ApiClient(DEMO_API_KEY, DEMO_API_SECRET, "tpnb demo", REDIRECT_URIS),
            SECOND_API_KEY: ApiClient(
                SECOND_API_KEY, SECOND_API_SECRET, "tpnb second client", REDIRECT_URIS
            ),
        }

    def _unit_user_indexes(self, u: int) -> npt.NDArray[np.int64]:
        uid = self.units[u].id
        owner = 2 + u
        shared = [i for i in (0, 1) if uid in self.user_list[i].business_unit_ids]
        return np.array([owner, owner, *shared], dtype=np.int64)

    # --- determinism ---------------------------------------------------------------------------
    def canonical_bytes(self) -> bytes:
        """A canonical dump of every column, override and unit (equal across equal builds)."""
        import json

        with self.lock:
            parts: list[bytes] = [f"{self.seed}|{self.now_s}|{self.scale}|{self.version}".encode()]
            parts += [self.table[name].tobytes() for name in sorted(self.table._cols)]
            parts += [self.consumers[name].tobytes() for name in sorted(self.consumers)]
            parts += [self.product_table[name].tobytes() for name in sorted(self.product_table)]
            overrides = (self.table.texts, self.table.reply_texts, self.table.tags,
                         self.table.references, self.table.emails, self.table.find_messages)  # fmt: skip
            parts.append(repr([sorted(d.items()) for d in overrides]).encode())
            bus = [self.business_unit_json(u.id, "http://canonical/v1") for u in self.units]
            parts.append(json.dumps(bus, sort_keys=True, ensure_ascii=False).encode())
            parts.append(repr([(u.id, u.username) for u in self.user_list]).encode())
            parts.append(repr([loc.id for loc in self.locations]).encode())
            return b"\n".join(parts)


def build_dataset(seed: int = DEFAULT_SEED, *, now: datetime = DATASET_NOW,
                  scale: float = 1.0) -> Dataset:  # fmt: skip
    """Build the deterministic data set.

    Args:
        seed: the random seed; the same seed (and ``now``, ``scale``) gives the same bytes.
        now: the data set's "present" (timezone-aware); every generated review is before it.
        scale: multiplies every unit's review count (the empty unit stays empty; every other unit
            keeps at least one review). At 1.0 the largest unit has more than 100,000 reviews.

    Raises:
        ValueError: for a non-positive or non-finite scale, a naive ``now`` or one before
            ``EARLIEST_NOW`` (:mod:`tpnb.emulator.options`), or a seed that is not a non-negative int.
    """
    check_dataset_settings(seed, now, scale)
    return Dataset(seed, now, float(scale))
