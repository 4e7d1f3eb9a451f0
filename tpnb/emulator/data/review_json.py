"""Service reviews as API JSON, rendered lazily from the columns (only for returned rows).

Shapes follow trustpilot-api.md §3.2 (public review) and §3.3 (private review). What a review
says beyond its columns is derived on demand from the seed and its row: title and text (phrase
banks in its language, the sentiment of its stars, its unit's topics), the company reply, the
report data, reference id and referral e-mail, the Find Reviewer requests. Generated events stay
before the data set's "now" (:meth:`ReviewRenderer.after`).
"""

from __future__ import annotations

from typing import Any

from tpnb.emulator.data import specs
from tpnb.emulator.data.accounts import Accounts
from tpnb.emulator.data.business_units import BusinessUnits, Unit, history_json
from tpnb.emulator.data.consumers import Consumers
from tpnb.emulator.data.formats import iso, link, locale_host
from tpnb.emulator.data.generate import LEVELS
from tpnb.emulator.data.ids import KIND_TEXT, mix64, salt_for
from tpnb.emulator.data.phrases import BANKS
from tpnb.emulator.data.table import ReviewTable

JSON = dict[str, Any]


def sentiment(stars: int) -> int:
    """0 negative (1-2 stars), 1 mixed (3), 2 positive (4-5)."""
    return 0 if stars <= 2 else (1 if stars == 3 else 2)


def compose_review(language: str, stars: int, topics: tuple[str, ...], h: int) -> tuple[str, str]:
    """A (title, text) whose sentiment matches ``stars``, chosen by the 64-bit hash ``h``."""
    bank = BANKS[language]
    s = sentiment(stars)
    title = bank[f"t{s}"][h % len(bank[f"t{s}"])]
    parts = [bank[f"o{s}"][(h >> 8) % len(bank[f"o{s}"])]]
    first = topics[(h >> 16) % len(topics)]
    second = topics[(h >> 24) % len(topics)]
    if s == 1 and first != second:  # mixed: one good thing, one bad thing
        parts += [bank[first][2], bank[second][0]]
    else:
        parts.append(bank[first][s])
        if first != second and (h >> 32) % 3 == 0:
            parts.append(bank[second][s])
    if (h >> 40) % 4 != 0:
        parts.append(bank[f"c{s}"][(h >> 44) % len(bank[f"c{s}"])])
    return title, " ".join(parts)


def compose_reply(language: str, stars: int, h: int, name: str, company: str, domain: str) -> str:
    """A company reply in ``language`` fitting the review's sentiment."""
    options = BANKS[language][f"r{sentiment(stars)}"]
    return options[(h >> 48) % len(options)].format(name=name, company=company, domain=domain)


