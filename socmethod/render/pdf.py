"""Printed documents as files: HTML as is, or an A4 PDF through headless Chromium (Python Playwright
driving Debian's /usr/bin/chromium; Playwright's own browser downloads are never used)."""
from __future__ import annotations

from pathlib import Path

from socmethod.core.errors import KitError
from socmethod.io.files import atomic_output, check_output, write_text

CHROMIUM = "/usr/bin/chromium"


def html_to_pdf(html_text: str, pdf_path: str | None = None, *, executable_path: str = CHROMIUM) -> bytes:
    """Print `html_text` to an A4 PDF through headless Chromium; returns its bytes, and writes them to
    `pdf_path` (through a temporary file: an existing file is replaced only by a whole PDF) if given."""
    if not Path(executable_path).exists():
        raise KitError("bad_argument", "--out", value=f"PDF не создан: не найден браузер Chromium ({executable_path})",
                       allowed="Установите его (apt-get install chromium) или сохраните документ в HTML "
                               "(--out ФАЙЛ.html) и напечатайте его из браузера.")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise KitError("bad_argument", "--out", value="PDF не создан: не установлен Python-пакет playwright",
                       allowed="Установите его (pip install playwright; браузер не скачивайте, используется "
                               "системный Chromium) или сохраните документ в HTML (--out ФАЙЛ.html).") from None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable_path,
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.set_content(html_text, wait_until="load")
                pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KitError("bad_argument", "--out", value=f"PDF не создан: Chromium сообщил об ошибке ({first})",
                       allowed="Проверьте, что Chromium запускается (chromium --headless --version), или "
                               "сохраните документ в HTML (--out ФАЙЛ.html).") from None
    if pdf_path is not None:
        with atomic_output(pdf_path, field="--out", mode="wb") as fh:
            fh.write(pdf)
    return pdf


def check_document_path(out: str, inputs=()) -> None:
    """Refuse an output that is not .html/.pdf, is an input, a folder, or in a missing folder, before the
    document is made."""
    if Path(out).suffix.lower() not in (".html", ".htm", ".pdf"):
        raise KitError("bad_argument", "--out", value=out, allowed="Укажите файл с расширением .html или .pdf.")
    check_output(out, inputs, field="--out")


def write_document(html_text: str, out: str, inputs=()) -> str:
    """Write `html_text` to `out`: .html as is, .pdf through Chromium; never over one of `inputs`, always
    through a temporary file. Returns the path written."""
    check_document_path(out, inputs)
    if Path(out).suffix.lower() == ".pdf":
        html_to_pdf(html_text, out)
    else:
        write_text(out, html_text, inputs, field="--out")
    return out
