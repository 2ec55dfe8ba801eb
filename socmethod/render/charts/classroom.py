"""The classroom's charts: where a group went wrong, per case, per decision and per scale item, as
horizontal bars of the share of wrong answers (the trainer's page, the projector view)."""
from __future__ import annotations

import textwrap

from markupsafe import Markup

from socmethod.render.charts import NEUTRAL, PALETTE, STYLE, figure, svg

WRONG = PALETTE[5]              # vermilion: wrong answers
RIGHT = NEUTRAL                 # the rest of the bar: right answers


def wrong_share_chart(entries: list[dict], title: str, limit: int = 12, width_cm: float = 17,
                      label_width: int = 50, font_size: float | None = None) -> Markup:
    """One bar per entry ({"label", "wrong", "total"}), worst first as given: the wrong share in colour,
    the right share in grey, «wrong из total» at the end; an empty Markup when nobody has answered."""
    shown = [e for e in entries if e["total"]][:limit]
    if not shown:
        return Markup("")
    size = font_size or STYLE["font.size"]
    labels = ["\n".join(textwrap.wrap(str(e["label"]), label_width)) or "—" for e in shown]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig = figure(width_cm, 1.6 + 0.5 * lines * size / 10 + 0.35 * len(shown))
    ax = fig.add_subplot()
    positions = list(range(len(shown)))[::-1]
    shares = [e["wrong"] / e["total"] for e in shown]
    ax.barh(positions, shares, color=WRONG, height=0.6)
    ax.barh(positions, [1 - s for s in shares], left=shares, color=RIGHT, height=0.6)
    for y, e in zip(positions, shown):
        ax.text(1.01, y, f"{e['wrong']} из {e['total']}", va="center", fontsize=size)
    ax.set_yticks(positions, labels, fontsize=size)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "25 %", "50 %", "75 %", "100 %"], fontsize=size * 0.9)
    # Over the whole figure, from its left edge: over the axes alone (right of the long labels) a long
    # title ran off the projector's 1024 px.
    fig.suptitle(title, fontsize=size * 1.1, x=0.0, ha="left")
    ax.spines[["top", "right"]].set_visible(False)
    return svg(fig)
