"""The calculator's one-page summary: the answers and the result, to print or save as PDF and bring to
the bureau.

The same view and the same partials as the pages (templates/public/summary.html.j2). The Voila and static
editions hand it to the visitor as a data: URL, so nothing is kept on any server; the light page serves it
as a page of its own from the posted answers. It carries no name, date of birth or document number: the
calculator never asks for them. It is denser than the page (smaller type, two columns for the long lists,
documents listed once) so that a complete case fits one A4 sheet; tests print it in Chromium and count the
pages. Urgent help together with "не знаю" answers (which bring the documents of every possible form) can
take a second sheet: type below 8 pt would not be readable.
"""
from __future__ import annotations

import base64

from socmethod.apps.public.model import paper_documents
from socmethod.render import render


def paper_answers(answers: list[tuple[str, str, str]]) -> list[dict]:
    """One line per plain answer; the activities of a scale grouped by their answer, which keeps a whole
    scale to a few lines without dropping any activity. {"question", "answer"} or {"section", "answer",
    "questions"}."""
    items: list = []
    scales: dict[str, dict[str, list[str]]] = {}
    for section, question, answer in answers:
        if section:
            if section not in scales:
                scales[section] = {}
                items.append(section)          # placeholder: the scale's lines go where it was asked
            scales[section].setdefault(answer, []).append(question)
        else:
            items.append({"section": "", "question": _asked(question), "answer": answer})
    out = []
    for item in items:
        if isinstance(item, str):
            out.extend({"section": item, "answer": answer[:1].lower() + answer[1:],
                        "questions": "; ".join(q[:1].lower() + q[1:] for q in questions)}
                       for answer, questions in scales[item].items())
        else:
            out.append(item)
    return out


def _asked(question: str) -> str:
    """The question without the instruction after it («… есть у человека? Отметьте все, что есть.»): on
    paper the answer says what was ticked."""
    head, mark, _ = question.partition("? ")
    return head + "?" if mark else question


def summary_document(view: dict, standalone: bool = True, assets: dict | None = None) -> str:
    """The summary of a view (model.build_view). `standalone`: style and print button inline, for a data:
    URL; else linked from `assets` (file name -> URL: the light page's own files)."""
    return render("public/summary.html.j2", view=view, standalone=standalone, assets=assets or {},
                  paper_answers=paper_answers(view["answers"]), paper_documents=paper_documents(view["documents"]))


def summary_href(document: str) -> str:
    """A data: URL carrying the summary itself: works the same on the Voila server and in the static
    edition, and leaves nothing on any server."""
    return "data:text/html;charset=utf-8;base64," + base64.b64encode(document.encode("utf-8")).decode("ascii")
