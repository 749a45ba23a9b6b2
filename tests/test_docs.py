"""Every snippet of the README and docs/ runs (issue 10, part 1), so that the examples cannot rot.

* ```` ```python ```` blocks: the blocks of one page run in order in one namespace (like a doctest session:
  a later block may use what an earlier one defined). A function a block defines whose name starts with
  ``test_`` and that takes no argument (a hypothesis ``@given`` test, say) is called too. An exception
  fails the page's test with its traceback pointing at the line of the Markdown file.
* ```` ```sh ```` blocks: every line that runs ``zwgk`` (or ``python -m zwgk_rules``) is run, on the bundled
  rules, and must exit 0 (or the status its comment gives as ``exit N``) with no traceback. A line that is a synopsis rather than a command (it has
  ``…``, ``[optional]`` parts or placeholders in capitals such as ``FILE``) is not run; nor is any other
  command (``pip install``, ``sh scripts/test.sh``: the install tests run those).
* A block that is deliberately partial (a fragment using names the page does not define) is marked by the
  HTML comment ``<!-- not-run: why -->`` on the line before its fence; the reason is required.

Snippets run in a folder laid out as a reader's would be: ``examples/`` (the repository's), the example
files at its top (``request.json``, ``requests.jsonl``, ``documents.jsonl``, ``messages.jsonl``), the
example pack as ``packs/cn-xx-shili-sfj/`` (an agency's pack folder is named by its id), and an empty ``docs/``.
"""
from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.S | re.M)
NOT_RUN = re.compile(r"<!--\s*not-run\b(?P<why>[^>]*)-->")
SHELL = {"sh", "bash", "shell", "console"}
#: a synopsis, not a command: "…", "[--json]", "FILE|-", "PACK_DIR", "N", "decide|classify"
SYNOPSIS = re.compile(r"…|\[|\b[A-Z][A-Z_]{2,}\b|\s[A-Z]\b|\w\|\w")
#: the exit status a command's comment announces: "… exit 1"
EXIT = re.compile(r"#.*\bexit (\d+)")


class Block:
    def __init__(self, page: Path, line: int, lang: str, body: str, marker: str | None) -> None:
        self.page, self.line, self.lang, self.body, self.marker = page, line, lang, body, marker

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1               # the fence's line
        before = text[:m.start()].rstrip().rpartition("\n")[2]
        marker = NOT_RUN.search(before)
        body = m.group("body")
        if m.group("indent"):
            body = "\n".join(ln[len(m.group("indent")):] for ln in body.split("\n"))
        out.append(Block(page, line, m.group("lang"), body, marker.group("why") if marker else None))
    return out


def python_pages() -> list[Path]:
    return [p for p in PAGES if any(b.lang == "python" for b in blocks(p))]


def shell_commands() -> list:
    out = []
    for page in PAGES:
        for b in blocks(page):
            if b.lang not in SHELL or b.marker is not None:
                continue
            for k, raw in enumerate(b.body.split("\n")):
                cmd = re.sub(r"\s+#.*$", "", raw).strip()
                status = EXIT.search(raw)
                if cmd.startswith("$ "):
                    cmd = cmd[2:]
                if not cmd.startswith(("zwgk ", "python -m zwgk_rules ")) or SYNOPSIS.search(cmd):
                    continue
                line = b.line + 1 + k
                out.append(pytest.param(b, line, cmd, int(status.group(1)) if status else 0,
                                        id=f"{b.page.relative_to(ROOT)}:{line}: {cmd}"))
    return out


@pytest.fixture()
def reader_folder(tmp_path, monkeypatch):
    """A folder laid out as a reader's: the examples at hand, the example pack in ``packs/``."""
    ex = ROOT / "examples"
    shutil.copytree(ex, tmp_path / "examples")
    for name in ("request.json", "requests.jsonl", "documents.jsonl", "messages.jsonl"):
        shutil.copy(ex / name, tmp_path / name)
    shutil.copytree(ex / "packs" / "cn-xx-shili-sfj", tmp_path / "packs" / "cn-xx-shili-sfj")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    # a snippet's own subprocesses (python -m zwgk_rules) run this checkout, wherever the folder is
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    return tmp_path


def test_the_pages_have_snippets_to_run():
    """The collection below finds what it should (a broken fence pattern would silently test nothing)."""
    names = {p.relative_to(ROOT).as_posix() for p in python_pages()}
    assert {"README.md", "docs/index.md", "docs/classify.md", "docs/testing.md", "docs/authoring-packs.md", "docs/cli.md",
            } <= names
    commands = {p.values[2] for p in shell_commands()}
    assert {"zwgk decide request.json", "zwgk decide - < requests.jsonl", "zwgk classify documents.jsonl",
            "zwgk interact messages.jsonl", "zwgk schema decide input", "zwgk --version"} <= commands
    # synopsis lines are recognised as such
    assert not SYNOPSIS.search("zwgk decide request.json --explain")
    assert SYNOPSIS.search("zwgk decide   FILE|-   [--explain]") and SYNOPSIS.search("python -m zwgk_rules decide …")
    assert SYNOPSIS.search("zwgk schema   decide|classify|interact")
    assert {p.id: p.values[3] for p in shell_commands()}[
        "docs/check.md:5: zwgk check examples/packs/cn-xx-shili-sfj/"] == 1


def test_every_not_run_marker_says_why():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in NOT_RUN.finditer(text):
            assert m.group("why").strip(" :"), f"{page.relative_to(ROOT)}: <!-- not-run: … --> needs a reason"


@pytest.mark.parametrize("page", python_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_python_snippets_run(page, reader_folder):
    namespace: dict = {"__name__": "__doc_snippet__"}
    ran, called = 0, []
    for b in blocks(page):
        if b.lang != "python" or b.marker is not None:
            continue
        before = set(namespace)
        # padded with newlines so that a traceback names the line of the Markdown file
        code = compile("\n" * b.line + b.body, str(page), "exec")
        exec(code, namespace)
        ran += 1
        for name in sorted(set(namespace) - before):
            fn = namespace[name]
            if name.startswith("test_") and callable(fn) and not any(
                    p.default is p.empty for p in inspect.signature(fn).parameters.values()):
                fn()
                called.append(name)
    assert ran, f"{page}: every python block is marked not-run"
    if page.name == "testing.md":       # the page's tests are run, not just defined
        assert called == ["test_one_request", "test_no_state_secret_is_ever_disclosed", "test_my_documents",
                          "test_my_pack", "test_article_14_even_with_consent", "test_monotone",
                          "test_not_longer_than_national"]


@pytest.mark.parametrize("block,line,cmd,status", shell_commands())
def test_shell_commands_run(block, line, cmd, status, reader_folder):
    env = dict(os.environ)          # PYTHONPATH set by reader_folder
    script = f'zwgk() {{ "{sys.executable}" -m zwgk_rules "$@"; }}\n' + cmd.replace(
        "python -m zwgk_rules ", f'"{sys.executable}" -m zwgk_rules ', 1)
    r = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=300, env=env,
                       cwd=reader_folder, stdin=subprocess.DEVNULL)
    where = f"{block.page.relative_to(ROOT)}:{line}: {cmd}"
    assert "Traceback" not in r.stderr, where + "\n" + r.stderr[-3000:]
    assert r.returncode == status, f"{where}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    assert r.stdout.strip(), f"{where}: printed nothing"
