"""The change editor as a form: pick a table and a row, tick the allowed values of each column, add a row
from the same form, remove a row. Every step rewrites the change file (shown as TOML, editable, and
downloadable) and applies it to the rules in force by the code that reads hand-written files, so an error
names the change and the column."""
from __future__ import annotations

from socmethod.analysis.editor import CHANGE_FILE_NAME, ChangeFile, row_columns, rule_changes
from socmethod.analysis.labels import category_words, column_words, form_words, value_words
from socmethod.apps.workbench.downloads import Download, links_html
from socmethod.apps.workbench.session import Session, message, messages, text
from socmethod.core.errors import KitError
from socmethod.render import markup, render

ACTIONS = (("Изменить строку", "edit"), ("Добавить строку", "add"), ("Удалить строку", "remove"))
ACTION_WORDS = {"edit": "изменить", "add": "добавить", "remove": "удалить"}


class ChangeForm:
    def __init__(self, session: Session):
        import ipywidgets as w
        self.w = w
        self.session = session
        editor = session.editor
        wide = {"style": {"description_width": "initial"}, "layout": w.Layout(width="60%")}
        self.name = w.Text(value=editor.file.name, description="Название проекта", **wide)
        self.date = w.Text(value=editor.file.effective_date, description="Дата вступления в силу (ГГГГ-ММ-ДД)",
                           placeholder="2027-01-01", **wide)
        self.name.observe(lambda _: self._header(), names="value")
        self.date.observe(lambda _: self._header(), names="value")
        self.action = w.ToggleButtons(options=ACTIONS, value="edit")
        self.table = w.Dropdown(options=editor.tables(), description="Таблица", **wide)
        self.row = w.Dropdown(description="Строка", style={"description_width": "initial"}, layout=w.Layout(width="95%"))
        self.cells_box = w.VBox()
        self.write_button = w.Button(description="Записать в изменение", button_style="primary", icon="check",
                                     layout=w.Layout(width="auto"))
        self.write_button.on_click(lambda _: self.write())
        self.pending = w.Dropdown(description="Изменение", style={"description_width": "initial"}, layout=w.Layout(width="80%"))
        self.drop_button = w.Button(description="Убрать это изменение", icon="times")
        self.drop_button.on_click(lambda _: self.drop())
        self.toml = w.Textarea(layout=w.Layout(width="100%", height="16em"))
        self.toml_button = w.Button(description="Применить текст")
        self.toml_button.on_click(lambda _: self.apply_text())
        self.status = w.HTML()
        self.summary = w.HTML()
        self.downloads = w.HTML()
        self.action.observe(lambda _: self._rows(), names="value")
        self.table.observe(lambda _: self._rows(), names="value")
        self.row.observe(lambda _: self._cells(), names="value")
        toml_box = w.Accordion([w.VBox([w.HTML(text("", "Файл изменений — то, что подписывают и хранят; его можно "
                                                    "править и вручную, затем «Применить текст».", muted=True)),
                                        self.toml, self.toml_button])], titles=("Файл изменений (TOML)",), selected_index=None)
        self.page = w.VBox([w.HTML(text("Изменение методики",
                                        "Выберите таблицу и строку, отметьте допустимые значения каждого столбца и нажмите "
                                        "«Записать в изменение». Так же добавляется новая строка и удаляется существующая. "
                                        "Каждое изменение сразу проверяется на действующих правилах.")),
                            self.name, self.date, self.action, self.table, self.row, self.cells_box, self.write_button,
                            self.status, w.HBox([self.pending, self.drop_button]), self.summary, self.downloads, toml_box])
        self.inputs: dict = {}
        self._rows()
        self.refresh(apply=False)

    # The form ----------------------------------------------------------------------------------------------
    def _rows(self) -> None:
        add = self.action.value == "add"
        self.row.layout.display = "none" if add else None
        if not add:
            options = self.session.editor.rows(self.table.value)
            keep = self.row.value
            self.row.options = options
            values = [value for _, value in options]
            self.row.value = keep if keep in values else values[0] if values else None
        self._cells()

    def _cells(self) -> None:
        w, base, table_id = self.w, self.session.base, self.table.value
        action = self.action.value
        self.write_button.description = {"edit": "Записать в изменение", "add": "Добавить строку",
                                         "remove": "Удалить строку"}[action]
        self.inputs = {}
        if action == "remove":
            self.cells_box.children = [w.HTML(self._raw_html())] if self.row.value else []
            return
        current = self.session.editor.cells(table_id, *self.row.value) if action == "edit" and self.row.value else {}
        columns = row_columns(base, table_id)
        table = base.tables[table_id]
        children = []
        if action == "add":
            for column, label, hint in (("id", "Идентификатор новой строки", f"например {table_id}-N50"),
                                        ("seed_line", "Строка источника (номер строки в тексте распоряжения)", "например 1133")):
                self.inputs[column] = w.Text(description=label, placeholder=hint, style={"description_width": "initial"},
                                             layout=w.Layout(width="60%"))
                children.append(self.inputs[column])
        else:
            children.append(w.HTML(self._raw_html()))
        for column in columns["set"]:
            field = table.columns[column]["field"]
            ticked = {v.strip() for v in current.get(column, "").split(",") if v.strip()}
            boxes = [w.Checkbox(value=str(v) in ticked, description=value_words(base, field, v) if base.fields[field]["kind"] != "scale"
                                else f"степень {v}", indent=False, layout=w.Layout(width="auto")) for v in base.field_domain(field)]
            self.inputs[column] = (boxes, base.field_domain(field))
            children.append(w.VBox([w.HTML(text("", f"{column_words(base, table_id, column)} (ни одной отметки — не проверяется)")),
                                    w.HBox(boxes)]))
        for column in columns["flag"]:
            options = [("пусто — по прочтению «пустая ячейка»", ""), ("V — требуется", "V")]
            options += [(f"V {m} — {spec.get('text', '')}", f"V {m}") for m, spec in table.markers.items()]
            value = current.get(column, "")
            if value not in [o[1] for o in options]:
                options.append((value, value))
            self.inputs[column] = w.Dropdown(options=options, value=value, description=column_words(base, table_id, column),
                                             style={"description_width": "initial"}, layout=w.Layout(width="95%"))
            children.append(self.inputs[column])
        self.inputs["form"] = w.Dropdown(options=[(label, code) for code, label in base.forms.items()],
                                         value=current.get("form") or next(iter(base.forms)), description="Форма обслуживания",
                                         style={"description_width": "initial"}, layout=w.Layout(width="80%"))
        children.append(self.inputs["form"])
        for category, column in table.ripso_columns.items():
            self.inputs[column] = w.Text(value=current.get(column, ""), description=f"РИПСО: {category_words(base, category)}",
                                         placeholder="номера через запятую: 14 или 17, 18; «-» — нет программы",
                                         style={"description_width": "initial"}, layout=w.Layout(width="80%"))
            children.append(self.inputs[column])
        self.inputs["note"] = w.Text(value=current.get("note", ""), description="Примечание",
                                     style={"description_width": "initial"}, layout=w.Layout(width="95%"))
        children.append(self.inputs["note"])
        self.cells_box.children = children

    def _raw_html(self):
        if not self.row.value:
            return ""
        cells = self.session.editor.cells(self.table.value, *self.row.value)
        raw = cells.get("raw", "")
        return text("", f"Строка в источнике (стр. {cells.get('seed_line') or '?'}): {raw}" if raw else "", muted=True)

    def values(self) -> dict[str, str]:
        """The form's cells as the table writes them: a set column's ticked values in the field's order."""
        out = {}
        for column, control in self.inputs.items():
            if isinstance(control, tuple):
                boxes, domain = control
                out[column] = ", ".join(str(v) for v, box in zip(domain, boxes) if box.value)
            else:
                out[column] = str(control.value).strip()
        return out

    # What the buttons do -----------------------------------------------------------------------------------
    def write(self) -> None:
        editor, table_id = self.session.editor, self.table.value
        try:
            if self.action.value == "add":
                editor.add_row(table_id, self.values())
            elif self.action.value == "remove":
                editor.remove_row(table_id, *self.row.value)
            else:
                row_id, variant = self.row.value
                editor.set_cells(table_id, row_id, self.values(), variant)
        except KitError as err:
            self.status.value = message("error", err.message, err.fix)
            return
        self._rows()
        self.refresh()

    def drop(self) -> None:
        if self.pending.value is None:
            return
        self.session.editor.drop(self.pending.value)
        self._rows()
        self.refresh()

    def apply_text(self) -> None:
        typed = self.toml.value
        try:
            parsed = ChangeFile.parse(typed)
        except KitError as err:
            self.status.value = message("error", err.message, err.fix)
            return
        self.session.editor.file = parsed
        self.name.value, self.date.value = parsed.name, parsed.effective_date
        self._rows()
        self.refresh(text=typed)          # the methodologist's own text stays, comments and all

    def _header(self) -> None:
        self.session.editor.file.name = self.name.value.strip()
        self.session.editor.file.effective_date = self.date.value.strip()
        self.refresh()

    def refresh(self, apply: bool = True, text: str | None = None) -> None:
        """Rewrite the file's text (or keep `text`, a hand-edited file that says the same), list its changes
        and apply it: the proposal, or the error at its change."""
        editor, base, session = self.session.editor, self.session.base, self.session
        changes = editor.file.changes
        self.toml.value = editor.file.text(base) if text is None else text
        self.pending.options = [(self._describe(n, c), n) for n, c in enumerate(changes)]
        self.pending.value = None if not changes else len(changes) - 1
        self.downloads.value = links_html([Download(CHANGE_FILE_NAME, self.toml.value.encode("utf-8"),
                                                    "Скачать файл изменений (TOML)", "change")]) if changes else ""
        if not changes or not apply:
            self.summary.value = markup(render("workbench/page/changes.html.j2", pending=[label for label, _ in self.pending.options],
                                               applied=None))
            if session.proposal is not None:
                session.set_proposal(None)
            self.status.value = ""
            return
        try:
            proposal = editor.file.apply(base)
        except KitError as err:
            session.set_proposal(None)
            self.status.value = message("error", err.message, err.fix)
            self.summary.value = ""
            return
        warnings = editor.file.warnings(base)
        session.set_proposal(proposal, warnings)
        self.status.value = messages(("ok", [f"Изменение применено: «{proposal.name}». Перейдите на вкладку «Сравнение»."]),
                                     ("warning", warnings))
        self.summary.value = markup(render("workbench/page/changes.html.j2", pending=[label for label, _ in self.pending.options],
                                           applied=rule_changes(base, proposal)))

    def _describe(self, n: int, change) -> str:
        base = self.session.base
        what = f"{n + 1}. Таблица {change.table}, строка {change.row}: {ACTION_WORDS[change.action]}"
        if change.action == "edit":
            what += " — " + ", ".join(column_words(base, change.table, c) for c in change.cells)
        elif change.action == "add":
            what += f" ({form_words(base, change.cells.get('form', ''))})"
        return what
