"""``invitation_link`` against the emulator's invitations host (a private server: it writes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kit.clients import client_for
from kit.server import api_requests
from kit.truth import same_schema

import tpnb
from tpnb import frames
from tpnb.client import Client
from tpnb.emulator import EmulatorServer, serve
from tpnb.emulator.data.accounts import OTHER_USERNAME
from tpnb.errors import BadRequestError, ConfigError, ForbiddenError


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.01) as srv:
        yield srv


@pytest.fixture(scope="module")
def tp(server: EmulatorServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    client = client_for(server, tmp_path_factory.mktemp("tp"))
    yield client
    client.close()


def _own_unit(server: EmulatorServer, *, with_locations: bool = False) -> str:
    ds = server.dataset
    user = ds.user_by_username(server.credentials["username"])
    assert user is not None
    units = sorted(user.business_unit_ids)
    if with_locations:
        units = [bu for bu in units if ds.location_ids(bu)]
        assert units, "the seeded data gives the demo user a unit with locations"
    return units[0]


def test_invitation_link_round_trip(tp: Client, server: EmulatorServer) -> None:
    bu_id = _own_unit(server, with_locations=True)
    location = server.dataset.location_ids(bu_id)[0]
    df = tp.invitation_link(
        bu_id,
        "ann@example.com",
        name="Ann",
        reference_id="ORDER-42",
        locale="en-GB",
        tags=["vip", "spring"],
        redirect_uri="https://shop.example/thanks",
        location=location.upper(),
    )
    same_schema(df, frames.invitation_link_frame([]))
    assert len(df) == 1
    record = server.admin.invitations[-1]
    assert df.iloc[0]["id"] == record["id"]
    assert df.iloc[0]["url"].endswith(record["id"])
    assert df.iloc[0]["business_unit_id"] == bu_id
    expected = {
        "type": "link",
        "businessUnitId": bu_id,
        "email": "ann@example.com",
        "name": "Ann",
        "referenceId": "ORDER-42",
        "locale": "en-GB",
        "tags": ["vip", "spring"],
        "redirectUri": "https://shop.example/thanks",
        "locationId": location,
    }
    assert {k: record[k] for k in expected} == expected
    raw = tp.invitation_link(bu_id, "bo@example.com", tags="one", raw=True)
    assert set(raw) == {"id", "url"}
    assert server.admin.invitations[-1]["tags"] == ["one"]


def test_invitation_link_by_domain(tp: Client, server: EmulatorServer) -> None:
    bu_id = _own_unit(server)
    unit = server.dataset.business_unit_json(bu_id, server.api_url)
    assert unit is not None
    df = tp.invitation_link(unit["name"]["identifying"], "cy@example.com")
    assert df.iloc[0]["business_unit_id"] == bu_id
    assert server.admin.invitations[-1]["email"] == "cy@example.com"


def test_invitation_link_rejects_bad_input_before_any_request(
    tp: Client, server: EmulatorServer
) -> None:
    bu_id = _own_unit(server)
    before = api_requests(server)
    with pytest.raises(ConfigError, match="email"):
        tp.invitation_link(bu_id, "not-an-email")
    with pytest.raises(ConfigError, match="location"):
        tp.invitation_link(bu_id, "a@example.com", location="store-1")
    with pytest.raises(ConfigError, match="locale"):
        tp.invitation_link(bu_id, "a@example.com", locale="english")
    assert api_requests(server) == before


def test_invitation_link_errors_from_the_server(tp: Client, server: EmulatorServer) -> None:
    other = server.dataset.user_by_username(OTHER_USERNAME)
    assert other is not None
    with pytest.raises(ForbiddenError):
        tp.invitation_link(sorted(other.business_unit_ids)[0], "a@example.com")
    foreign_location = server.dataset.location_ids(_foreign_unit_with_locations(server))[0]
    with pytest.raises(BadRequestError, match="locationId"):
        tp.invitation_link(_own_unit(server), "a@example.com", location=foreign_location)


def _foreign_unit_with_locations(server: EmulatorServer) -> str:
    ds = server.dataset
    own = _own_unit(server)
    return next(bu for bu in ds.business_unit_ids() if bu != own and ds.location_ids(bu))


def test_invitation_link_via_connect_with_client_credentials(
    server: EmulatorServer, tmp_path: Path
) -> None:
    creds = server.credentials
    client = tpnb.connect(
        demo=False,
        base_url=server.api_url,
        invitations_url=server.invitations_url,
        api_key=creds["api_key"],
        api_secret=creds["api_secret"],
        cache_backend="memory",
        token_dir=tmp_path / "tokens",
    )
    try:
        bu_id = _own_unit(server)
        df = client.invitation_link(bu_id, "dee@example.com")
        assert df.iloc[0]["id"] == server.admin.invitations[-1]["id"]
        assert ("POST", f"/invitations-api/v1/private/business-units/{bu_id}/invitation-links") in (
            server.admin.requests
        )
    finally:
        client.close()
