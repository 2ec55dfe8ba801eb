"""The workbench's charts: before/after heat maps of self-care × mobility degree, transitions (old → new
outcome), and the gaps of the tables. Each function returns a matplotlib figure; `charts.svg` embeds it
in a page or a report, `svg_and_png` gives both from one figure. Every word on a chart is Russian, from the rule data.
"""
from __future__ import annotations

import io
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch, Rectangle

from socmethod.analysis.labels import NO_RECOMMENDATION, category_words, outcome_numbers, outcome_words
from socmethod.core.ruleset import RuleSet
from socmethod.render.charts import NEUTRAL, PALETTE, STYLE, figure, svg

DEGREES = range(4)
# After the Okabe-Ito colours, lighter tints of the same hues: outcomes past eight stay told apart.
EXTRA = ("#9ecae1", "#fdd0a2", "#a1d99b", "#e7b8d4", "#c6dbef", "#fcbba1", "#fff7bc", "#969696")
LEGEND_MAX = 14                  # outcomes named in a legend; the rest are «прочие исходы»
OTHER_COLOUR = "#777777"
NO_RECOMMENDATION_COLOUR = "#E8E8E8"
WRAP = 80                        # characters of a legend line (an A4 page's width at 8 pt)


def svg_and_png(fig) -> tuple:
    """The figure as inline SVG (to show) and as PNG bytes (to download), drawn from one figure."""
    buf = io.BytesIO()
    with plt.rc_context(STYLE):
        fig.savefig(buf, format="png", dpi=150)
    return svg(fig), buf.getvalue()          # svg() closes the figure


def _wrap(text: str, width: int = 95) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def outcome_colours(counts: list[pd.DataFrame]) -> dict[str, str]:
    """One colour per outcome, the same in every panel, in order of frequency: no recommendation light
    grey; past LEGEND_MAX outcomes, «прочие» dark grey. (Black is left out: a count must read on it.)"""
    total = pd.concat(counts).groupby("outcome")["count"].sum().sort_values(ascending=False, kind="stable")
    palette = [c for c in PALETTE if c != "#000000"] + list(EXTRA)
    colours, used = {}, 0
    for outcome in total.index:
        if outcome in ("", NO_RECOMMENDATION):
            colours[outcome] = NO_RECOMMENDATION_COLOUR
        elif used < min(LEGEND_MAX, len(palette)):
            colours[outcome] = palette[used]
            used += 1
        else:
            colours[outcome] = OTHER_COLOUR
    return colours


def heatmaps(panels: list[tuple[str, pd.DataFrame]], ruleset: RuleSet, caption: str = "") -> object:
    """Self-care degree (rows) × mobility degree (columns), one panel per (title, counts) — counts as
    `analysis.frames.cell_counts` gives them. A cell with one answer combination names its programmes; a
    cell with several shows each outcome's share and count. Cells that differ from the first panel are
    framed. The legend names every outcome in words."""
    colours = outcome_colours([c for _, c in panels])
    order = {o: i for i, o in enumerate(colours)}
    legend = [o for o in colours if colours[o] != OTHER_COLOUR]
    legend_lines = sum(len(textwrap.wrap(outcome_words(o, ruleset), WRAP)) or 1 for o in legend) + 3
    fig = figure(17, 8.5 + 0.4 * legend_lines)
    grid = fig.add_gridspec(2, len(panels), height_ratios=[8.0, 0.4 * legend_lines])
    first = _cells(panels[0][1])
    for k, (title, counts) in enumerate(panels):
        ax = fig.add_subplot(grid[0, k])
        cells = _cells(counts)
        for (sc, mob), items in cells.items():
            total = sum(n for _, n in items)
            y = sc
            for colour, n in _segments(items, colours, order):
                h = n / total
                ax.add_patch(Rectangle((mob, y), 1, h, facecolor=colour, edgecolor="white", linewidth=0.6))
                if total > 1 and h >= 0.2:
                    ax.text(mob + 0.5, y + h / 2, f"{n}", ha="center", va="center", fontsize=7, color=_ink(colour))
                y += h
            if total == 1:
                ax.text(mob + 0.5, sc + 0.5, _wrap(outcome_numbers(items[0][0]), 9), ha="center", va="center", fontsize=7,
                        color=_ink(colours[items[0][0]]))
            if k > 0 and cells.get((sc, mob)) != first.get((sc, mob)):
                ax.add_patch(Rectangle((mob + 0.03, sc + 0.03), 0.94, 0.94, fill=False, edgecolor="black", linewidth=2.2))
        ax.set_xlim(0, 4)
        ax.set_ylim(4, 0)
        ax.set_xticks([d + 0.5 for d in DEGREES], [str(d) for d in DEGREES])
        ax.set_yticks([d + 0.5 for d in DEGREES], [str(d) for d in DEGREES])
        ax.set_xlabel("Передвижение, степень")
        ax.set_ylabel("Самообслуживание, степень")
        ax.set_title(_wrap(title, 45), fontsize=10)
        ax.set_aspect("equal")
        ax.tick_params(length=0)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
    key = fig.add_subplot(grid[1, :])
    key.axis("off")
    totals = [c.groupby("outcome")["count"].sum() for _, c in panels]
    handles = [Patch(facecolor=colours[o], edgecolor="#999999", label=_wrap(f"{outcome_words(o, ruleset)} — {_counts(o, totals)}", WRAP))
               for o in legend]
    if any(c == OTHER_COLOUR for c in colours.values()):
        handles.append(Patch(facecolor=OTHER_COLOUR, label="прочие исходы"))
    if len(panels) > 1:
        handles.append(Patch(facecolor="white", edgecolor="black", linewidth=2, label="клетка изменилась"))
    key.legend(handles=handles, loc="upper left", frameon=False, fontsize=8, ncol=1,
               title=_wrap(caption, WRAP) if caption else None, title_fontsize=8, alignment="left")
    return fig


