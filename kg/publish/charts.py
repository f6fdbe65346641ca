"""Charts as SVG text that is the same byte for byte on every run (matplotlib, no pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.figure import Figure

# The SVG backend derives element ids from a hash salted with this value; a fixed salt keeps ids stable.
HASH_SALT = "icgp"

_RC: dict[Any, Any] = {
    "svg.hashsalt": HASH_SALT,
    # Text stays text: a reader can search and copy it, a screen reader can read it, a test can find it.
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@contextmanager
def chart_style() -> Iterator[None]:
    """The project's chart settings (fixed SVG hash salt, text as text), for the ``with`` block only."""
    with matplotlib.rc_context(_RC):
        yield


def new_figure(width: float = 6.4, height: float = 3.6) -> Figure:
    """A figure of ``width`` x ``height`` inches, not registered with pyplot (nothing global to close)."""
    return Figure(figsize=(width, height), layout="constrained")


def svg_of(figure: Figure, title: str = "") -> str:
    """The figure as SVG text without a creation date, so two runs give the same bytes.

    ``title`` becomes the SVG's ``<title>`` metadata. Call it inside :func:`chart_style` (the salt is read
    while saving).
    """
    buffer = io.StringIO()
    metadata: dict[str, Any] = {"Date": None, "Creator": "ICGP"}
    if title:
        metadata["Title"] = title
    figure.savefig(buffer, format="svg", metadata=metadata)
    text = buffer.getvalue()
    # The XML declaration and DOCTYPE are for standalone files; inline SVG in HTML starts at <svg.
    return text[text.index("<svg") :]


__all__ = ["HASH_SALT", "chart_style", "new_figure", "svg_of"]
