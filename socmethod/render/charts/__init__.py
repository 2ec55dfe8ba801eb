"""Charts for the workbench, the classroom and their reports: matplotlib, drawn on the server (no
JavaScript, no network), so the same figure shows in Voila, in JupyterLab, inline in a saved HTML report
(SVG) and on paper, and downloads as PNG or SVG.

This module holds what every chart shares (the non-interactive backend, a Cyrillic font, the palette,
export); the charts themselves live in the modules beside it, one per application.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")          # never a window, never a display server: pages and files only

import matplotlib.pyplot as plt  # noqa: E402
from markupsafe import Markup  # noqa: E402

# DejaVu Sans ships with matplotlib itself and covers Cyrillic, so labels never fall back to boxes.
# A fixed hash salt and no date: the same chart is the same bytes (a report made twice from the same
# inputs is the same file).
STYLE = {"font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 11, "svg.fonttype": "none",
         "svg.hashsalt": "socmethod", "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100}
# Colour-blind-safe qualitative palette (Okabe-Ito), in the order outcomes are listed.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
NEUTRAL = "#BBBBBB"             # "no recommendation", "no change"


def figure(width_cm: float = 16, height_cm: float = 9):
    """A new figure of the given size in centimetres (an A4 page's text is 17 cm wide)."""
    with plt.rc_context(STYLE):
        return plt.figure(figsize=(width_cm / 2.54, height_cm / 2.54), layout="constrained")


def svg(fig) -> Markup:
    """The figure as inline SVG markup (text stays text: searchable, printable, scalable); closes it."""
    buf = io.StringIO()
    with plt.rc_context(STYLE):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return Markup(text[text.index("<svg"):])     # drop the XML prologue and doctype: it is embedded

