"""第二实现：国家规则的独立解读 / The second implementation: an independent reading of the national rules.

本模块是照条文手写的《政府信息公开条例》国家规则（2019年修订 ``ogi-2019``，及 2019-05-15 之前收到的申请适用的
2008年条例 ``ogi-2008``）：一步一个 if/elif，输入与引擎相同，输出与 ``Engine.decide_raw`` 同形（不带 trace 与
条文全文）。它有两个用途：

1. **差分测试的对照（oracle）**：``tests/test_oracle.py`` 在数万个多样的申请上比较它与引擎
   （``Engine("cn").decide_raw``）的结论、各项结论、actions、依据、warnings 与全部期限日期；
2. **速度基线**：``benchmarks/bench.py`` 第 1 节以它为基线给引擎计时（开发者不用规则文件、直接手写时会写出的代码）。

它**不**导入、不调用引擎的决策表、参数或期限代码（``_tables``、``_deadline``、``_jurisdiction``……）：期限天数、
各条之间的先后都写在这里，取自条文与规则文件写明的取值（``docs/parameters.md``）。它只借用两样东西：引擎预先算好的
工作日日历对象（``add_working_days``、``rank``、``nth``、``is_working_day``、``official_years``），与规则书中
处理结果代码的顺序（年度报告表的行序，用于多项结论的合并）。二者不一致时，以条文与规则文件为准：要么改这里，
要么（认为规则文件错了时）记录下来交法律人员审阅，不能为了一致而照抄引擎。

*This module is the national rules of the 政府信息公开条例 written by hand from the statute: an
independent reading, used as a differential oracle (``tests/test_oracle.py`` compares it with
``Engine("cn").decide_raw`` on tens of thousands of diverse requests) and as the speed baseline of
``benchmarks/bench.py``. It does not import or call the engine's rule tables, parameters or deadline code;
periods and the order between articles are written here, from the statute and the values the rule files
choose where the law is silent (docs/parameters.md). It borrows only the engine's precomputed calendar
object and the rulebook's order of disposition codes (the annual-report rows, to combine items).*

Usage::

    oracle = NationalOracle(engine.calendar, engine.rulebook.dispositions)
    answer = oracle.decide(request)        # request: a validated DisclosureRequest
    # OracleError(kind="input" | "unsupported", field=...) where the engine raises InputError /
    # UnsupportedInputError
"""
from __future__ import annotations

import datetime as dt

NEW_REGIME = dt.date(2019, 5, 15)        # 2019年修订施行之日（第五十六条）；按收到申请之日选择版本
FIRST_DAY = dt.date(2008, 5, 1)          # 2008年条例施行之日
#: 第三十一条：收到申请之日 (2008: 国办公开办函〔2015〕207号, the same fields)
RECEIPT_FIELD = {"in_person": "submitted_on", "post": "signed_on", "ordinary_mail": "confirmed_on",
                 "online": "confirmed_on", "fax": "confirmed_on"}

ART14 = ("withhold.state_secret", "withhold.prohibited_by_law", "withhold.endangers_security")
ABSOLUTE_2008 = ("withhold.state_secret", "withhold.endangers_security")
ONLY_2019_CATEGORIES = frozenset({"prohibited_by_law", "internal_affairs", "process_information", "enforcement_file"})


