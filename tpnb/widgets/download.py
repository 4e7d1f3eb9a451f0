"""BrowserDownload: hand a file made in the kernel to the browser as a download.

The bytes travel once, as a binary buffer of a custom widget message, and the browser saves
them through a ``Blob`` and an ``<a download>`` click. Nothing is written next to the notebook
and nothing is kept in the page or in the notebook: a message is not widget state, so it is
neither saved with the notebook nor replayed when the page is reloaded. The widget is an
`anywidget <https://anywidget.dev>`_ (its front end ships with the Python package), so it works
the same in JupyterLab, Jupyter Notebook 7 and Voila, with no server route and no file under the
Jupyter server's root (which Voila would not serve anyway: it serves only allow-listed files).

The message is handled in the model's ``initialize`` (once per browser page), not in a view: a
widget shown twice still downloads once.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["BrowserDownload"]

_ESM = """
function initialize({ model }) {
  const onMessage = (message, buffers) => {
    if (!message || message.kind !== "tpnb-download") {
      return;
    }
    const blob = new Blob(buffers, { type: message.mime || "application/octet-stream" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = message.name;
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    model.set("delivered", model.get("delivered") + 1);
    model.save_changes();
  };
  model.on("msg:custom", onMessage);
  return () => model.off("msg:custom", onMessage);
}
function render({ el }) {
  el.style.display = "none";
}
export default { initialize, render };
"""


class BrowserDownload(anywidget.AnyWidget):
    """An invisible widget that makes the browser download bytes sent from the kernel.

    Attributes:
        delivered: how many downloads the browser has started (the front end counts them; a
            kernel with no browser attached, as in a script, leaves it at 0).
    """

    _esm = _ESM
    delivered = traitlets.Int(0).tag(sync=True)

    def offer(self, name: str, data: bytes, mime: str) -> None:
        """Send ``data`` to the browser, which saves it as the file ``name``.

        Args:
            name: The file name the browser suggests (no folders).
            data: The file's content.
            mime: Its media type (e.g. ``text/csv``).

        Raises:
            ValueError: ``name`` is empty or holds a path separator.
        """
        if not name or "/" in name or "\\" in name:
            raise ValueError(f"a download needs a plain file name, got {name!r}")
        self.send({"kind": "tpnb-download", "name": name, "mime": mime}, buffers=[data])
