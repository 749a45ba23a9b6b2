"""``zwgk check``: static analysis of rule sets, and of local packs against the national law.

The condition language is closed and every fact has a finite domain, so a table is analysed
exactly, not by sampling: each field's domain is split into the classes its rules can tell apart
(each literal a rule mentions, plus one representative of the values no rule mentions; for a set
field, each mentioned member in or out), and the table is evaluated on every combination of
class representatives and date segment — DMN-style analysis over hyperrectangles. Every finding
names the rules, their files and citations, and, for a conflict, a concrete input that triggers it.
"""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from dataclasses import asdict, dataclass, field

from ._conditions import Node
from ._jurisdiction import looser_than_national
from ._errors import RuleConflictError, RuleFileError, ZwgkError

from ._limits import MAX_CHECK_COMBINATIONS as _MAX_COMBOS, MAX_CHECK_EVALUATIONS as _MAX_WORK


def absolute_categories(rb, regime_id: str = "ogi-2019") -> frozenset:
    """The categories a regime withholds without exception (its exemption rules marked ``absolute: true``:
    第十四条 in 2019), read from the rule files, so that no legal content is written here."""
    out = set()
    for regime, table in rb.tables():
        if table.name != "exemption" or regime.id != regime_id:
            continue
        for r in table.rules:
            if r.spec.absolute:
                out |= {v for a in _atoms(r.node) if a.field == "categories" for v in a.values}
    return frozenset(out)


def article_14_categories(rb) -> frozenset:
    """第十四条 (2019): the categories withheld without exception."""
    return absolute_categories(rb, "ogi-2019")


@dataclass
class Finding:
    severity: str                      # error | warning
    code: str
    message: str
    pack: str = "cn"
    rules: list = field(default_factory=list)       # [{id, file, basis: [citation keys]}]
    citations: list = field(default_factory=list)   # [{key, label, text}] local first, then national
    example: dict | None = None                     # a concrete input (facts) that triggers it

    def to_dict(self) -> dict:
        return asdict(self)


def _atoms(node: Node):
    if node.kind == "atom":
        yield node.atom
    for c in node.children:
        yield from _atoms(c)


def _classes(table) -> dict:
    """For each field the table reads, the representative values that exhaust what its rules distinguish."""
    fields = dict(table.fields)
    from ._facts import FieldType
    for k, v in table.upstream.items():
        fields[k] = FieldType("scalar", tuple(v))
    mentioned: dict[str, list] = {f: [] for f in table.reads}
    for r in table.rules:
        for a in _atoms(r.node):
            for v in a.values:
                if not any(v is m or (type(v) is type(m) and v == m) for m in mentioned[a.field]):
                    mentioned[a.field].append(v)
    reps = {}
    for f in table.reads:
        ft = fields[f]
        if ft.kind == "set":
            members = mentioned[f]
            reps[f] = [frozenset(c for c, keep in zip(members, mask) if keep)
                       for mask in itertools.product((False, True), repeat=len(members))]
        else:
            vals = list(mentioned[f])
            rest = [v for v in ft.values if not any(v is m or (type(v) is type(m) and v == m) for m in vals)]
            reps[f] = vals + rest[:1]
    return reps


def _segments(table):
    if table._masks is None:
        return [table.spec.in_force.from_]
    return [table.spec.in_force.from_, *table._cuts]


def _rule_ref(r) -> dict:
    return {"id": r.id, "file": r.file, "basis": [b.key for b in r.basis]}


def _cit(c) -> dict:
    return {"key": c.key, "label": c.label, "text": c.text}


def _show(facts: dict) -> dict:
    out = {}
    for k, v in facts.items():
        out[k] = sorted(v) if isinstance(v, frozenset) else (v.isoformat() if isinstance(v, dt.date) else v)
    return out


