"""The annual report's tables 三 and 四 from a year of cases (条例第五十条; CONTRACT.md ``report``).

Read top to bottom; no legal content here: the formats (which year uses which rows), the columns, the remedies
of table 四 and the checks' rows are in ``rules/national/report/formats.yaml``.

1. **Each case** as it stands on 12月31日 (``_case.case``): its legal receipt date, its closing and the
   applicant's kind. A case that is not valid makes the whole report an error naming its line and field.
2. **Table 三**: 本年新收, 上年结转, each closing row (the format's rows), 总计, 结转下年度继续办理, per column.
3. **Table 四**: the remedies filed in the year, by their result as of 12月31日 (``remedies``: a decision decides
   the earliest pending remedy of its pair of event types, so one judgment never closes two suits).
4. **The checks** (勾稽): 一＋二＝三（七）＋四 in every column.
"""
from __future__ import annotations

import datetime as dt

from ._jsonl import BadLine  # a line that is not JSON: counted as an invalid case
from ._errors import InputError, UnsupportedInputError, ZwgkError
from ._facts import DEFAULT_APPLICANT_KIND

#: table 三's rows besides the closing ones, and the total (a row and a column): the keys of CONTRACT.md ``report``
ROW_NEW, ROW_CARRIED_IN, ROW_TOTAL, ROW_CARRIED_OUT = "new", "carried_in", "total", "carried_out"


class ReportRules:
    """``formats.yaml``, validated: every citation resolved, every merged code a disposition, every format's
    layout (``table3``, ``table4``) heading exactly the report's rows and columns. ``data``: the file's content
    instead of the file (the tests give a broken one)."""

    def __init__(self, rb, data=None) -> None:
        from ._resources import relative, rules_root
        from ._rulebook import _READ, _validate
        from ._schema_ondemand import ReportFile
        path = rules_root() / "national" / "report" / "formats.yaml"
        self.spec = _validate(ReportFile, path, _READ if data is None else data)
        rel = relative(path)
        self.basis = tuple(rb.statutes.resolve(b, file=rel, field="basis") for b in self.spec.basis)
        self._dispositions = [c for c in rb.dispositions if c not in rb.not_final]
        codes = set(rb.dispositions)
        from ._errors import RuleFileError
        spec = self.spec
        for n, f in enumerate(spec.formats):
            for row, merged in f.merge.items():
                bad = set(merged) - codes
                if bad:
                    raise RuleFileError(f"merge.{row}: 不是处理代码 {sorted(bad)}", file=rel, field=f"formats.{f.id}.merge")
            # the layout heads exactly the report's rows and columns, each once
            for where, parts, want in (
                    ("table3.rows", f.table3.rows, [ROW_NEW, ROW_CARRIED_IN, *self.closing_rows(f), ROW_TOTAL,
                                                    ROW_CARRIED_OUT]),
                    ("table3.header", f.table3.header, [*spec.columns, ROW_TOTAL]),
                    ("table4.header", f.table4.header, list(spec.remedies)),
                    ("table4.results", f.table4.results, [*spec.results, spec.undecided, ROW_TOTAL])):
                got = [leaf.code for p in parts for leaf in p.leaves()]
                if sorted(got) != sorted(want):
                    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
                    twice = sorted({c for c in got if got.count(c) > 1})
                    raise RuleFileError(f"{where}: 版式的各项须恰为报告的各行（列）各一次；缺 {missing}，多 {extra}，重复 {twice} "
                                        f"/ the layout must head each row (column) once", file=rel,
                                        field=f"formats.{n}.{where}")

    def closing_rows(self, fmt) -> list[str]:
        """Table 三's closing rows in ``fmt`` (三（一）至三（六）): the final dispositions, merged as the format says."""
        merged = {code: row for row, codes in fmt.merge.items() for code in codes}
        rows: list[str] = []
        for code in self._dispositions:
            row = merged.get(code, code)
            if row not in rows:
                rows.append(row)
        return rows

    def format_by_id(self, fid: str):
        return next(f for f in self.spec.formats if f.id == fid)

    def format_for(self, year: int):
        for f in self.spec.formats:
            if f.years.from_ <= year and (f.years.to is None or year <= f.years.to):
                return f
        first = min(f.years.from_ for f in self.spec.formats)
        raise UnsupportedInputError(f"year: {year} 年没有年度报告格式（自 {first} 年起）/ no report format for this year",
                                    field="year")


def report_rules(rb) -> ReportRules:
    hit = rb.__dict__.get("_report_rules")
    if hit is None:
        hit = rb.__dict__["_report_rules"] = ReportRules(rb)
    return hit


class ReportError(InputError):
    """The report is refused: ``line`` is the first invalid case's line; ``invalid`` how many were invalid."""

    def __init__(self, message: str, *, field: str | None, line: int | None, invalid: int) -> None:
        super().__init__(message, field=field)
        self.line = line
        self.invalid = invalid


