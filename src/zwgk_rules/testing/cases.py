"""Literal cases / 字面用例：a pack's ``cases.yaml``, run against the engine.

A pack folder may hold ``cases.yaml`` beside ``pack.yaml`` and ``statutes/``: a YAML list of cases, each
named by a sentence and with literal expectations (dates counted by hand)::

    - name: 勺米镇政策咨询类留言3个工作日内答复（跨国庆节）
      command: interact                 # decide (default) | classify | interact | case
      input: {jurisdiction: cn-gz-shaomi, kind: policy_question, received_on: 2026-09-28}
      expect: {due: 2026-10-08, office: 科宣中心, basis: ["cn-gz-shaomi-hudong:3"]}
      rules: [...]                      # optional: rule ids the case exercises

The bundled packs' cases (``rules/packs/<id>/cases.yaml``) are run by the library's own tests; a pack
of your own is run the same way (docs/testing.md)::

    import pytest
    from zwgk_rules.testing.cases import load_cases, run_case

    @pytest.mark.parametrize("case", load_cases("my-pack"), ids=lambda c: c["name"])
    def test_case(zwgk_rulebook, case):
        assert not run_case(case, rulebook=zwgk_rulebook)

``expect`` holds dotted paths into the answer (``deadline.due``, ``review.0.step``) with the expected
value, plus: ``basis: [regulation:article, …]`` (each among the answer's citations, items' included),
``trace_contains: [rule id, …]``, ``error: true`` (with ``error_field``), and as a value
``{$contains: [...]}``, ``{$has: {k: v}}``, ``{$lacks: [...]}``, ``{$absent: true}`` — the vocabulary of
the shared acceptance runner. Nothing here needs hypothesis.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

__all__ = ["CASES_FILE", "load_cases", "pack_cases", "answer", "check", "run_case"]

#: the name of a pack's cases file, beside its ``pack.yaml``
CASES_FILE = "cases.yaml"

_COMMANDS = ("decide", "classify", "interact", "case", "notice")


def load_cases(path) -> list[dict]:
    """The cases of a pack folder (its ``cases.yaml``) or of one cases file, checked: a list of mappings,
    each with a ``name``, an ``input`` and an ``expect`` mapping (``command`` one of decide, classify,
    interact). Read as strictly as a rule file (size, nesting, no tags or aliases); a pack folder's file
    may not lead outside the folder. A problem is one ``RuleFileError`` naming the file and the field."""
    from .._errors import RuleFileError
    from .._resources import contained, relative
    from .._yaml import load
    path = Path(path)
    if path.is_dir():
        folder, path = path, path / CASES_FILE
        if not path.is_file():
            raise RuleFileError(f"规则包目录中没有 {CASES_FILE} / no {CASES_FILE} in the pack folder", file=str(folder),
                                field="file")
        real = contained(path, folder)
    else:
        real = path
    rel = relative(path)
    data = load(real, file=rel)
    if not isinstance(data, list):
        raise RuleFileError("用例文件须为列表（每项一个用例）/ a cases file is a list of cases", file=rel, field="(root)")
    names: set = set()
    for k, case in enumerate(data):
        if not isinstance(case, dict):
            raise RuleFileError("每个用例须为映射 / a case is a mapping", file=rel, field=str(k))
        extra = set(case) - {"name", "command", "input", "expect", "rules"}
        if extra:
            raise RuleFileError(f"用例中不认识的字段 {sorted(extra)} / unknown fields", file=rel, field=f"{k}.{sorted(extra)[0]}")
        if not isinstance(case.get("name"), str) or not case["name"]:
            raise RuleFileError("用例须有名称（一句话）/ a case needs a name", file=rel, field=f"{k}.name")
        if case["name"] in names:
            raise RuleFileError(f"用例名称重复 {case['name']!r} / duplicate case name", file=rel, field=f"{k}.name")
        names.add(case["name"])
        if case.get("command", "decide") not in _COMMANDS:
            raise RuleFileError(f"command 须为 {'、'.join(_COMMANDS)} 之一", file=rel, field=f"{k}.command")
        for key in ("input", "expect"):
            if not isinstance(case.get(key), dict):
                raise RuleFileError(f"用例的 {key} 须为映射 / {key} is a mapping", file=rel, field=f"{k}.{key}")
        rules = case.get("rules", [])
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise RuleFileError("rules 须为规则编号的列表 / rules is a list of rule ids", file=rel, field=f"{k}.rules")
    return data


def pack_cases(rulebook=None) -> list[tuple[str, dict]]:
    """``(pack id, case)`` for every case of every pack of ``rulebook`` (default: the bundled rules) whose
    folder holds a ``cases.yaml``, in pack order."""
    from .._rulebook import default_rulebook
    rb = rulebook if rulebook is not None else default_rulebook()
    out = []
    for pid, pack in rb.packs.items():
        if pack.folder is not None and (pack.folder / CASES_FILE).is_file():
            out += [(pid, case) for case in load_cases(pack.folder)]
    return out


def _jsonable(o):
    if isinstance(o, dict):
        return {k: _jsonable(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_jsonable(v) for v in o]
    if isinstance(o, dt.date):
        return o.isoformat()
    return o


_ENGINES: dict = {}


def _engine(rb, pack):
    from .._engine import Engine
    if not isinstance(pack, str):
        return Engine(pack, rulebook=rb)      # refused there, with the usual error
    key = (id(rb), pack)
    hit = _ENGINES.get(key)
    if hit is None or hit[0] is not rb:
        if len(_ENGINES) > 64:
            _ENGINES.clear()
        hit = _ENGINES[key] = (rb, Engine(pack, rulebook=rb))
    return hit[1]


def answer(inp: dict, command: str = "decide", *, rulebook=None, engine=None) -> dict:
    """The answer to one input as JSON data (dates as ``YYYY-MM-DD``), or ``{"error": {"message", "field"}}``
    — what the command line prints for it. The engine is ``engine`` when it is for the input's
    ``jurisdiction``, else one over ``rulebook`` (default: ``engine``'s, or the bundled rules)."""
    from .._errors import ZwgkError
    inp = _jsonable(inp)
    try:
        pack = inp.get("jurisdiction", "cn")
        if engine is None or engine.pack.id != pack:
            if rulebook is None:
                from .._rulebook import default_rulebook
                rulebook = engine.rulebook if engine is not None else default_rulebook()
            engine = _engine(rulebook, pack)
        run = {"decide": engine.decide_raw, "classify": engine.classify_raw, "interact": engine.interact_raw,
               "case": engine.case_raw, "notice": engine.notice_raw}[command]
        return json.loads(json.dumps(run(inp), default=lambda d: d.isoformat()))
    except ZwgkError as exc:
        return {"error": {"message": exc.message, "field": exc.field}}


# ---------------------------------------------------------------- expectations

def dig(obj, path: str):
    for part in path.split("."):
        if isinstance(obj, dict) and part in obj:
            obj = obj[part]
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return None
    return obj


def _norm(v):
    return v.isoformat() if isinstance(v, dt.date) else v


def cited(ans: dict) -> set:
    """``regulation:article`` of every citation of the answer and of its items."""
    out = set()
    for b in list(ans.get("basis") or []) + [b for it in ans.get("items") or [] for b in it.get("basis") or []]:
        out.add(f"{b['regulation']}:{b['article']}")
    return out


def check(ans: dict, expect: dict) -> list[str]:
    """What in ``ans`` does not meet ``expect`` (empty when it does), one sentence per problem."""
    problems = []
    if expect.get("error"):
        if "error" not in ans:
            return [f"expected an error, got {ans.get('disposition')}"]
        if "error_field" in expect and ans["error"].get("field") != expect["error_field"]:
            problems.append(f"error field {ans['error'].get('field')!r} != {expect['error_field']!r}")
        return problems
    if "error" in ans:
        return [f"unexpected error {ans['error']}"]
    for key, want in expect.items():
        if key == "basis":
            missing = [w for w in want if w not in cited(ans)]
            if missing:
                problems.append(f"basis lacks {missing}: {sorted(cited(ans))}")
            continue
        if key == "trace_contains":
            missing = [w for w in want if w not in ans["trace"]]
            if missing:
                problems.append(f"trace lacks {missing}: {ans['trace']}")
            continue
        got = dig(ans, key)
        if isinstance(want, dict) and "$contains" in want:
            if not isinstance(got, list) or any(w not in got for w in want["$contains"]):
                problems.append(f"{key}: {got!r} does not contain {want['$contains']}")
        elif isinstance(want, dict) and "$has" in want:
            if not isinstance(got, list) or not any(
                    isinstance(el, dict) and all(el.get(k) == _norm(v) for k, v in want["$has"].items()) for el in got):
                problems.append(f"{key}: no element matching {want['$has']}")
        elif isinstance(want, dict) and "$lacks" in want:
            if any(w in (got or []) for w in want["$lacks"]):
                problems.append(f"{key}: {got!r} contains one of {want['$lacks']}")
        elif isinstance(want, dict) and "$text" in want:
            missing = [w for w in want["$text"] if not isinstance(got, str) or w not in got]
            if missing:
                problems.append(f"{key}: text lacks {missing}")
        elif isinstance(want, dict) and "$absent" in want:
            if got not in (None, [], ""):
                problems.append(f"{key}: expected absent, got {got!r}")
        elif _norm(got) != _norm(want):
            problems.append(f"{key}: expected {_norm(want)!r}, got {_norm(got)!r}")
    return problems


def run_case(case: dict, *, rulebook=None, engine=None) -> list[str]:
    """The problems of one case (empty when its answer meets its expectations)."""
    return check(answer(case["input"], case.get("command", "decide"), rulebook=rulebook, engine=engine),
                 case["expect"])
