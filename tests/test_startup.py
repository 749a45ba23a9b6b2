"""What a fresh ``zwgk decide`` of one line loads (issue 12, start-up measured as a user meets it).

Start-up is measured in ``benchmarks/bench_cli.py`` (wall time) and docs/benchmarks.md (instruction
counts); these tests only pin what must stay out of a process that decides: the models of the rule files
read on first use (``_schema_ondemand``), the typed outputs and the report writers.
"""
import ast
import json
import subprocess
import sys

import pytest

LINE = {"id": "s1", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
        "items": [{"description": "x", "categories": ["internal_affairs"]}]}

PROBE = """
import atexit, sys
def _loaded():
    from pydantic import BaseModel
    def every(c):
        for s in c.__subclasses__():
            yield s.__name__
            yield from every(s)
    print(sorted(m for m in sys.modules if m.startswith("zwgk_rules.")), sorted(set(every(BaseModel))), file=sys.stderr)
atexit.register(_loaded)
from zwgk_rules._cli import main
sys.exit(main(sys.argv[1:]))
"""


def _run(command: str, line: dict, tmp_path) -> tuple[dict, list, list]:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", PROBE, command, str(path)], capture_output=True, text=True,
                          timeout=120, check=True)
    modules, models = done.stderr.strip().splitlines()[-1].split("] [")
    return json.loads(done.stdout), ast.literal_eval(modules + "]"), ast.literal_eval("[" + models)


def test_a_one_line_decide_builds_none_of_the_rule_file_models_read_on_first_use(tmp_path):
    answer, modules, models = _run("decide", LINE, tmp_path)
    assert answer["disposition"] == "withhold.internal_affairs"     # 第十六条第一款
    assert answer["deadline"]["due"] == "2026-03-30"      # 20 working days from 2026-03-03 (art. 33(1))
    for lazy in ("zwgk_rules._schema_ondemand", "zwgk_rules._outputs", "zwgk_rules._reportout",
                 "zwgk_rules._case", "zwgk_rules._notice", "zwgk_rules._report", "zwgk_rules._documents"):
        assert lazy not in modules
    for model in ("CaseFile", "FeeFile", "ReportFile", "NoticeFile", "RemedyFile", "LayoutFile", "MarksFile"):
        assert model not in models
    assert {"DisclosureRequest", "TableFile", "PackFile"} <= set(models)


def test_a_notice_reads_its_rule_files_through_the_on_demand_models():
    # the other side of the split: the notice rules are still validated, on first use
    from zwgk_rules import Rulebook
    from zwgk_rules._notice import NoticeRules
    from zwgk_rules._schema_ondemand import NoticeFile, RemedyFile
    rules = NoticeRules(Rulebook())
    assert isinstance(rules.spec, NoticeFile) and isinstance(rules.remedy, RemedyFile)


def test_loading_the_rules_leaves_the_garbage_collector_as_it_found_it():
    import gc
    from zwgk_rules import Rulebook
    from zwgk_rules._gc import paused
    assert gc.isenabled()
    Rulebook()
    assert gc.isenabled()
    gc.disable()
    try:
        Rulebook()
        assert not gc.isenabled()           # a caller who turned it off keeps it off
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    try:
        with paused():
            assert not gc.isenabled()
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()                   # restored on the way out of an error too


GC_PROBE = """
import gc, json, sys
seen = []
def watch(phase, info):
    if phase == "start":
        seen.append(len(gc.get_objects(info["generation"])))
gc.callbacks.append(watch)
from zwgk_rules._start import main
code = main(sys.argv[1:])
print(json.dumps(seen), file=sys.stderr)
sys.exit(code)
"""


def test_the_zwgk_command_keeps_its_modules_out_of_the_collectors_scans(tmp_path):
    # the modules the command imports (pydantic's classes among them: tens of thousands of objects) live as long as
    # the process; left in the young generation, the first collection after start-up scanned them all (34,167
    # objects, 17-28 ms of a one-line decide). ``_start`` freezes them (gc.freeze) once imported.
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(LINE) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", GC_PROBE, "decide", str(path)], capture_output=True, text=True,
                          timeout=120, check=True)
    assert json.loads(done.stdout)["disposition"] == "withhold.internal_affairs"
    scanned = json.loads(done.stderr.strip().splitlines()[-1])
    assert max(scanned, default=0) < 5000


# ---------------------------------------------------------------- pydantic's plugin search (``_plugins``)

PLUGIN_PROBE = """
import json, sys
from zwgk_rules._plugins import plugins_declared
declared = plugins_declared()
from zwgk_rules._start import main
code = main(sys.argv[1:])
print(json.dumps([declared, "importlib.metadata" in sys.modules, type(sys.modules["pydantic.plugin._loader"]).__name__,
                  getattr(sys.modules["pydantic.plugin._loader"], "__file__", None) is None]), file=sys.stderr)
sys.exit(code)
"""

FAKE_PLUGIN = '''
import sys

import pytest

class Plugin:
    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        print("PLUGIN-CALLED", schema_type.__name__, file=sys.stderr)
        return None, None, None

plugin = Plugin()
'''


