"""Dependencies only what is imported; extras for what is optional (issue 10, part 1)."""
import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: import name -> distribution name, where they differ
DISTRIBUTION = {"yaml": "pyyaml", "durable": "durable-rules", "durable_rules_engine": "durable-rules",
                "dateutil": "python-dateutil", "chinese_calendar": "chinesecalendar",
                "docx": "python-docx", "pydantic_core": "pydantic-core", "python_multipart": "python-multipart"}


def _name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower().replace("_", "-")


def imported_by(folder: Path) -> dict[str, set[str]]:
    """Third-party modules imported (``import x`` / ``from x import``, or ``importlib.import_module("x")``)
    anywhere under ``folder``, as distribution names, with the files importing them."""
    out: dict[str, set[str]] = {}
    local = {p.stem for p in folder.rglob("*.py")} | {p.stem for p in (ROOT / "benchmarks").glob("*.py")}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module"
                  and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names = [node.args[0].value]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "zwgk_rules" or top in local or not top:
                    continue
                out.setdefault(DISTRIBUTION.get(top, top).lower(), set()).add(path.relative_to(ROOT).as_posix())
    return out


def test_the_dependencies_are_what_the_package_imports_and_nothing_else():
    deps = [_name(r) for r in PYPROJECT["project"]["dependencies"]]
    assert deps == ["pydantic", "pydantic-core", "pyyaml", "msgspec"]
    assert "python-dateutil" not in deps          # a dependency nothing imported (issue 10)
    imported = imported_by(ROOT / "src" / "zwgk_rules")
    for dep in deps:
        assert dep in imported, f"{dep} is a dependency but nothing in src/ imports it"


def test_whatever_the_package_imports_is_a_dependency_or_in_an_extra():
    deps = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {name: {_name(r) for r in reqs} for name, reqs in PYPROJECT["project"]["optional-dependencies"].items()}
    for module, files in imported_by(ROOT / "src" / "zwgk_rules").items():
        where = [name for name, reqs in extras.items() if module in reqs]
        assert module in deps or where, f"{module} (imported by {sorted(files)}) is neither a dependency nor in an extra"


def test_the_test_extra_has_what_the_tests_import_and_the_build_tools_are_apart():
    extras = {name: [_name(r) for r in reqs] for name, reqs in PYPROJECT["project"]["optional-dependencies"].items()}
    assert extras["test"] == ["openpyxl", "rich", "pytest", "hypothesis", "holidays", "chinesecalendar", "jsonschema",
                              "mypy", "python-docx", "fastapi", "uvicorn", "python-multipart", "httpx", "schemathesis", "playwright",
                              "dask", "pypdf", "reportlab", "msgspec"]
    assert extras["dev"] == ["build", "hatchling"]
    assert extras["xlsx"] == ["openpyxl"] and extras["table"] == ["rich"] and extras["docx"] == ["python-docx"]
    assert extras["durable"] == ["durable-rules"]
    assert extras["pdf"] == ["pypdf"]
    assert extras["fast"] == ["msgspec"]
    assert extras["bench"] == ["orjson"]          # the benchmarks' I/O floor (benchmarks/bench_cli.py)
    assert extras["server"] == ["fastapi", "uvicorn", "python-multipart"]
    assert extras["dask"] == ["dask"] and PYPROJECT["project"]["optional-dependencies"]["dask"][0].startswith(
        "dask[distributed]")
    deps = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for module, files in imported_by(ROOT / "tests").items():
        if module == "durable-rules":          # the optional backend's tests skip without it
            continue
        assert module in deps or module in extras["test"], f"{module} (imported by {sorted(files)}) is not in the test extra"