def analyse_table(table, pack: str = "cn") -> list[Finding]:
    """Conflicts, gaps and masked rules of one compiled table, found exhaustively."""
    reps = _classes(table)
    names = list(reps)
    total = 1
    for f in names:
        total *= len(reps[f])
    segs = _segments(table)
    findings: list[Finding] = []
    if total * len(segs) > _MAX_COMBOS or total * len(segs) * len(table.rules) > _MAX_WORK:
        findings.append(Finding("warning", "analysis_incomplete",
                                f"决策表 {table.name}（{table.file}）的取值组合过多（{total * len(segs)} 种，"
                                f"{len(table.rules)} 条规则），未穷举", pack))
        return findings
    decided: set[str] = set()
    conflicts: dict[tuple, Finding] = {}
    gap: Finding | None = None
    for on in segs:
        for combo in itertools.product(*(reps[f] for f in names)):
            facts = dict(zip(names, combo))
            facts["@on"] = on
            app = table.applicable(facts)
            try:
                res = table.resolve(app, facts)
            except RuleConflictError as exc:
                ids = tuple(sorted(exc.rule_ids))
                if not ids:
                    if gap is None:
                        gap = Finding("error", "gap", f"决策表 {table.name}（{table.file}）有输入没有任何规则作出结论",
                                      pack, example=_show(facts))
                    continue
                if ids not in conflicts:
                    rules = [r for r in table.rules if r.id in ids]
                    conflicts[ids] = Finding(
                        "error", "conflict",
                        f"规则 {' 与 '.join(ids)} 可以同时适用而结论不同，且没有声明例外或优先关系", pack,
                        rules=[_rule_ref(r) for r in rules],
                        citations=[_cit(b) for r in rules for b in r.basis], example=_show(facts))
                continue
            decided.update(res.rule_ids)
    findings.extend(conflicts.values())
    if gap is not None:
        findings.append(gap)
    for r in table.rules:
        if r.id not in decided and r.unsupported is None:
            findings.append(Finding("warning", "masked",
                                    f"规则 {r.id} 在任何输入下都不会作出结论（被例外或优先关系完全遮蔽，或条件不可满足）",
                                    pack, rules=[_rule_ref(r)], citations=[_cit(b) for b in r.basis]))
    return findings


def _law_tables(law):
    """Every decision table of a compiled jurisdiction (``Rulebook.jurisdiction``)."""
    for r in law.regimes.values():
        yield r.request_table
        yield from r.item_tables
    yield from law.classify_tables


def check(rulebook=None, *, packs=(), root=None) -> list[Finding]:
    """All findings for the bundled rules (or ``root``) and any extra pack folders. Analyses the compiled
    jurisdictions (``Rulebook.jurisdiction``): no engine is built."""
    from ._rulebook import Rulebook
    try:
        rb = rulebook if rulebook is not None else Rulebook(root, packs=packs)
    except RuleFileError as exc:
        return _load_findings(exc, root, packs)
    findings: list[Finding] = []
    national = rb.jurisdiction("cn")
    nat_tables = list(_law_tables(national))
    for t in nat_tables:
        findings += analyse_table(t)
    findings += _calendar_findings(rb)
    findings += _over_time_findings(rb)
    for pid, pack in rb.packs.items():
        if pack.spec is None:
            continue
        try:
            law = rb.jurisdiction(pid)
            from ._notice import notice_rules
            notice_rules(rb, pack)             # its notices.yaml, if any, over the national wording
        except ZwgkError as exc:
            findings.append(Finding("error", "rule_file", exc.message, pid))
            continue
        for t in _law_tables(law):
            if t in nat_tables:
                continue
            # in a pack's table, a national rule the pack replaces (exception_to) is masked on purpose:
            # report masking only for the pack's own rules
            findings += [f for f in analyse_table(t, pid)
                         if f.code != "masked" or any(r["file"] == pack.file for r in f.rules)]
        findings += _pack_findings(rb, pack, law, national)
    order = {"error": 0, "warning": 1}
    findings.sort(key=lambda f: (f.pack != "cn", f.pack, order[f.severity], f.code))
    return findings


def _over_time_findings(rb) -> list[Finding]:
    """The rules of cases over time (case.yaml, fees.yaml, the report's formats, the notices and the remedy
    clause) load lazily, at the first case, and so do the rules of documents as files (``documents/``); ``check``
    loads them now, so that their errors are its findings."""
    from ._case import case_rules
    from ._documents import document_rules
    from ._notice import notice_rules
    from ._report import ReportRules
    out = []
    for load in (case_rules, ReportRules, notice_rules, document_rules):
        try:
            load(rb)
        except ZwgkError as exc:
            out.append(Finding("error", "rule_file", exc.message))
    return out


