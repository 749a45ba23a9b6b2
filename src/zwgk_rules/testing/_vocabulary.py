"""第十四条的类别，不依赖 hypothesis / The article-14 categories, without hypothesis.

Shared by the ``assert_*`` helpers (:mod:`zwgk_rules.testing`, usable without hypothesis) and the
strategies (:mod:`zwgk_rules.testing.strategies`, which need it): one value for both, read from the rule
files (the exemption rules marked ``absolute: true``), never written here.
"""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def article_14_categories() -> tuple[str, ...]:
    """第十四条 ("不予公开", no exception): the categories the 2019 exemption rules marked ``absolute``
    withhold, in the contract's order."""
    from .._check import absolute_categories
    from .._facts import CATEGORIES
    from .._rulebook import default_rulebook
    absolute = absolute_categories(default_rulebook(), "ogi-2019")
    return tuple(c for c in CATEGORIES if c in absolute)
