"""The calculator's one-page summary: the answers and the result, to print or save as PDF and bring to
the bureau.

A standalone HTML document (print stylesheet, A4) handed to the visitor as a data: URL, so it works the
same on the Voila server and in the static edition and nothing is kept on any server. It carries no name,
date of birth or document number: the calculator never asks for them. It is denser than the page (smaller
type, two columns for the long lists, documents listed once) so that a complete case fits one A4 sheet; tests
print it in Chromium and count the pages. Urgent help together with "не знаю" answers (which bring the
documents of every possible form) can take a second sheet: type below 8 pt would not be readable.
"""
from __future__ import annotations

import base64
from datetime import date

from socmethod.apps.public.calculator import _e, _ripso, _when, deadlines_list, degree_lines, fee_text, texts
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.wording import date_ru

STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:9pt;line-height:1.25;max-width:52em;margin:1.5em auto;color:#000}
h1{font-size:13pt;margin:0 0 .2em}h2{font-size:10pt;margin:.45em 0 .15em;border-bottom:1px solid #888}
p{margin:.2em 0}ul{margin:.1em 0 .3em 1.1em;padding:0}li{margin:0 0 .1em}small,.src{font-size:7pt;color:#333}
.cols{columns:2;column-gap:1.4em;font-size:8pt;line-height:1.2}.cols li,.cols p{break-inside:avoid}
.check{list-style:none;margin-left:0}.check li:before{content:"\\2610\\00a0"}
.sm-urgent{border-left:3px solid #b00020;padding-left:6px}.sm-urgent h3{font-size:10.5pt;margin:.2em 0}
.lead{font-size:8pt}
@page{size:A4;margin:10mm 11mm}
@media print{body{margin:0;max-width:none}a{color:#000;text-decoration:none}.no-print{display:none}}
"""


def _cost_lines(cost: dict | None) -> list[str]:
    if not cost:
        return []
    lines = [_e(cost["reason"])]
    for f in cost["forms"].values():
        lines.append(f'{_e(f["label"].capitalize())}: {fee_text(f)}')
    return lines


def _merged_documents(groups: list[dict]) -> list[tuple[str, list[dict]]]:
    """The calculator's document groups, shorter for paper: a document several forms ask for (the 216н
    conclusion) is listed once with its forms, and so is a document that confirms several circumstances
    where each of them needs all its documents (Form 1: the МСЭ certificate, ИПРА, medical papers … come
    back for every circumstance). Form 3 circumstances ("достаточно одного из документов") keep their
    own lists: merged, "one of" would no longer say one of which. A document wanted only if an unknown
    answer turns out "yes" is marked so."""
    out, by_form, confirm = [], {}, {}
    for g in groups:
        if g["kind"] == "form":
            for d in g["items"]:
                by_form.setdefault(d.get("id") or d["public"], {"doc": d, "forms": []})["forms"].append(g["form"])
        elif g["kind"] in ("confirm", "possible") and g.get("rule") == "listed":
            for d in g["items"]:
                key = d.get("id") or d["public"]
                if key not in confirm:
                    confirm[key] = {"doc": d, "only_if": g["kind"] == "possible"}
                elif g["kind"] == "confirm":
                    confirm[key]["only_if"] = False
        else:
            title = g["title"] + (f' — {g["note"]}' if g.get("note") else "")
            out.append((title, g["items"]))
    if by_form:
        out.append(("Для выбранной формы обслуживания", [
            {**e["doc"], "public": f'{e["doc"]["public"]} — для формы: {", ".join(e["forms"])}'} for e in by_form.values()]))
    if confirm:
        out.append(("Чем подтвердить обстоятельства", [
            {**e["doc"], "public": e["doc"]["public"] + (" — если подтвердится ответ «не знаю»" if e["only_if"] else "")}
            for e in confirm.values()]))
    return out


def _answer_items(answers: list[tuple[str, str, str]]) -> list[str]:
    """One line per plain answer; the activities of a scale grouped by their answer, which keeps a whole
    scale to a few lines without dropping any activity."""
    items, scales = [], {}
    for section, question, answer in answers:
        if section:
            if section not in scales:
                scales[section] = {}
                items.append(section)          # placeholder: the scale's lines go where it was asked
            scales[section].setdefault(answer, []).append(question)
        else:
            items.append(f"<li>{_e(question)}: <b>{_e(answer)}</b></li>")
    out = []
    for item in items:
        if item in scales:
            out.extend(f"<li>{_e(item)} — <b>{_e(answer[:1].lower() + answer[1:])}</b>: "
                       f"{_e('; '.join(q[:1].lower() + q[1:] for q in questions))}</li>"
                       for answer, questions in scales[item].items())
        else:
            out.append(item)
    return out


def summary_document(answers: list[tuple[str, str, str]], result: dict, documents: list[dict],
                     cost: dict | None = None, urgent: dict | None = None, today: date | None = None) -> str:
    """The summary for `answers` ((section, question, answer) as shown), the engine's `result`, the
    calculator's `documents` groups, its `cost` estimate and its `urgent` needs (or None)."""
    today = today or date.today()
    t = texts()
    forms = bundled_ruleset().forms
    out = [f"<h1>{_e(t['title'])}</h1>",
           f'<p class="lead">Расчёт от {_e(date_ru(today))} по методике: {_e(result["rule_set"]["name"])} '
           f'(от {_e(result["rule_set"]["effective_date"])}). {_e(t["summary_disclaimer"])}</p>',
           "<p class='no-print'><button onclick='window.print()'>Печать или сохранить в PDF</button></p>"]
    if urgent:
        u = t["urgent"]
        services = "; ".join(f'{s["public"]} (N {s["number"]})' for s in urgent["services"])
        out.append(f'<div class="sm-urgent"><h3>{_e(u["heading"])}</h3>'
                   + "".join(f"<p><b>{_e(n)}</b></p>" for n in urgent["notes"])
                   + (f"<p>{_e(services)}.</p>" if services else "") + f'<p>{_e(u["summary_text"])}</p></div>')

    out.append("<h2>Результат</h2>")
    out.extend(f"<p><b>{title}:</b> {_e(text)}</p>" for title, text in degree_lines(result))
    recs = result.get("recommendations", [])
    if recs:
        out.append("<p><b>Вам могут предложить:</b></p><ul>" + "".join(
            f'<li>{_e(forms[r["form"]].capitalize())} — программа {_ripso(r["ripso"])} '
            f'<span class="src">(405-р, табл. {r["table"]}, строка {r["rule"]})</span></li>' for r in recs) + "</ul>")
    depends = result.get("depends_on", [])
    if depends:
        out.append("<p><b>Зависит от ответов «не знаю»:</b></p><ul>" + "".join(
            f'<li>{_e(forms[d["form"]].capitalize())} ({_ripso(d["ripso"])}) — если {_e(_when(d["when"]))}</li>'
            for d in depends) + "</ul>")
    if not recs and not depends:
        out.append(f"<p>{_e(result.get('note') or 'По этим ответам методика не называет формы обслуживания: комиссия бюро оценит ситуацию при обследовании.')}</p>")
    early = result.get("early_help")
    if early and early["verdict"] == "needed":
        out.append("<p><b>Ранняя помощь (таблица 3.3):</b> нужна.</p>")
    cost_lines = _cost_lines(cost)
    if cost_lines:
        out.append(f"<p><b>Плата (оценка):</b> {cost_lines[0]}</p><ul>"
                   + "".join(f"<li>{line}</li>" for line in cost_lines[1:]) + "</ul>")

    out.append('<h2>Ответы</h2><ul class="cols">' + "".join(_answer_items(answers)) + "</ul>")

    if documents:
        out.append('<h2>Какие документы взять</h2><div class="cols">')
        for title, items in _merged_documents(documents):
            if title:
                out.append(f"<p><b>{_e(title)}:</b></p>")
            out.append('<ul class="check">' + "".join(
                f'<li>{_e(d["public"])}</li>' for d in items) + "</ul>")
        out.append("</div>")

    w = t["where"]
    out.append(f"<h2>{_e(w['heading'])}</h2><p>{_e(w['summary'])}</p>")
    steps = deadlines_list(today)
    if steps:
        # "обследование — до 2 декабря; …; программа — до 11 декабря 2026 г.": the year once if all share it.
        same_year = len({when.year for _, _, when in steps}) == 1
        dates = [date_ru(when, year=not same_year or i == len(steps) - 1) for i, (_, _, when) in enumerate(steps)]
        out.append(f"<p><b>{_e(t['deadlines']['summary_heading'])}:</b> "
                   + "; ".join(f"{_e(short)} — до {_e(d)}" for (_, short, _), d in zip(steps, dates)) + "</p>")
    return ("<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
            "<title>Итог расчёта — социальные услуги</title>"
            f"<style>{STYLE}</style></head><body>{''.join(out)}</body></html>")


def summary_link(document: str) -> str:
    """A download link carrying the summary itself (a data: URL): works the same on the Voila server and
    in the static edition, and leaves nothing on any server."""
    payload = base64.b64encode(document.encode("utf-8")).decode("ascii")
    return (f'<p class="sm-print"><a download="itog-socialnye-uslugi.html" target="_blank" '
            f'href="data:text/html;charset=utf-8;base64,{payload}">Сохранить итог для печати</a> (без персональных '
            'данных; обычно одна страница A4) — откройте файл, напечатайте его или сохраните как PDF и возьмите '
            'с собой в бюро.</p>')
