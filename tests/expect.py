"""Checking an answer against literal expectations (the acceptance runner's vocabulary, plus
``$lacks``, ``trace_contains`` and ``error_field``)."""
import datetime as dt


def dig(obj, path):
    for part in path.split("."):
        if isinstance(obj, dict) and part in obj:
            obj = obj[part]
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return None
    return obj


def norm(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def cited(answer):
    out = set()
    for b in list(answer.get("basis") or []) + [b for it in answer.get("items") or [] for b in it.get("basis") or []]:
        out.add(f"{b['regulation']}:{b['article']}")
    return out


def check(answer, expect):
    problems = []
    if expect.get("error"):
        if "error" not in answer:
            return [f"expected an error, got {answer.get('disposition')}"]
        if "error_field" in expect and answer["error"].get("field") != expect["error_field"]:
            problems.append(f"error field {answer['error'].get('field')!r} != {expect['error_field']!r}")
        return problems
    if "error" in answer:
        return [f"unexpected error {answer['error']}"]
    for key, want in expect.items():
        if key == "basis":
            missing = [w for w in want if w not in cited(answer)]
            if missing:
                problems.append(f"basis lacks {missing}: {sorted(cited(answer))}")
            continue
        if key == "trace_contains":
            missing = [w for w in want if w not in answer["trace"]]
            if missing:
                problems.append(f"trace lacks {missing}: {answer['trace']}")
            continue
        got = dig(answer, key)
        if isinstance(want, dict) and "$contains" in want:
            if not isinstance(got, list) or any(w not in got for w in want["$contains"]):
                problems.append(f"{key}: {got!r} does not contain {want['$contains']}")
        elif isinstance(want, dict) and "$has" in want:
            if not isinstance(got, list) or not any(
                    isinstance(el, dict) and all(el.get(k) == v for k, v in want["$has"].items()) for el in got):
                problems.append(f"{key}: no element matching {want['$has']}")
        elif isinstance(want, dict) and "$lacks" in want:
            if any(w in (got or []) for w in want["$lacks"]):
                problems.append(f"{key}: {got!r} contains one of {want['$lacks']}")
        elif isinstance(want, dict) and "$absent" in want:
            if got not in (None, [], ""):
                problems.append(f"{key}: expected absent, got {got!r}")
        elif norm(got) != norm(want):
            problems.append(f"{key}: expected {norm(want)!r}, got {norm(got)!r}")
    return problems
