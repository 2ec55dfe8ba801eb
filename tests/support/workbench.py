"""What the workbench's tests share: the words a reader sees in a page or report, the codes that must never
be among them, the example register as Russian Excel saves it, and the files a page's links carry."""
from __future__ import annotations

import base64
import csv
import io
import re
from html.parser import HTMLParser

from socmethod.core.resources import data_path

EXAMPLE = data_path("examples", "register.csv")
# Codes that must never reach a reader of a page or report (its CSV and JSON keep them).
CODES = ("elderly", "disabled_adult", "disabled_child", "day_care_up_to_4h", "day_care_over_4h", "residential_temporary",
         "residential_permanent", "psychoneurological", "not_required", "any_of_group", "mobility_lost", "=none",
         "score_out_of_range", "bad_value")


class _Text(HTMLParser):
    """The words a reader sees: text outside <style>, and outside the charts' SVG (drawn, not read)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "svg")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "svg")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def cp1251_register() -> bytes:
    """The example register as Russian Excel saves it: Windows-1251, «;» between cells."""
    rows = list(csv.reader(io.StringIO(EXAMPLE.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp1251")


def downloads(html: str) -> dict[str, tuple[str, bytes]]:
    """kind -> (file name, bytes) of a page's download links (data: URLs)."""
    out = {}
    for name, href, kind in re.findall(r'<a download="([^"]+)" href="([^"]+)" data-sm-download="([^"]+)"', html):
        out[kind] = (name, base64.b64decode(href.split("base64,", 1)[1]))
    return out
