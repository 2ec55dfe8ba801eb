"""The workbench's HTML report of a diff, to attach to a draft order."""
from __future__ import annotations

# --- reports ---------------------------------------------------------------------------------------------

def _e(text) -> str:
    import html
    return html.escape(str(text))


def report_html(report: dict) -> str:
    """A self-contained HTML report of a diff, to attach to a draft order."""
    b, p = report["baseline"], report["proposal"]
    parts = ["<!doctype html><html lang='ru'><meta charset='utf-8'><title>Последствия изменения методики</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #999;padding:3px 6px;text-align:left}</style>",
             "<h1>Последствия изменения методики</h1>",
             "<table><tr><th></th><th>Набор правил</th><th>Дата</th><th>Хэш содержимого</th><th>Прочтения</th></tr>"]
    for label, rs in (("Действующие", b), ("Проект", p)):
        readings = ", ".join(f"{k}={v}" for k, v in rs["readings"].items())
        parts.append(f"<tr><td>{label}</td><td>{_e(rs['name'])}</td><td>{_e(rs['effective_date'])}</td>"
                     f"<td><code>{_e(rs['hash'][:16])}…</code></td><td>{_e(readings)}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>Все возможные сочетания ответов</h2>")
    for category, s in report["space"].items():
        parts.append(f"<h3>{_e(category)}: изменилось {s['changed']} из {s['points']}</h3>")
        parts.append(_transitions_table(s["transitions"]))
        if s["regions"]:
            parts.append("<p>Где:</p><ul>" + "".join(f"<li>{_e(r)}</li>" for r in s["regions"][:50]) + "</ul>")
    cb = report["case_bank"]
    parts.append(f"<h2>Учебные случаи: изменилось {cb['changed']} из {cb['cases']}</h2>")
    if cb["changed_cases"]:
        parts.append("<table><tr><th>Случай</th><th>Было</th><th>Стало</th></tr>" + "".join(
            f"<tr><td>{_e(c['id'])} {_e(c['title'])}</td><td>{_e(', '.join(c['before']))}</td>"
            f"<td>{_e(', '.join(c['after']))}</td></tr>" for c in cb["changed_cases"]) + "</table>")
    if "register" in report:
        reg = report["register"]
        parts.append(f"<h2>Реестр: изменилось {reg['changed']} из {reg['cases']}</h2>")
        parts.append(_transitions_table(reg["transitions"]))
    parts.append("</html>")
    return "\n".join(parts)


def _transitions_table(transitions: list[dict]) -> str:
    """The transition table with a bar per row (a chart that needs no plotting library and prints)."""
    if not transitions:
        return "<p>Изменений нет.</p>"
    top = max(t["count"] for t in transitions)
    bar = lambda c: (f"<div style='background:#4a7ab5;height:10px;width:{max(2, round(200 * c / top))}px' "  # noqa: E731
                     f"title='{c}'></div>")
    return ("<table><tr><th>Было</th><th>Стало</th><th>Сколько</th><th></th></tr>" + "".join(
        f"<tr><td>{_e(t['from'])}</td><td>{_e(t['to'])}</td><td>{t['count']}</td><td>{bar(t['count'])}</td></tr>"
        for t in transitions[:100]) + "</table>")
