"""Service reviews as API JSON, rendered lazily from the columns (only for returned rows).

Shapes follow trustpilot-api.md §3.2 (public review) and §3.3 (private review); the values come
from :class:`~.reviews.Reviews` (columns and derived fields) and the parts it holds.
"""

from __future__ import annotations

from typing import Any

from tpnb.emulator.data import specs
from tpnb.emulator.data.business_units import Unit, history_json
from tpnb.emulator.data.formats import iso, link, locale_host
from tpnb.emulator.data.generate import LEVELS
from tpnb.emulator.data.ids import mix64
from tpnb.emulator.data.reviews import Reviews

JSON = dict[str, Any]


class ReviewRenderer:
    """Turns rows of :class:`~.reviews.Reviews` into API JSON."""

    def __init__(self, reviews: Reviews) -> None:
        self.reviews = reviews

    def history(self, unit: Unit, created_s: int) -> list[JSON]:
        """The unit's merge history for a review created at ``created_s``."""
        if unit.former is None:
            return []
        return history_json(unit, created_s, iso(unit.former[1]) or "")

    def report_data(self, row: int) -> JSON | None:
        """``reportData`` of a reported review (None when not reported)."""
        reason = int(self.reviews.table["reported"][row])
        if reason < 0:
            return None
        created = int(self.reviews.table["created"][row])
        code, reasons = specs.REPORT_REASONS[reason]
        h = mix64(self.reviews.text_salt + row + 1)
        return {
            "source": "Trustpilot" if h % 3 else "Business",
            "publicComment": None,
            "createdAt": iso(self.reviews.after(created, 3600 + int(h % (5 * 86400)))),
            "reasons": list(reasons),
            "reason": code,
            "reviewVisibility": "hidden",
        }

    def review(self, row: int, base_url: str, *, private: bool) -> JSON:
        """§3.2 public review (or §3.3 private review) of ``row``."""
        reviews = self.reviews
        t = reviews.table
        rid = t.review_id(row)
        u = int(t["bu"][row])
        unit = reviews.units[u]
        c = int(t["consumer"][row])
        stars = int(t["stars"][row])
        title, text = reviews.title_text(row)
        reply_at = int(t["reply_at"][row])
        reply: JSON | None = None
        if reply_at >= 0:
            reply = {"text": reviews.reply_text(row), "createdAt": iso(reply_at),
                     "updatedAt": iso(int(t["reply_upd"][row]))}  # fmt: skip
            if private:
                author = int(t["reply_author"][row])
                reply["authorBusinessUserId"] = (
                    reviews.accounts.users[author].id if author >= 0 else None
                )
        loc = int(t["location"][row])
        location: JSON | None = None
        if loc >= 0:
            location = dict(reviews.units.locations[loc].public_json())
            if private:
                location["externalId"] = reviews.units.locations[loc].external_id
        level = int(t["level"][row])
        reported = int(t["reported"][row]) >= 0
        out: JSON = {
            "links": [link(f"{base_url}/reviews/{rid}", "reviews")],
            "id": rid,
            "consumer": reviews.consumers.summary_json(c, base_url),
            "businessUnit": {
                "links": [link(f"{base_url}/business-units/{unit.id}", "business-units")],
                "id": unit.id,
                "identifyingName": unit.spec.domain,
                "displayName": unit.spec.display,
            },
            "location": location,
            "stars": stars,
            "title": title,
            "text": text,
            "language": specs.LANGUAGES[int(t["lang"][row])],
            "createdAt": iso(int(t["created"][row])),
            "experiencedAt": iso(int(t["experienced"][row])),
            "updatedAt": iso(int(t["updated"][row])),
            "companyReply": reply,
            "isVerified": level > 0,
            "numberOfLikes": int(t["likes"][row]),
            "status": "active",
            "reportData": self.report_data(row),
            "complianceLabels": [],
            "countsTowardsTrustScore": not reported,
            "countsTowardsLocationTrustScore": (not reported) if location is not None else None,
            "invitation": {"businessUnitId": unit.id} if level == 2 else None,
            "businessUnitHistory": self.history(unit, int(t["created"][row])),
            "reviewVerificationLevel": LEVELS[level],
            "source": specs.SOURCES[int(t["source"][row])],  # public too ([S] TSREAL)
        }
        if private:
            out["referralEmail"] = reviews.referral_email(row)
            out["referenceId"] = reviews.reference_id(row)
            out["tags"] = [{"group": g, "value": v} for g, v in t.tags_of(row)]
            out["findReviewer"] = self.find_reviewer(row)
        return out

    def find_reviewer(self, row: int) -> JSON:
        """``findReviewer`` of a private review: eligibility and the requests sent.

        A request is ``"Pending"`` until the consumer answers (the docs' example, [C]), then
        ``"ConsumerResponded"`` ([I]: no other status value is public)."""
        reviews = self.reviews
        t = reviews.table
        state = int(t["find_state"][row])
        eligible = int(t["source"][row]) == 0
        requests: list[JSON] = []
        h = mix64(reviews.text_salt + row + 2)
        entries = t.find_messages.get(row)
        if entries is None:
            entries = [(None, reviews.find_request_time(row))] if state > 0 else []
        for i, (message, asked) in enumerate(entries):
            step = max(1, (reviews.now_s - asked) // 3) if asked < reviews.now_s else 2 * 86400
            answered = state == 2 and i == 0
            c = int(t["consumer"][row])
            requests.append({
                "id": reviews.find_request_id(row, i),
                "created": iso(asked),
                "status": "ConsumerResponded" if answered else "Pending",
                "businessUserMessage": message,
                "consumerResponse": {
                    "referenceId": f"REF-{h % 1_000_000:06d}", "name": reviews.consumers.name(c),
                    "submittedAt": iso(asked + min(2 * 86400, step)), "phoneNumber": None, "address": None,
                    "message": "Happy to help, here are my order details.",
                    "email": reviews.consumers.email(c),
                } if answered else None,
            })  # fmt: skip
        return {"isEligible": eligible, "requests": requests}

    def likes_json(self, row: int, base_url: str) -> JSON:
        """``{"likes": [{"consumer": {...}}]}`` with ``numberOfLikes`` entries."""
        n = int(self.reviews.table["likes"][row])
        size = len(self.reviews.consumers)
        picks = [mix64(self.reviews.text_salt + row * 131 + j) % size for j in range(n)]
        return {
            "likes": [{"consumer": self.reviews.consumers.summary_json(c, base_url)} for c in picks]
        }

    def web_links_json(self, row: int, locale: str, base_url: str) -> JSON:
        """``{locale, reviewUrl, links}`` for a review [I]."""
        review_id = self.reviews.table.review_id(row)
        return {"links": [link(f"{base_url}/reviews/{review_id}/web-links?locale={locale}", "self")],
                "locale": locale, "reviewUrl": f"{locale_host(locale)}/reviews/{review_id}"}  # fmt: skip
