"""The docket: many cases on one day, the clerk's daily list (issue 11, part 3; docs/cli.md ``zwgk docket``).

Read top to bottom; no legal content here. Each case is ``_case.case`` taken on the docket's day; which statuses
wait for whom (``waiting``) and the statuses' names are in ``rules/national/case/case.yaml``; how a request counts
in pieces when it does not say (``pieces_when_not_given``) and the fee bands are in ``fees.yaml``.

1. **Each case** on the docket's ``as_of`` (the case's own ``as_of`` is ignored; events after the day are ignored as
   ``case`` ignores them). A case that is not valid goes to ``errors`` with its line and field: unlike ``report``,
   a docket drops nothing and refuses nothing. A case received after the day goes to ``not_yet_received`` only.
2. **The sections**: overdue (latest first), due soon (within ``within`` working days, by date), waiting for the
   applicant or for the consulted party (by the day the wait ends), counts per status and per closing disposition.
3. **Pieces** (信息处理费管理办法第四条): per applicant and natural month of the receipt date, the pieces in receipt
   order (one day's by line), each request's pieces numbered on from the month's earlier ones, and the per-piece fee
   they attract (``_case.fee`` with ``earlier_pieces`` accumulated).
4. **In words**: the terminal table and the ``.xlsx`` workbook (one sheet per section).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from ._errors import InputError, UnsupportedInputError, ZwgkError

#: how many working days ahead "due soon" looks by default. Not law: a convenience of the list (docs/cli.md)
DEFAULT_WITHIN = 5


# ---------------------------------------------------------------- 1. each case on the day

def docket(cases: Iterable[tuple[int, object]], as_of: dt.date, *, within: int = DEFAULT_WITHIN, engine_for,
           rulebook, unreadable: Iterable[tuple[int, str]] = ()) -> dict:
    """The docket of ``cases`` (``(line, case dict)`` pairs) on ``as_of``, as a JSON-ready dict (``_models.Docket``).
    ``engine_for(jurisdiction)`` gives the engine of a case's pack; ``unreadable``: ``(line, message)`` of lines that
    were not even JSON, listed with the errors."""
    from . import _case
    from ._answers import validated
    if not isinstance(within, int) or isinstance(within, bool) or within < 0:
        raise InputError("within: 须为不小于 0 的整数 / must be a whole number, 0 or more", field="within")
    rules = _case.case_rules(rulebook)
    errors = [{"line": n, "id": None, "field": None, "message": msg} for n, msg in unreadable]
    taken, later = [], []
    lines = len(errors)
    for line, raw in cases:
        lines += 1
        cid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        try:
            if not isinstance(raw, dict):
                raise InputError("输入须为 JSON 对象 / the input must be an object")
            jur = raw.get("jurisdiction", "cn")
            state = engine_for(jur if isinstance(jur, str) else "cn").case_raw({**raw, "as_of": as_of})
            basis = raw.get("fee_basis")
            basis = validated(_case.FeeBasis, basis) if basis is not None else None     # valid: case() read it
        except ZwgkError as exc:
            errors.append({"line": line, "id": cid, "field": exc.field, "message": exc.message})
            continue
        entry = _entry(line, raw, state, as_of, rules)
        if entry["received_on"] > as_of:
            later.append(entry)
        else:
            taken.append((entry, state, raw, basis))
    errors.sort(key=lambda e: e["line"])

    # 2. the sections
    overdue = sorted((e for e, s, _, _ in taken if s["overdue"]), key=lambda e: (-e["days_overdue"], e["line"]))
    soon = sorted((e for e, s, _, _ in taken if s["closed"] is None and not s["overdue"]
                   and e["working_days_left"] is not None and e["working_days_left"] <= within),
                  key=lambda e: (e["applies"], e["line"]))
    waiting: dict = {"applicant": [], "consulted": []}
    for e, s, _, _ in taken:
        w = rules.spec.waiting.get(e["status"])
        if w is not None:
            waiting[w.for_].append(e)
    for group in waiting.values():
        group.sort(key=lambda e: (e["waiting_until"] or dt.date.max, e["line"]))
    labels = rules.spec.status_labels
    statuses = {code: 0 for code in rules.spec.statuses}
    closed: dict = {}
    for e, s, _, _ in taken:
        statuses[e["status"]] += 1
        if s["closed"] is not None:
            code = s["closed"]["disposition"]
            closed[code] = closed.get(code, 0) + 1
    from ._render import _disposition_labels
    words = _disposition_labels()
    order = {code: n for n, code in enumerate(rulebook.dispositions)}
    by_status = [{"code": c, "label": labels.get(c, c), "count": n} for c, n in statuses.items()]
    by_disp = [{"code": c, "label": words.get(c, c), "count": closed[c]}
               for c in sorted(closed, key=lambda c: (order.get(c, len(order)), c))]

    # 3. pieces per applicant and natural month
    months: dict = {}
    no_applicant = []
    for e, s, raw, basis in sorted(taken, key=lambda t: (t[0]["received_on"], t[0]["line"])):
        if e["applicant"] is None:
            no_applicant.append(e)
            continue
        months.setdefault((e["received_on"].strftime("%Y-%m"), e["applicant"]), []).append((e, s, basis))
    pieces = [_month(applicant, month, group, rules) for (month, applicant), group in sorted(months.items())]

    return {"as_of": as_of, "within": within, "lines": lines, "overdue": overdue, "due_soon": soon,
            "waiting_applicant": waiting["applicant"], "waiting_consulted": waiting["consulted"],
            "not_yet_received": later, "by_status": by_status, "closed_by_disposition": by_disp,
            "pieces": pieces, "no_applicant": no_applicant, "errors": errors}


def _entry(line: int, raw: dict, state: dict, as_of: dt.date, rules) -> dict:
    """One case as the docket lists it."""
    applicant = (raw.get("applicant") or {}).get("id")
    left = state["working_days_left"]
    w = rules.spec.waiting.get(state["status"])
    until = None
    if w is not None:
        days = [s["by"] for s in state["next"] if s["action"] == w.until and s["by"] is not None]
        until = max(days) if days else None
    return {"line": line, "id": state["id"] if isinstance(state["id"], str) else None, "applicant": applicant,
            "status": state["status"], "received_on": state["deadline"]["received_on"],
            "applies": state["deadline"]["applies"], "working_days_left": left,
            "days_overdue": -left if state["overdue"] and left is not None else None,
            "waiting_until": until, "next": state["next"]}


def _month(applicant: str, month: str, group: list, rules) -> dict:
    """An applicant's month: each request's pieces numbered on from the earlier ones, and the fee they attract by
    the per-piece bands in force on its receipt date (``_case.fee``)."""
    from ._case import FeeBasis, fee
    count = rules.fees["pieces_when_not_given"]
    out, total, amount, basis = [], 0, 0, []
    for e, state, fb in group:
        received = e["received_on"]
        if fb is not None and fb.pieces is not None:
            n, by = fb.pieces, "fee_basis"
        else:
            how = (count.at(received) or count.values[0]).value       # before the measures: as they first count
            n = max(len(state["decision"]["items"]), 1) if how == "items" else 1
            by = how
        try:
            got = fee(rules, FeeBasis.model_construct(method="per_piece", pieces=n, earlier_pieces=total), received)
        except UnsupportedInputError:           # no bands in force on the receipt date (before the measures)
            got = None
        out.append({"line": e["line"], "id": e["id"], "received_on": received, "pieces": n, "counted_by": by,
                    "first": total + 1, "last": total + n, "fee": None if got is None else got["amount"]})
        total += n
        if got is None:
            amount = None
        else:
            if amount is not None:
                amount += got["amount"]
            basis += [b for b in got["basis"] if b not in basis]
    return {"applicant": applicant, "month": month, "pieces": total, "fee": amount, "cases": out, "basis": basis}


# ---------------------------------------------------------------- 4. the docket in words

def _amount(v) -> str | None:
    """Yuan as people write them: 2,200 (or 2,200.50)."""
    if v is None:
        return None
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


class _Words:
    """The codes of a docket in Chinese: statuses (case.yaml ``status_labels``), next steps (the first phrase of
    their titles in case.yaml), dispositions (dispositions.yaml)."""

    def __init__(self, rulebook) -> None:
        import re
        from ._case import case_rules
        rules = case_rules(rulebook)
        self.status = dict(rules.spec.status_labels)
        self.step = {name: re.split(r"[（，(,]", s.title, maxsplit=1)[0] for name, s in rules.spec.next.items()}

    def next(self, steps) -> str | None:
        """One line per step, the day first: ``2026-04-28 等待被征求意见方答复``."""
        return "\n".join(" ".join(filter(None, (_day(s.get("by")), self.step.get(s["action"], s["action"]))))
                         for s in steps) or None


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}" if last >= first else "0"


def _day(d) -> str | None:
    return None if d is None else d.isoformat() if isinstance(d, dt.date) else str(d)


def sections(out: dict, words: _Words) -> list[tuple[str, str, str, str, list]]:
    """The docket's lists as (key, title, note, sheet name, columns); a column is (header, terminal width, sheet
    width, kind, how to read it from a row). ``kind``: text, wrap (long text), date, number, money."""
    line = ("行", 4, 6, "number", lambda r: r["line"])
    cid = ("编号", 10, 16, "text", lambda r: r["id"])
    who = ("申请人", 8, 14, "text", lambda r: r["applicant"])
    status = ("状态", 10, 12, "text", lambda r: words.status.get(r["status"], r["status"]))
    received = ("收到申请日期", 12, 14, "date", lambda r: r["received_on"])
    applies = ("应当答复之日", 12, 14, "date", lambda r: r["applies"])
    until = ("等待至", 12, 14, "date", lambda r: r["waiting_until"])
    nxt = ("下一步", 0, 44, "wrap", lambda r: words.next(r["next"]))
    late = ("逾期工作日", 10, 12, "number", lambda r: r["days_overdue"])
    left = ("剩余工作日", 10, 12, "number", lambda r: r["working_days_left"])
    w = out["within"]
    return [
        ("overdue", "逾期 / Overdue", "逾期最久的在前 / latest first", "逾期",
         [line, cid, who, status, received, applies, late, nxt]),
        ("due_soon", "即将到期 / Due soon", f"剩余不超过 {w} 个工作日，按日期 / within {w} working days, by date", "即将到期",
         [line, cid, who, status, received, applies, left, nxt]),
        ("waiting_applicant", "等待申请人 / Waiting for the applicant", "补正、缴费，按等待至的日期 / by the day the wait "
         "ends", "等待申请人", [line, cid, who, status, until, received, applies, nxt]),
        ("waiting_consulted", "等待被征求意见方 / Waiting for a third party or agency", "按等待至的日期 / by the day "
         "the wait ends", "等待被征求意见方", [line, cid, who, status, until, received, applies, nxt]),
        ("not_yet_received", "尚未收到 / Not yet received", "收到申请之日晚于清单之日，不计入其他各部分 / received "
         "after the docket's day", "尚未收到", [line, cid, who, received]),
        ("pieces", "件数与信息处理费 / Pieces and fees", "同一申请人一个自然月内累计，按件计收、超额累进 / per applicant "
         "and natural month, per-piece bands", "件数与收费", [
            ("申请人", 10, 14, "text", lambda r: r["applicant"]),
            ("月份", 8, 9, "text", lambda r: r["month"]),
            ("件数", 6, 7, "number", lambda r: r["pieces"]),
            ("信息处理费（元）", 16, 18, "money", lambda r: r["fee"]),
            ("各件申请 / requests", 0, 80, "wrap", lambda r: "；".join(
                f"{p['id'] or '第' + str(p['line']) + '行'}：第{_span(p['first'], p['last'])}件"
                + ("" if p["fee"] is None else f"，{_amount(p['fee'])}元") for p in r["cases"]))]),
        ("no_applicant", "无申请人编号 / No applicant id", "不能按申请人累计件数 / not counted per applicant",
         "无申请人编号", [line, cid, status, received]),
        ("errors", "错误 / Errors", "无效的行，未计入以上各部分 / invalid lines, in no other section", "错误", [
            line, cid, ("字段", 22, 24, "text", lambda r: r["field"]),
            ("说明", 0, 80, "wrap", lambda r: r["message"])]),
    ]


def render_table(out: dict, stream, *, rulebook, width: int | None = None, use_rich: bool | None = None) -> None:
    """``--format table``: each section under its title, drawn by rich when installed, else plain text."""
    import shutil
    from ._render import _pad, _wrap
    words = _Words(rulebook)
    total = width or shutil.get_terminal_size((120, 24)).columns
    console = None
    if use_rich is not False:
        try:
            from rich.console import Console
            console = Console(file=stream, width=total, highlight=False, soft_wrap=False)
        except ImportError:
            if use_rich:
                raise

    def table(title: str, heads: list, widths: list, rows: list) -> None:
        cells = [["\n".join(_wrap("" if v is None else str(v), w)) for v, w in zip(r, widths)] for r in rows]
        if not rows:
            stream.write(f"{title}\n  （无 / none）\n\n")
            return
        if console is not None:
            from rich import box
            from rich.table import Table
            t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold", padding=(0, 1))
            for h, w in zip(heads, widths):
                t.add_column(h, width=w, min_width=w, max_width=w, overflow="fold", no_wrap=False)
            for r in cells:
                t.add_row(*r)
            console.print(title, style="bold")
            console.print(t)
            stream.write("\n")
            return
        lines = [title]
        if True:
            lines.append(" │ ".join(_pad(h, w) for h, w in zip(heads, widths)).rstrip())
            lines.append("─┼─".join("─" * w for w in widths))
            for r in cells:
                wrapped = [c.split("\n") for c in r]
                for j in range(max(len(x) for x in wrapped)):
                    lines.append(" │ ".join(_pad(x[j] if j < len(x) else "", w)
                                            for x, w in zip(wrapped, widths)).rstrip())
        stream.write("\n".join(lines) + "\n\n")

    def fit(cols) -> list:
        want = [c[1] for c in cols]
        gaps = 3 * len(want) + 1
        if 0 in want:
            k = want.index(0)
            want[k] = max(16, total - gaps - sum(want))
        return want

    valid = sum(c["count"] for c in out["by_status"])
    stream.write(f"案件清单 / Docket　截至 {_day(out['as_of'])}（即将到期：剩余不超过 {out['within']} 个工作日）\n"
                 f"读入 {out['lines']} 件：已收到的有效案件 {valid} 件，尚未收到 {len(out['not_yet_received'])} 件，"
                 f"错误 {len(out['errors'])} 件 / {out['lines']} read: {valid} valid, "
                 f"{len(out['not_yet_received'])} not yet received, {len(out['errors'])} errors\n\n")
    secs = sections(out, words)
    for key, title, note, _, cols in secs[:4]:
        rows = [[_cell(c, r) for c in cols] for r in out[key]]
        table(f"{title}：{len(rows)} 件（{note}）", [c[0] for c in cols], fit(cols), rows)
    table("各状态件数 / By status", ["状态", "件数", "代码"], [16, 6, 22],
          [[c["label"], c["count"], c["code"]] for c in out["by_status"]])
    table("已结案的处理结果 / Closed, by disposition", ["处理结果", "件数", "代码"], [44, 6, 24],
          [[c["label"], c["count"], c["code"]] for c in out["closed_by_disposition"]])
    for key, title, note, _, cols in secs[4:]:
        rows = [[_cell(c, r) for c in cols] for r in out[key]]
        unit = {"pieces": "组（申请人、月份）", "errors": "行"}.get(key, "件")
        table(f"{title}：{len(rows)} {unit}（{note}）", [c[0] for c in cols], fit(cols), rows)
    stream.flush()


def _cell(col, row):
    v = col[4](row)
    if col[3] == "money":
        return _amount(v)
    if col[3] == "date":
        return _day(v)
    return v


def write_xlsx(out: dict, target, *, rulebook) -> None:
    """``--format xlsx``: the sheet 概况 (the day, the counts per status and per disposition, each section's size),
    then one sheet per section with Chinese headers, the header row frozen, real date cells and wrapped text."""
    from . import _xlsx as x
    from ._render import _lines_in
    words = _Words(rulebook)
    book = x.Workbook(target)
    ws = book.sheet("概况", [58, 14, 26])

    def label_row(cells) -> None:          # a label that may wrap, then numbers and codes
        lines = _lines_in(str(cells[0]), 58)
        ws.row([(cells[0], x.WRAP), *[(c, x.CENTER if isinstance(c, int) else x.TOP) for c in cells[1:]]],
               height=15 * lines + 2 if lines > 1 else None)

    ws.row([("案件清单 / Docket", x.BOLD)])
    ws.row(["清单之日 / as of", (out["as_of"], x.DATE_CENTER)])
    ws.row(["即将到期：工作日内 / due soon within", (out["within"], x.CENTER)])
    ws.row(["读入的案件 / cases read", (out["lines"], x.CENTER)])
    ws.row(["错误 / errors", (len(out["errors"]), x.CENTER)])
    ws.row([])
    ws.row(["状态 / status", "件数 / count", "代码 / code"], style=x.HEADER)
    for c in out["by_status"]:
        label_row([c["label"], c["count"], c["code"]])
    ws.row([])
    ws.row(["已结案的处理结果 / closed, by disposition", "件数 / count", "代码 / code"], style=x.HEADER)
    for c in out["closed_by_disposition"]:
        label_row([c["label"], c["count"], c["code"]])
    ws.row([])
    ws.row(["清单的各部分 / sections", "件数 / count", "工作表 / sheet"], style=x.HEADER)
    secs = sections(out, words)
    for key, title, _, sheet, _ in secs:
        label_row([title, len(out[key]), sheet])
    for key, title, _, sheet, cols in secs:
        widths = [c[2] for c in cols]
        s = book.sheet(sheet, widths, freeze="A2", autofilter=bool(out[key]), print_titles=True)
        heads = [c[0] for c in cols]
        s.row([(h, x.HEADER) for h in heads],
              height=15 * max(_lines_in(h, w) for h, w in zip(heads, widths)) + 3)
        for r in out[key]:
            values = [c[4](r) for c in cols]
            lines = max([_lines_in(v, c[2]) for v, c in zip(values, cols) if c[3] == "wrap" and isinstance(v, str)]
                        or [1])
            cells = []
            for v, c in zip(values, cols):
                if v is None:
                    cells.append(None)
                elif c[3] == "date":
                    cells.append((v if isinstance(v, dt.date) else dt.date.fromisoformat(v), x.DATE_CENTER))
                elif c[3] == "wrap":
                    cells.append((v, x.WRAP))
                elif c[3] in ("number", "money"):
                    cells.append((v, x.CENTER))
                else:
                    cells.append((v, x.TOP))
            s.row(cells, height=15 * min(lines, 26) + 2 if lines > 1 else None)
    book.close()
