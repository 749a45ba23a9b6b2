"""``zwgk explain``: the law findable by its article.

``explain(rb, "ogi-2019:15")`` gathers, for one article (or paragraph, or item) of a bundled instrument,
or for one rule id: the statute text once; every rule that cites it, in every jurisdiction (national
tables, each pack's added rules), with the rules it is an exception to; the parameters, deadline steps
and warnings that cite it; the provisions of each pack's local text recorded against it; the corresponding rules of the other regime (``corresponds_to``, both ways);
and the literal cases that exercise those rules: each pack's own (``<pack folder>/cases.yaml``) and, when a
cases folder is at hand, the repository's ``tests/cases``.
"""
from __future__ import annotations

import re
from pathlib import Path

from ._errors import InputError

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*\.[a-z0-9_.\-]+$")


def _matches(cit, target) -> bool:
    """Whether citation ``cit`` falls under ``target`` (same article; and paragraph/item where given)."""
    if cit.regulation != target.regulation or cit.article != target.article:
        return False
    if target.paragraph is not None and cit.paragraph not in (None, target.paragraph):
        return False
    if target.item is not None and cit.item != target.item:
        return False
    return True


def _rule_entry(r, table, jurisdiction) -> dict:
    return {"id": r.id, "title": r.title, "table": table, "jurisdiction": jurisdiction, "file": r.file,
            "exception_to": list(r.spec.exception_to), "absolute": r.spec.absolute,
            "corresponds_to": list(r.spec.corresponds_to), "basis": [b.key for b in r.basis]}


def _all_rules(rb):
    """(jurisdiction, table address, rule) for every rule: national tables, then each pack's own rules."""
    seen = set()
    for regime, table in rb.tables():
        for r in table.rules:
            seen.add(r.id)
            yield "cn", f"{regime.id}.{table.name}", r
    for t in rb.classify.tables:
        for r in t.rules:
            seen.add(r.id)
            yield "cn", f"classify.{t.name}", r
    for pid, pack in rb.packs.items():
        if pack.spec is None:
            continue
        law = rb.jurisdiction(pid)
        tables = [(f"{rid}.{t.name}", t) for rid, reg in law.regimes.items()
                  for t in (reg.request_table, *reg.item_tables)]
        tables += [(f"classify.{t.name}", t) for t in law.classify_tables]
        for address, t in tables:
            for r in t.rules:
                if r.file == pack.file and r.id not in seen:
                    seen.add(r.id)
                    yield pid, address, r


def explain(rb, ref: str, *, cases_dir: Path | None = None) -> dict:
    """Everything the rulebook says about ``ref``: a citation (``ogi-2019:15``, ``ogi-2019:33:p2``) or a rule id."""
    ref = ref.strip()
    rules = list(_all_rules(rb))
    by_id = {r.id: (pid, address, r) for pid, address, r in rules}
    rule_asked = None
    if ref in by_id:
        rule_asked = by_id[ref]
        citations = list(rule_asked[2].basis)
    elif _RULE_ID.match(ref) and ":" not in ref:
        from ._limits import closest
        close = closest(ref, by_id)
        raise InputError(f"没有编号为 {ref!r} 的规则" + (f"（是否应为 {close!r}）" if close else ""), field="ref")
    else:
        citations = [rb.statutes.resolve(ref, field="ref")]        # CitationError names what is wrong
    out: dict = {"ref": ref, "text": [{"key": c.key, "label": c.label, "text": c.text, "verbatim": c.verbatim}
                                      for c in citations]}
    if rule_asked is not None:
        pid, address, r = rule_asked
        out["rule"] = _rule_entry(r, address, pid)
    citing = []
    for pid, address, r in rules:
        if any(_matches(b, c) for b in r.basis for c in citations):
            citing.append(_rule_entry(r, address, pid))
    out["rules"] = citing
    params = []
    for name, p in rb.national_parameters().items():
        for v in p.values:
            if any(_matches(b, c) for b in v.basis for c in citations):
                params.append({"name": name, "jurisdiction": "cn", "from": v.start.isoformat(), "value": v.value,
                               "description": p.description})
    for pid, pack in rb.packs.items():
        if pack.spec is None:
            continue
        for prm in pack.spec.parameters:
            for day, v in sorted(prm.values.items()):
                keys = [rb.statutes.resolve(b) for b in v.basis] + [rb.statutes.resolve(b) for b in prm.national]
                if any(_matches(b, c) for b in keys for c in citations):
                    params.append({"name": prm.target, "jurisdiction": pid, "from": day.isoformat(), "value": v.value,
                                   "effect": prm.effect, "relation": prm.relation, "description": prm.description})
    out["parameters"] = params
    provisions = []         # what each pack's local text says about it, recorded (applied or not)
    for pid, pack in rb.packs.items():
        if pack.spec is None:
            continue
        for pv in pack.spec.provisions:
            keys = [rb.statutes.resolve(b) for b in (*pv.cite, *pv.national)]
            if any(_matches(b, c) for b in keys for c in citations):
                provisions.append({"id": pv.id, "jurisdiction": pid, "status": pv.status, "summary": pv.summary,
                                   "cite": list(pv.cite)})
    out["provisions"] = provisions
    steps = []
    for regime in rb.regimes:
        for kind, group in (("step", regime.steps), ("warning", regime.warnings)):
            for name, st in group.items():
                if any(_matches(b, c) for b in st.basis for c in citations):
                    steps.append({"id": st.id, "kind": kind, "name": name, "title": st.title})
    out["steps"] = steps
    ids = {e["id"] for e in citing} | ({rule_asked[2].id} if rule_asked else set())
    corresponding = set()
    for pid, address, r in rules:
        if r.id in ids:
            corresponding |= set(r.spec.corresponds_to)
        elif ids & set(r.spec.corresponds_to):
            corresponding.add(r.id)
    out["corresponding"] = [_rule_entry(by_id[i][2], by_id[i][1], by_id[i][0]) for i in sorted(corresponding)
                            if i in by_id]
    out["cases"] = _cases(rb, ids, citations, cases_dir)
    return out


