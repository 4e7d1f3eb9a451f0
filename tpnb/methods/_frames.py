""":mod:`tpnb.frames` as the methods call it: a converter that cannot read the API's data raises
:class:`~tpnb.errors.ResponseError`, not the converter's bare ``ValueError``/``TypeError``.

The methods write ``read_frame(frames.review_frame, items, business_unit_id=unit_id)`` where
they would write ``frames.review_frame(items, business_unit_id=unit_id)``. Only failures *inside*
the converter are translated, so a bad argument (a :class:`~tpnb.errors.ConfigError`, raised
earlier by :mod:`tpnb.params`) or a bug elsewhere is not mistaken for a malformed answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

import pandas as pd

from tpnb.errors import MAX_MESSAGE_CHARS, ResponseError, TpnbError, redact

__all__ = ["read_frame"]

ConverterParameters = ParamSpec("ConverterParameters")


def read_frame(
    convert: Callable[ConverterParameters, pd.DataFrame],
    *args: ConverterParameters.args,
    **kwargs: ConverterParameters.kwargs,
) -> pd.DataFrame:
    """``convert(*args, **kwargs)``, with a failure to read the JSON as a ResponseError.

    Args:
        convert: A :mod:`tpnb.frames` converter (``review_frame``...).
        *args: Its positional arguments (the JSON first).
        **kwargs: Its keyword arguments.

    Raises:
        ResponseError: The converter could not read the data (the message names the converter
            and says that ``raw=True`` returns the JSON as sent).
    """
    try:
        return convert(*args, **kwargs)
    except TpnbError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        detail = redact(f"{type(exc).__name__}: {exc}")
        if len(detail) > MAX_MESSAGE_CHARS:
            detail = detail[: MAX_MESSAGE_CHARS - 1] + "…"
        raise ResponseError(
            f"the API answered with data tpnb cannot read ({convert.__name__}: {detail}); "
            "raw=True returns the JSON as sent"
        ) from exc
