"""«Сравнение»: whom the change moves. A register comes by upload (the browser's file picker; UTF-8 or the
Windows-1251 `;` files Russian Excel writes); it is written to a private temporary folder only while it is
read and removed at once, and the page keeps nothing of it but the results it shows and offers for
download: the report, the changed cases, the assessed register under both rule sets, the charts."""
from __future__ import annotations

import io
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from socmethod.analysis.frames import header_columns, split_columns
from socmethod.analysis.impact import ChangedCasesWriter, diff
from socmethod.apps.workbench.downloads import Download, csv_bytes, links_html
from socmethod.apps.workbench.session import Session, figures, message, messages, text
from socmethod.core.errors import KitError
from socmethod.io.batch import run_batch
from socmethod.io.register import REGISTER_SUFFIXES
from socmethod.render import cap, markup, render
from socmethod.render.charts.workbench import svg_and_png, transitions_chart
from socmethod.render.report import report_context, report_document, report_filename, slug

UPLOAD_NOTE = ("Реестр не сохраняется: файл читается во временную папку и удаляется сразу после чтения; на странице "
               "остаются только результаты, пока она открыта.")
# A page's message to its kernel is at most 10 MiB (Tornado's websocket limit): a register of ~90,000 rows.
SIZE_NOTE = ("Файл — до 10 МБ (около 90 000 строк). Реестр больше сравнивает команда socmethod diff --cases, "
             "на любом размере.")


