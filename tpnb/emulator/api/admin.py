"""The admin surface: a Python API (``server.admin``) and the same controls over HTTP.

Nothing here is part of the Trustpilot API; the HTTP routes live under ``/_emulator/``, need no
credentials (the emulator binds loopback), are never rate-limited, faulted or logged.

=====================================  ========================================================
Python (``server.admin``)              HTTP
=====================================  ========================================================
``add_review(bu_id, stars=, ...)``     ``POST /_emulator/reviews`` ``{"businessUnitId", ...}``
``add_reviews([{...}, ...])``          ``POST /_emulator/reviews`` ``{"reviews": [{...}]}``
``add_product_review(id, sku=, ...)``  (Python only) posts ``product-review-created``
``update_review(id, **fields)``        ``PATCH /_emulator/reviews/{id}`` ``{fields}``
``delete_review(id)``                  ``DELETE /_emulator/reviews/{id}``
``delete_consumer(id)``                ``DELETE /_emulator/consumers/{id}`` (profile + reviews)
``deletions(kind)``                    (Python only) the Deletions API's ground truth
``add_webhook(url, bu_id=None)``       ``POST /_emulator/webhooks`` ``{"url", "businessUnitId"}``
``remove_webhook(url=None)``           ``DELETE /_emulator/webhooks`` ``{"url"}`` (none: all)
``webhooks`` / ``webhook_deliveries``  ``GET /_emulator/webhooks``
``flush_webhooks(timeout)``            ``POST /_emulator/webhooks/flush``
``set_faults(**settings)``             ``PUT /_emulator/faults`` ``{settings}``
``reset_faults()``                     ``DELETE /_emulator/faults``
``revoke_all_tokens()``                ``POST /_emulator/tokens/revoke-all``
``expire_tokens()``                    ``POST /_emulator/tokens/expire-all``
``set_token_lifetime(seconds)``        ``PUT /_emulator/config`` ``{"tokenLifetime"}``
``set_rate_limits([(n, s), ...])``     ``PUT /_emulator/config`` ``{"rateLimits": [[n, s]]}``
``reset_rate_limits()``                ``DELETE /_emulator/rate-limits``
``request_count`` / ``requests``       ``GET /_emulator/requests``
``clear_requests()``                   ``DELETE /_emulator/requests``
``reset()``                            ``POST /_emulator/reset``
=====================================  ========================================================

Review mutations delegate to the data set and post ``service-review-created/updated/deleted``
webhook events (one batch per call) to every matching subscription.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, Response, request

from tpnb.emulator.api.context import EmulatorState, state
from tpnb.emulator.api.faults import FaultConfig
from tpnb.emulator.api.responses import app_error, empty_response, json_response
from tpnb.emulator.data.deletions import Deletion
from tpnb.emulator.data.webhooks import Delivery, event, product_event_data
from tpnb.emulator.options import DEFAULT_RATE_LIMITS, checked_token_lifetime

blueprint = Blueprint("admin", __name__, url_prefix="/_emulator")

# JSON (camelCase) -> Python keyword of Dataset.add_review / update_review
_REVIEW_FIELDS = {
    "stars": "stars",
    "title": "title",
    "text": "text",
    "language": "language",
    "consumerId": "consumer_id",
    "createdAt": "created_at",
    "referenceId": "reference_id",
    "referralEmail": "referral_email",
    "tags": "tags",
    "locationId": "location_id",
    "isVerified": "is_verified",
    "source": "source",
}


class Admin:
    """Python controls of a running emulator (live data, webhooks, faults, auth, counters)."""

    def __init__(self, emulator_state: EmulatorState) -> None:
        self._state = emulator_state

    # ------------------------------------------------------------------ reviews
    def add_review(self, business_unit_id: str, **fields: Any) -> str:
        """Add a review (keywords of ``Dataset.add_review``); posts ``service-review-created``."""
        return self.add_reviews([{"business_unit_id": business_unit_id, **fields}])[0]

    def add_reviews(self, reviews: Iterable[dict[str, Any]]) -> list[str]:
        """Add several reviews; one webhook batch per business unit. Returns the new ids."""
        ids: list[str] = []
        batches: dict[str, list[dict[str, Any]]] = {}
        for spec in reviews:
            spec = dict(spec)
            bu_id = spec.pop("business_unit_id")
            review_id = self._state.dataset.add_review(bu_id, **spec)
            ids.append(review_id)
            created, unit = self._state.review_event("service-review-created", review_id)
            batches.setdefault(unit, []).append(created)
        for unit, events in batches.items():
            self._state.webhooks.dispatch(events, unit)
        return ids

    def add_product_review(self, review_id: str, *, sku: str, stars: int) -> str:
        """Add a product review with service review ``review_id`` (the consumer's order); posts
        ``product-review-created``. Returns the new id."""
        dataset = self._state.dataset
        product_review_id = dataset.add_product_review(review_id, sku=sku, stars=stars)
        row = dataset.product_reviews.row(product_review_id)
        review = dataset.product_review_json(row, self._state.api_base, private=True)
        created = event("product-review-created", product_event_data(review))
        self._state.webhooks.dispatch([created], str(review["businessUnitId"]))
        return product_review_id

    def update_review(self, review_id: str, **fields: Any) -> None:
        """Edit a review (``stars``, ``title``, ``text``...); posts ``service-review-updated``."""
        self._state.dataset.update_review(review_id, **fields)
        self._state.publish_review_event("service-review-updated", review_id)

    def delete_review(self, review_id: str) -> None:
        """Delete a review; posts ``service-review-deleted`` (data as before deletion)."""
        deleted, unit = self._state.review_event("service-review-deleted", review_id)
        self._state.dataset.delete_review(review_id)
        self._state.webhooks.dispatch([deleted], unit)

    def delete_consumer(self, consumer_id: str) -> list[str]:
        """Delete a consumer profile and its reviews (the Deletions API lists them all); posts
        ``service-review-deleted`` for each review (one batch per unit). Returns the review ids."""
        batches: dict[str, list[dict[str, Any]]] = {}
        with self._state.dataset.lock:
            c = self._state.dataset.consumers.index(consumer_id)
            for row in self._state.dataset.table.consumer_rows(c):
                review_id = self._state.dataset.review_id(int(row))
                deleted, unit = self._state.review_event("service-review-deleted", review_id)
                batches.setdefault(unit, []).append(deleted)
            review_ids = self._state.dataset.delete_consumer(consumer_id)
        for unit, events in batches.items():
            self._state.webhooks.dispatch(events, unit)
        return review_ids

    def deletions(self, kind: str) -> list[Deletion]:
        """Every deletion of ``kind`` (``"review"`` or ``"consumer"``), oldest first."""
        return self._state.dataset.deletions.all(kind)

    # ----------------------------------------------------------------- webhooks
    def add_webhook(self, url: str, business_unit_id: str | None = None) -> str:
        """Subscribe ``url`` (``user:pass@`` becomes Basic auth); returns the URL without it."""
        return self._state.webhooks.subscribe(url, business_unit_id)

    def remove_webhook(self, url: str | None = None) -> None:
        """Unsubscribe one URL, or every URL when ``None``."""
        self._state.webhooks.unsubscribe(url)

    @property
    def webhooks(self) -> list[str]:
        """Subscribed URLs (without credentials)."""
        return self._state.webhooks.subscriptions

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        """Every POST made so far, in order."""
        return list(self._state.webhooks.deliveries)

    def flush_webhooks(self, timeout: float = 10.0) -> bool:
        """Wait until queued webhook batches are delivered; ``False`` on time-out."""
        return self._state.webhooks.flush(timeout)

    # ------------------------------------------------------------------- faults
    def set_faults(self, seed: int | None = None, **settings: Any) -> None:
        """Set faults (``error_rates={503: 0.2}``, ``latency``, ``drop_rate``, ``fail_next``...)."""
        self._state.faults.configure(seed=seed, **settings)

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` API calls with ``status``."""
        self.set_faults(fail_next=[status] * count)

    def reset_faults(self) -> None:
        """Turn every fault off."""
        self._state.faults.reset()

    @property
    def faults(self) -> FaultConfig:
        """The fault settings in force."""
        return self._state.faults.config

    # --------------------------------------------------------------------- auth
    def revoke_all_tokens(self) -> int:
        """Revoke every access and refresh token; returns the number of live access tokens."""
        return self._state.tokens.revoke_all()

    def expire_tokens(self) -> None:
        """Expire every access token now (refresh tokens keep working)."""
        self._state.tokens.expire_all()

    def set_token_lifetime(self, seconds: float) -> None:
        """Lifetime of access tokens issued from now on."""
        self._state.tokens.token_lifetime = checked_token_lifetime(seconds)

    def set_refresh_limit(self, count: int, window: float) -> None:
        """At most ``count`` refreshes per identity per ``window`` seconds (then 429)."""
        self._state.tokens.refresh_limit = (int(count), float(window))
        self._state.tokens.reset_refresh_throttle()

    def set_rate_limits(self, limits: Sequence[tuple[int, float]] | None) -> None:
        """Per-api-key windows ``[(calls, seconds), ...]``; ``None`` restores 833/5 min + 10k/h."""
        self._state.limiter.set_limits(limits)

    def reset_rate_limits(self) -> None:
        """Forget the calls counted so far (limits unchanged)."""
        self._state.limiter.reset()

    # ------------------------------------------------------------------ counters
    @property
    def request_count(self) -> int:
        """API calls received (admin calls excluded), faulted ones included."""
        return len(self._state.request_log)

    @property
    def requests(self) -> list[tuple[str, str]]:
        """``(method, path)`` of every API call received, in order."""
        return list(self._state.request_log)

    def clear_requests(self) -> None:
        """Forget the request log."""
        self._state.clear_log()

    @property
    def invitations(self) -> list[dict[str, Any]]:
        """Email invitations and invitation links created through the invitations API."""
        return self._state.invitations.all()

    def reset(self) -> None:
        """Faults off, default rate limits, counters cleared, refresh throttle cleared."""
        self.reset_faults()
        self._state.limiter.set_limits(DEFAULT_RATE_LIMITS)
        self.reset_rate_limits()
        self._state.tokens.reset_refresh_throttle()
        self.clear_requests()


# ---------------------------------------------------------------------- HTTP routes
def _admin() -> Admin:
    return Admin(state())


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True) if request.mimetype == "application/json" else None
    if request.data and data is None:
        raise app_error(415, "admin bodies must be JSON objects (application/json)")
    if data is not None and not isinstance(data, dict):
        raise app_error(400, "admin bodies must be JSON objects")
    return data or {}


