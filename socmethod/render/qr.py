"""QR codes as inline SVG, drawn offline by segno: the classroom's address (with its access token) for
trainees to scan from the start page or the projector instead of typing it."""
from __future__ import annotations

import io

import segno
from markupsafe import Markup


def qr_svg(text: str, title: str = "") -> Markup:
    """`text` as a QR code (error correction M: a projected code survives a little glare), scalable SVG
    without a fixed size, dark on white with the standard quiet zone."""
    code = segno.make(text, error="m", micro=False)
    buf = io.BytesIO()
    code.save(buf, kind="svg", xmldecl=False, svgns=True, omitsize=True, border=4, dark="#000", light="#fff",
              title=title or None, svgclass="qr", lineclass=None)
    return Markup(buf.getvalue().decode("utf-8"))
