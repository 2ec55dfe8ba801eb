"""Sessions: what a trainer chose (the plan), each trainee's pass through its cases, and the files they
live in.

Where files go: a trainer's session plan and the trainees' CSV files live in one results folder
(`training_results/` at the top of a source checkout, or SOCMETHOD_TRAINING_RESULTS). In a classroom every
trainee's page runs in its own kernel on the trainer's machine, so all of them write into that folder and
the trainer page reads it. Nobody's name is asked for or stored: trainees are numbered.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

from socmethod.apps.training.practice import compare, reference_html
from socmethod.core.errors import KitError
from socmethod.io.casebank import BankCase, bundled_case_bank, case_by_id
from socmethod.render import render

CSV_COLUMNS = ("session", "trainee", "case", "title", "kind", "key", "label", "given", "reference", "correct",
               "reference_seen")
# Russian Excel splits CSV on its list separator ";" and needs the BOM to see UTF-8.
CSV_DELIMITER = ";"
TRAINEE_FILE = re.compile(r"^trainee-(\d+)\.csv$")
# A trainee's browser key: random letters the start page puts into the address of the practice page
# (`?trainee=…`), so that a reload finds the same «Слушатель N» and their answers. It says nothing about
# the person; only its hash is written down.
BROWSER_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SESSION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
ROOT = Path(__file__).resolve().parents[3]


def results_dir() -> Path:
    """Where session plans and results live: SOCMETHOD_TRAINING_RESULTS, else training_results/ at the top
    of a source checkout (gitignored), else training_results/ in the working directory."""
    override = os.environ.get("SOCMETHOD_TRAINING_RESULTS")
    if override:
        return Path(override)
    if (ROOT / "pyproject.toml").is_file():
        return ROOT / "training_results"
    return Path.cwd() / "training_results"


def write_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    # Another kernel (the trainer's) may read while a trainee's kernel writes: replace, never truncate.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding=encoding)
    os.replace(tmp, path)


@dataclass
class SessionPlan:
    """What a trainer chose: the cases, whether the reference stays hidden until an answer is sent."""
    id: str
    case_ids: list[str]
    hide_reference: bool = True
    title: str = ""
    created: str = ""


DEFAULT_PLAN = SessionPlan("samostoyatelno", ["case-001", "case-002", "case-023", "case-005", "case-013"], True,
                           "Самостоятельная практика")


def check_session_id(text: str) -> str:
    value = (text or "").strip().lower()
    if not SESSION_ID.match(value):
        raise KitError("bad_value", "занятие", value=text,
                       allowed="латинские буквы, цифры и дефисы, до 60 знаков (например, zanyatie-1)")
    return value


def trainee_files(session_dir: Path) -> list[Path]:
    if not session_dir.is_dir():
        return []
    return sorted(p for p in session_dir.iterdir() if TRAINEE_FILE.match(p.name))


def free_session_id(session_id: str, directory: str | Path | None = None) -> str:
    """`session_id` with the first suffix -2, -3, … that no session folder uses yet."""
    directory = Path(directory) if directory else results_dir()
    base = re.sub(r"-\d+$", "", check_session_id(session_id))[:55]
    n = 2
    while (directory / f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


def save_plan(plan: SessionPlan, directory: str | Path | None = None) -> Path:
    """Write the plan to <results>/<id>/session.json and make it the current session. A code whose folder
    already holds trainees' results is refused: replacing its plan would make their results refer to
    cases that are no longer in it (continue it with `make_current`, or choose another code)."""
    directory = Path(directory) if directory else results_dir()
    plan.id = check_session_id(plan.id)
    taken = trainee_files(directory / plan.id)
    if taken:
        raise KitError("session_has_results", "занятие", value=plan.id, where=f"слушателей: {len(taken)}",
                       allowed=free_session_id(plan.id, directory))
    if not plan.case_ids:
        raise KitError("bad_argument", "cases", value="не выбран ни один случай", allowed="Отметьте случаи занятия.")
    bank = bundled_case_bank()
    for case_id in plan.case_ids:
        case_by_id(bank, case_id)
    plan.created = plan.created or datetime.now().isoformat(timespec="seconds")
    path = directory / plan.id / "session.json"
    write_atomic(path, json.dumps(asdict(plan), ensure_ascii=False, indent=1))
    write_atomic(directory / "current.json", json.dumps({"session": plan.id}))
    return path


def load_plan(session_id: str, directory: str | Path | None = None) -> SessionPlan:
    directory = Path(directory) if directory else results_dir()
    path = directory / check_session_id(session_id) / "session.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SessionPlan(str(data["id"]), [str(c) for c in data["case_ids"]], bool(data.get("hide_reference", True)),
                           str(data.get("title", "")), str(data.get("created", "")))
    except FileNotFoundError:
        raise KitError("file_not_found", value=str(path)) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise KitError("malformed_file", where=str(path), value=str(exc), allowed="session.json") from None


def make_current(session_id: str, directory: str | Path | None = None) -> SessionPlan:
    """Make a saved session the current one again (the trainer reopens it): its plan stays as it was."""
    directory = Path(directory) if directory else results_dir()
    plan = load_plan(session_id, directory)
    write_atomic(directory / "current.json", json.dumps({"session": plan.id}))
    return plan


def current_session_id(directory: str | Path | None = None) -> str | None:
    """The session the trainer made current, if its plan is still there."""
    directory = Path(directory) if directory else results_dir()
    try:
        session_id = json.loads((directory / "current.json").read_text(encoding="utf-8"))["session"]
        return session_id if (directory / check_session_id(session_id) / "session.json").is_file() else None
    except (FileNotFoundError, KeyError, ValueError, TypeError, KitError):
        return None


def current_plan(directory: str | Path | None = None) -> SessionPlan:
    """The session the trainer made current, or the self-study default when there is none."""
    directory = Path(directory) if directory else results_dir()
    try:
        session_id = json.loads((directory / "current.json").read_text(encoding="utf-8"))["session"]
        return load_plan(session_id, directory)
    except (FileNotFoundError, KeyError, ValueError, KitError):
        return SessionPlan(**asdict(DEFAULT_PLAN))


def list_sessions(directory: str | Path | None = None) -> list[str]:
    directory = Path(directory) if directory else results_dir()
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_dir() and SESSION_ID.match(p.name) and
             ((p / "session.json").is_file() or any(TRAINEE_FILE.match(f.name) for f in p.iterdir()))]
    return [p.name for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def session_status(session_id: str, directory: str | Path | None = None) -> dict:
    """A session at a glance: its plan (None for a folder without one), how many trainees joined and how
    many answered every case."""
    directory = Path(directory) if directory else results_dir()
    try:
        plan = load_plan(session_id, directory)
    except KitError:
        plan = None
    rows, warnings = read_results(directory / session_id)
    answered = Counter(r["trainee"] for r in rows if r.get("kind") == "case")
    joined = sorted({r["trainee"] for r in rows})
    total = len(plan.case_ids) if plan else 0
    return {"id": session_id, "plan": plan, "joined": len(joined), "answers": sum(answered.values()),
            "finished": sum(1 for t in joined if total and answered[t] >= total), "warnings": warnings}


def browser_key(query: str | None = None) -> str | None:
    """The trainee key of this page's address (`?trainee=…`, Voila passes the query string to the kernel
    as QUERY_STRING); None when there is none or it is not one the start page makes."""
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    values = parse_qs(query).get("trainee", [])
    return values[0] if values and BROWSER_KEY.match(values[0]) else None


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, delimiter=CSV_DELIMITER, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def claim_trainee(session_dir: Path) -> tuple[str, Path]:
    """The next free anonymous label («Слушатель N») and its file. O_EXCL makes two kernels that claim at
    the same moment get different numbers."""
    session_dir.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = session_dir / f"trainee-{n:02d}.csv"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(csv_text([]))
        return trainee_label(n), path
    raise KitError("bad_argument", "trainee", value="в занятии больше 999 слушателей", allowed="Начните новое занятие.")


def trainee_label(number: int) -> str:
    return f"Слушатель {number}"


def result_rows(session_id: str, trainee: str, fb: dict) -> list[dict]:
    """One CSV row per item, degree, early help, forms, РИПСО and one for the case."""
    base = {"session": session_id, "trainee": trainee, "case": fb["case"], "title": fb["title"],
            "reference_seen": int(bool(fb.get("reference_seen")))}
    rows = [{**base, "kind": "item", "key": i["key"], "label": i["label"], "given": i["given"],
             "reference": i["reference"], "correct": int(i["correct"])} for i in fb["items"]]
    rows += [{**base, "kind": "degree", "key": d["scale"], "label": f"{d['label']}: степень",
              "given": d["given"]["degree"], "reference": d["reference"]["degree"], "correct": int(d["correct"])}
             for d in fb["degrees"]]
    if fb["early_help"] is not None:
        e = fb["early_help"]
        rows.append({**base, "kind": "early_help", "key": "3.3", "label": "Критерии ранней помощи",
                     "given": "|".join(map(str, e["given"])), "reference": "|".join(map(str, e["reference"])),
                     "correct": int(e["correct"])})
    rows.append({**base, "kind": "forms", "key": "forms", "label": "Формы обслуживания",
                 "given": "|".join(fb["forms"]["given"]), "reference": "|".join(fb["forms"]["reference"]),
                 "correct": int(fb["forms"]["correct"])})
    rows.append({**base, "kind": "ripso", "key": "ripso", "label": "Номера РИПСО",
                 "given": "|".join(map(str, fb["ripso"]["given"])), "reference": "|".join(map(str, fb["ripso"]["reference"])),
                 "correct": int(fb["ripso"]["correct"])})
    rows.append({**base, "kind": "case", "key": "case", "label": fb["title"],
                 "given": f"{fb['items_correct']}/{fb['items_total']}", "reference": "", "correct": int(fb["correct"])})
    return rows


def read_results(session_dir: str | Path) -> tuple[list[dict], list[str]]:
    """Every trainee's rows in a session folder, and a warning (Russian) per file that could not be read;
    one broken file must not hide the rest of the group."""
    session_dir = Path(session_dir)
    rows, warnings = [], []
    if not session_dir.is_dir():
        return rows, warnings
    for path in sorted(session_dir.iterdir()):
        if not TRAINEE_FILE.match(path.name):
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
            reader = csv.DictReader(io.StringIO(text), delimiter=CSV_DELIMITER)
            if reader.fieldnames is None:
                rows.append({"trainee": label_of(path), "kind": "started"})
                continue
            if tuple(reader.fieldnames) != CSV_COLUMNS:
                raise ValueError("столбцы не совпадают с " + CSV_DELIMITER.join(CSV_COLUMNS))
            file_rows = list(reader)
            rows.append({"trainee": label_of(path), "kind": "started"})
            rows.extend(file_rows)
        except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
            warnings.append(f"Файл {path.name} пропущен: {exc}")
    return rows, warnings


def label_of(path: Path) -> str:
    return trainee_label(int(TRAINEE_FILE.match(path.name).group(1)))


class Session:
    """One trainee's pass through a trainer's cases. `start()` claims an anonymous label and its files, or,
    given the browser key of a trainee who has been here before, finds their label, answers, drafts and
    place again; `submit()` compares an answer, keeps it (the first answer to a case counts) and rewrites
    the files; `save_draft()` keeps what is ticked before it is sent, so a reload loses nothing.

    Files: trainee-NN.csv (the results, one row per item and decision) and trainee-NN.json (the state:
    the browser key's hash, answers, drafts, the case on screen)."""

    def __init__(self, plan: SessionPlan | None = None, directory: str | Path | None = None, bank=None,
                 key: str | None = None):
        self.plan = plan or SessionPlan(**asdict(DEFAULT_PLAN))
        self.bank = bank if bank is not None else bundled_case_bank()
        self.cases: list[BankCase] = [case_by_id(self.bank, c) for c in self.plan.case_ids]
        self.directory = Path(directory) if directory else results_dir()
        self.key = key
        self.trainee: str | None = None
        self.path: Path | None = None
        self.feedback: dict[str, dict] = {}
        self.answers: dict[str, dict] = {}
        self.drafts: dict[str, dict] = {}
        self.seen: set[str] = set()
        self.index = 0
        self.finished = False
        self.resumed = False

    @property
    def session_dir(self) -> Path:
        return self.directory / self.plan.id

    @property
    def state_path(self) -> Path | None:
        return self.path.with_suffix(".json") if self.path else None

    def find(self) -> bool:
        """Take up the state saved under this browser key in this session, if there is one."""
        if not self.key or not self.session_dir.is_dir():
            return False
        wanted = _key_hash(self.key)
        for path in sorted(self.session_dir.glob("trainee-*.json")):
            try:
                state = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(state, dict) and state.get("key") == wanted:
                self._restore(path.with_suffix(".csv"), state)
                return True
        return False

    def _restore(self, csv_path: Path, state: dict) -> None:
        self.path = csv_path
        self.trainee = label_of(csv_path)
        ids = {c.id for c in self.cases}
        self.seen = {c for c in state.get("seen", []) if c in ids}
        self.drafts = {c: a for c, a in (state.get("drafts") or {}).items() if c in ids and isinstance(a, dict)}
        for case_id, answer in (state.get("answers") or {}).items():
            if case_id in ids and isinstance(answer, dict):
                try:
                    self.feedback[case_id] = compare(case_by_id(self.cases, case_id), answer,
                                                     reference_seen=case_id in self.seen)
                    self.answers[case_id] = answer
                except KitError:
                    continue          # an answer the kit can no longer compare is asked again
        index = state.get("index", 0)
        self.index = index if isinstance(index, int) and 0 <= index < len(self.cases) else 0
        self.finished = bool(state.get("finished")) and len(self.answers) == len(self.cases)
        self.resumed = True

    def start(self) -> str:
        if self.trainee is None and not self.find():
            self.trainee, self.path = claim_trainee(self.session_dir)
            self.save_state()
        return self.trainee

    def reveal(self, case_id: str) -> str:
        """The reference before an answer, if the trainer allows it; remembered in the results."""
        if self.plan.hide_reference:
            raise KitError("bad_argument", "reference", value="эталон скрыт до отправки ответа",
                           allowed="Отправьте ответ, чтобы увидеть разбор.")
        self.seen.add(case_id)
        self.save_state()
        return reference_html(case_by_id(self.cases, case_id))

    def submit(self, case_id: str, answer: dict) -> dict:
        if case_id in self.feedback:
            return self.feedback[case_id]
        entry = case_by_id(self.cases, case_id)
        fb = compare(entry, answer, reference_seen=case_id in self.seen)
        self.feedback[case_id] = fb
        self.answers[case_id] = answer
        self.drafts.pop(case_id, None)
        self.save()
        return fb

    def save_draft(self, case_id: str, answer: dict) -> None:
        """What the trainee has ticked so far on a case not yet sent."""
        if case_id in self.feedback:
            return
        self.drafts[case_id] = answer
        self.save_state()

    def move_to(self, index: int, finished: bool = False) -> None:
        self.index = index
        self.finished = finished
        self.save_state()

    def rows(self) -> list[dict]:
        label = self.trainee or "Слушатель"
        return [r for c in self.cases if c.id in self.feedback for r in result_rows(self.plan.id, label, self.feedback[c.id])]

    def csv_text(self) -> str:
        return csv_text(self.rows())

    def save_state(self) -> Path | None:
        if self.state_path is None:
            return None
        state = {"key": _key_hash(self.key) if self.key else None, "answers": self.answers, "drafts": self.drafts,
                 "seen": sorted(self.seen), "index": self.index, "finished": self.finished}
        write_atomic(self.state_path, json.dumps(state, ensure_ascii=False))
        return self.state_path

    def save(self) -> Path | None:
        if self.path is None:
            return None
        write_atomic(self.path, self.csv_text(), encoding="utf-8-sig")
        self.save_state()
        return self.path

    def summary(self) -> dict:
        fbs = [self.feedback[c.id] for c in self.cases if c.id in self.feedback]
        wrong_items = Counter(i["label"] for fb in fbs for i in fb["items"] if not i["correct"])
        return {"answered": len(fbs), "total": len(self.cases), "correct": sum(fb["correct"] for fb in fbs),
                "items_correct": sum(fb["items_correct"] for fb in fbs), "items_total": sum(fb["items_total"] for fb in fbs),
                "cases": fbs, "wrong_items": wrong_items.most_common(5)}

    def summary_html(self) -> str:
        return render("training/summary.html.j2", trainee=self.trainee or "", s=self.summary())


def set_timer(session_id: str, minutes: float | None, directory: str | Path | None = None) -> None:
    """Start the projector's countdown of `minutes` from now (None or 0 stops it)."""
    directory = Path(directory) if directory else results_dir()
    path = directory / check_session_id(session_id) / "timer.json"
    if not minutes:
        path.unlink(missing_ok=True)
        return
    if not 0 < minutes <= 240:
        raise KitError("bad_value", "таймер", value=minutes, allowed="от 1 до 240 минут")
    write_atomic(path, json.dumps({"ends": time.time() + minutes * 60, "minutes": minutes}))


def timer_left(session_id: str, directory: str | Path | None = None) -> int | None:
    """Seconds left on the session's countdown (0 when it has run out), None when none is set."""
    directory = Path(directory) if directory else results_dir()
    try:
        ends = float(json.loads((directory / check_session_id(session_id) / "timer.json").read_text())["ends"])
    except (OSError, ValueError, KeyError, TypeError, KitError):
        return None
    return max(0, round(ends - time.time()))


def trainee_progress(session_dir: str | Path) -> dict[str, dict]:
    """Per trainee label, the case on their screen and the cases they have begun to tick (their state
    files): what the projector shows as «в работе»."""
    progress = {}
    for path in sorted(Path(session_dir).glob("trainee-*.json")):
        match = re.match(r"^trainee-(\d+)\.json$", path.name)
        if not match:
            continue
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(state, dict):
            progress[trainee_label(int(match.group(1)))] = {"index": state.get("index", 0),
                                                            "drafts": list(state.get("drafts") or {})}
    return progress
