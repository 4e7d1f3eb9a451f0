"""JSON rendering of reviews and consumers, built lazily from the columns (only for returned rows).

Shapes follow trustpilot-api.md §3.2 (public review), §3.3 (private review) and §2.4
(consumers). Timestamps are ``YYYY-MM-DDTHH:MM:SSZ``; empty values are ``null``, never omitted.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tpnb.emulator import catalog, people, units
from tpnb.emulator.generate import LEVELS
from tpnb.emulator.ids import KIND_TEXT, mix64, salt_for
from tpnb.emulator.phrases import BANKS

if TYPE_CHECKING:
    from tpnb.emulator.catalog import Unit
    from tpnb.emulator.dataset import Dataset

JSON = dict[str, Any]


def iso(seconds: int | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` for epoch seconds (None and negative values give None)."""
    if seconds is None or seconds < 0:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def link(href: str, rel: str, method: str = "GET") -> JSON:
    """One HATEOAS link object."""
    return {"href": href, "method": method, "rel": rel}


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


class Renderer:
    """Turns rows of a :class:`Dataset` into API JSON."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.text_salt = salt_for(ds.seed, KIND_TEXT)

    # --- consumers -----------------------------------------------------------------------------
    def consumer_name(self, c: int) -> str:
        cons = self.ds.consumers
        lang = units.LANGUAGES[int(cons["lang"][c])]
        return people.display_name(lang, int(cons["first"][c]), int(cons["last"][c]),
                                   int(cons["style"][c]))  # fmt: skip

    def consumer_email(self, c: int) -> str:
        cons = self.ds.consumers
        lang = units.LANGUAGES[int(cons["lang"][c])]
        first = people.ascii_slug(people.first_name(lang, int(cons["first"][c])))
        last = people.ascii_slug(people.last_name(lang, int(cons["last"][c])))
        return f"{first}.{last}{c % 997}@example.com"

    def consumer_country(self, c: int) -> str:
        return units.CONSUMER_COUNTRIES[int(self.ds.consumers["country"][c])]

    def consumer_city(self, c: int) -> str | None:
        city = int(self.ds.consumers["city"][c])
        if city < 0:
            return None
        country = self.consumer_country(c)
        bank = people.CITIES["US"] if country == "US" else people.CITIES[
            units.LANGUAGES[int(self.ds.consumers["lang"][c])]]  # fmt: skip
        return bank[city % len(bank)]

    def consumer_locale(self, c: int) -> str:
        return f"{units.LANGUAGES[int(self.ds.consumers['lang'][c])]}-{self.consumer_country(c)}"

    def consumer_location(self, c: int) -> str | None:
        city = self.consumer_city(c)
        return None if city is None else f"{city}, {self.consumer_country(c)}"

    def profile_image(self, c: int) -> JSON | None:
        if not bool(self.ds.consumers["image"][c]):
            return None
        cid = self.ds.consumer_id(c)
        return {f"image{s}x{s}": {"url": f"https://user-images.trustpilot.example/{cid}/{s}x{s}.png",
                                  "width": s, "height": s} for s in (24, 35, 64, 73)}  # fmt: skip

    def consumer_summary(self, c: int, base_url: str) -> JSON:
        cid = self.ds.consumer_id(c)
        return {
            "links": [link(f"{base_url}/consumers/{cid}", "consumers")],
            "id": cid,
            "displayName": self.consumer_name(c),
            "displayLocation": self.consumer_location(c),
            "numberOfReviews": int(self.ds.consumer_review_counts[c]),
        }

    def consumer_profile(self, c: int) -> JSON:
        first = int(self.ds.consumers["first"][c])
        return {
            "id": self.ds.consumer_id(c),
            "displayName": self.consumer_name(c),
            "city": self.consumer_city(c),
            "country": self.consumer_country(c),
            "locale": self.consumer_locale(c),
            "about": None,
            "gender": "male" if first < 12 else "female",
            "createdAt": iso(int(self.ds.consumers["created"][c])),
            "birthYear": None,
            "hasImage": bool(self.ds.consumers["image"][c]),
            "profileImage": self.profile_image(c),
        }

    # --- reviews -------------------------------------------------------------------------------
    def title_text(self, row: int) -> tuple[str, str]:
        custom = self.ds.table.texts.get(row)
        if custom is not None:
            return custom
        t = self.ds.table
        unit = self.ds.units[int(t["bu"][row])]
        lang = units.LANGUAGES[int(t["lang"][row])]
        return compose_review(lang, int(t["stars"][row]), unit.topics, mix64(self.text_salt + row))

    def reply_text(self, row: int) -> str:
        custom = self.ds.table.reply_texts.get(row)
        if custom is not None:
            return custom
        t = self.ds.table
        unit = self.ds.units[int(t["bu"][row])]
        name = self.consumer_name(int(t["consumer"][row])).split(" ")[0]
        return compose_reply(units.LANGUAGES[int(t["lang"][row])], int(t["stars"][row]),
                             mix64(self.text_salt + row), name, unit.spec.display,
                             unit.spec.domain)  # fmt: skip

    def after(self, start: int, delay: int) -> int:
        """``start + delay`` for generated events, kept before the data set's "now" (an event of
        a review created after "now", i.e. added live, keeps its full delay)."""
        if start >= self.ds.now_s:
            return start + delay
        return start + min(delay, max(1, (self.ds.now_s - start) // 2))

    def history(self, unit: Unit, created_s: int) -> list[JSON]:
        """The unit's merge history for a review created at ``created_s``."""
        if unit.former is None:
            return []
        return catalog.history_json(unit, created_s, iso(unit.former[1]) or "")

    def report_data(self, row: int) -> JSON | None:
        reason = int(self.ds.table["reported"][row])
        if reason < 0:
            return None
        code, reasons = units.REPORT_REASONS[reason]
        h = mix64(self.text_salt + row + 1)
        return {
            "source": "Trustpilot" if h % 3 else "Business",
            "publicComment": None,
            "createdAt": iso(
                self.after(int(self.ds.table["created"][row]), 3600 + int(h % (5 * 86400)))
            ),
            "reasons": list(reasons),
            "reason": code,
            "reviewVisibility": "hidden",
        }

    def review(self, row: int, base_url: str, *, private: bool) -> JSON:
        t = self.ds.table
        rid = self.ds.review_id(row)
        u = int(t["bu"][row])
        unit = self.ds.units[u]
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
                    self.ds.user_list[author].id if author >= 0 else None
                )
        loc = int(t["location"][row])
        location: JSON | None = None
        if loc >= 0:
            location = dict(self.ds.locations[loc].public_json())
            if private:
                location["externalId"] = self.ds.locations[loc].external_id
        level = int(t["level"][row])
        reported = int(t["reported"][row]) >= 0
        out: JSON = {
            "links": [link(f"{base_url}/reviews/{rid}", "reviews")],
            "id": rid,
            "consumer": self.consumer_summary(c, base_url),
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
            "language": units.LANGUAGES[int(t["lang"][row])],
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
            out["source"] = units.SOURCES[int(t["source"][row])]
            out["tags"] = [{"group": g, "value": v} for g, v in self.ds.tags_of(row)]
            out["findReviewer"] = self.find_reviewer(row)
        return out

    def referral_email(self, row: int) -> str | None:
        t = self.ds.table
        if row in t.emails:
            return t.emails[row]
        if int(t["source"][row]) == 0:
            return None
        return self.consumer_email(int(t["consumer"][row]))

    def reference_id(self, row: int) -> str | None:
        t = self.ds.table
        if row in t.references:
            return t.references[row]
        num = int(t["ref_num"][row])
        if num < 0:
            return None
        return f"{self.ds.units[int(t['bu'][row])].prefix}-{num}"

    def find_request_id(self, row: int, i: int) -> str:
        """The 24-hex id of the ``i``-th Find Reviewer request of ``row``."""
        created = int(self.ds.table["created"][row])
        return f"{(created + 86400 + i) & 0xFFFFFFFF:08x}{mix64(self.text_salt + row * 7 + i):016x}"

    def find_request_time(self, row: int) -> int:
        """When the generated Find Reviewer request of ``row`` was sent."""
        h = mix64(self.text_salt + row + 2)
        return self.after(int(self.ds.table["created"][row]), 86400 + int(h % (10 * 86400)))

    def find_reviewer(self, row: int) -> JSON:
        t = self.ds.table
        state = int(t["find_state"][row])
        eligible = int(t["source"][row]) == 0
        requests: list[JSON] = []
        h = mix64(self.text_salt + row + 2)
        entries = t.find_messages.get(row)
        if entries is None:
            entries = [(None, self.find_request_time(row))] if state > 0 else []
        for i, (message, asked) in enumerate(entries):
            step = max(1, (self.ds.now_s - asked) // 3) if asked < self.ds.now_s else 2 * 86400
            answered = state == 2 and i == 0
            c = int(t["consumer"][row])
            requests.append({
                "id": self.find_request_id(row, i),
                "created": iso(asked),
                "status": "consumerResponded" if answered else "awaitingConsumerResponse",
                "businessUserMessage": message,
                "consumerResponse": {
                    "referenceId": f"REF-{h % 1_000_000:06d}", "name": self.consumer_name(c),
                    "submittedAt": iso(asked + min(2 * 86400, step)), "phoneNumber": None, "address": None,
                    "message": "Happy to help, here are my order details.",
                    "email": self.consumer_email(c),
                } if answered else None,
            })  # fmt: skip
        return {"isEligible": eligible, "requests": requests}
