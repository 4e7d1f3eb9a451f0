"""Plain ``requests`` calls against a running emulator: the emulator's HTTP tests talk to it so.

:class:`Api` wraps one session and the demo api key; the OAuth paths are the documented ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests

from tpnb.emulator import EmulatorServer

TOKEN_PATH = "/oauth/oauth-business-users-for-applications/accesstoken"
REFRESH_PATH = "/oauth/oauth-business-users-for-applications/refresh"
REVOKE_PATH = "/oauth/oauth-business-users-for-applications/revoke"


class Api:
    """A thin ``requests`` wrapper for one server and one api key."""

    def __init__(self, server: EmulatorServer, session: requests.Session) -> None:
        self.server = server
        self.http = session
        self.key = server.credentials["api_key"]

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        headers = {"apikey": self.key, **kwargs.pop("headers", {})}
        return self.http.get(self.server.api_url + path, headers=headers, timeout=30, **kwargs)

    def json(self, path: str, **params: Any) -> Any:
        resp = self.get(path, params=params)
        assert resp.status_code == 200, (resp.status_code, resp.text[:300])
        return resp.json()

    def token(
        self,
        grant: str = "password",
        *,
        key: str | None = None,
        secret: str | None = None,
        **form: str,
    ) -> requests.Response:
        creds = self.server.credentials
        data = {"grant_type": grant, **form}
        if grant == "password":
            data.setdefault("username", creds["username"])
            data.setdefault("password", creds["password"])
        return self.http.post(
            self.server.api_url + TOKEN_PATH,
            data=data,
            auth=(key or creds["api_key"], secret or creds["api_secret"]),
            timeout=30,
        )

    def access_token(self, **kwargs: Any) -> str:
        resp = self.token(**kwargs)
        assert resp.status_code == 200, resp.text
        return str(resp.json()["access_token"])

    def private(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        base = kwargs.pop("base", self.server.api_url)
        return self.http.request(method, base + path, headers=headers, timeout=30, **kwargs)


def make_api(server: EmulatorServer) -> Iterator[Api]:
    with requests.Session() as session:
        yield Api(server, session)


def biggest_unit(api: Api) -> dict[str, Any]:
    """The business unit with the most reviews (from /business-units/all)."""
    units = api.json("/business-units/all")["businessUnits"]
    return max(units, key=lambda u: u["numberOfReviews"]["total"])


def demo_unit(api: Api) -> str:
    """The first unit the demo business user may manage."""
    from tpnb.emulator.data.accounts import DEMO_USERNAME

    user = api.server.dataset.user_by_username(DEMO_USERNAME)
    assert user is not None
    return sorted(user.business_unit_ids)[0]
