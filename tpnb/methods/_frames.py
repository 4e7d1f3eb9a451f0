""":mod:`tpnb.frames` as the methods use it: a converter that cannot read the API's data raises
:class:`~tpnb.errors.ResponseError`, not the converter's bare ``ValueError``/``TypeError``.

Only failures *inside* a converter call are translated, so a bad argument (a
:class:`~tpnb.errors.ConfigError`, raised earlier by :mod:`tpnb.params`) or a bug elsewhere is
not mistaken for a malformed answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from tpnb import frames as _frames
from tpnb.errors import MAX_MESSAGE_CHARS, ResponseError, TpnbError, redact

__all__ = ["frames"]


class _ReadingConverters:
    """Attribute access to :mod:`tpnb.frames`, each function wrapped (see the module doc)."""

    def __getattr__(self, name: str) -> Any:
        convert = getattr(_frames, name)
        if not callable(convert):
            return convert
        return _reading(name, convert)


def _reading(name: str, convert: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(convert)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return convert(*args, **kwargs)
        except TpnbError:
            raise
        except (TypeError, ValueError, KeyError) as exc:
            detail = redact(f"{type(exc).__name__}: {exc}")
            if len(detail) > MAX_MESSAGE_CHARS:
                detail = detail[: MAX_MESSAGE_CHARS - 1] + "…"
            raise ResponseError(
                f"the API answered with data tpnb cannot read ({name}: {detail}); "
                "raw=True returns the JSON as sent"
            ) from exc

    return wrapper


#: Use as ``frames.review_frame(...)`` in the methods.
frames = _ReadingConverters()
