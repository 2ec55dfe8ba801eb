"""The classroom's own pages, served as plain HTML without a kernel (socmethod/serving/classroom.py): the
trainees' start page with the address as a QR code, and the projector's board of the group's progress
with its countdown."""
from __future__ import annotations

from pathlib import Path

from socmethod.apps.training.results import aggregate, group_charts
from socmethod.apps.training.sessions import (
    current_session_id,
    load_plan,
    read_results,
    results_dir,
    timer_left,
    trainee_progress,
)
from socmethod.core.errors import KitError
from socmethod.io.casebank import bundled_case_bank, case_by_id
from socmethod.render import markup, render
from socmethod.render.qr import qr_svg

# The three trainees' pages, in the order of a session: what each is for, in the start page's words.
PAGES = (("training_practice.ipynb", "Практика", "Оценить случаи: баллы, формы, РИПСО — и сразу разбор"),
         ("training_method.ipynb", "Методика", "Шкалы, степени и таблицы методики 405-р"),
         ("training_route.ipynb", "Маршрут и сроки", "Путь заявления и сроки в рабочих днях"))
BOARD_REFRESH = 5            # seconds between the projector's updates: a trainee's answer shows within them


def start_page_html(address: str, trainee_key: str, session_title: str = "") -> str:
    """The trainees' start page: what to do first, the three pages as large buttons (the practice page
    with the trainee's browser key in its address, so that a reload finds their answers), and the
    address as a QR code for the next trainee."""
    pages = [{"href": f"voila/render/{name}" + (f"?trainee={trainee_key}" if name == "training_practice.ipynb" else ""),
              "title": title, "hint": hint} for name, title, hint in PAGES]
    return render("training/start.html.j2", pages=pages, address=address, session_title=session_title,
                  qr=qr_svg(address, "Адрес учебных страниц") if address else "")


def board(session_id: str | None, directory: str | Path | None = None) -> dict:
    """What the projector shows for a session: who has finished which case (answered right, with
    differences, in progress, not begun), where the group went wrong (charts) and the countdown."""
    directory = Path(directory) if directory else results_dir()
    if not session_id:
        return {"session": None}
    try:
        plan = load_plan(session_id, directory)
    except KitError:
        return {"session": None}
    bank = bundled_case_bank()
    cases = [{"id": c, "number": n, "title": case_by_id(bank, c).title} for n, c in enumerate(plan.case_ids, start=1)]
    rows, warnings = read_results(directory / plan.id)
    agg = aggregate(rows)
    progress = trainee_progress(directory / plan.id)
    verdicts = {(r["trainee"], r["case"]): bool(int(r["correct"])) for r in rows if r.get("kind") == "case"}
    grid = []
    for t in agg["trainees"]:
        label = t["trainee"]
        mine = progress.get(label, {})
        cells = []
        for n, case in enumerate(cases):
            verdict = verdicts.get((label, case["id"]))
            if verdict is not None:
                cells.append("right" if verdict else "wrong")
            elif case["id"] in mine.get("drafts", []) or mine.get("index") == n:
                cells.append("working")
            else:
                cells.append("none")
        grid.append({"trainee": label, "cells": cells, "done": sum(c in ("right", "wrong") for c in cells)})
    return {"session": plan.id, "title": plan.title or plan.id, "cases": cases, "grid": grid, "warnings": warnings,
            "finished": sum(g["done"] == len(cases) for g in grid), "timer": timer_left(plan.id, directory),
            "charts": group_charts(agg, font_size=13, width_cm=24) if agg["rows"] else {}}


def board_html(session_id: str | None = None, directory: str | Path | None = None) -> str:
    """The board as a fragment (what the projector page fetches every few seconds)."""
    directory = Path(directory) if directory else results_dir()
    return render("training/board.html.j2", b=board(session_id or current_session_id(directory), directory))


def projector_html(session_id: str | None = None, directory: str | Path | None = None, address: str = "") -> str:
    """The projector page: the board in large type, refreshing itself, with the countdown and the
    trainees' address as a QR code."""
    return render("training/projector.html.j2", board=markup(board_html(session_id, directory)),
                  session=session_id or "",
                  refresh=BOARD_REFRESH, address=address, qr=qr_svg(address, "Адрес учебных страниц") if address else "")