class ReviewRenderer:
    """Turns rows of the review table into API JSON (and the fields derived from a row)."""

    def __init__(
        self,
        table: ReviewTable,
        units: BusinessUnits,
        consumers: Consumers,
        accounts: Accounts,
        *,
        seed: int,
        now_s: int,
    ) -> None:
        self.table = table
        self.units = units
        self.consumers = consumers
        self.accounts = accounts
        self.now_s = now_s
        self.text_salt = salt_for(seed, KIND_TEXT)

    # --- reviews -------------------------------------------------------------------------------
    def title_text(self, row: int) -> tuple[str, str]:
        """The (title, text) of ``row``: as written, or composed from the phrase banks."""
        custom = self.table.texts.get(row)
        if custom is not None:
            return custom
        t = self.table
        unit = self.units[int(t["bu"][row])]
        lang = specs.LANGUAGES[int(t["lang"][row])]
        return compose_review(lang, int(t["stars"][row]), unit.topics, mix64(self.text_salt + row))

    def reply_text(self, row: int) -> str:
        """The company reply's text: as written, or composed in the review's language."""
        custom = self.table.reply_texts.get(row)
        if custom is not None:
            return custom
        t = self.table
        unit = self.units[int(t["bu"][row])]
        name = self.consumers.name(int(t["consumer"][row])).split(" ")[0]
        return compose_reply(specs.LANGUAGES[int(t["lang"][row])], int(t["stars"][row]),
                             mix64(self.text_salt + row), name, unit.spec.display,
                             unit.spec.domain)  # fmt: skip

    def after(self, start: int, delay: int) -> int:
        """``start + delay`` for generated events, kept before the data set's "now" (an event of
        a review created after "now", i.e. added live, keeps its full delay)."""
        if start >= self.now_s:
            return start + delay
        return start + min(delay, max(1, (self.now_s - start) // 2))

    def history(self, unit: Unit, created_s: int) -> list[JSON]:
        """The unit's merge history for a review created at ``created_s``."""
        if unit.former is None:
            return []
        return history_json(unit, created_s, iso(unit.former[1]) or "")

    def report_data(self, row: int) -> JSON | None:
        """``reportData`` of a reported review (None when not reported)."""
        reason = int(self.table["reported"][row])
        if reason < 0:
            return None
        code, reasons = specs.REPORT_REASONS[reason]
        h = mix64(self.text_salt + row + 1)
        return {
            "source": "Trustpilot" if h % 3 else "Business",
            "publicComment": None,
            "createdAt": iso(
                self.after(int(self.table["created"][row]), 3600 + int(h % (5 * 86400)))
            ),
            "reasons": list(reasons),
            "reason": code,
            "reviewVisibility": "hidden",
        }

    def review(self, row: int, base_url: str, *, private: bool) -> JSON:
        """§3.2 public review (or §3.3 private review) of ``row``."""
        t = self.table
        rid = t.review_id(row)
        u = int(t["bu"][row])
        unit = self.units[u]
        c = int(t["consumer"][row])
        stars = int(t["stars"][row])
        title, text = self.title_text(row)
        reply_at = int(t["reply_at"][row])
        reply: JSON | None = None
        if reply_at >= 0:
            reply = {"text": self.reply_text(row), "createdAt": iso(reply_at),
                     "updatedAt": iso(int(t["reply_upd"][row]))}  # fmt: skip
            if private:
                author = int(t["reply_author"][row])
                reply["authorBusinessUserId"] = (
                    self.accounts.users[author].id if author >= 0 else None
                )
        loc = int(t["location"][row])
        location: JSON | None = None
        if loc >= 0:
            location = dict(self.units.locations[loc].public_json())
            if private:
                location["externalId"] = self.units.locations[loc].external_id
        level = int(t["level"][row])
        reported = int(t["reported"][row]) >= 0
        out: JSON = {
            "links": [link(f"{base_url}/reviews/{rid}", "reviews")],
            "id": rid,
            "consumer": self.consumers.summary_json(c, base_url),
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
        }
        if private:
            out["referralEmail"] = self.referral_email(row)
            out["referenceId"] = self.reference_id(row)
            out["source"] = specs.SOURCES[int(t["source"][row])]
            out["tags"] = [{"group": g, "value": v} for g, v in t.tags_of(row)]
            out["findReviewer"] = self.find_reviewer(row)
        return out

    def referral_email(self, row: int) -> str | None:
        """The referral e-mail: as written, the consumer's for an invited review, else None."""
        t = self.table
        if row in t.emails:
            return t.emails[row]
        if int(t["source"][row]) == 0:
            return None
        return self.consumers.email(int(t["consumer"][row]))

    def reference_id(self, row: int) -> str | None:
        """The reference id: as written, ``<unit prefix>-<order number>`` if invited, else None."""
        t = self.table
        if row in t.references:
            return t.references[row]
        num = int(t["ref_num"][row])
        if num < 0:
            return None
        return f"{self.units[int(t['bu'][row])].prefix}-{num}"

    def find_request_id(self, row: int, i: int) -> str:
        """The 24-hex id of the ``i``-th Find Reviewer request of ``row``."""
        created = int(self.table["created"][row])
        return f"{(created + 86400 + i) & 0xFFFFFFFF:08x}{mix64(self.text_salt + row * 7 + i):016x}"

    def find_request_time(self, row: int) -> int:
        """When the generated Find Reviewer request of ``row`` was sent."""
        h = mix64(self.text_salt + row + 2)
        return self.after(int(self.table["created"][row]), 86400 + int(h % (10 * 86400)))

    def find_reviewer(self, row: int) -> JSON:
        """``findReviewer`` of a private review: eligibility and the requests sent."""
        t = self.table
        state = int(t["find_state"][row])
        eligible = int(t["source"][row]) == 0
        requests: list[JSON] = []
        h = mix64(self.text_salt + row + 2)
        entries = t.find_messages.get(row)
        if entries is None:
            entries = [(None, self.find_request_time(row))] if state > 0 else []
        for i, (message, asked) in enumerate(entries):
            step = max(1, (self.now_s - asked) // 3) if asked < self.now_s else 2 * 86400
            answered = state == 2 and i == 0
            c = int(t["consumer"][row])
            requests.append({
                "id": self.find_request_id(row, i),
                "created": iso(asked),
                "status": "consumerResponded" if answered else "awaitingConsumerResponse",
                "businessUserMessage": message,
                "consumerResponse": {
                    "referenceId": f"REF-{h % 1_000_000:06d}", "name": self.consumers.name(c),
                    "submittedAt": iso(asked + min(2 * 86400, step)), "phoneNumber": None, "address": None,
                    "message": "Happy to help, here are my order details.",
                    "email": self.consumers.email(c),
                } if answered else None,
            })  # fmt: skip
        return {"isEligible": eligible, "requests": requests}

    def likes_json(self, row: int, base_url: str) -> JSON:
        """``{"likes": [{"consumer": {...}}]}`` with ``numberOfLikes`` entries."""
        n = int(self.table["likes"][row])
        size = len(self.consumers)
        picks = [mix64(self.text_salt + row * 131 + j) % size for j in range(n)]
        return {"likes": [{"consumer": self.consumers.summary_json(c, base_url)} for c in picks]}

    def web_links_json(self, row: int, locale: str, base_url: str) -> JSON:
        """``{locale, reviewUrl, links}`` for a review [I]."""
        review_id = self.table.review_id(row)
        return {"links": [link(f"{base_url}/reviews/{review_id}/web-links?locale={locale}", "self")],
                "locale": locale, "reviewUrl": f"{locale_host(locale)}/reviews/{review_id}"}  # fmt: skip
