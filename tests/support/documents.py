"""HTML documents as a browser's parser reads them."""
from __future__ import annotations

import html5lib


def parse_errors(html: str) -> list[str]:
    """The HTML5 parse errors (html5lib follows the WHATWG algorithm browsers use) of a document, or of a
    fragment when it does not start with a doctype, each with its line, column and the text before it."""
    parser = html5lib.HTMLParser(strict=False)
    (parser.parse if html.lstrip().lower().startswith("<!doctype") else parser.parseFragment)(html)
    lines = html.splitlines()
    return [f"line {line}:{col} {code} {data}: {lines[line - 1][max(0, col - 60):col + 20] if 0 < line <= len(lines) else ''}"
            for (line, col), code, data in parser.errors]
