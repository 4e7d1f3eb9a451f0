"""Who may call the API: the api clients (applications) and the business users.

Demo credentials (clearly fake): api key/secret ``DEMO_API_KEY``/``DEMO_API_SECRET``; business
user ``DEMO_USERNAME``/``DEMO_PASSWORD`` (units in ``specs.DEMO_USER_UNITS``); a second api client
``SECOND_API_KEY``/``SECOND_API_SECRET`` and a second user ``OTHER_USERNAME``/``OTHER_PASSWORD``
(units in ``specs.OTHER_USER_UNITS``); every unit also has an owner ``owner@<domain>`` with
password ``owner-password``. An api client belongs to a company ([I]): the demo client's company
is the demo user's, the second client's the other user's; a client-credentials token manages the
units of its company's users (:meth:`Accounts.units_of_client`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import numpy.typing as npt

from tpnb.emulator.data import specs
from tpnb.emulator.data.business_units import Unit
from tpnb.emulator.data.errors import UnknownBusinessUser
from tpnb.emulator.data.generate import epoch
from tpnb.emulator.data.ids import KIND_BUSINESS_USER, object_id, salt_for

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
# api key -> username of the business user whose company owns the app ([I])
_CLIENT_USERS = {DEMO_API_KEY: DEMO_USERNAME, SECOND_API_KEY: OTHER_USERNAME}
# the demo and the other user come first; unit u's owner is user 2 + u
_OWNER_OFFSET = 2


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


class Accounts:
    """The api clients and business users of a data set.

    Attributes:
        users: Every business user; a user's position is its index in the review table's
            ``reply_author`` column.
        clients: Api clients by api key.
    """

    def __init__(self, seed: int, units: Iterable[Unit]) -> None:
        salt = salt_for(seed, KIND_BUSINESS_USER)
        base = epoch(datetime(2016, 1, 4, tzinfo=timezone.utc))
        unit_list = list(units)
        by_domain = {unit.spec.domain: unit.id for unit in unit_list}
        entries: list[tuple[str, str, str, frozenset[str]]] = [
            (DEMO_USERNAME, DEMO_PASSWORD, "Demo User",
             frozenset(by_domain[d] for d in specs.DEMO_USER_UNITS)),
            (OTHER_USERNAME, OTHER_PASSWORD, "Other User",
             frozenset(by_domain[d] for d in specs.OTHER_USER_UNITS)),
        ]  # fmt: skip
        for unit in unit_list:
            entries.append((f"owner@{unit.spec.domain}", OWNER_PASSWORD,
                            f"{unit.spec.display} Team", frozenset({unit.id})))  # fmt: skip
        self.users = [
            BusinessUser(object_id(base + i * 7 * 86400, i, salt), name, pw, display, access)
            for i, (name, pw, display, access) in enumerate(entries)
        ]
        self._index = {user.id: i for i, user in enumerate(self.users)}
        self._by_name = {user.username.lower(): user for user in self.users}
        self.clients = {
            DEMO_API_KEY: ApiClient(DEMO_API_KEY, DEMO_API_SECRET, "tpnb demo", REDIRECT_URIS),
            SECOND_API_KEY: ApiClient(
                SECOND_API_KEY, SECOND_API_SECRET, "tpnb second client", REDIRECT_URIS
            ),
        }

    # --- business users ------------------------------------------------------------------------
    def user_index(self, user_id: str) -> int:
        """The position of user ``user_id`` in :attr:`users` (:class:`~.errors.UnknownBusinessUser`
        if none)."""
        i = self._index.get(user_id)
        if i is None:
            raise UnknownBusinessUser(user_id)
        return i

    def user(self, user_id: str) -> BusinessUser:
        """The business user ``user_id`` (raises :class:`~.errors.UnknownBusinessUser`)."""
        return self.users[self.user_index(user_id)]

    def find_user(self, user_id: str) -> BusinessUser | None:
        """The business user ``user_id``, or None."""
        i = self._index.get(user_id)
        return None if i is None else self.users[i]

    def user_by_username(self, username: str) -> BusinessUser | None:
        """The business user whose login (e-mail, case-insensitive) is ``username``."""
        return self._by_name.get(username.strip().lower())

    def replace_user(self, user: BusinessUser) -> None:
        """Put ``user`` in place of the user with its id (a test gives one another password)."""
        i = self.user_index(user.id)
        del self._by_name[self.users[i].username.lower()]
        self.users[i] = user
        self._by_name[user.username.lower()] = user

    @staticmethod
    def owner_index(unit: int) -> int:
        """The position in :attr:`users` of unit ``unit``'s owner (``owner@<domain>``)."""
        return _OWNER_OFFSET + unit

    def reply_authors(self, unit: Unit) -> npt.NDArray[np.int64]:
        """Positions of the users who reply for ``unit``, the owner weighted twice."""
        owner = self.owner_index(unit.index)
        shared = [i for i in range(_OWNER_OFFSET) if unit.id in self.users[i].business_unit_ids]
        return np.array([owner, owner, *shared], dtype=np.int64)

    # --- api clients ---------------------------------------------------------------------------
    def users_of_client(self, client: ApiClient) -> list[BusinessUser]:
        """The business users of an api client's company ([I], see the module docstring)."""
        username = _CLIENT_USERS.get(client.api_key)
        user = self.user_by_username(username) if username else None
        return [user] if user is not None else []

    def units_of_client(self, client: ApiClient) -> frozenset[str]:
        """Units a client-credentials token may manage without ``x-business-user-id``."""
        out: set[str] = set()
        for user in self.users_of_client(client):
            out |= user.business_unit_ids
        return frozenset(out)