def _cases(rb, ids: set, citations, cases_dir: Path | None) -> list[dict]:
    """The literal cases whose answer the rules in ``ids`` decide (their trace), or that cite the article."""
    if cases_dir is None:
        here = Path(__file__).resolve().parents[2] / "tests" / "cases"
        cases_dir = here if here.is_dir() else None
    import json

    from ._engine import Engine
    from ._resources import relative
    from ._yaml import load
    from .testing.cases import CASES_FILE, load_cases
    sources = []                       # (name shown, cases): the cases folder's files, then each pack's own
    if cases_dir is not None and Path(cases_dir).is_dir():
        sources += [(f.name, load(f) or []) for f in sorted(Path(cases_dir).glob("*.yaml"))]
    for pack in rb.packs.values():
        if pack.folder is not None and (pack.folder / CASES_FILE).is_file():
            sources.append((relative(pack.folder / CASES_FILE), load_cases(pack.folder)))
    engines: dict = {}
    found = []
    for name, cases in sources:
        for case in cases:
            inp = case.get("input") or {}
            named = set(case.get("rules") or [])
            hit = bool(named & ids)
            if not hit:
                try:
                    pid = inp.get("jurisdiction", "cn")
                    eng = engines.get(pid) or engines.setdefault(pid, Engine(pid, rulebook=rb))
                    command = case.get("command", "decide")
                    run = {"decide": eng.decide_raw, "classify": eng.classify_raw,
                           "interact": eng.interact_raw}[command]
                    ans = json.loads(json.dumps(run(inp), default=str))
                except Exception:  # noqa: BLE001 - a case expecting an error: no trace to read
                    continue
                trace = set(ans.get("trace") or [])
                for it in ans.get("items") or []:
                    trace |= set(it.get("trace") or [])
                hit = bool(trace & ids)
            if hit:
                found.append({"file": name, "name": case.get("name")})
    return found


def render(info: dict) -> str:
    """``explain``'s answer as text for a reader (Chinese first)."""
    lines = []
    for t in info["text"]:
        lines.append(f"{t['label']}（{t['key']}）" + ("" if t["verbatim"] else "〔非原文 / not verbatim〕"))
        lines += [f"  {ln}" for ln in t["text"].splitlines()]
    if "rule" in info:
        r = info["rule"]
        lines.append(f"\n规则 / rule {r['id']}（{r['jurisdiction']} {r['table']}，{r['file']}）：{r['title']}")
    lines.append(f"\n引用它的规则 / rules citing it（{len(info['rules'])}）：")
    for r in info["rules"]:
        extra = []
        if r["exception_to"]:
            extra.append(f"例外于 / exception to {', '.join(r['exception_to'])}")
        if r["absolute"]:
            extra.append("不允许地方例外 / absolute")
        lines.append(f"  [{r['jurisdiction']}] {r['table']} {r['id']}：{r['title']}" + (f"（{'；'.join(extra)}）" if extra else ""))
    if info["parameters"]:
        lines.append("\n参数 / parameters：")
        for p in info["parameters"]:
            how = f"，{p['effect']}/{p['relation']}" if "effect" in p else ""
            lines.append(f"  [{p['jurisdiction']}] {p['name']} 自 {p['from']} = {p['value']}{how}：{p['description']}")
    if info["provisions"]:
        lines.append("\n规则包记录的地方规定 / what the packs' local texts say：")
        for pv in info["provisions"]:
            lines.append(f"  [{pv['jurisdiction']}] {pv['id']}（{pv['status']}）：{pv['summary']}")
    if info["steps"]:
        lines.append("\n期限计算的步骤与提示 / deadline steps and warnings：")
        for s in info["steps"]:
            lines.append(f"  {s['id']}（{s['kind']} {s['name']}）：{s['title']}")
    if info["corresponding"]:
        lines.append("\n另一版本条例中的对应规则 / the other regime's corresponding rules：")
        for r in info["corresponding"]:
            lines.append(f"  {r['table']} {r['id']}（{', '.join(r['basis'])}）：{r['title']}")
    lines.append(f"\n用例 / cases（{len(info['cases'])}）：")
    for c in info["cases"]:
        lines.append(f"  {c['file']}：{c['name']}")
    return "\n".join(lines) + "\n"
