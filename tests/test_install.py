"""Installing zwgk-rules must not break anything else (issue 8.3), nor need a C compiler (issue 8.8).

The package registers a pytest plugin (``pytest11`` entry point), so every project whose environment
has zwgk-rules installed loads it. Without hypothesis (an extra, not a dependency) that project's pytest
must still run, and the ``assert_*`` helpers of ``zwgk_rules.testing`` must still work.

``scripts/test.sh`` (what the README and CI run on a fresh machine) installs through ``scripts/install.sh``;
where durable-rules (an sdist with a C extension) cannot be built it must install without it.
"""
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PACK = ROOT / "examples" / "packs" / "cn-xx-shili-sfj"


def clean_env(**extra) -> dict:
    """The environment for a process of another venv: nothing of this checkout or of this pytest run."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith(("PYTEST_", "ZWGK_"))}
    env.update(extra)
    return env


def run(args, **kw):
    kw.setdefault("timeout", 600)
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


@pytest.mark.slow
def test_an_unrelated_project_runs_pytest_with_zwgk_rules_installed_and_no_hypothesis(tmp_path, built_wheel):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    env = clean_env()
    r = run([py, "-m", "pip", "install", "-q", built_wheel, "pytest"], env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    r = run([py, "-c", "import hypothesis"], env=env)
    assert r.returncode != 0, "hypothesis must not be installed in this venv (it is not a dependency)"

    project = tmp_path / "project"
    project.mkdir()
    (project / "test_unrelated.py").write_text("def test_ok():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    pytest_cmd = [py, "-m", "pytest", "-p", "no:cacheprovider"]

    r = run([*pytest_cmd, "--help"], cwd=project, env=env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "--zwgk-pack" in r.stdout        # the plugin is loaded (through the entry point), not skipped

    r = run([*pytest_cmd, "-q", "test_unrelated.py"], cwd=project, env=env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "1 passed" in r.stdout

    # an agency's pack given to the plugin: the fixtures work; the strategies' default is just not set
    (project / "test_pack.py").write_text(textwrap.dedent("""
        import sys

        def test_the_fixtures_load_the_pack(zwgk_rulebook, zwgk_engine):
            assert "cn-xx-shili-sfj" in zwgk_rulebook.packs
            assert zwgk_engine("cn-xx-shili-sfj").pack.id == "cn-xx-shili-sfj"
            assert "hypothesis" not in sys.modules
    """), encoding="utf-8")
    r = run([*pytest_cmd, "-q", f"--zwgk-pack={EXAMPLE_PACK}", "test_pack.py"], cwd=project, env=env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "1 passed" in r.stdout

    # the assert_* helpers, shift_receipt, granted_working_days and ARTICLE_14_CATEGORIES, without hypothesis
    script = tmp_path / "helpers.py"
    script.write_text(textwrap.dedent("""
        import sys
        import zwgk_rules
        import zwgk_rules.testing as T

        engine = zwgk_rules.Engine()
        req = {"submission": {"channel": "in_person", "submitted_on": "2026-09-28"},
               "items": [{"description": "某文件"}, {"description": "某项目", "categories": ["state_secret"]}]}
        d = engine.decide(req)
        T.assert_decision_invariants(d, req)
        T.assert_never_discloses_article_14(d, req)
        T.assert_deadline_monotone_in_receipt(engine, req, 7)
        assert T.shift_receipt(req, 1)["submission"]["submitted_on"] == "2026-09-29"
        assert T.granted_working_days(d) == 20
        assert "state_secret" in T.ARTICLE_14_CATEGORIES
        assert "hypothesis" not in sys.modules
        try:
            import zwgk_rules.testing.strategies
        except ImportError as exc:
            print(exc)
        else:
            raise SystemExit("zwgk_rules.testing.strategies imported without hypothesis")
    """), encoding="utf-8")
    r = run([py, script], cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    # importing the strategies says what to install, in both languages
    assert "pip install hypothesis" in r.stdout and "需要" in r.stdout, r.stdout


def test_the_testing_package_and_plugin_import_without_hypothesis():
    """The same, quickly, in this venv with hypothesis made unimportable."""
    code = textwrap.dedent("""
        import sys
        sys.modules["hypothesis"] = None            # import hypothesis → ModuleNotFoundError
        import zwgk_rules.testing as T
        import zwgk_rules.testing.plugin
        from zwgk_rules.testing.cases import load_cases, run_case      # a pack's cases.yaml: no hypothesis
        assert T.ARTICLE_14_CATEGORIES == ("state_secret", "prohibited_by_law", "endangers_security")
        assert callable(T.assert_decision_invariants) and callable(T.shift_receipt)
        try:
            from zwgk_rules.testing import strategies
        except ModuleNotFoundError as exc:
            assert exc.name == "hypothesis", exc.name
            print(exc)
        else:
            raise SystemExit("strategies imported without hypothesis")
    """)
    r = run([sys.executable, "-c", code], env=clean_env(PYTHONPATH=str(ROOT / "src")), timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "pip install hypothesis" in r.stdout and "需要 hypothesis" in r.stdout
    assert 'pip install "zwgk-rules[test]"' in r.stdout


def test_the_strategies_share_the_article_14_categories_of_the_helpers():
    import zwgk_rules.testing as T
    from zwgk_rules.testing import strategies
    assert strategies.ARTICLE_14_CATEGORIES is T.ARTICLE_14_CATEGORIES
    assert T.strategies is strategies


# ---------------------------------------------------------------- issue 8.8: no C compiler

FALLBACK_ZH = "无法构建 durable-rules"
FALLBACK_EN = "the durable-rules second backend could not be built"
DURABLE_TESTS = ["tests/test_durable_backend.py", "tests/test_plan_memo.py::test_the_durable_backend_is_not_memoised",
                 "tests/test_testing_toolkit.py::test_both_backends_agree"]


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info >= (3, 13), reason="the durable extra is not installed on Python 3.13+ anyway")
def test_install_falls_back_to_no_durable_backend_where_c_cannot_be_compiled(tmp_path):
    env_dir = tmp_path / "venv"
    # no compiler: setuptools compiles with $CC; a fresh pip cache, so that no durable-rules wheel built
    # earlier on this machine is reused (its downloads are reused by the fallback install)
    env = clean_env(ZWGK_VENV=str(env_dir), PYTHON=sys.executable, CC="/bin/false", CXX="/bin/false",
                    PIP_CACHE_DIR=str(tmp_path / "pip-cache"))
    r = run(["sh", ROOT / "scripts" / "install.sh"], cwd=tmp_path, env=env, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert FALLBACK_ZH in r.stderr and FALLBACK_EN in r.stderr, r.stderr[-3000:]
    py = env_dir / "bin" / "python"
    env = clean_env()
    r = run([py, "-c", "import zwgk_rules; print(zwgk_rules.Engine().pack.id)"], cwd=tmp_path, env=env)
    assert r.returncode == 0 and r.stdout.strip() == "cn", r.stderr[-2000:]
    r = run([py, "-c", "import durable"], cwd=tmp_path, env=env)
    assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, r.stdout + r.stderr
    # scripts/demo.sh needs no compiler either (its install, -e ., is part of what was just installed)
    r = run(["sh", ROOT / "scripts" / "demo.sh"], cwd=tmp_path,
            env=clean_env(ZWGK_VENV=str(env_dir), CC="/bin/false", CXX="/bin/false",
                          PIP_CACHE_DIR=str(tmp_path / "pip-cache")))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert '"disposition": "disclose"' in r.stdout
    # the suite then runs with the durable tests skipped (not erroring)
    r = run([py, "-m", "pytest", "-p", "no:cacheprovider", "-rs", *DURABLE_TESTS], cwd=ROOT, env=env)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "skipped" in r.stdout and "passed" not in r.stdout and "error" not in r.stdout.lower(), r.stdout[-3000:]
