"""What the training pages' widgets share: ipywidgets imported only when a page is built (the model and
the tests of it need no widget library), the pages' style, labels and the small HTML pieces between
controls, every one from a template."""
from __future__ import annotations

from functools import lru_cache

from socmethod.render import environment, render


def widgets():
    import ipywidgets
    return ipywidgets


@lru_cache(maxsize=1)
def _parts():
    return environment().get_template("training/parts.html.j2").module


def part(name: str, **context) -> str:
    """The macro `name` of training/parts.html.j2 filled with `context`."""
    return str(getattr(_parts(), name)(**context))


def style_html() -> str:
    return render("training/style.html.j2")


def style_widget():
    return widgets().HTML(style_html())


def label(text: str, small: str = ""):
    """A control's caption as its own line: ipywidgets cuts a long `description` («Толщина,…»)."""
    return widgets().HTML(part("label", text=text, small=small))


def score_toggle(levels: list[str], value=None):
    w = widgets()
    return w.ToggleButtons(options=[(str(n), n) for n in range(len(levels))], value=value, tooltips=list(levels),
                           style={"button_width": "2.6em"})


def checkbox(description: str, value: bool = False):
    w = widgets()
    return w.Checkbox(value=value, description=description, indent=False, layout=w.Layout(width="auto"))