def _load_findings(first: RuleFileError, root, packs) -> list[Finding]:
    """The rules did not load. If the bundled rules load without the extra packs, every problem of each
    pack is reported (not only the first); otherwise the one error that stopped the load."""
    from ._rulebook import Rulebook

    def finding(exc, pack="cn"):
        return Finding("error", "rule_file", exc.message, pack,
                       rules=[{"id": exc.rule_id, "file": exc.file, "basis": []}])

    if not packs:
        return [finding(first)]
    try:
        base = Rulebook(root)
    except RuleFileError:
        return [finding(first)]
    out = []
    for folder in packs:
        out += [finding(e, Path(folder).name) for e in base.pack_problems(folder)]
    return out or [finding(first)]


def _calendar_findings(rb) -> list[Finding]:
    out = []
    for cid, cal in rb.calendars.items():
        years = sorted(cal.sources)
        if not years:
            continue
        official = sorted(cal.official_years)
        if cal.region is None:
            missing = [y for y in range(official[0], official[-1] + 1) if y not in cal.official_years]
            if missing:
                out.append(Finding("error", "calendar_gap", f"日历 {cid} 缺少 {missing} 年的官方节假日安排"))
            est = [y for y in years if y not in cal.official_years]
            if est:
                out.append(Finding("warning", "calendar_estimated",
                                   f"日历 {cid} 的 {est} 年没有官方通知（估计数据）；涉及这些年份的期限标为 provisional"))
    return out


