"""The law lives in rules/: no Python module of the package holds a date, a period, or a legal code.

This reads every module of ``src/zwgk_rules`` (the testing toolkit included) as a syntax tree and
reports, with file and line:

* a date written in code: ``date(2019, 5, 15)`` or a string ``"2019-05-15"``;
* a number of days given to the calendar: ``add_working_days(d, 20)``, ``timedelta(days=15)``,
  ``cal.nth(rank + 7)`` — any integer other than 0 and 1 in a day count;
* a code of the law's vocabulary written out: a category, a channel, a nature, an applicant kind, a
  文种, a document flag, a disposition code, a disclosure attribute or an action of a decision table. The vocabulary has exactly one
  home, ``_facts.py`` (the contract's input domains); dispositions and attributes are defined by the rule
  files (``dispositions.yaml``, ``classify/attribute.yaml``) and read from them.

Only ``_facts.py`` may spell the vocabulary. The rest must read it from there or from the rules. The
allowances below are each a word that happens to coincide with a code, or a spread of generated test
inputs, not law; each is named with its reason.
"""
import ast
import re
from pathlib import Path

import yaml

import zwgk_rules
from zwgk_rules import _facts

SRC = Path(zwgk_rules.__file__).parent
RULES = Path(__file__).resolve().parents[1] / "rules"
VOCABULARY_HOME = {"_facts.py"}
ALLOWED = {
    # --explain's reason code for a skipped day ("consultation"), which coincides with the document flag
    ("_deadline.py", "code", "consultation"),
    # the contract's `case` next step "await_correction" (CONTRACT.md), the same word as the request table's action
    ("_case.py", "code", "await_correction"),
    ("_schema_ondemand.py", "code", "await_correction"),
}
#: dates that are not law: day 0 of Excel's two date systems (1900 and 1904), for reading and writing the
#: date cells of spreadsheets (issue 10)
FILE_FORMAT_DATES = {("_tabular.py", (1899, 12, 30)), ("_tabular.py", (1904, 1, 1)), ("_xlsx.py", (1899, 12, 30))}
#: modules whose day counts are spreads of generated test inputs (how late a reply may come, how far
#: apart dates are drawn), not periods of the law
GENERATORS = {"testing/strategies.py"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DAY_FUNCS = {"add_working_days", "nth", "timedelta"}


def _vocabulary() -> set[str]:
    words = set(_facts.CATEGORIES) | set(_facts.CHANNELS) | set(_facts.NATURES) | set(_facts.APPLICANT_KINDS)
    words |= set(_facts.DOC_TYPES) | set(_facts.DOC_FLAGS)
    disp = yaml.safe_load((RULES / "national" / "dispositions.yaml").read_text(encoding="utf-8"))
    words |= {c["code"] for c in disp["codes"]}
    attr = yaml.safe_load((RULES / "national" / "classify" / "attribute.yaml").read_text(encoding="utf-8"))
    words |= set(attr["outputs"])
    # the actions the decision tables give (request_correction, notify_third_party…): defined by the rules
    for f in (RULES / "national").rglob("*.yaml"):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        for r in (doc.get("rules") or []) if isinstance(doc, dict) else []:
            words |= set(((r.get("then") or {}).get("actions")) or [])
    return words


def _findings(path: Path, vocabulary: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(SRC)
    out = []
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if ISO.match(node.value):
                out.append(f"{rel}:{node.lineno}: a date in code: {node.value!r}")
            elif (node.value in vocabulary and path.name not in VOCABULARY_HOME
                  and (str(rel), "code", node.value) not in ALLOWED):
                out.append(f"{rel}:{node.lineno}: a code of the law written out: {node.value!r}")
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if (name == "date" and len(node.args) == 3 and all(isinstance(a, ast.Constant) for a in node.args)
                    and (str(rel), tuple(a.value for a in node.args)) not in FILE_FORMAT_DATES):
                out.append(f"{rel}:{node.lineno}: a date in code: date{tuple(a.value for a in node.args)}")
            if name in DAY_FUNCS and str(rel) not in GENERATORS:
                for sub in [*node.args, *(k.value for k in node.keywords)]:
                    for c in ast.walk(sub):
                        if isinstance(c, ast.Constant) and type(c.value) is int and c.value not in (0, 1):
                            out.append(f"{rel}:{node.lineno}: a number of days in code: {name}(… {c.value} …)")
    return out


def test_no_date_period_or_legal_code_is_written_in_python():
    vocabulary = _vocabulary()
    found = [f for path in sorted(SRC.rglob("*.py")) for f in _findings(path, vocabulary)]
    assert not found, "\n".join(found)


def test_the_guard_sees_what_it_guards_against(tmp_path):
    """The scan is real: each kind of leak, planted in a module, is reported."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "import datetime as dt\n"
        "START = dt.date(2019, 5, 15)\n"
        "END = '2019-05-14'\n"
        "def due(cal, d):\n"
        "    return cal.add_working_days(d, 20)\n"
        "def later(d):\n"
        "    return d + dt.timedelta(days=15)\n"
        "def secret(item):\n"
        "    return 'state_secret' in item.categories\n"
        "def asks(result):\n"
        "    return 'request_correction' in result.actions\n", encoding="utf-8")
    found = _findings_at(planted)
    assert len(found) == 6, found


def _findings_at(path):
    global SRC
    saved = SRC
    try:
        SRC = path.parent
        return _findings(path, _vocabulary())
    finally:
        SRC = saved