def _review_fields(body: dict[str, Any]) -> dict[str, Any]:
    unknown = set(body) - set(_REVIEW_FIELDS) - {"businessUnitId"}
    if unknown:
        raise app_error(
            400, f"unknown review fields {sorted(unknown)}; allowed: {sorted(_REVIEW_FIELDS)}"
        )
    out = {_REVIEW_FIELDS[k]: v for k, v in body.items() if k in _REVIEW_FIELDS}
    if isinstance(out.get("created_at"), str):
        try:
            created = datetime.fromisoformat(out["created_at"].replace("Z", "+00:00"))
        except ValueError:
            raise app_error(400, "createdAt must be an ISO 8601 date-time") from None
        if created.tzinfo is None:
            created = created.replace(tzinfo=timezone.utc)
        out["created_at"] = created
    return out


def _guard(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn``; a bad value is a 400 (an unknown id propagates: the app's 404 handler)."""
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        raise app_error(400, str(exc)) from None


@blueprint.get("/health")
def health() -> Response:
    """Liveness plus the data set's identity."""
    ds = state().dataset
    return json_response({"status": "ok", "seed": ds.seed, "version": ds.version}, cache=None)


@blueprint.post("/reviews")
def add_reviews() -> Response:
    """Add one review (``{"businessUnitId", ...}``) or several (``{"reviews": [...]}``)."""
    body = _body()
    specs = body.get("reviews", [body])
    if not isinstance(specs, list):
        raise app_error(400, "'reviews' must be a list")
    prepared = []
    for spec in specs:
        if not isinstance(spec, dict) or not spec.get("businessUnitId"):
            raise app_error(400, "each review needs a 'businessUnitId'")
        prepared.append({"business_unit_id": spec["businessUnitId"], **_review_fields(spec)})
    ids = _guard(_admin().add_reviews, prepared)
    return json_response({"ids": ids}, cache=None, status=201)


@blueprint.patch("/reviews/<review_id>")
def update_review(review_id: str) -> Response:
    """Edit a review."""
    _guard(_admin().update_review, review_id, **_review_fields(_body()))
    return empty_response(204)


@blueprint.delete("/consumers/<consumer_id>")
def delete_consumer(consumer_id: str) -> Response:
    """Delete a consumer profile and its reviews."""
    return json_response({"reviewIds": _guard(_admin().delete_consumer, consumer_id)}, cache=None)


@blueprint.delete("/reviews/<review_id>")
def delete_review(review_id: str) -> Response:
    """Delete a review."""
    _guard(_admin().delete_review, review_id)
    return empty_response(204)


@blueprint.get("/webhooks")
def list_webhooks() -> Response:
    """Subscriptions and deliveries."""
    admin = _admin()
    deliveries = [asdict(d) for d in admin.webhook_deliveries]
    return json_response({"subscriptions": admin.webhooks, "deliveries": deliveries}, cache=None)


@blueprint.post("/webhooks")
def add_webhook() -> Response:
    """Subscribe a URL."""
    body = _body()
    url = _guard(_admin().add_webhook, str(body.get("url", "")), body.get("businessUnitId"))
    return json_response({"url": url}, cache=None, status=201)


@blueprint.delete("/webhooks")
def remove_webhook() -> Response:
    """Unsubscribe one URL (``{"url"}``) or all."""
    _guard(_admin().remove_webhook, _body().get("url"))
    return empty_response(204)


@blueprint.post("/webhooks/flush")
def flush_webhooks() -> Response:
    """Wait for pending deliveries."""
    return json_response(
        {"flushed": _admin().flush_webhooks(float(_body().get("timeout", 10.0)))}, cache=None
    )


@blueprint.get("/faults")
def get_faults() -> Response:
    """The fault settings in force."""
    return json_response(asdict(_admin().faults), cache=None)


@blueprint.put("/faults")
def set_faults() -> Response:
    """Set faults (snake_case keys of FaultConfig, plus ``seed``)."""
    _guard(_admin().set_faults, **_body())
    return json_response(asdict(_admin().faults), cache=None)


@blueprint.delete("/faults")
def reset_faults() -> Response:
    """Turn every fault off."""
    _admin().reset_faults()
    return empty_response(204)


@blueprint.post("/tokens/revoke-all")
def revoke_all() -> Response:
    """Revoke every token."""
    return json_response({"revoked": _admin().revoke_all_tokens()}, cache=None)


@blueprint.post("/tokens/expire-all")
def expire_all() -> Response:
    """Expire every access token."""
    _admin().expire_tokens()
    return empty_response(204)


@blueprint.put("/config")
def set_config() -> Response:
    """``{"tokenLifetime": s, "rateLimits": [[n, s], ...] | null, "refreshLimit": [n, s]}``."""
    body, admin = _body(), _admin()
    if "tokenLifetime" in body:
        _guard(admin.set_token_lifetime, float(body["tokenLifetime"]))
    if "rateLimits" in body:
        limits = body["rateLimits"]
        _guard(admin.set_rate_limits, None if limits is None else [tuple(x) for x in limits])
    if "refreshLimit" in body:
        _guard(admin.set_refresh_limit, *body["refreshLimit"])
    return empty_response(204)


@blueprint.delete("/rate-limits")
def reset_rate_limits() -> Response:
    """Forget counted calls."""
    _admin().reset_rate_limits()
    return empty_response(204)


@blueprint.get("/requests")
def requests_log() -> Response:
    """The request log."""
    admin = _admin()
    return json_response(
        {"count": admin.request_count, "requests": [list(r) for r in admin.requests]}, cache=None
    )


@blueprint.delete("/requests")
def clear_requests() -> Response:
    """Forget the request log."""
    _admin().clear_requests()
    return empty_response(204)


@blueprint.post("/reset")
def reset() -> Response:
    """Faults off, default limits, counters cleared."""
    _admin().reset()
    return empty_response(204)
