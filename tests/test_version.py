"""``zwgk --version`` prints the package version (issue 10, part 1)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_version_prints_the_package_version_from_version_py():
    # the version as written in src/zwgk_rules/_version.py (the one hatch puts in the wheel's metadata)
    written = re.fullmatch(r'__version__ = "([^"]+)"\n', (ROOT / "src/zwgk_rules/_version.py").read_text())
    assert written is not None
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"zwgk-rules {written.group(1)}\n"
    assert re.fullmatch(r"zwgk-rules \d+\.\d+\.\d+\n", r.stdout)
    assert r.stderr == ""


def test_version_is_listed_in_the_help():
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    assert "--version" in r.stdout and "打印版本号并退出 / print the version and exit" in r.stdout


def test_the_package_exports_the_same_version():
    import zwgk_rules
    from zwgk_rules._version import __version__
    assert zwgk_rules.__version__ is __version__