def _counts(outcome: str, totals: list) -> str:
    """An outcome's points in each panel: «24», or «24 → 48» when they differ."""
    values = [int(t.get(outcome, 0)) for t in totals]
    return str(values[0]) if len(set(values)) == 1 else " → ".join(map(str, values))


def _segments(items: list, colours: dict, order: dict) -> list[tuple[str, int]]:
    """A cell's bands, most frequent outcome first, the «прочие» merged into one."""
    out: dict[str, int] = {}
    for outcome, n in sorted(items, key=lambda item: order[item[0]]):
        out[colours[outcome]] = out.get(colours[outcome], 0) + n
    return list(out.items())


def _ink(colour: str) -> str:
    """Black text, or white on a dark fill."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 110 else "black"


def _cells(counts: pd.DataFrame) -> dict:
    """(self-care, mobility) -> [(outcome, count)] in a fixed order, so equal cells compare equal."""
    out: dict = {}
    for sc, mob, outcome, n in counts[["self_care", "mobility", "outcome", "count"]].itertuples(index=False):
        out.setdefault((int(sc), int(mob)), []).append((outcome, int(n)))
    return {k: sorted(v) for k, v in out.items()}


def transitions_chart(transitions: list[dict], ruleset: RuleSet, title: str, limit: int = 12) -> object:
    """Old → new outcome, one bar per transition (the largest `limit`; the rest summed), each under its
    words: «было: …» / «стало: …» (a transition's own `before`/`after` words, or its diff `from`/`to` read)."""
    words = lambda t, side, key: t.get(side) or outcome_words(t[key], ruleset)  # noqa: E731
    items = [(_wrap(f"было: {words(t, 'before', 'from')}", 110) + "\n" + _wrap(f"стало: {words(t, 'after', 'to')}", 110),
              t["count"], PALETTE[0]) for t in transitions[:limit]]
    rest = transitions[limit:]
    if rest:
        items.append((f"прочие переходы ({len(rest)})", sum(t["count"] for t in rest), NEUTRAL))
    lines = sum(label.count("\n") + 1 for label, _, _ in items)
    fig = figure(17, 1.6 + 0.42 * lines + 0.45 * len(items))
    ax = fig.add_subplot()
    ax.set_title(_wrap(title, 90), loc="left", fontsize=10)
    ax.axis("off")
    if not items:
        ax.text(0, 0.5, "Изменений нет.", va="center")
        return fig
    top = max(n for _, n, _ in items)
    y = 0.0
    for label, n, colour in items:
        ax.text(0, y, label, va="top", ha="left", fontsize=7.5)
        y += 0.36 * (label.count("\n") + 1) + 0.05
        ax.add_patch(Rectangle((0, y), 0.85 * n / top, 0.32, facecolor=colour))
        ax.text(0.85 * n / top + 0.01, y + 0.16, f"{n:,}".replace(",", " "), va="center", fontsize=8)
        y += 0.55
    ax.set_xlim(0, 1)
    ax.set_ylim(y, 0)
    return fig


def gaps_chart(cells: pd.DataFrame, ruleset: RuleSet, kinds: dict) -> object:
    """Per category, self-care × mobility degree: how many answer combinations of each cell no row serves
    (holes, shaded by their share) and where there is no loss of ability at all (hatched)."""
    categories = list(dict.fromkeys(cells["category"]))
    fig = figure(17, 7.8)
    axes = fig.subplots(1, len(categories), squeeze=False)[0]
    hole_colour = PALETTE[5]
    for ax, category in zip(axes, categories):
        part = cells[cells["category"] == category]
        for row in part.itertuples(index=False):
            share = row.hole / row.points if row.points else 0
            ax.add_patch(Rectangle((row.mobility, row.self_care), 1, 1, facecolor=hole_colour, alpha=0.08 + 0.85 * share,
                                   edgecolor="white", linewidth=1))
            if row.no_need:
                ax.add_patch(Rectangle((row.mobility, row.self_care), 1, 1, fill=False, hatch="///", edgecolor="#888888",
                                       linewidth=0))
            ax.text(row.mobility + 0.5, row.self_care + 0.5, f"{row.hole:,}\nиз {row.points:,}".replace(",", " ") if row.hole else "—",
                    ha="center", va="center", fontsize=7)
        holes, no_need, points = int(part["hole"].sum()), int(part["no_need"].sum()), int(part["points"].sum())
        ax.set_title(_wrap(f"{category_words(ruleset, category)}: {kinds['hole']['title']} — {holes:,}, "
                           f"{kinds['no_need']['title']} — {no_need:,} из {points:,}".replace(",", " "), 32), fontsize=8)
        ax.set_xlim(0, 4)
        ax.set_ylim(4, 0)
        ax.set_xticks([d + 0.5 for d in DEGREES], [str(d) for d in DEGREES])
        ax.set_yticks([d + 0.5 for d in DEGREES], [str(d) for d in DEGREES])
        ax.set_xlabel("Передвижение, степень", fontsize=8)
        ax.set_ylabel("Самообслуживание, степень", fontsize=8)
        ax.set_aspect("equal")
        ax.tick_params(length=0)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
    fig.legend(handles=[Patch(facecolor=hole_colour, alpha=0.8, label=f"{kinds['hole']['title']}: доля сочетаний клетки без рекомендации"),
                        Patch(facecolor="white", hatch="///", edgecolor="#888888", label=kinds["no_need"]["title"])],
               loc="outside lower center", ncol=2, frameon=False, fontsize=8)
    return fig
