"""Printed documents as files: HTML as is, or an A4 PDF through headless Chromium (Python Playwright
driving Debian's /usr/bin/chromium; Playwright's own browser downloads are never used)."""
from __future__ import annotations

from pathlib import Path

from socmethod.core.errors import KitError

CHROMIUM = "/usr/bin/chromium"


def html_to_pdf(html_text: str, pdf_path: str, *, executable_path: str = CHROMIUM) -> None:
    """Print `html_text` to an A4 PDF through headless Chromium."""
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
                page.pdf(path=str(pdf_path), format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KitError("bad_argument", "--out", value=f"PDF не создан: Chromium сообщил об ошибке ({first})",
                       allowed="Проверьте, что Chromium запускается (chromium --headless --version), или "
                               "сохраните документ в HTML (--out ФАЙЛ.html).") from None


def write_document(html_text: str, out: str) -> str:
    """Write `html_text` to `out`: .html as is, .pdf through Chromium. Returns the path written."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise KitError("bad_argument", "--out", value=out, allowed="Укажите файл с расширением .html или .pdf.")
    parent = Path(out).parent
    if not parent.is_dir():
        raise KitError("bad_argument", "--out", value=f"нет каталога {parent}", allowed="Укажите существующий каталог.")
    if suffix == ".pdf":
        html_to_pdf(html_text, out)
    else:
        try:
            Path(out).write_text(html_text, encoding="utf-8")
        except OSError as exc:
            raise KitError("bad_argument", "--out", value=exc.strerror or str(exc),
                           allowed="Проверьте путь и права на запись.") from None
    return out