def _pack_findings(rb, pack, law, national) -> list[Finding]:
    spec = pack.spec
    pid = pack.id
    st = rb.statutes
    out: list[Finding] = []

    def cites(keys):
        return [_cit(st.resolve(k)) for k in keys]

    # 0. the pack's regional calendar: years it is in force without a regional notice
    cal = rb.calendars[pack.calendar]
    if cal.region is not None:
        nat_years = sorted(rb.calendars["cn"].official_years)
        first = max(spec.in_force.from_.year, nat_years[0])
        last = nat_years[-1] if spec.in_force.to is None else min(nat_years[-1], spec.in_force.to.year)
        missing = [y for y in range(first, last + 1) if y not in cal.official_years]
        if missing:
            out.append(Finding("warning", "regional_calendar_gap",
                               f"规则包使用的地区日历 {cal.id} 缺少 {missing} 年的地区放假通知的正式文本（没有数据、只有二手来源或不完整）：这些年份的期限标为 provisional",
                               pid))
    # 1. periods longer than the national ones
    for prm in spec.parameters:
        nat = rb.parameter(prm.target)
        for day, v, nv in (looser_than_national(nat, prm, spec.in_force.to) if nat is not None else ()):
            out.append(Finding("error", "longer_than_national",
                               f"{prm.target}：规则包自 {day} 规定 {v.value}，长于国家自 {nv.start} 规定的 {nv.value}"
                               f"（地方规定不能延长法定期限）", pid, citations=cites(list(v.basis) + [b.key for b in nv.basis])))
        # 2. restating a provision of a regime that was repealed while the pack stays in force
        head = prm.target.partition(".")[0]
        regime = next((r for r in rb.regimes if r.id == head), None)
        if regime is not None and regime.end is not None and (spec.in_force.to is None or spec.in_force.to > regime.end):
            vals = ", ".join(f"{k}: {v.value}" for k, v in prm.values.items())
            out.append(Finding("warning", "restates_repealed",
                               f"{prm.target}（{vals}）重述 {regime.id} 的规定；该条例已于 {regime.end + dt.timedelta(days=1)} "
                               f"被取代，而规则包仍然有效。此后决定按现行条例计算，不适用该规定",
                               pid, citations=cites([b for v in prm.values.values() for b in v.basis] + list(prm.national))))
    # 3. a pack rule that would disclose what article 14 forbids
    art14 = article_14_categories(rb)
    for t in _law_tables(law):
        if t.name != "exemption" or not any(r.file == pack.file for r in t.rules):
            continue
        reps = _classes(t)
        names = list(reps)
        total = len(_segments(t))
        for f in names:
            total *= len(reps[f])
        if total > _MAX_COMBOS or total * len(t.rules) > _MAX_WORK:
            out.append(Finding("warning", "analysis_incomplete",
                               f"决策表 {t.name} 的取值组合过多（{total} 种，{len(t.rules)} 条规则），"
                               f"未穷举检查规则包是否公开第十四条规定不予公开的信息", pid))
            continue
        found = False
        for on in _segments(t):
            for combo in itertools.product(*(reps[f] for f in names)):
                facts = dict(zip(names, combo))
                facts["@on"] = on
                if not (facts.get("categories", frozenset()) & art14):
                    continue
                res = t.resolve(t.applicable(facts), facts)
                if not res.value.startswith("withhold.") or res.value.split(".")[1] not in art14:
                    rules = [r for r in t.rules if r.id in res.rule_ids]
                    out.append(Finding("error", "discloses_article_14",
                                       f"规则包的规则使第十四条规定不予公开的信息得出 {res.value}", pid,
                                       rules=[_rule_ref(r) for r in rules], citations=[_cit(b) for r in rules for b in r.basis],
                                       example=_show(facts)))
                    found = True
                    break
            if found:
                break
    # 4. provisions without national basis, contradicting, looser, restating repealed law
    words = {"no_national_basis": ("warning", "no_national_basis", "没有国家法规依据"),
             "contradicts": ("warning", "contradicts_national", "与国家规定相抵触，不适用"),
             "looser": ("warning", "looser_than_national", "比国家规定宽松，不适用"),
             "restates_repealed": ("warning", "restates_repealed", "重述已被取代的规定")}
    for pv in spec.provisions:
        if pv.status in words:
            sev, code, what = words[pv.status]
            out.append(Finding(sev, code, f"{pv.id}：{pv.summary}（{what}）", pid,
                               citations=cites(list(pv.cite) + list(pv.national))))
    # 5. a pack rule that copies a national rule instead of addressing it by id
    for r in spec.rules:
        try:
            nat = rb.table(r.table)
        except KeyError:
            continue
        for n in nat.rules:
            if n.spec.when == r.when and n.spec.then.value == r.then.value and not r.exception_to:
                out.append(Finding("warning", "copies_national_rule",
                                   f"规则包规则 {r.id} 与国家规则 {n.id} 的条件和结论相同：应按编号引用（exception_to）而不是复制",
                                   pid, rules=[{"id": r.id, "file": pack.file, "basis": list(r.basis)}, _rule_ref(n)]))
    return out


def render_report(findings: list[Finding], rb) -> str:
    """The consistency report (Markdown), every finding with its citations."""
    lines = ["# 规则一致性报告 / Consistency report", "",
             "由 `zwgk check --report docs/consistency-report.md` 生成，`tests/test_check.py` 保证与规则同步；请勿手改。",
             "Generated by `zwgk check`; kept current by a test. Do not edit by hand.", ""]
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    lines += [f"共 {len(findings)} 项：错误 {errors}，警告 {warnings}。", ""]
    known = rb.packs if rb is not None else {}        # None: the rules failed to load (one error finding)
    packs = ["cn"] + sorted({p for p in known if p != "cn"} | {f.pack for f in findings if f.pack != "cn"})
    for pid in packs:
        these = [f for f in findings if f.pack == pid]
        title = known[pid].title if pid in known else pid
        lines += [f"## {pid} — {title}", ""]
        if not these:
            lines += ["没有发现问题。No findings.", ""]
            continue
        for n, f in enumerate(these, 1):
            lines.append(f"### {n}. [{f.severity}] {f.code}")
            lines.append("")
            lines.append(f.message)
            lines.append("")
            for r in f.rules:
                lines.append(f"- 规则 `{r['id']}`（{r['file']}）依据 {', '.join(r['basis'])}")
            if f.example:
                lines.append(f"- 触发输入 / triggering input: `{f.example}`")
            for c in f.citations:
                text = c["text"].replace("\n", " ")
                lines.append(f"- {c['label']}（`{c['key']}`）：{text}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
