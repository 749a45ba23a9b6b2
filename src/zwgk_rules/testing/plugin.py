"""pytest plugin: fixtures for testing rule packs with ``zwgk_rules``.

Enable it in your ``conftest.py``::

    (loaded automatically through the pytest11 entry point of the installed package)

Fixtures
--------
``zwgk_rulebook`` (session)
    ``zwgk_rules.Rulebook()``, with the pack folders given by ``--zwgk-pack PATH`` (repeatable) or the
    ini option ``zwgk_packs`` (one path per line, relative to the rootdir). Override the fixture in
    your conftest to load it differently.
``zwgk_engine`` (session)
    A factory: ``zwgk_engine("cn-gz-shaomi")`` → an ``Engine`` over ``zwgk_rulebook``, built once per
    (pack, backend) and shared (engines are immutable and thread-safe). ``backend="durable"`` builds
    the second backend (closed at the end of the session).

The same pack folders become the default rulebook of :mod:`zwgk_rules.testing.strategies`, so that
``st.requests(jurisdiction="cn-xx-my-pack")`` works without ``rulebook=`` (when hypothesis is installed:
this plugin never imports hypothesis otherwise, nor when no pack is given).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("zwgk", "zwgk_rules rule packs")
    group.addoption("--zwgk-pack", action="append", default=[], metavar="PATH",
                    help="load this pack folder (pack.yaml + statutes/) with the bundled rules; repeatable")
    parser.addini("zwgk_packs", "pack folders to load with the bundled rules (one per line)", type="linelist",
                  default=[])


def _pack_paths(config) -> list[Path]:
    root = Path(str(config.rootpath))
    paths = [Path(p) for p in config.getoption("zwgk_pack") or []]
    paths += [root / p for p in config.getini("zwgk_packs") or []]
    return paths


def pytest_configure(config):
    # Every project whose environment has zwgk-rules installed loads this plugin, most of them without
    # hypothesis (an extra): import it only to give the strategies their default rulebook, i.e. when a
    # pack is given and hypothesis is there to use them. (No strategies without hypothesis, so no default.)
    paths = _pack_paths(config)
    if paths and importlib.util.find_spec("hypothesis") is not None:
        from . import strategies
        strategies.set_default_rulebook(packs=paths)


@pytest.fixture(scope="session")
def zwgk_rulebook(pytestconfig):
    """The rules (bundled, plus any ``--zwgk-pack`` / ``zwgk_packs`` folders), loaded once per session."""
    import zwgk_rules
    paths = _pack_paths(pytestconfig)
    if not paths:
        from zwgk_rules._rulebook import default_rulebook
        return default_rulebook()
    return zwgk_rules.Rulebook(packs=paths)


@pytest.fixture(scope="session")
def zwgk_engine(zwgk_rulebook):
    """``zwgk_engine(pack="cn", backend="python")`` → a cached ``Engine`` for that pack."""
    import zwgk_rules
    cache: dict = {}

    def make(pack: str = "cn", backend: str = "python"):
        key = (pack, backend)
        e = cache.get(key)
        if e is None:
            e = cache[key] = zwgk_rules.Engine(pack, rulebook=zwgk_rulebook, backend=backend)
        return e

    yield make
    for e in cache.values():
        oracle = getattr(e, "_oracle", None)
        if oracle is not None and hasattr(oracle, "close"):
            oracle.close()
