"""Batch assessment: a register (CSV or JSON Lines) in, one record per input row out, in input order.

The register is streamed in chunks (memory stays flat whatever its size) and the output is written to a
temporary file renamed over the output only when every row has been read: an input that fails part way
leaves an existing output untouched, and an output that is the input is refused before anything is
opened for writing. Refused rows get their own error record and are counted and named, never dropped.

Two paths give the same answers: the vectorised one (core.vector) for CSV registers written to CSV, and
the engine case by case for everything else and for every row the vectorised checks do not accept.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from socmethod.core.engine import assess_or_error, ruleset_of
from socmethod.core.errors import KitError
from socmethod.io.assessment import ChunkAssessment, assess_chunk
from socmethod.io.files import atomic_output, check_output
from socmethod.io.records import CsvWriter, JsonlWriter
from socmethod.io.register import open_register

OUTPUT_SUFFIXES = (".jsonl", ".csv")
REFUSED_LISTED = 1000        # refused rows named one by one in a summary; all are counted, all have a record


@dataclass
class Tally:
    """What a run read and decided: rows, refused rows (the first REFUSED_LISTED named), blank lines."""
    rows: int = 0
    refused: int = 0
    blank_lines: int = 0
    refused_rows: list[dict] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)

    def add(self, assessment: ChunkAssessment) -> None:
        chunk = assessment.chunk
        self.rows += len(chunk)
        self.blank_lines += chunk.blank_lines
        for i in assessment.refused():
            self.refused += 1
            if len(self.refused_rows) < REFUSED_LISTED:
                err = assessment.results[i]["error"]
                entry = {"index": chunk.index(i), "line": int(chunk.lines[i]), "code": err["code"],
                         "field": err.get("field") or "", **assessment.refusals.get(i, {})}
                if self.carried:
                    entry["id"] = chunk.carried(i)[0]
                    entry["columns"] = dict(zip(self.carried, chunk.carried(i)))
                self.refused_rows.append(entry)

    def counts(self) -> dict:
        """`cases` is every record written (one per row), `errors` the refused ones among them."""
        return {"cases": self.rows, "errors": self.refused, "assessed": self.rows - self.refused,
                "blank_lines": self.blank_lines, "refused_rows": self.refused_rows}


def assess_register(path: str | Path, ruleset, readings: dict, *, id_column: str | None = None, keep=(),
                    vectorised: bool = True):
    """(header, iterator of ChunkAssessment) over a register; the file closes when the iterator ends."""
    register = open_register(path, ruleset, id_column=id_column, keep=keep)

    def chunks():
        memo: dict = {}
        try:
            for chunk in register.chunks():
                yield assess_chunk(chunk, ruleset, readings, vectorised=vectorised, memo=memo)
        finally:
            register.close()
    return register.header, chunks()


def run_batch(in_path: str, out_path: str, readings=None, rules=None, vectorised: bool = True, *,
              id_column: str | None = None, keep=()) -> dict:
    """Assess every row of `in_path`, write `out_path` (.jsonl or .csv). Returns the counts (Tally.counts)."""
    ruleset = ruleset_of(rules)
    readings = ruleset.resolve_readings(readings)
    out_suffix = Path(out_path).suffix.lower()
    if out_suffix not in OUTPUT_SUFFIXES:
        raise KitError("bad_argument", "OUT", value=out_path, allowed="Файл результатов должен иметь расширение .jsonl или .csv.")
    check_output(out_path, [in_path])
    # JSON Lines records are whole results: the engine writes them, row by row.
    header, assessments = assess_register(in_path, ruleset, readings, id_column=id_column, keep=keep,
                                          vectorised=vectorised and out_suffix == ".csv")
    tally = Tally(carried=header.carried)
    with atomic_output(out_path, [in_path]) as fh:
        writer = (CsvWriter if out_suffix == ".csv" else JsonlWriter)(fh, header.carried)
        for assessment in assessments:
            writer.write(assessment)
            tally.add(assessment)
    return {**tally.counts(), "unnamed": header.unnamed}


def assess_all(cases, readings=None, rules=None) -> list[dict]:
    """Case by case: the reference the vectorised path is checked against."""
    ruleset = ruleset_of(rules)
    return [{"error": case.to_dict()} if isinstance(case, KitError) else assess_or_error(case, readings, ruleset)
            for case in cases]
