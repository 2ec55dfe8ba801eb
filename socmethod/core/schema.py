"""One declarative checker for the kit's data files (rules, scales, deadlines, documents, urgent services,
cost, printed forms, the calculator's and the classroom's wording, the case bank).

A file's shape is written once, as data about data, beside the code that reads the file:

    SERVICE = Table(required={"id": Text(), "number": Integer(1, 11), "line": SeedLine()},
                    optional={"note": Text()}, id="id", collection="service")
    URGENT = Table(required={"service": ListOf(SERVICE, exactly=11), ...})
    data = check(load_toml("urgent.toml"), URGENT, "data/urgent.toml")

`check` walks the parsed file, then resolves the references (`Ref("service")` must name the id of an entry
of a `collection="service"` table anywhere in the file), and refuses the first defect as a KitError of the
catalogue (data/errors.toml) naming the file and the key path (`service[«no_food»].line`): `missing_key`
for a key that must be there, `unknown_key` for one that must not, `bad_value` for a value outside its
list or a reference to no entry, the file's own code (`rule_set_invalid` unless told) for anything else,
each with what would be accepted. What a
shape cannot say (bands that must tile 0..max, numbers in order) stays a few lines of code after `check`.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from socmethod.core.errors import KitError, syntax_problem
from socmethod.core.resources import data_path


class Problem(Exception):
    """A defect at a place in a file: what is wrong and what would be accepted."""

    def __init__(self, what: str, allowed: str = "", *, missing: bool = False, code: str | None = None,
                 value=None):
        super().__init__(what)
        self.what, self.allowed, self.missing = what, allowed, missing
        self.code, self.value = code, value      # a catalogue code of its own (unknown_key, bad_value) and the value
        self.path: str | None = None

    def at(self, path: str) -> "Problem":
        """The problem placed at `path`, unless a deeper place was named already."""
        if self.path is None:
            self.path = path
        return self


@dataclass
class Context:
    collections: dict[str, set] = field(default_factory=dict)
    refs: list[tuple[str, object, str]] = field(default_factory=list)     # (collection, value, path)


class Schema:
    """A shape a value must have. `check` returns the value (perhaps normalised) or raises Problem."""
    hint = ""

    def check(self, value, path: str, ctx: Context):
        raise NotImplementedError


def _join(path: str, key) -> str:
    """A place in a file as TOML names it (dotted keys), a list's item by its code or its number from 1:
    «text.title.seed_line», «service[«no_food»].line», «шаг 2.seed_line»."""
    return f"{path}.{key}" if path else str(key)


@dataclass
class Text(Schema):
    empty: bool = False
    hint = "текст"

    def check(self, value, path, ctx):
        if not isinstance(value, str) or (not self.empty and not value.strip()):
            raise Problem("ожидается непустой текст" if not self.empty else "ожидается текст", self.hint)
        return value


@dataclass
class Integer(Schema):
    low: int | None = None
    high: int | None = None

    def check(self, value, path, ctx):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Problem("ожидается целое число", self._range())
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise Problem(f"число {value} вне допустимых", self._range())
        return value

    def _range(self) -> str:
        if self.low is not None and self.high is not None:
            return f"целое от {self.low} до {self.high}"
        if self.low is not None:
            return f"целое не меньше {self.low}"
        return "целое число"


def SeedLine() -> Integer:
    """A line of the seed text (seeds/003 has about 1,700)."""
    return Integer(1, 99_999)


@dataclass
class Number(Schema):
    low: float | None = None

    def check(self, value, path, ctx):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise Problem("ожидается число", "число")
        if self.low is not None and value < self.low:
            raise Problem(f"число {value} меньше {self.low}", f"число не меньше {self.low}")
        return value


@dataclass
class Boolean(Schema):
    def check(self, value, path, ctx):
        if not isinstance(value, bool):
            raise Problem("ожидается true или false", "true, false")
        return value


@dataclass
class IsoDate(Schema):
    def check(self, value, path, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise Problem(f"«{value}» — не дата", "дата ГГГГ-ММ-ДД") from None


@dataclass
class OneOf(Schema):
    """One of `values` (or of what a function gives: codes of another file). `what`: the message, with
    {value} for the value found."""
    values: tuple | list | Callable[[], Any]
    what: str = "недопустимое значение «{value}»"

    def check(self, value, path, ctx):
        allowed = list(self.values() if callable(self.values) else self.values)
        if isinstance(value, bool) or value not in allowed:
            plain = self.what == OneOf.what
            raise Problem(self.what.format(value=value), ", ".join(map(str, allowed)),
                          code="bad_value" if plain else None, value=value)
        return value


@dataclass
class Ref(Schema):
    """The id of an entry of a collection of the same file (checked when the whole file has been read)."""
    collection: str

    def check(self, value, path, ctx):
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise Problem("ожидается код", f"код из раздела {self.collection}")
        ctx.refs.append((self.collection, value, path))
        return value


@dataclass
class ListOf(Schema):
    item: Schema
    min: int = 0
    exactly: int | None = None
    unique: bool = False              # the items themselves (a list of codes) must not repeat
    name: str | None = None           # how an item is called in messages («шаг 2»); default: the list's key

    def check(self, value, path, ctx):
        if not isinstance(value, list):
            raise Problem("ожидается список", "список [ ... ]")
        if self.exactly is not None and len(value) != self.exactly:
            raise Problem(f"в списке {len(value)}, а должно быть {self.exactly}", f"ровно {self.exactly}")
        if len(value) < self.min:
            raise Problem("список пуст" if not value else f"в списке {len(value)}", f"не меньше {self.min}")
        out = []
        for n, item in enumerate(value, 1):
            out.append(_at(self.item, item, _item_path(path, item, n, self.name), ctx))
        if self.unique:
            seen = set()
            for n, item in enumerate(value, 1):
                key = repr(item)
                if key in seen:
                    raise Problem(f"«{item}» повторяется", "каждое значение один раз")
                seen.add(key)
        return out


def _item_path(path: str, item, n: int, name: str | None) -> str:
    code = item.get("id") if isinstance(item, dict) else None
    known = isinstance(code, (str, int)) and not isinstance(code, bool)
    if name is not None:
        parent, _, _ = path.rpartition(".")
        return _join(parent, f"{name} «{code}»" if known else f"{name} {n}")
    return f"{path}[«{code}»]" if known else f"{path}[{n}]"


@dataclass
class Table(Schema):
    """A TOML table with named keys. `id`: the key that names an entry (unique within its collection);
    `collection`: the name other entries refer to it by (Ref)."""
    required: dict = field(default_factory=dict)
    optional: dict = field(default_factory=dict)
    extra: bool = False                # other keys allowed (and not checked)
    id: str | None = None
    collection: str | None = None
    rest: Schema | None = None         # the shape of every other key (a table of entries with some required)

    def check(self, value, path, ctx):
        if not isinstance(value, dict):
            raise Problem("ожидается таблица «ключ = значение»", "таблица TOML")
        # An unknown key first: a misspelt key is also a missing one, and its own name is the better clue.
        if not self.extra and self.rest is None:
            unknown = [k for k in value if k not in self.required and k not in self.optional]
            if unknown:
                raise Problem(f"неизвестное поле «{unknown[0]}»", ", ".join([*self.required, *self.optional]),
                              code="unknown_key").at(_join(path, unknown[0]))
        for key in self.required:
            if key not in value:
                raise Problem(f"нет поля «{key}»", ", ".join(self.required), missing=True).at(_join(path, key))
        out = dict(value)
        for key, schema in [*self.required.items(), *self.optional.items()]:
            if key in value:
                out[key] = _at(schema, value[key], _join(path, key), ctx)
        if self.rest is not None:
            for key in value:
                if key not in self.required and key not in self.optional:
                    out[key] = _at(self.rest, value[key], _join(path, key), ctx)
        if self.id is not None and self.collection is not None:
            ids = ctx.collections.setdefault(self.collection, set())
            if value[self.id] in ids:
                raise Problem(f"код «{value[self.id]}» повторяется", "у каждой записи свой код").at(_join(path, self.id))
            ids.add(value[self.id])
        return out


@dataclass
class MapOf(Schema):
    """A table whose keys are data (codes), each value of one shape; `keys` checks the keys,
    `collection` makes the keys referable."""
    value: Schema
    keys: Schema | None = None
    collection: str | None = None
    min: int = 0

    def check(self, value, path, ctx):
        if not isinstance(value, dict):
            raise Problem("ожидается таблица «код = значение»", "таблица TOML")
        if len(value) < self.min:
            raise Problem("таблица пуста", f"не меньше {self.min} записей")
        out = {}
        for key, item in value.items():
            if self.keys is not None:
                _at(self.keys, key, _join(path, key), ctx)
            out[key] = _at(self.value, item, _join(path, key), ctx)
        if self.collection is not None:
            ctx.collections.setdefault(self.collection, set()).update(value)
        return out


@dataclass
class AnyOf(Schema):
    options: tuple
    hint_text: str = ""

    def check(self, value, path, ctx):
        for option in self.options:
            trial = Context({k: set(v) for k, v in ctx.collections.items()}, [])
            try:
                out = option.check(value, path, trial)
            except Problem:
                continue
            ctx.collections.update(trial.collections)
            ctx.refs += trial.refs
            return out
        raise Problem("значение не подходит ни под один из видов", self.hint_text)


@dataclass
class Nullable(Schema):
    """A value of `schema`, or nothing (YAML's null: an answer the case bank leaves open)."""
    schema: Schema

    def check(self, value, path, ctx):
        return None if value is None else self.schema.check(value, path, ctx)


class Anything(Schema):
    """Any value (its meaning is checked by a `Where` around it)."""

    def check(self, value, path, ctx):
        return value


@dataclass
class Switch(Schema):
    """One of two shapes, chosen by a look at the value (a footnote is a marker or an entry)."""
    test: Callable[[Any], bool]
    when_true: Schema
    otherwise: Schema

    def check(self, value, path, ctx):
        return (self.when_true if self.test(value) else self.otherwise).check(value, path, ctx)


@dataclass
class Where(Schema):
    """A shape plus a condition it cannot say: `test(value)` returns the problem text, or None."""
    schema: Schema
    test: Callable[[Any], str | None]
    hint_text: str = ""

    def check(self, value, path, ctx):
        value = self.schema.check(value, path, ctx)
        problem = self.test(value)
        if problem:
            raise Problem(problem, self.hint_text)
        return value


def _at(schema: Schema, value, path: str, ctx: Context):
    try:
        return schema.check(value, path, ctx)
    except Problem as problem:
        raise problem.at(path) from None


def check(data, schema: Schema, file: str, *, code: str = "rule_set_invalid"):
    """`data` (a parsed file) checked against `schema`; the first defect is a KitError (`code`, or
    `missing_key` for a key that is not there) naming `file` and the place. Returns the checked data."""
    ctx = Context()
    try:
        out = _at(schema, data, "", ctx)
        for collection, value, path in ctx.refs:
            if value not in ctx.collections.get(collection, set()):
                raise Problem(f"ссылка на неизвестный код «{value}»", f"код из раздела {collection}",
                              code="bad_value", value=value).at(path)
    except Problem as problem:
        path = problem.path or ""
        if problem.missing:
            raise KitError("missing_key", path, where=file, allowed=problem.allowed or "значение") from None
        if problem.code == "unknown_key":
            raise KitError("unknown_key", path, where=file, allowed=problem.allowed) from None
        if problem.code == "bad_value":
            raise KitError("bad_value", path, where=file, value=problem.value, allowed=problem.allowed) from None
        raise KitError(code, path or None, where=f"{file}, {path}" if path else file,
                       value=problem.what, allowed=_fix(problem.allowed)) from None
    return out


def _fix(allowed: str) -> str:
    return f"Ожидается: {allowed}." if allowed else "Исправьте файл данных."


def load_toml(*parts: str, label: str | None = None) -> dict:
    """A TOML file of the bundled data (data/…), parsed; a missing or unreadable file is a KitError naming it."""
    path = data_path(*parts)
    label = label or "data/" + "/".join(parts)
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise KitError("file_not_found", value=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KitError("malformed_file", where=label, value=syntax_problem(exc), allowed="TOML, UTF-8") from None
