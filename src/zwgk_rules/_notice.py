"""The documents a case calls for (CONTRACT.md ``notice``): the reply, the 补正 notice, the extension notice,
the consultation letter, the notice to a third party, the fee notice.

Read top to bottom; no legal content here. The wording, the citations of each document and the remedy clause's
law (which 行政复议法 by the document's date, who the 复议机关 is for each kind of agency, when 行政复议 comes
first, the time limits) are in ``rules/national/notice/notices.yaml`` and ``remedy.yaml``; a pack may override
any wording in its own ``notices.yaml``.

1. **The case** as it stands on its ``as_of`` (``_case.case``): the decision, the deadlines, the closing.
2. **What the document needs**: a final decision for a reply, a 补正 for a 补正 notice, a fee for a fee notice,
   a disclosure over a third party's objection for the third party's notice. Otherwise an error naming
   ``notice``: a document is never written for a case that does not call for it.
3. **The remedy** (reply and third-party notice): the law in force on ``issued_on``, the bodies for
   ``agency.kind``, 复议前置 by the disposition, whether the courts accept a suit.
4. **The text**: the template's paragraphs with their placeholders filled; what only the clerk knows is a
   visible blank (``{fill:…}``) listed in ``fill_in``. Nothing is guessed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from pydantic import Field

from ._errors import InputError, RuleFileError, UnsupportedInputError
from ._facts import AgencyKind, NoticeType
from ._models import Date, Name, _In

_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([^{}]*))?\}")

#: the placeholders of a document's paragraphs: the common ones, and those a value is computed for
#: (``_VALUES`` below) when a template asks for it
_COMMON = {"agency", "applicant", "received_on", "issued_on", "items", "basis", "contact", "to", "fill", "answers",
           "remedy"}
#: the placeholders of the smaller templates, by kind
_FIELDS = {
    "answer": {"basis", "reasons", "responsible_agency", "fill"},
    "answer_line": {"n", "description", "sentence"},
    "reason": {"fill"},
    "remedy": {"short", "review_days", "review_bodies", "suit_months", "suit_days_after_review"},
    "contact": {"address", "phone"},
    "date_format": {"year", "month", "day"},
    "fill": {"what"},
    "quote": {"text"},
}


# ---------------------------------------------------------------- the input beside the case

class Agency(_In):
    """作出文书的行政机关 / The agency that issues the document."""

    name: Name = Field(description="机关名称，如 中卫市司法局 / the agency's name")
    kind: Optional[AgencyKind] = Field(default=None, description="机关的种类，决定复议机关 / the kind of agency, which "
                                                                 "decides the 复议机关")
    government: Optional[Name] = Field(default=None, description="本级人民政府 / the people's government at its level")
    superior: Optional[Name] = Field(default=None, description="上一级人民政府或上一级主管部门 / the government or "
                                                               "department one level up")
    address: Optional[Name] = Field(default=None, description="地址（印在文书上）/ address printed on the document")
    phone: Optional[Name] = Field(default=None, description="电话（印在文书上）/ phone printed on the document")


class NoticeRequest(_In):
    agency: Agency
    notice: NoticeType = "reply"
    issued_on: Optional[Date] = None
    addressee: Optional[Name] = Field(default=None, description="收件人（征求意见函、第三方告知书）；省略时写第三方 / "
                                                                "the addressee of a consultation or third-party notice")


NOTICE_FIELDS = tuple(NoticeRequest.model_fields)


# ---------------------------------------------------------------- the rules

@dataclass(frozen=True)
class _Law:
    """One 行政复议法 of ``remedy.yaml`` with its citations resolved."""
    spec: object                 # _schema_ondemand.RemedyLaw
    cites: dict                  # review_days / review_first -> [Citation]; bodies -> {agency kind: [Citation]}


class NoticeRules:
    """``notices.yaml`` (with a pack's overrides) and ``remedy.yaml``, validated; every citation resolved,
    every placeholder known, every final disposition with an answer."""

    def __init__(self, rb, overrides: list | None = None) -> None:
        from ._resources import relative, rules_root
        from ._rulebook import _validate
        from ._schema_ondemand import NoticeFile, RemedyFile
        from ._yaml import load
        folder = rules_root() / "national" / "notice"
        nf, rf = folder / "notices.yaml", folder / "remedy.yaml"
        rel = relative(nf)
        raw = load(nf, file=rel)
        for path, data in overrides or ():
            raw = _merge(raw, data)
            rel = f"{rel} + {relative(path)}"
        self.spec = _validate(NoticeFile, nf, raw)
        self.remedy = _validate(RemedyFile, rf)
        rrel = relative(rf)
        res = rb.statutes.resolve
        self.basis: dict = {}
        for name, spec in self.spec.notices.items():
            variants = [(None, spec.basis)] + [(party, v.basis) for party, v in spec.by_party.items()]
            for party, basis in variants:
                for regime, refs in basis.items():
                    self.basis[(name, party, regime)] = tuple(res(b, file=rel, field=f"notices.{name}.basis")
                                                              for b in refs)
        self.laws: list[_Law] = []
        for law in self.remedy.laws:
            cites = {"review_days": [res(b, file=rrel, field=f"laws.{law.id}.review_days") for b in law.review_days.basis],
                     "review_first": [res(b, file=rrel, field=f"laws.{law.id}.review_first") for b in law.review_first.basis],
                     "bodies": {k: [res(b, file=rrel, field=f"laws.{law.id}.bodies.{k}") for b in v.basis]
                                for k, v in law.bodies.items()}}
            self.laws.append(_Law(law, cites))
            if law.id not in self.spec.remedy_clause:
                raise RuleFileError(f"remedy_clause: 缺少 {law.id} 的措辞 / no wording for {law.id}", file=rel,
                                    field="remedy_clause")
        suit = self.remedy.suit
        self.suit_basis = {k: [res(b, file=rrel, field=f"suit.{k}") for b in getattr(suit, k).basis]
                           for k in ("direct_months", "after_review_days", "not_accepted")}
        #: what each national rule concludes (a partial disclosure's reasons come from its exemption rule)
        self.rule_value = {r.id: r.value for _, t in rb.tables() for r in t.rules}
        self._check(rb, rel, rrel)

    def _check(self, rb, rel: str, rrel: str) -> None:
        from ._facts import AGENCY_KINDS
        finals = set(rb.dispositions) - set(rb.not_final)
        s = self.spec
        missing = sorted(finals - set(s.answers.by_disposition))
        if missing:
            raise RuleFileError(f"answers.by_disposition: 缺少处理结果的答复措辞 {missing}", file=rel,
                                field="answers.by_disposition")
        unknown = sorted(set(s.answers.by_disposition) - finals)
        if unknown:
            raise RuleFileError(f"answers.by_disposition: 不是处理代码 {unknown}", file=rel, field="answers.by_disposition")
        bad = sorted(set(s.answers.by_rule) - set(self.rule_value))
        if bad:
            raise RuleFileError(f"answers.by_rule: 没有这些规则 {bad}", file=rel, field="answers.by_rule")
        strange = sorted(set(s.reasons) - finals)
        if strange:
            raise RuleFileError(f"reasons: 不是处理代码 {strange}", file=rel, field="reasons")
        from ._case import EVENTS
        actions = {a for _, t in rb.tables() for r in t.rules for a in r.actions}
        regimes = {r.id for r in rb.regimes}
        for name, spec in s.notices.items():
            for what, keyed in [("basis", spec.basis), ("paragraphs", spec.paragraphs)] + [
                    (f"by_party.{p}.{w}", getattr(v, w)) for p, v in spec.by_party.items() for w in ("basis", "paragraphs")]:
                strange = sorted(set(keyed) - regimes) if isinstance(keyed, dict) else []
                if strange:
                    raise RuleFileError(f"notices.{name}.{what}: 未知的条例版本 {strange}（有 {sorted(regimes)}）", file=rel,
                                        field=f"notices.{name}.{what}")
            req = spec.requires
            for a in (req.actions if req else ()):
                if a not in actions:
                    raise RuleFileError(f"notices.{name}.requires.actions: {a!r} 不是决策表的 action", file=rel,
                                        field=f"notices.{name}.requires")
            for e in (req.events if req else ()):
                if e not in EVENTS:
                    raise RuleFileError(f"notices.{name}.requires.events: {e!r} 不是事件类型", file=rel,
                                        field=f"notices.{name}.requires")
        for law in (x.spec for x in self.laws):
            if set(law.bodies) != set(AGENCY_KINDS):
                raise RuleFileError(f"laws.{law.id}.bodies: 须逐一写明机关种类 {list(AGENCY_KINDS)}", file=rrel,
                                    field=f"laws.{law.id}.bodies")
            for pat in law.review_first.dispositions:
                if not any(_matches(c, (pat,)) for c in finals):
                    raise RuleFileError(f"laws.{law.id}.review_first: {pat!r} 不是处理代码", file=rrel,
                                        field=f"laws.{law.id}.review_first")
            clause = s.remedy_clause[law.id]
            if law.review_first.dispositions and clause.review_first is None:
                raise RuleFileError(f"remedy_clause.{law.id}.review_first: 缺少复议前置的措辞", file=rel,
                                    field=f"remedy_clause.{law.id}")
        for c in self.remedy.suit.not_accepted.dispositions:
            if c not in finals:
                raise RuleFileError(f"suit.not_accepted: {c!r} 不是处理代码", file=rrel, field="suit.not_accepted")
        # every placeholder is one this kind of template can fill
        checks = [("date_format", s.date_format, "date_format"), ("fill", s.fill, "fill"), ("quote", s.quote, "quote"),
                  ("contact", s.contact, "contact"), ("answer_line", s.answer_line, "answer_line"),
                  ("answer_line_single", s.answer_line_single, "answer_line")]
        checks += [(f"answers.by_rule.{k}", v, "answer") for k, v in s.answers.by_rule.items()]
        checks += [(f"answers.by_disposition.{k}", v, "answer") for k, v in s.answers.by_disposition.items()]
        checks += [(f"reasons.{k}", v, "reason") for k, v in s.reasons.items()]
        for lid, cl in s.remedy_clause.items():
            for k in ("review_first", "review_or_suit", "review_only"):
                if getattr(cl, k) is not None:
                    checks.append((f"remedy_clause.{lid}.{k}", getattr(cl, k), "remedy"))
        for name, spec in s.notices.items():
            variants = [("paragraphs", spec.paragraphs)] + [(f"by_party.{p}.paragraphs", v.paragraphs)
                                                           for p, v in spec.by_party.items()]
            for what, got in variants:
                groups = got.items() if isinstance(got, dict) else [("", got)]
                for regime, paras in groups:
                    for i, p in enumerate(paras):
                        checks.append((f"notices.{name}.{what}.{regime + '.' if regime else ''}{i}", p, "paragraph"))
        for where, text, kind in checks:
            allowed = _COMMON | set(_VALUES) if kind == "paragraph" else _FIELDS[kind]
            for m in _PLACEHOLDER.finditer(text):
                if m.group(1) not in allowed:
                    raise RuleFileError(f"{where}: 未知的占位符 {{{m.group(1)}}}；可用：{sorted(allowed)}", file=rel,
                                        field=where)

    def law_at(self, day: dt.date) -> "_Law | None":
        """The 行政复议法 in force on ``day`` (the document's date)."""
        for law in self.laws:
            if law.spec.from_ <= day and (law.spec.to is None or day <= law.spec.to):
                return law
        return None


def _merge(base: dict, over: dict) -> dict:
    """A pack's notices.yaml over the national one: mappings merge key by key, anything else replaces."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _matches(code: str, patterns) -> bool:
    return any(code == p or (p.endswith(".*") and code.startswith(p[:-1])) for p in patterns)


def notice_rules(rb, pack=None) -> NoticeRules:
    key = "_notice_rules" if pack is None else f"_notice_rules:{pack.id}"
    hit = rb.__dict__.get(key)
    if hit is None:
        overrides = []
        own = getattr(pack, "folder", None)
        if own is not None and (own / "notices.yaml").exists():
            from pathlib import Path
            from ._resources import relative
            from ._yaml import load
            path = own / "notices.yaml"
            real = Path(path).resolve()
            if not real.is_relative_to(Path(own).resolve()) or not real.is_file():
                raise RuleFileError("notices.yaml 须是规则包目录中的文件，不得指向目录之外 / must be a file inside the "
                                    "pack folder", file=relative(path), field="notices.yaml")
            overrides.append((path, load(real, file=relative(path))))
        hit = rb.__dict__[key] = NoticeRules(rb, overrides)
    return hit


# ---------------------------------------------------------------- the document

class _Filler:
    """Fills one template's placeholders from ``values``; a ``{fill:what}`` becomes a visible blank."""

    def __init__(self, rules: NoticeRules) -> None:
        self.rules = rules
        self.blanks: list[str] = []

    def __call__(self, template: str, values: dict) -> str:
        def one(m):
            name, arg = m.group(1), m.group(2)
            if name == "fill":
                if arg not in self.blanks:
                    self.blanks.append(arg)
                return self.rules.spec.fill.replace("{what}", arg)
            v = values.get(name)
            return "" if v is None else str(v)
        return _PLACEHOLDER.sub(one, template)


def date_text(rules: NoticeRules, d: dt.date) -> str:
    return (rules.spec.date_format.replace("{year}", str(d.year)).replace("{month}", str(d.month))
            .replace("{day}", str(d.day)))


def _basis_text(rules: NoticeRules, cites) -> str:
    """Citation labels, the instrument's title written once for a run of the same instrument."""
    parts, last = [], None
    for c in cites:
        label = c.label
        title, _, rest = label.partition("》")
        if title == last:
            parts.append(rest)
        else:
            parts.append(label)
            last = title
    return rules.spec.basis_joiner.join(dict.fromkeys(parts))


class _Case:
    """What the templates of one document are filled from: the case as it stands, the agency, the rules."""

    def __init__(self, engine, raw: dict, req: NoticeRequest) -> None:
        from . import _case
        self.engine, self.raw, self.req = engine, raw, req
        base = {k: v for k, v in raw.items() if k not in NOTICE_FIELDS}
        self.state = state = _case.case(engine, base)                 # 1. the case on its as_of
        self.decision = d = state["decision"]
        self.regime = d["regime"]
        self.as_of = _day(raw["as_of"])
        self.issued = req.issued_on or self.as_of
        self.events = [e for e in _case._events(raw.get("events", [])) if e.on <= self.as_of]
        self.received = _day(d["deadline"]["received_on"])
        self.rules = notice_rules(engine.rulebook, engine.law.pack)
        self.fill = _Filler(self.rules)
        closed = state["closed"]
        self.closed = closed
        self.disposition = closed["disposition"] if closed else d["disposition"]
        self.actions = set(d["actions"]) | {a for it in d["items"] for a in it["actions"]}
        applicant = raw.get("applicant") if isinstance(raw.get("applicant"), dict) else {}
        self.applicant = applicant.get("name")

    def last(self, kind: str):
        found = [e for e in self.events if e.type == kind]
        return found[-1] if found else None

    def params(self):
        return self.engine._dp_at[self.regime](self.issued)


def _day(v) -> dt.date:
    return dt.date.fromisoformat(v) if isinstance(v, str) else v


def _need(ok: bool, why: str) -> None:
    if not ok:
        raise UnsupportedInputError(f"notice: {why}", field="notice")


# The values a template may ask for beyond the common ones, each computed only when asked for; a case that
# cannot give one is an error naming ``notice`` (the document is not one this case calls for).

def _correction_due(c: _Case) -> str:
    asked = c.last("correction_requested")
    return date_text(c.rules, asked.due_on) if asked else c.fill("{fill:补正期限}", {})


def _extended_due(c: _Case) -> str:
    ext = c.state["deadline"].get("extended_due")
    _need(ext is not None, "这件申请没有可延长的答复期限 / no reply period to extend")
    return date_text(c.rules, _day(ext))


def _max_extension(c: _Case):
    return c.params().max_extension


def _consultation_days(c: _Case):
    days = c.params().consultation_limits.get(_party(c))
    return days if days is not None else c.fill("{fill:提出意见的期限}", {})


def _amount(c: _Case) -> str:
    sent = c.last("fee_notice_sent")
    _need(not (c.state["fee"] or {}).get("waived"), "机关已决定不收取信息处理费 / the fee is waived")
    amount = sent.amount if sent else (c.state["fee"] or {}).get("amount")
    _need(amount is not None, "没有收费的依据：须有 fee_notice_sent 事件或 fee_basis / no fee: give a "
          "fee_notice_sent event or fee_basis")
    return f"{amount:.2f}"


def _fee_standard(c: _Case) -> str:
    basis = c.raw.get("fee_basis")
    method = basis.get("method") if isinstance(basis, dict) else None
    return c.rules.spec.fee_standards[method] if method else c.fill("{fill:收费标准}", {})


def _payment_days(c: _Case):
    from ._case import case_rules
    got = case_rules(c.engine.rulebook).fees["payment_period"].at(c.issued)
    _need(got is not None, f"{c.issued} 没有信息处理费的缴费期限 / no payment period on that day")
    return got.value


_VALUES = {"correction_due": _correction_due, "extended_due": _extended_due, "max_extension": _max_extension,
           "consultation_days": _consultation_days, "amount": _amount, "fee_standard": _fee_standard,
           "payment_days": _payment_days}


def _party(c: _Case) -> str | None:
    """Whom a consultation letter goes to: the party of the last consultation sent, else a third party."""
    sent = c.last("consultation_sent")
    return sent.party if sent else next(iter(c.rules.spec.party_default))


def notice(engine, raw: dict) -> dict:
    """The document ``raw["notice"]`` for the case ``raw`` as a JSON-ready dict (CONTRACT.md ``notice``)."""
    from ._answers import validated
    if not isinstance(raw, dict):
        raise InputError("输入须为 JSON 对象 / the input must be an object")
    if "agency" not in raw or raw["agency"] is None:
        raise InputError("agency: 缺少必填字段 (field required)", field="agency")
    req = validated(NoticeRequest, {k: raw[k] for k in NOTICE_FIELDS if k in raw})
    c = _Case(engine, raw, req)
    if c.issued < c.received:
        raise InputError(f"issued_on: 文书日期 {c.issued} 早于收到申请之日 {c.received} / the document cannot precede "
                         "the request's receipt", field="issued_on")
    rules, fill, s = c.rules, c.fill, c.rules.spec
    spec = s.notices[req.notice]

    # 2. what the document needs
    need = spec.requires
    if need is not None:
        if need.final:
            _need(c.disposition not in engine.rulebook.not_final, "案件尚不能答复：须先完成 "
                  + "、".join(sorted(c.actions)) + " / the case cannot be answered yet (the decision is pending)")
        if need.actions or need.events:
            _need(bool(c.actions & set(need.actions)) or any(e.type in need.events for e in c.events),
                  f"这件申请不需要这份文书：决定中没有 {list(need.actions)}，事件中没有 {list(need.events)} / the case "
                  "does not call for this document")
    party = _party(c) if spec.to == "party" else None
    variant = spec.by_party.get(party) if party else None
    paragraphs = variant.paragraphs if variant else spec.paragraphs
    cites = rules.basis.get((req.notice, party if variant else None, c.regime))
    _need(cites is not None and (not isinstance(paragraphs, dict) or c.regime in paragraphs),
          f"{c.regime} 下没有这种文书 / no such document under {c.regime}")

    items_raw = raw.get("items") or []
    quoted = [s.quote.replace("{text}", (it.get("description") or "").strip()) for it in items_raw
              if isinstance(it, dict) and (it.get("description") or "").strip()]
    to = (req.addressee or s.party_default[party]) if party else (c.applicant or s.applicant_default)
    values = {"agency": req.agency.name, "applicant": c.applicant or s.applicant_default,
              "received_on": date_text(rules, c.received), "issued_on": date_text(rules, c.issued),
              "items": s.list_joiner.join(quoted) or s.items_default, "to": to,
              "basis": _basis_text(rules, cites)}
    if req.agency.address or req.agency.phone:
        values["contact"] = fill(s.contact, {"address": req.agency.address or "", "phone": req.agency.phone or ""})
    paras = paragraphs[c.regime] if isinstance(paragraphs, dict) else paragraphs
    asked_for = {m.group(1) for p in paras for m in _PLACEHOLDER.finditer(p)}
    for name in asked_for & set(_VALUES):
        values[name] = _VALUES[name](c)
    if "answers" in asked_for:
        values["answers"] = "\n".join(_answers(rules, fill, c.decision, items_raw, c.closed))

    # 3. the remedy
    remedy, legal_review, remedy_cites = None, None, []
    if spec.remedy:
        remedy, legal_review, remedy_cites, clause = _remedy(rules, req, c.issued, c.disposition,
                                                             spec.to == "applicant", fill, spec.short or "")
        values["remedy"] = clause

    # 4. the text
    body = [line for p in paras for line in fill(p, values).split("\n") if line.strip()]
    text = "\n".join([req.agency.name, spec.title, "", f"{to}：", *("\u3000\u3000" + b for b in body), "",
                      req.agency.name, values["issued_on"]]) + "\n"
    basis_out = [x.to_dict() for x in (*cites, *remedy_cites)]
    return {"id": raw.get("id"), "type": req.notice, "title": spec.title, "to": to, "issued_on": c.issued,
            "text": text, "basis": list({b["label"]: b for b in basis_out}.values()), "remedy": remedy,
            "body": body, "signer": req.agency.name, "issued_text": values["issued_on"], "fill_in": list(fill.blanks),
            "legal_review": legal_review}


def _answers(rules: NoticeRules, fill: _Filler, decision: dict, items_raw: list, closed) -> list[str]:
    """One line per item (or one for the request when the request table decided it)."""
    s = rules.spec
    lines = []
    items = decision["items"]
    request_level = not items or (closed is not None and closed["disposition"] != decision["disposition"])
    if request_level:
        code = closed["disposition"] if closed else decision["disposition"]
        rule = _deciding_rule(decision["trace"], s.answers.by_rule)
        sentence = _sentence(rules, fill, rule, code, decision["basis"], [], None)
        return [sentence]
    single = len(items) == 1
    for n, (it, given) in enumerate(zip(items, items_raw), 1):
        rule = _deciding_rule(it["trace"], s.answers.by_rule)
        reasons = [c for c in (rules.rule_value.get(r) for r in it["trace"]) if c in s.reasons]
        sentence = _sentence(rules, fill, rule, it["disposition"], it["basis"], reasons,
                             (given or {}).get("responsible_agency"))
        desc = (given or {}).get("description") or ""
        description = s.quote.replace("{text}", desc.strip()) if desc.strip() else s.items_default
        line = s.answer_line_single if single else s.answer_line
        lines.append(line.replace("{n}", str(n)).replace("{description}", description).replace("{sentence}", sentence))
    return lines


def _deciding_rule(trace, by_rule) -> str | None:
    for rid in reversed(trace):
        if rid in by_rule:
            return rid
    return None


def _sentence(rules: NoticeRules, fill: _Filler, rule: str | None, code: str, basis: list, reasons: list,
              responsible: str | None) -> str:
    s = rules.spec
    template = s.answers.by_rule[rule] if rule is not None else s.answers.by_disposition[code]
    labels = _basis_text(rules, [_Cite(b) for b in basis])
    why = "".join(fill(s.reasons[c], {}) for c in dict.fromkeys(reasons))
    if not why and code in s.reasons:
        why = fill(s.reasons[code], {})
    if not why and "{reasons}" in template:
        why = fill("{fill:不予公开的理由}", {})
    if not responsible and "{responsible_agency}" in template:
        responsible = fill("{fill:负责公开该信息的机关}", {})
    return fill(template, {"basis": labels, "reasons": why, "responsible_agency": responsible})


class _Cite:
    """A citation dict of an answer, seen as a Citation for ``_basis_text``."""

    def __init__(self, d: dict) -> None:
        self.label = d["label"]


def _remedy(rules: NoticeRules, req: NoticeRequest, issued: dt.date, disposition: str, to_applicant: bool,
            fill: _Filler, short: str):
    found = rules.law_at(issued)
    if found is None:
        raise UnsupportedInputError(f"issued_on: {issued} 没有可适用的行政复议法（本库自 {rules.laws[0].spec.from_} 起）",
                                    field="issued_on")
    law, cites = found.spec, found.cites
    agency = req.agency
    if agency.kind is None:
        raise InputError("agency.kind: 写明救济条款须知道机关的种类 / the kind of agency decides the 复议机关",
                         field="agency.kind")
    review_first = to_applicant and _matches(disposition, law.review_first.dispositions)
    not_accepted = to_applicant and disposition in rules.remedy.suit.not_accepted.dispositions
    bodies_spec = law.bodies[agency.kind]
    names = []
    for b in bodies_spec.bodies:
        where = rules.remedy.body_fields[b]
        v = getattr(agency, where.split(".")[1])
        if not v:
            raise InputError(f"{where}: {law.label} 下 {agency.kind} 的复议机关须写明此项 / needed for the "
                             f"复议机关 of a {agency.kind}", field=where)
        names.append(v)
    suit_months = None if (review_first or not_accepted) else rules.remedy.suit.direct_months.value
    clause_spec = rules.spec.remedy_clause[law.id]
    template = (clause_spec.review_first if review_first else
                clause_spec.review_only if suit_months is None else clause_spec.review_or_suit)
    clause = fill(template, {"short": short, "review_days": law.review_days.value,
                             "review_bodies": rules.spec.bodies_joiner.join(names), "suit_months": suit_months,
                             "suit_days_after_review": rules.remedy.suit.after_review_days.value})
    used = list(cites["review_days"]) + list(cites["bodies"][agency.kind])
    if review_first:
        used += cites["review_first"] + rules.suit_basis["after_review_days"]
    elif suit_months is not None:
        used += rules.suit_basis["direct_months"]
    else:
        used += rules.suit_basis["not_accepted"]
    remedy = {"law": law.label, "review_first": review_first, "review_bodies": names,
              "review_days": law.review_days.value, "suit_months": suit_months,
              "suit_days_after_review": rules.remedy.suit.after_review_days.value,
              "basis": [c.key for c in used]}
    return remedy, clause_spec.legal_review, used, clause