def report(cases, year: int, *, engine_for, rulebook) -> dict:
    """The report of ``year`` over ``cases``: an iterable of ``(line number, case dict)`` pairs, read once, one
    case at a time (a year of cases is never held in memory); a case may be a ``BadLine``.
    ``engine_for(jurisdiction)`` gives the engine of a case's pack. Every case is checked; if any is invalid,
    ``ReportError`` names the first (its line and field) and how many were."""
    from . import _case
    rules = report_rules(rulebook)
    fmt = rules.format_for(year)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    merged = {code: row for row, codes in fmt.merge.items() for code in codes}
    rows = rules.closing_rows(fmt)
    columns = [*rules.spec.columns, ROW_TOTAL]
    table = {r: {c: 0 for c in columns} for r in (ROW_NEW, ROW_CARRIED_IN, *rows, ROW_TOTAL, ROW_CARRIED_OUT)}
    undecided = rules.spec.undecided
    results = [*rules.spec.results, undecided, "total"]
    table4 = {k: {r: 0 for r in results} for k in rules.spec.remedies}

    def add(row, col):
        table[row][col] += 1
        table[row]["total"] += 1

    first_error, invalid = None, 0
    remedy_types = frozenset(t for rk in rules.spec.remedies.values() for t in (rk.filed, rk.decided))
    for line, raw in cases:
        try:
            if isinstance(raw, BadLine):
                raise InputError(raw.message)
            if not isinstance(raw, dict):
                raise InputError("输入须为 JSON 对象 / the input must be an object")
            jur = raw.get("jurisdiction", "cn")
            state = engine_for(jur if isinstance(jur, str) else "cn").case_raw({**raw, "as_of": last})
            closed = state["closed"]
            if closed is not None and first <= closed["on"] <= last:
                row = merged.get(closed["disposition"], closed["disposition"])
                if row not in table:
                    raise InputError(f"结案的处理结果 {closed['disposition']!r} 不是年度报告的一行 / not a row of the report",
                                     field="events")
        except ZwgkError as exc:
            invalid += 1
            if first_error is None:
                cid = raw.get("id") if isinstance(raw, dict) else None
                named = f"（{cid}）" if isinstance(cid, str) and cid else ""
                first_error = (line, f"第 {line} 行{named}: {exc.message}", exc.field)
            continue
        if first_error is not None:
            continue            # the report is refused: the other cases are only checked
        received = state["deadline"]["received_on"]
        if received > last:
            continue
        kind = (raw.get("applicant") or {}).get("kind") or DEFAULT_APPLICANT_KIND
        if first <= received:
            add(ROW_NEW, kind)
        elif closed is None or closed["on"] >= first:
            add(ROW_CARRIED_IN, kind)
        if closed is not None and first <= closed["on"] <= last:
            add(row, kind)
            add(ROW_TOTAL, kind)
        elif closed is None:
            add(ROW_CARRIED_OUT, kind)
        # table 四: remedies filed in the year, by their result on 12-31 (the case validated its events: only the
        # remedies are typed again)
        events = _case._events([e for e in raw.get("events") or () if e.get("type") in remedy_types])
        remedies(events, rules.spec.remedies, first, last, undecided, table4)
    if first_error is not None:
        line, message, field = first_error
        if invalid > 1:
            message += f"（另有 {invalid - 1} 行无效 / {invalid - 1} more invalid lines）"
        raise ReportError(message, field=field, line=line, invalid=invalid)
    checks = failed_checks(table, columns)
    return {"year": year, "format": fmt.id, "table3": {"columns": columns, "rows": table}, "table4": table4,
            "checks": checks, "basis": [b.key for b in rules.basis]}


def remedies(events, kinds, first: dt.date, last: dt.date, undecided: str, table4: dict) -> None:
    """Count one case's remedies filed in ``first``–``last`` into ``table4`` by their result on ``last``.

    The events are walked in date order (one day's in their list order). A decided event carries no link to
    the remedy it decides, so it decides the earliest still-pending remedy filed with the same pair of event
    types, whatever its kind: a judgment (``suit_decided``) closes the first pending suit, direct or after
    review, never one of each (``kinds``: the table-四 kinds of formats.yaml, each with its filed and decided
    event types and, for suits, ``after_review``)."""
    queues: dict[tuple, list] = {}          # (filed type, decided type) -> [(kind, filed event)], oldest first
    for e in sorted((e for e in events if e.on <= last), key=lambda e: e.on):       # sorted() is stable
        for name, rk in kinds.items():
            if e.type == rk.filed and (rk.after_review is None or e.after_review == rk.after_review):
                queues.setdefault((rk.filed, rk.decided), []).append((name, e))
                break
        else:
            pending = next((q for (_, decided), q in queues.items() if decided == e.type and q), None)
            if pending:
                name, filed = pending.pop(0)
                if first <= filed.on:
                    table4[name][e.result] += 1
                    table4[name]["total"] += 1
    for queue in queues.values():
        for name, filed in queue:
            if first <= filed.on:
                table4[name][undecided] += 1
                table4[name]["total"] += 1


def failed_checks(table: dict, columns) -> list[dict]:
    """The 勾稽 checks a table 三 fails: 一＋二＝三（七）＋四 in every column, 三（七） the sum of the closing rows,
    and the total column the sum of the others. A table built here always passes; a table typed in or edited
    by hand may not."""
    out = []
    closing = [r for r in table if r not in ("new", "carried_in", "total", "carried_out")]
    for c in columns:
        left, right = table["new"][c] + table["carried_in"][c], table["total"][c] + table["carried_out"][c]
        if left != right:
            out.append({"check": "一＋二＝三（七）＋四", "column": c, "left": left, "right": right})
        rows_sum = sum(table[r][c] for r in closing)
        if rows_sum != table["total"][c]:
            out.append({"check": "三（七）＝三（一）至三（六）之和", "column": c, "left": table["total"][c], "right": rows_sum})
    for r, row in table.items():
        s = sum(v for c, v in row.items() if c != "total")
        if s != row["total"]:
            out.append({"check": "总计列＝各列之和", "row": r, "left": row["total"], "right": s})
    return out
