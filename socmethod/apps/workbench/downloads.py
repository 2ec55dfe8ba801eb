"""Files the page gives back: each travels inside its link (a data: URL), so nothing is written on the
server and nothing outlives the page."""
from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass

from socmethod.render import markup, render

MIME = {"csv": "text/csv;charset=utf-8", "html": "text/html;charset=utf-8", "toml": "application/toml;charset=utf-8",
        "svg": "image/svg+xml;charset=utf-8", "png": "image/png"}


@dataclass
class Download:
    filename: str
    data: bytes
    label: str
    kind: str = ""

    def link(self) -> dict:
        suffix = self.filename.rsplit(".", 1)[-1]
        href = f"data:{MIME[suffix]};base64,{base64.b64encode(self.data).decode('ascii')}"
        return {"filename": self.filename, "href": href, "label": self.label, "size": size_words(len(self.data)),
                "kind": self.kind or suffix}


def csv_bytes(text: str) -> bytes:
    """CSV (as the kit writes it, with «,») for a spreadsheet: «;» between cells, which Russian Excel splits
    into columns (its list separator, the comma being the decimal mark), and UTF-8 with a byte order mark,
    so it reads Cyrillic right. Cells are copied as they are (formulas are already neutralised)."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text, newline="")))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def size_words(n: int) -> str:
    if n < 1024:
        return f"{n} байт"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} КБ"
    return f"{n / 1024 / 1024:.1f} МБ".replace(".", ",")


def links_html(downloads: list[Download]):
    return markup(render("workbench/page/downloads.html.j2", links=[d.link() for d in downloads]))
