"""The three-valued logic both evaluators share: a criterion, a row and a conditional number are each
true, false or unknown (they depend on an answer the case does not give).

Codes FALSE < UNKNOWN < TRUE, so AND is min and OR is max. The functions below use only comparisons,
`&` / `|` and integer arithmetic, which mean the same on Python ints and bools and on numpy arrays: the single-case engine calls
them with one case's codes, the vectorised path with arrays of codes, and neither can drift from the other.
"""
from __future__ import annotations

FALSE, UNKNOWN, TRUE = 0, 1, 2


def code(value) -> int:
    """True/False/None (a case's answer, a criterion's holding) as a code."""
    return UNKNOWN if value is None else TRUE if value else FALSE


def negate(value):
    """NOT in the three-valued codes: true and false swap, unknown stays (an int or an array of codes)."""
    return TRUE - value


def both(a, b):
    """AND (the smaller code) of two codes or arrays of codes; the arithmetic means the same on both."""
    return a - (a - b) * (b < a)


def number_state(row_status, condition):
    """(given, pending) for a conditional РИПСО number («N 30 при проживании в квартире социального
    назначения»): given when its row holds and its condition is true; pending (it depends on an unknown
    answer) when the row holds and the condition is unknown, or the row itself depends on an unknown answer
    and the condition is not false."""
    given = (row_status == TRUE) & (condition == TRUE)
    pending = ((row_status == TRUE) & (condition == UNKNOWN)) | ((row_status == UNKNOWN) & (condition != FALSE))
    return given, pending