class ComparePanel:
    def __init__(self, session: Session):
        import ipywidgets as w
        self.w = w
        self.session = session
        self.upload = w.FileUpload(accept=",".join(REGISTER_SUFFIXES), multiple=False, description="Выбрать реестр",
                                   layout=w.Layout(width="auto"))
        self.upload.observe(lambda _: self.take_upload(), names="value")
        self.file_info = w.HTML()
        self.id_column = w.Dropdown(description="Столбец идентификатора", style={"description_width": "initial"},
                                    options=[("нет", None)], layout=w.Layout(width="60%"))
        self.forget_button = w.Button(description="Забыть реестр", icon="trash", disabled=True)
        self.forget_button.on_click(lambda _: self.forget())
        readings = session.reading_controls(w, session.proposal_readings, lambda: session.set_proposal(session.proposal,
                                                                                                      session.warnings))
        self.readings_box = w.Accordion([w.VBox([w.HTML(text("", "Прочтения для проекта: так же, как изменение строк, "
                                                             "можно сравнить выбор другого прочтения неясного места.",
                                                             muted=True)), readings])],
                                        titles=("Прочтения неясных мест (проект)",), selected_index=None)
        self.compare_button = w.Button(description="Сравнить", button_style="primary", icon="balance-scale",
                                       layout=w.Layout(width="auto"))
        self.compare_button.on_click(lambda _: self.compare())
        self.status = w.HTML()
        self.result = w.HTML()
        self.charts = w.HTML()
        self.downloads = w.HTML()
        self.page = w.VBox([w.HTML(text("Кого затронет изменение",
                                        "Сравниваются действующие правила и проект (вкладка «Изменение»): все возможные "
                                        "сочетания ответов, учебные случаи и, если выбран, ваш реестр (CSV или JSON Lines, "
                                        "как для socmethod batch).", UPLOAD_NOTE, SIZE_NOTE)),
                            w.HBox([self.upload, self.forget_button]), self.file_info, self.id_column, self.readings_box,
                            self.compare_button, self.status, self.downloads, self.result, self.charts])
        self.register: tuple[str, bytes] | None = None
        self.carried: list[str] = []
        self.report = None

    # The register -------------------------------------------------------------------------------------------
    def take_upload(self) -> None:
        """Keep the chosen file's name and bytes in this page only, clear the widget's copy, read its header."""
        files = self.upload.value
        if not files:
            return
        chosen = files[0]
        name, data = Path(chosen["name"]).name, bytes(chosen["content"])
        self.upload.value = ()
        self.forget()
        if Path(name).suffix.lower() not in REGISTER_SUFFIXES:
            self.file_info.value = message("error", f"«{name}» — не реестр: нужен файл .csv или .jsonl.")
            return
        try:
            with self._file(name, data) as path:
                columns = header_columns(path)
                case, carried = split_columns(columns, self.session.base, where=name)
        except KitError as err:
            self.file_info.value = message("error", err.message, err.fix)
            return
        self.register, self.carried = (name, data), carried
        self.id_column.options = [("нет", None)] + [(c, c) for c in carried]
        self.id_column.value = "id" if "id" in carried else None
        self.forget_button.disabled = False
        kept = f"Ваши столбцы переносятся в результаты без изменений: {', '.join(carried)}." if carried else \
            "Других столбцов, кроме полей случая, нет."
        self.file_info.value = message("info", f"Реестр «{name}»: {len(data):,} байт; столбцов случая: {len(case)}.".replace(",", " "),
                                       kept)

    def forget(self) -> None:
        self.register, self.carried = None, []
        self.id_column.options = [("нет", None)]
        self.forget_button.disabled = True
        self.file_info.value = ""

    @staticmethod
    @contextmanager
    def _file(name: str, data: bytes):
        """The upload as a file in a private temporary folder, removed when the block ends. It lies in a
        folder of its own, beside the folder the results are written to: an upload named like a result
        («результаты-проект.csv») is then never taken for the output."""
        with tempfile.TemporaryDirectory(prefix="socmethod-upload-") as tmp:
            path = Path(tmp) / "register" / name
            path.parent.mkdir()
            (Path(tmp) / "results").mkdir()
            path.write_bytes(data)
            yield path

    # The comparison -----------------------------------------------------------------------------------------
    def compare(self) -> None:
        s = self.session
        self.status.value = message("info", "Сравниваю…")
        self.result.value = self.charts.value = self.downloads.value = ""
        id_column = self.id_column.value
        keep = [c for c in self.carried if c != id_column]
        changed_csv = io.StringIO()
        outputs = {}
        try:
            if self.register is None:
                report = diff(s.base, s.compared, None, s.baseline_readings, s.proposal_readings)
            else:
                name, data = self.register
                with self._file(name, data) as path:
                    writer = ChangedCasesWriter(changed_csv, ([id_column] if id_column else []) + keep)
                    report = diff(s.base, s.compared, str(path), s.baseline_readings, s.proposal_readings,
                                  id_column=id_column, keep=keep, on_changed=writer)
                    for side, rules, readings in (("действующие", s.base, s.baseline_readings),
                                                  ("проект", s.compared, s.proposal_readings)):
                        out = path.parent.parent / "results" / f"результаты-{side}.csv"
                        run_batch(str(path), str(out), readings, rules, id_column=id_column, keep=keep)
                        outputs[side] = out.read_bytes().decode("utf-8")
        except KitError as err:
            self.status.value = message("error", err.message, err.fix)
            return
        self.report = report
        when = datetime.now()
        context = report_context(report, s.base, s.compared, warnings=s.warnings, generated=when)
        document = report_document(context)
        stem = f"{slug(report['proposal']['name'])}-{when:%Y-%m-%d-%H%M}"
        downloads = [Download(report_filename(report, when), document.encode("utf-8"), "Отчёт для комиссии (HTML, A4)", "report")]
        pictures = []
        if self.register is not None:
            downloads.append(Download(f"изменившиеся-случаи-{stem}.csv", csv_bytes(changed_csv.getvalue()),
                                      "Изменившиеся случаи реестра (CSV)", "changed"))
            downloads += [Download(f"результаты-{side}-{stem}.csv", csv_bytes(text_), f"Оценка реестра: {label} (CSV)", f"results-{side}")
                          for side, label, text_ in (("действующие", "действующие правила", outputs["действующие"]),
                                                     ("проект", "проект", outputs["проект"]))]
            if report["register"]["changed"]:
                # The report's transitions: each form with its own numbers (the diff's texts cannot pair them).
                chart, picture = svg_and_png(transitions_chart(context["register"]["transitions"], s.base,
                                                               "Реестр: переходы"))
                pictures.append((chart, ""))
                downloads += [Download(f"реестр-переходы-{stem}.png", picture, "График переходов реестра (PNG)"),
                              Download(f"реестр-переходы-{stem}.svg", chart.encode("utf-8"), "График переходов реестра (SVG)")]
        for entry in context["space"]:
            for key, what in (("chart", "переходы"), ("heatmap", "тепловая-карта")):
                if entry.get(key):
                    pictures.append((entry[key], entry.get("heatmap_caption", "") if key == "heatmap" else ""))
                    downloads.append(Download(f"{slug(entry['label'], 30)}-{what}-{stem}.svg", entry[key].encode("utf-8"),
                                              f"{cap(entry['label'])}: {what.replace('-', ' ')} (SVG)", "svg"))
        if context["case_bank"]["chart"]:
            pictures.append((context["case_bank"]["chart"], ""))
            downloads.append(Download(f"учебные-случаи-переходы-{stem}.svg", context["case_bank"]["chart"].encode("utf-8"),
                                      "Учебные случаи: переходы (SVG)", "svg"))
        register = report.get("register")
        refused = f"Отклонено строк реестра: {register['refused']} — у каждой своя запись с причиной." if register and register["refused"] else ""
        alone = "" if s.proposal is not None else ("Проект не задан (вкладка «Изменение»): действующие правила сравнены сами с "
                                                   "собой, с выбранными прочтениями.")
        self.status.value = messages(("ok", ["Сравнение готово."]), ("warning", [refused, alone]))
        self.downloads.value = links_html(downloads)
        self.result.value = markup(render("workbench/page/compare.html.j2", **context))
        self.charts.value = figures(*pictures)
