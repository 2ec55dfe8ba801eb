"""What the workbench page's parts share: the rules in force, the change being edited and its proposal,
the readings, and the page's messages. Nothing here is written to disk."""
from __future__ import annotations

from socmethod.analysis.editor import ChangeEditor
from socmethod.core.ruleset import RuleSet, bundled_ruleset
from socmethod.render import markup, render


def message(kind: str, *lines: str):
    """A status fragment: kind error, warning, ok or info."""
    return messages((kind, lines))


def messages(*groups):
    """Status lines of several kinds: each group is (kind, lines)."""
    return markup(render("workbench/page/message.html.j2",
                         items=[{"kind": kind, "text": line} for kind, lines in groups for line in lines if line]))


def figures(*items):
    """Charts for the page: each item is (svg, caption)."""
    return markup(render("workbench/page/figures.html.j2", figures=[{"svg": svg, "caption": caption} for svg, caption in items]))


def text(heading: str = "", *paragraphs: str, muted: bool = False):
    return markup(render("workbench/page/text.html.j2", heading=heading, paragraphs=paragraphs, muted=muted))


class Session:
    """The page's state. `proposal` is the change file applied to `base` (None until one applies cleanly);
    parts that show it register with `on_proposal`."""

    def __init__(self, base: RuleSet | None = None):
        self.base = base or bundled_ruleset()
        self.editor = ChangeEditor(self.base, name="Проект изменения")
        self.proposal: RuleSet | None = None
        self.warnings: list[str] = []
        self.baseline_readings = self.base.default_readings()
        self.proposal_readings = self.base.default_readings()
        self._listeners = []

    def on_proposal(self, callback) -> None:
        self._listeners.append(callback)

    def set_proposal(self, proposal: RuleSet | None, warnings=()) -> None:
        self.proposal = proposal
        self.warnings = list(warnings)
        for callback in self._listeners:
            callback()

    @property
    def compared(self) -> RuleSet:
        """The rules on the «after» side: the proposal, or the rules in force (to see a reading switch)."""
        return self.proposal if self.proposal is not None else self.base

    def reading_controls(self, w, chosen: dict, on_change):
        """One dropdown per reading of the rules (its title as the label, each option in words)."""
        boxes = []
        for name, spec in self.base.readings.items():
            dd = w.Dropdown(options=[(o.get("text", key), key) for key, o in spec["options"].items()], value=chosen[name],
                            layout=w.Layout(width="95%"))

            def changed(change, name=name):
                chosen[name] = change["new"]
                on_change()
            dd.observe(changed, names="value")
            boxes.append(w.VBox([w.HTML(text("", spec.get("title", name))), dd]))
        return w.VBox(boxes)
