"""Typed not-found errors: one class per kind of id, raised where that entity is looked up.

::

    LookupError
     └── UnknownId                 .message: the sentence the API's 404 body carries
          ├── UnknownBusinessUnit  .business_unit_id
          ├── UnknownBusinessName  .name          (find by name or domain)
          ├── UnknownLocation      .business_unit_id, .location_id
          ├── UnknownCategory      .category_id
          ├── UnknownReview        .review_id
          ├── UnknownConsumer      .consumer_id
          ├── UnknownBusinessUser  .business_user_id
          ├── UnknownProductReview .review_id
          ├── UnknownConversation  .conversation_id
          └── UnknownComment       .comment_id

The API answers every one of them with one handler (a 404 with ``message``); Python callers
catch :class:`LookupError` or the precise class.
"""

from __future__ import annotations


class UnknownId(LookupError):
    """An id (or name) that names nothing; ``message`` says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownBusinessUnit(UnknownId):
    """No business unit has this id."""

    def __init__(self, business_unit_id: str) -> None:
        super().__init__(f"Business unit not found: {business_unit_id}")
        self.business_unit_id = business_unit_id


class UnknownBusinessName(UnknownId):
    """No business unit is known by this name or domain."""

    def __init__(self, name: str) -> None:
        super().__init__(f"No business unit found with name {name!r}")
        self.name = name


class UnknownLocation(UnknownId):
    """The business unit has no location with this id."""

    def __init__(self, business_unit_id: str, location_id: str) -> None:
        super().__init__(f"Location {location_id} not found for business unit {business_unit_id}")
        self.business_unit_id = business_unit_id
        self.location_id = location_id


class UnknownCategory(UnknownId):
    """No category has this id."""

    def __init__(self, category_id: str) -> None:
        super().__init__(f"Category not found: {category_id}")
        self.category_id = category_id


class UnknownReview(UnknownId):
    """No live service review has this id."""

    def __init__(self, review_id: str) -> None:
        super().__init__(f"Review not found: {review_id}")
        self.review_id = review_id


class UnknownConsumer(UnknownId):
    """No consumer has this id."""

    def __init__(self, consumer_id: str) -> None:
        super().__init__(f"Consumer not found: {consumer_id}")
        self.consumer_id = consumer_id


class UnknownBusinessUser(UnknownId):
    """No business user has this id."""

    def __init__(self, business_user_id: str) -> None:
        super().__init__(f"Business user not found: {business_user_id}")
        self.business_user_id = business_user_id


class UnknownProductReview(UnknownId):
    """No product review has this id."""

    def __init__(self, review_id: str) -> None:
        super().__init__(f"Product review not found: {review_id}")
        self.review_id = review_id


class UnknownConversation(UnknownId):
    """No conversation has this id."""

    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"Conversation not found: {conversation_id}")
        self.conversation_id = conversation_id


class UnknownComment(UnknownId):
    """The conversation has no comment with this id."""

    def __init__(self, comment_id: str) -> None:
        super().__init__(f"Comment not found: {comment_id}")
        self.comment_id = comment_id