def _probe(tmp_path, env_path=None):
    import os
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(LINE) + "\n", encoding="utf-8")
    env = dict(os.environ)
    if env_path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(env_path), *filter(None, [env.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-c", PLUGIN_PROBE, "decide", str(path)], capture_output=True, text=True,
                          timeout=120, check=True, env=env)
    assert json.loads(done.stdout)["disposition"] == "withhold.internal_affairs"
    return done.stderr


def test_where_no_pydantic_plugin_is_installed_the_command_does_not_search_for_one(tmp_path):
    # (in the subprocess: this one may have imported dask, whose importlib_metadata adds a finder of its own)
    stderr = _probe(tmp_path)
    declared, metadata_imported, kind, stand_in = json.loads(stderr.strip().splitlines()[-1])
    assert not declared, "a distribution in this environment declares a pydantic plugin"
    assert (metadata_imported, stand_in) == (False, True)


def test_an_installed_pydantic_plugin_is_still_loaded_and_called_by_the_command(tmp_path):
    site = tmp_path / "site"
    (site / "fakeplug-1.0.dist-info").mkdir(parents=True)
    (site / "fakeplug-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplug\nVersion: 1.0\n")
    (site / "fakeplug-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nfake = fakeplug:plugin\n")
    (site / "fakeplug.py").write_text(FAKE_PLUGIN)
    stderr = _probe(tmp_path, site)
    assert "PLUGIN-CALLED DisclosureRequest" in stderr
    declared, metadata_imported, kind, stand_in = json.loads(stderr.strip().splitlines()[-1])
    assert (declared, metadata_imported, stand_in) == (True, True, False)       # pydantic's own loader did the search


def test_plugins_are_looked_for_in_each_distributions_entry_points(tmp_path, monkeypatch):
    from importlib.machinery import PathFinder
    from zwgk_rules._plugins import plugins_declared
    monkeypatch.setattr(sys, "meta_path", [PathFinder])     # as in a fresh command (dask adds a finder of its own)
    site = tmp_path / "site"
    (site / "other-2.0.dist-info").mkdir(parents=True)
    (site / "other-2.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\nother = other:main\n"
                                                                   "[pytest11]\npydantic = x:y\n")
    (site / "bare-1.0.dist-info").mkdir()                             # no entry points at all
    (site / "old-0.1.egg-info").write_text("Name: old\n")             # an .egg-info file, not a folder
    assert plugins_declared([str(site), str(tmp_path / "missing")]) is False
    (site / "old-0.2.egg-info").mkdir()
    (site / "old-0.2.egg-info" / "entry_points.txt").write_text("[pydantic]\nold = old:plugin\n")
    assert plugins_declared([str(site)]) is True


def test_what_cannot_be_looked_into_counts_as_a_plugin(tmp_path, monkeypatch):
    from zwgk_rules._plugins import plugins_declared
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    assert plugins_declared([str(archive)]) is True               # a zip on the path: its metadata is not read

    class Hook:                                                   # an import hook listing distributions of its own
        def find_spec(self, *a):
            return None

        def find_distributions(self, *a):
            return []
    from importlib.machinery import PathFinder
    monkeypatch.setattr(sys, "meta_path", [PathFinder])
    assert plugins_declared([]) is False
    monkeypatch.setattr(sys, "meta_path", [Hook(), PathFinder])
    assert plugins_declared([]) is True


STAND_IN_PROBE = """
import sys

import pytest
from zwgk_rules._plugins import defer_plugin_search
assert defer_plugin_search() is True
from pydantic.plugin._loader import get_plugins
assert tuple(get_plugins()) == ()
from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP     # any other name: pydantic's own module
print(PYDANTIC_ENTRY_POINT_GROUP, "importlib.metadata" in sys.modules)
"""


def test_the_stand_in_hands_any_other_name_to_pydantics_own_loader():
    done = subprocess.run([sys.executable, "-c", STAND_IN_PROBE], capture_output=True, text=True, timeout=120,
                          check=True)
    assert done.stdout.split() == ["pydantic", "True"]


# ---------------------------------------------------------------- only the command asked for is built

def _full_parser():
    """Every command's parser, as ``main`` built them all before (the reference for the tests below)."""
    from zwgk_rules._cli import _parser
    return _parser(None)


@pytest.mark.parametrize("command", ["decide", "classify", "case", "notice", "report", "docket", "interact", "check",
                                     "test", "explain", "doc", "serve", "schema"])
def test_a_commands_help_and_usage_errors_are_those_of_the_full_parser(command, capsys, monkeypatch):
    from zwgk_rules._cli import main
    monkeypatch.setenv("COLUMNS", "100")
    for argv in ([command, "--help"], [command, "--no-such-option"]):
        with pytest.raises(SystemExit) as one:
            main(argv)
        mine = capsys.readouterr()
        with pytest.raises(SystemExit) as full:
            _full_parser().parse_args(argv)
        assert (one.value.code, mine.out, mine.err) == (full.value.code, *capsys.readouterr())
        assert mine.out or mine.err


def test_without_a_command_or_with_an_unknown_one_every_command_is_listed(capsys):
    from zwgk_rules._cli import main
    assert main([]) == 2
    assert "{decide,classify,case,notice,report,docket,interact,check,test,explain,doc,serve,schema}" in \
        capsys.readouterr().err.replace("\n", "").replace(" ", "")
    with pytest.raises(SystemExit) as info:
        main(["decid", "x"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'decid'" in err and "'schema'" in err and "'decide'" in err
