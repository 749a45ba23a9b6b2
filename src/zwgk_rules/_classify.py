"""How an official document (公文) is classified, in the order the 条例 takes it.

Read top to bottom. No legal content: the 文种, tables, periods and citations come from
``rules/national/classify/`` and the pack, through the compiled jurisdiction.

1. **Which 文种** (``classify.yaml`` ``doc_types``): given, or recognised from the end of the title.
2. **Which law** applies: the one in force on ``formed_on`` (``classify.yaml`` ``regimes``: the 2008 Regulations
   from 2008-05-01, the 2019 revision from 2019-05-15; each rule of the tables is dated). Before the first, none.
3. **The tables** in order (``classify.yaml`` ``tables``): the attribute (第十九条至第二十条, 第十四条至第十六条),
   the review route, the warnings.
4. **When to publish** (第二十六条, 2008年第十八条; the pack's shorter period where it applies one), read at ``formed_on``.
5. **Periods the law leaves to the pack** (征求意见, 预公开…), where the pack gives one for this document.
"""
from __future__ import annotations

from functools import lru_cache

from ._errors import InputError, UnsupportedInputError
from ._facts import document_facts


@lru_cache(maxsize=16)
def _longest_first(names: tuple) -> tuple:
    """The 文种 to try against a title's end, the longest first (in the rule file's order among equals)."""
    return tuple(sorted(names, key=len, reverse=True))


def publish_period_name(rules) -> str:
    """The parameter that gives the publication period (``classify.yaml`` ``publish.period``)."""
    return f"classify.{rules.publish_period}"


def doc_type_of(doc, rules) -> str:
    """The document's 文种: given, or the longest known 文种 its title ends with (``recognise_from_title_end``)."""
    if doc.doc_type is not None:
        return doc.doc_type
    if not rules.recognise_from_title_end:
        raise InputError("doc_type: 须给出文种 / required", field="doc_type")
    title = doc.title.strip().rstrip("。.")
    for name in _longest_first(rules.doc_types):
        if title.endswith(name):
            return name
    raise InputError(f"doc_type: 未给出文种，也不能从标题 {doc.title!r} 的结尾识别（可选：{'、'.join(rules.doc_types)}）",
                     field="doc_type")


def classify(doc, *, law, rules, calendar, evaluate, cite) -> dict:
    """The classification of ``doc`` (a validated ``Document``) as a JSON-ready dict.

    ``law``: the compiled jurisdiction; ``rules``: the national classify rules (``ClassifyRules``);
    ``evaluate(table, facts)``: the backend's table evaluation; ``cite(citation)``: its read-only dict."""
    doc_type = doc_type_of(doc, rules)                                  # 1
    if doc.formed_on < rules.start:                                     # 2. before the first regime of `regimes`
        first = rules.regimes[0]
        raise UnsupportedInputError(f"formed_on: {doc.formed_on.isoformat()} 早于 {rules.start.isoformat()}，"
                                    f"{first.title}尚未施行，没有可适用的公开属性规则 / formed before the first "
                                    f"regulation took effect ({first.id}, {rules.start.isoformat()})", field="formed_on")
    facts = document_facts(doc, doc_type)
    facts["@on"] = doc.formed_on
    results = {}
    for t in law.classify_tables:                                       # 3
        r = evaluate(t, facts)
        if r.unsupported:
            f, m = r.unsupported
            raise UnsupportedInputError(f"{f}: {m}", field=f)
        results[t.name] = r
        facts[t.name] = r.value
    return answer(doc, doc_type, results, facts, law=law, rules=rules, calendar=calendar, cite=cite)


def answer(doc, doc_type: str, results: dict, facts: dict, *, law, rules, calendar, cite) -> dict:
    """Steps 4 and 5, and the answer: from the tables' ``results`` (table name -> ``TableResult``, in the order of
    ``tables``) and the ``facts`` they were given (with each table's value). The speed layer
    (``_classify_compile``) calls it with the results of its generated tables."""
    trace: list[str] = []
    for r in results.values():
        trace.extend(x for x in r.rule_ids if x not in trace)
    attr = results["attribute"]
    basis: list = []

    def add(bs):
        for b in bs:
            d = cite(b)
            if d not in basis:
                basis.append(d)

    add(attr.basis)
    review = []
    for c in results["review"].collected:
        review.append({"step": c.value, "role": c.role, "basis": [cite(b) for b in c.basis]})
        add(c.basis)
    warnings = [c.value for c in results["warnings"].collected]
    for c in results["warnings"].collected:
        add(c.basis)
    reason = attr.value in rules.reason_required
    if reason:
        add(rules.reason_basis_at(doc.formed_on))
    publish_by = None
    provisional = False
    if attr.value == rules.publish_attribute:                           # 4. classify.yaml `publish`
        name = publish_period_name(rules)
        period = law.at(name, doc.formed_on)
        publish_by = calendar.add_working_days(doc.formed_on, period.value)
        add(period.basis)
        provisional = calendar.provisional(doc.formed_on, publish_by)
        trace.append(name)
    periods = []
    for prm in law.periods:                                             # 5
        v = prm.at(doc.formed_on)
        if v is None or v.value is None or v.source == "national" or not prm.applies_when(facts):
            continue
        shown = prm.national.reported_as
        periods.append({"kind": shown.period, "min_days": v.value if shown.bound == "min" else None,
                        "max_days": v.value if shown.bound == "max" else None,
                        "unit": prm.unit or prm.national.unit or "", "basis": [cite(b) for b in v.basis]})
        add(v.basis)
    out = {"jurisdiction": law.id, "doc_type": doc_type, "attribute": attr.value, "basis": basis,
           "publish_by": publish_by, "provisional": provisional, "reason_required": reason,
           "review": review, "periods": periods, "warnings": warnings, "trace": trace}
    if doc.id is not None:
        out = {"id": doc.id, **out}
    return out
