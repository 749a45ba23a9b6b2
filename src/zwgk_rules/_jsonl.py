"""Files of cases, one JSON object per line: the one reader of ``report``, ``docket`` and the server's bodies.

A blank line is skipped (it still counts in the line numbers); a line that is not JSON is a ``BadLine``
carrying its message, so that the caller decides what an unreadable case means (``report`` refuses the
year, ``docket`` lists it among its errors). A UTF-8 byte-order mark at the start of a line is dropped.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator


class BadLine:
    """A line that is not JSON: ``message`` says so, naming the line."""

    def __init__(self, message: str) -> None:
        self.message = message


def case_lines(stream: Iterable[bytes]) -> Iterator[tuple[int, object]]:
    """``(line number, object or BadLine)`` for every non-blank line of ``stream``, one at a time."""
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            yield n, BadLine(f"第 {n} 行不是有效的 JSON / line {n} is not valid JSON")


def split_case_lines(stream: Iterable[bytes]) -> tuple[list, list]:
    """(the cases as ``(line, object)``, the unreadable lines as ``(line, message)``)."""
    cases, unreadable = [], []
    for n, x in case_lines(stream):
        if x.__class__ is BadLine:
            unreadable.append((n, x.message))
        else:
            cases.append((n, x))
    return cases, unreadable