class OracleError(Exception):
    """The request cannot be decided: ``kind`` "input" (an input error) or "unsupported" (the 2008
    regulation has no provision for it); ``field`` the dotted input path, as the engine names it."""

    def __init__(self, kind: str, field: str | None, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.kind = kind
        self.field = field


def _add(seq: list, more) -> None:
    for x in more:
        if x not in seq:
            seq.append(x)


# ----------------------------------------------------------------------------- 2019年修订

def exemption_2019(item) -> tuple[str, list, list]:
    """第十三条至第十六条、第三十二条：一项信息的审查结论 (result, basis, actions).

    第十四条（不予公开，没有但书）先于第十五条（不得公开，但第三方同意或公共利益的予以公开）先于第十六条（可以不予
    公开）；尚未征求第三方意见排在第十六条之后：已依第十六条不予公开的，不公开就不会损害第三方，第三十二条的征求
    不必进行。同一条内依年度报告表行序。"""
    cats = item.categories
    if not cats:
        return "none", ["ogi-2019:13:p1"], []
    # 第十四条
    if "state_secret" in cats:
        return "withhold.state_secret", ["ogi-2019:14"], []
    if "prohibited_by_law" in cats:
        return "withhold.prohibited_by_law", ["ogi-2019:14"], []
    if "endangers_security" in cats:
        return "withhold.endangers_security", ["ogi-2019:14"], []
    # 第十五条、第三十二条: the third party is consulted first; its consent releases, and so does a
    # significant public interest (with notice to the third party); otherwise it must not be disclosed
    released_basis: list = []
    released_actions: list = []
    waiting = False
    if "trade_secret" in cats or "personal_privacy" in cats:
        tp = item.third_party
        if tp is None:
            waiting = True
        elif tp.consent is True:
            released_basis = ["ogi-2019:15"]
        elif tp.public_interest_override:
            released_basis, released_actions = ["ogi-2019:15", "ogi-2019:32"], ["notify_third_party"]
        else:
            return "withhold.third_party", ["ogi-2019:15", "ogi-2019:32"], []
    # 第十六条 (可以不予公开); 第二款但书：法律、法规、规章规定应当公开的，从其规定
    if "internal_affairs" in cats:
        return "withhold.internal_affairs", ["ogi-2019:16:p1"], []
    if "process_information" in cats or "enforcement_file" in cats:
        if not item.disclosure_required_by_law:
            if "process_information" in cats:
                return "withhold.process_information", ["ogi-2019:16:p2"], []
            return "withhold.enforcement_file", ["ogi-2019:16:p2"], []
        if not waiting:
            released_basis = released_basis + ["ogi-2019:16:p2"]
    if waiting:
        return "pending", ["ogi-2019:32", "ogi-2019:15"], ["consult_third_party"]
    if released_basis:
        return "released", released_basis, released_actions
    return "none", ["ogi-2019:13:p1"], []


def item_2019(item) -> tuple[str, list, list]:
    """第三十六条至第三十八条：对一项信息的答复 (disposition, basis, actions)."""
    # 第三十六条第（五）项、第（四）项：由谁答复、信息是否存在
    if not item.held:
        if item.responsible_agency:
            return "unavailable.not_held", ["ogi-2019:36:i5"], ["state_reasons", "refer_to_responsible_agency"]
        return "unavailable.not_held", ["ogi-2019:36:i5"], ["state_reasons"]
    if not item.exists:
        return "unavailable.not_held", ["ogi-2019:36:i4"], []
    ex, basis, actions = exemption_2019(item)
    # 第十四条是绝对的：即使已经公开、另有特别规定或需要加工，也不予公开（第三十七条区分处理除外）
    if ex in ART14:
        if item.severable:
            return "partial", basis + ["ogi-2019:37"], actions + ["redact", "state_reasons"]
        return ex, basis + ["ogi-2019:36:i3"], actions + ["state_reasons"]
    if item.proactively_published:                 # 第（一）项
        return "disclose", ["ogi-2019:36:i1"], ["inform_access_route"]
    if item.special_procedure:                     # 第（七）项
        return "withhold.administrative_query", ["ogi-2019:36:i7"], ["inform_special_procedure"]
    if item.requires_creation:                     # 第三十八条
        return "unavailable.requires_creation", ["ogi-2019:38"], []
    if ex.startswith("withhold."):                 # 第（三）项；第三十七条
        if item.severable:
            return "partial", basis + ["ogi-2019:37"], actions + ["redact", "state_reasons"]
        return ex, basis + ["ogi-2019:36:i3"], actions + ["state_reasons"]
    if ex == "pending":                            # 第三十二条
        return "pending", basis, actions
    return "disclose", basis + ["ogi-2019:36:i2"], actions      # 第（二）项


# ----------------------------------------------------------------------------- 2008年条例

def exemption_2008(item, k: int) -> tuple[str, list, list]:
    """2008年条例第八条、第十四条第四款、第二十三条."""
    cats = item.categories
    if not cats:
        return "none", ["ogi-2008:21:i1"], []
    if ONLY_2019_CATEGORIES.intersection(cats):
        raise OracleError("unsupported", f"items.{k}.categories", "2008年条例没有该不予公开类别")
    if "state_secret" in cats:
        return "withhold.state_secret", ["ogi-2008:14:p4"], []
    if "endangers_security" in cats:
        return "withhold.endangers_security", ["ogi-2008:8"], []
    if "trade_secret" in cats or "personal_privacy" in cats:
        tp = item.third_party
        if tp is None:
            return "pending", ["ogi-2008:23"], ["consult_third_party"]
        if tp.consent is True:
            return "released", ["ogi-2008:14:p4"], []
        if tp.public_interest_override:
            return "released", ["ogi-2008:14:p4", "ogi-2008:23"], ["notify_third_party"]
        return "withhold.third_party", ["ogi-2008:14:p4", "ogi-2008:23"], []
    return "none", ["ogi-2008:21:i1"], []


def item_2008(item, k: int) -> tuple[str, list, list]:
    """2008年条例第二十一条、第二十二条."""
    ex, basis, actions = exemption_2008(item, k)
    if item.special_procedure:
        raise OracleError("unsupported", f"items.{k}.special_procedure", "2008年条例没有该答复类型")
    if item.requires_creation:
        raise OracleError("unsupported", f"items.{k}.requires_creation", "2008年条例没有加工、分析的规定")
    if not item.held or not item.exists:            # 第二十一条第（三）项
        if not item.held and item.responsible_agency:
            return "unavailable.not_held", ["ogi-2008:21:i3"], ["refer_to_responsible_agency"]
        return "unavailable.not_held", ["ogi-2008:21:i3"], []
    if ex in ABSOLUTE_2008:                          # 第八条、第十四条第四款：即使曾经公开
        if item.severable:
            return "partial", basis + ["ogi-2008:22"], actions + ["redact"]
        # the reasons name the actual ground: 第十四条第四款 for a secret, 第八条 for security (from the exemption)
        return ex, basis + ["ogi-2008:21:i2"], actions + ["state_reasons"]
    if item.proactively_published:
        return "disclose", ["ogi-2008:21:i1"], ["inform_access_route"]
    if ex == "withhold.third_party":
        if item.severable:
            return "partial", basis + ["ogi-2008:22"], actions + ["redact"]
        return ex, basis + ["ogi-2008:21:i2"], actions + ["state_reasons"]
    if ex == "pending":
        return "pending", basis, actions
    out = list(basis)
    _add(out, ("ogi-2008:21:i1",))
    return "disclose", out, actions


# ----------------------------------------------------------------------------- the whole request

class NationalOracle:
    """The national rules (jurisdiction ``cn``) by hand, on the engine's calendar.

    ``calendar``: the engine's precomputed ``Calendar``; ``dispositions``: the disposition codes in the
    order of the annual-report rows (``engine.rulebook.dispositions``)."""

    def __init__(self, calendar, dispositions) -> None:
        self.calendar = calendar
        self.row = {c: k for k, c in enumerate(dispositions)}

    def decide(self, req) -> dict:
        cal = self.calendar
        if req.jurisdiction != "cn":
            raise OracleError("input", "jurisdiction", "only the national rules")
        sub = req.submission
        field = RECEIPT_FIELD[sub.channel]
        received = getattr(sub, field)
        if received is None or received < sub.submitted_on:
            raise OracleError("input", f"submission.{field}", "missing, or before submitted_on")
        if received < FIRST_DAY:
            raise OracleError("input", "submission", "before the 2008 regulation took effect")
        new = received >= NEW_REGIME

        # 补正 (第三十条): the time limit given to the applicant ends, if on a day off, on the next working
        # day (民法典 第二百零三条); only after that has the correction lapsed
        corr = req.correction
        if corr is None:
            cstatus = "none"
        elif corr.received_on is not None:
            cstatus = "received"
        else:
            last_day = corr.due_on
            if req.as_of is not None and req.as_of > last_day:
                while not cal.is_working_day(last_day):
                    last_day += dt.timedelta(days=1)
            cstatus = "lapsed" if req.as_of is not None and req.as_of > last_day else "awaiting"
        if corr is not None and corr.notified_on < received:
            raise OracleError("input", "correction.notified_on", "before receipt")
        ex = req.excessive
        if ex is not None and ex.agreed_due is not None and ex.agreed_due < received:
            raise OracleError("input", "excessive.agreed_due", "before receipt")
        if req.extension is not None and req.extension.approved_on < received:
            raise OracleError("input", "extension.approved_on", "before receipt")
        for k, c in enumerate(req.consultations):
            if c.sent_on < received:
                raise OracleError("input", f"consultations.{k}.sent_on", "before receipt")

        # -- request level
        disposition = None
        basis: list = []
        actions: list = []
        if new:
            # 第三十九条，确认或重新出具（无条款），第三十条，第三十六条第（六）项，第三十五条
            nature = req.nature
            if nature == "petition":
                disposition, basis, actions = "not_processed.petition", ["ogi-2019:39:p1"], ["inform_proper_channel"]
            elif nature == "publication":
                disposition, basis, actions = "not_processed.publication", ["ogi-2019:39:p2"], ["inform_access_route"]
            elif nature == "reconfirm":
                disposition = "not_processed.reconfirm"          # the 条例 has no article for it: none cited
            elif cstatus == "lapsed":
                disposition, basis = "other.correction_lapsed", ["ogi-2019:30"]
            elif cstatus == "awaiting":
                disposition, basis, actions = "pending", ["ogi-2019:30"], ["await_correction"]
            elif not req.content_clear:
                if cstatus == "received":
                    disposition, basis = "unavailable.unclear_after_correction", ["ogi-2019:30"]
                else:
                    disposition, basis, actions = "pending", ["ogi-2019:30"], ["request_correction"]
            elif req.repeat_of_answered:
                disposition, basis = "not_processed.repeat", ["ogi-2019:36:i6"]
            elif ex is not None and not ex.reason_reasonable:
                disposition, basis = "not_processed.excessive", ["ogi-2019:35"]
            reply_days, extension_days, notice_days = 20, 20, 7           # 第三十三条第二款；第三十条
            limits = {"third_party": 15, "agency": 15}                    # 第三十二条、第三十四条
        else:
            # the 2008 regulation has none of these provisions
            if req.nature != "information":
                raise OracleError("unsupported", "nature", "no 2008 provision")
            if req.repeat_of_answered:
                raise OracleError("unsupported", "repeat_of_answered", "no 2008 provision")
            if ex is not None:
                raise OracleError("unsupported", "excessive", "no 2008 provision")
            if cstatus == "lapsed" or (cstatus == "received" and not req.content_clear):
                raise OracleError("unsupported", "correction", "no 2008 provision")
            if cstatus == "awaiting":                                     # 第二十一条第（四）项
                disposition, basis, actions = "pending", ["ogi-2008:21:i4"], ["await_correction"]
            elif not req.content_clear and cstatus == "none":
                disposition, basis, actions = "pending", ["ogi-2008:21:i4"], ["request_correction"]
            # 第二十四条第二款；更改、补充的告知是第二十一条的答复之一，也在15个工作日内（docs/parameters.md 第30项）
            reply_days, extension_days, notice_days = 15, 15, 15
            limits = {"third_party": 15}                  # 第二十四条第三款: only the third party's time

        # -- items and how they combine (dispositions.yaml: the annual report's rules)
        if disposition is not None:
            one = {"disposition": disposition, "basis": basis, "actions": actions}
            items = [one] * len(req.items)
        else:
            items = []
            disps = []
            for k, it in enumerate(req.items):
                d, b, a = item_2019(it) if new else item_2008(it, k)
                items.append({"disposition": d, "basis": b, "actions": a})
                disps.append(d)
                for x in b:
                    if x not in basis:
                        basis.append(x)
                for x in a:
                    if x not in actions:
                        actions.append(x)
            if "pending" in disps:
                disposition = "pending"
            elif all(d == "disclose" for d in disps):
                disposition = "disclose"
            elif "disclose" in disps or "partial" in disps:
                disposition = "partial"
            else:
                disposition = min(disps, key=self.row.__getitem__)

        # -- the deadline: working days after the receipt day (民法典 第二百零一条), 20 + 20 (2008: 15 + 15)
        warnings = []
        start = due = ext_due = notice_by = None
        excluded_days = 0
        last = received
        asks_correction = disposition == "pending" and "request_correction" in actions
        if cstatus != "none" or asks_correction:
            notice = cal.add_working_days(received, notice_days)
            if asks_correction:
                notice_by = last = notice
            if corr is not None and corr.notified_on > notice:
                warnings.append("correction_notice_late")
        if (cstatus == "none" or cstatus == "received") and not asks_correction:
            # 第三十条：补正的，自收到补正的申请之日起计算
            start = corr.received_on if cstatus == "received" else received
            # 第三十三条第三款 (2008: 第二十四条第三款): consultation time is not counted — from the day after
            # the letter went out to the reply, at most to the end of the party's time limit counted from
            # the day it got the letter; as working-day ranks, overlapping consultations merged
            spans = []
            for c in req.consultations:
                limit = limits.get(c.party)
                if limit is None:
                    continue
                cap = cal.add_working_days(c.received_on or c.sent_on, limit)
                end = cap if c.replied_on is None or c.replied_on > cap else c.replied_on
                a, b = cal.rank(c.sent_on) + 1, cal.rank(end)
                if b >= a:
                    spans.append((a, b))
            if spans:
                spans.sort()
                merged = [spans[0]]
                for a, b in spans[1:]:
                    if a <= merged[-1][1] + 1:
                        if b > merged[-1][1]:
                            merged[-1] = (merged[-1][0], b)
                    else:
                        merged.append((a, b))
                due_rank, skipped1 = _count(cal.rank(start), reply_days, merged)
                ext_rank, skipped2 = _count(due_rank, extension_days, merged)
                due, ext_due, excluded_days = cal.nth(due_rank), cal.nth(ext_rank), skipped1 + skipped2
            else:
                due = cal.add_working_days(start, reply_days)
                ext_due = cal.add_working_days(due, extension_days)
            if new and ex is not None and ex.reason_reasonable and ex.agreed_due is not None:
                # 第三十五条：the date set and notified replaces the period, with no 第三十三条 extension; a date
                # is not a count of working days, so it makes nothing provisional
                due = ext_due = ex.agreed_due
            elif ext_due > last:
                last = ext_due
            if req.extension is not None and req.extension.approved_on > due:
                warnings.append("extension_after_due")
        # provisional: a day from receipt to the last date computed lies in a year without an official notice
        off = cal.official_years
        provisional = any(y not in off for y in range(received.year, last.year + 1))
        return {"id": req.id, "jurisdiction": "cn", "disposition": disposition, "final": disposition != "pending",
                "regime": "ogi-2019" if new else "ogi-2008", "basis": basis, "actions": actions,
                "deadline": {"received_on": received, "reply_period_starts": start, "due": due,
                             "extended_due": ext_due, "correction_notice_by": notice_by, "provisional": provisional,
                             "calendar": cal.id, "excluded_days": excluded_days},
                "items": items, "warnings": warnings}


def _count(r0: int, n: int, excluded: list) -> tuple[int, int]:
    """Rank of the ``n``-th counted working day after rank ``r0`` when the ranks in ``excluded`` (sorted,
    disjoint intervals) do not count; and how many excluded working days were passed over."""
    target, skipped = r0 + n, 0
    for a, b in excluded:
        if b <= r0:
            continue
        if a <= r0:
            a = r0 + 1
        if a > target:
            break
        skipped += b - a + 1
        target += b - a + 1
    return target, skipped


# ----------------------------------------------------------------------------- comparing answers

DEADLINE_FIELDS = ("received_on", "reply_period_starts", "due", "extended_due", "correction_notice_by",
                   "provisional", "excluded_days")


def comparable(answer: dict, cite) -> dict:
    """What an engine answer (``decide_raw``) and an oracle answer are compared on, field by field:
    disposition, regime, ``final``, basis and actions *in order*, each item's disposition, basis and
    actions in order, warnings (as a set: the order they were noticed in is not law), and every
    deadline date with ``provisional`` and the excluded days. ``cite(b)`` turns one basis entry (the
    engine's citation dict, or the oracle's ``"ogi-2019:36:i2"`` key) into a comparable value."""
    dl = answer["deadline"]
    return {
        "disposition": answer["disposition"],
        "regime": answer["regime"],
        "final": answer["final"],
        "basis": [cite(b) for b in answer["basis"]],
        "actions": list(answer["actions"]),
        "items": [(i["disposition"], [cite(b) for b in i["basis"]], list(i["actions"])) for i in answer["items"]],
        "warnings": sorted(answer["warnings"]),
        "deadline": {k: dl[k] for k in DEADLINE_FIELDS},
    }
