"""What the widgets share: the client capabilities they read, error-safe callbacks, the style.

Widgets never call HTTP themselves: they call the :class:`tpnb.Client` they are given. This
module reads the two facts about that client a widget shows (demo mode, Customer API) without
importing the client layer, so a stand-in object with the same methods works too.
"""

from __future__ import annotations

import atexit
import functools
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

import ipywidgets as w
import pandas as pd
import traitlets

from tpnb.widgets.render import STYLE, message_html

__all__ = [
    "FrameTrait",
    "MessageArea",
    "background",
    "guarded",
    "has_customer_api",
    "in_kernel",
    "is_demo",
    "style_widget",
]

log = logging.getLogger("tpnb.widgets")

P = ParamSpec("P")
R = TypeVar("R")


def is_demo(client: Any) -> bool:
    """Whether ``client`` serves demo data (the embedded emulator, no credentials)."""
    for name in ("demo", "is_demo", "demo_mode"):
        value = getattr(client, name, None)
        if isinstance(value, bool):
            return value
    settings = getattr(client, "settings", None)
    value = getattr(settings, "demo", None)
    return bool(value) if isinstance(value, bool) else False


def in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (IPython's ZMQ shell: a notebook, Lab, Voila),
    where a widget is on screen while its callbacks run; without importing IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def has_customer_api(client: Any) -> bool:
    """Whether ``client`` can call the Customer (OAuth) API, e.g. to reply to a review.

    True when the client's settings allow a business-user login (``settings.can_login``), or an
    explicit ``has_customer_api`` attribute says so.
    """
    value = getattr(client, "has_customer_api", None)
    if isinstance(value, bool):
        return value
    settings = getattr(client, "settings", None)
    value = getattr(settings, "can_login", None)
    return value if isinstance(value, bool) else False


class FrameTrait(traitlets.Instance):  # type: ignore[type-arg]
    """A DataFrame trait that notifies on every new frame, without comparing frames.

    traitlets decides whether to notify with ``bool(old == new)``; for two DataFrames of the same
    shape that compares every cell (a quarter of a second on 100,000 reviews) before failing.
    Here a change is any assignment of a different object.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(pd.DataFrame, **kwargs)

    def set(self, obj: traitlets.HasTraits, value: Any) -> None:
        name = str(self.name)
        new = self._validate(obj, value)
        old = obj._trait_values.get(name, self.default_value)
        obj._trait_values[name] = new
        if old is not new:
            obj._notify_trait(name, old, new)


class MessageArea(w.HTML):  # type: ignore[misc]  # ipywidgets is untyped
    """One line of status for a widget: info, success, warning or error (or nothing)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("tpnb-message-area")

    def show(self, text: str, kind: str = "info") -> None:
        """Show ``text`` styled as ``kind`` (``info``, ``success``, ``warning``, ``error``)."""
        self.value = message_html(text, kind)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Hide the message."""
        self.value = ""


class _HasMessages(Protocol):
    messages: MessageArea


S = TypeVar("S", bound=_HasMessages)


def guarded(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R | None]:
    """Run a widget callback; an exception shows as an error message in the widget, not a trace.

    The exception is also logged (at WARNING, with its traceback) for the developer.
    """

    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            log.warning("widget callback %s failed", method.__qualname__, exc_info=True)
            text = str(exc) or type(exc).__name__
            self.messages.show(f"{type(exc).__name__}: {text}", "error")
            return None

    functools.update_wrapper(wrapper, method)
    return wrapper


def style_widget() -> w.HTML:
    """An invisible HTML widget carrying the shared ``tpnb-`` stylesheet."""
    style = w.HTML(STYLE, layout=w.Layout(height="0px", margin="0", overflow="hidden"))
    style.add_class("tpnb-style")
    return style


#: Widget threads still running (chart drawings, background loads), finished at exit
_RUNNING: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_EXIT_REGISTERED = threading.Event()
#: How long the interpreter's exit waits, in all, for the widgets' threads to end
EXIT_WAIT = 30.0

ThreadT = TypeVar("ThreadT", bound=threading.Thread)


def background(thread: ThreadT) -> ThreadT:
    """Track a widget's daemon thread so the interpreter's exit lets it finish first.

    A daemon thread still drawing a chart (matplotlib's Agg is C++) or building a frame (Arrow)
    when Python shuts down is stopped inside C++ code, and the process aborts ("terminate
    called without an active exception"). At exit, pending timers are cancelled and the threads
    that run are joined (at most :data:`EXIT_WAIT` seconds in all).
    """
    if not _EXIT_REGISTERED.is_set():
        _EXIT_REGISTERED.set()
        atexit.register(_finish_background_threads)
    _RUNNING.add(thread)
    return thread


def _finish_background_threads() -> None:
    deadline = time.monotonic() + EXIT_WAIT
    threads = list(_RUNNING)
    for thread in threads:
        if isinstance(thread, threading.Timer):
            thread.cancel()  # not started yet: it never will be
    for thread in threads:
        if thread.is_alive() and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
