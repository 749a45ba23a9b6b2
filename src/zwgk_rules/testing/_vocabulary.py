"""第十四条的类别，不依赖 hypothesis / The article-14 categories, without hypothesis.

Shared by the ``assert_*`` helpers (:mod:`zwgk_rules.testing`, usable without hypothesis) and the
strategies (:mod:`zwgk_rules.testing.strategies`, which need it): one definition for both.
"""

# 第十四条 ("不予公开", no exception): must equal the categories the national exemption rules withhold under
# ogi-2019 art. 14 (zwgk_rules._check.article_14_categories; checked by tests/test_testing_toolkit.py)
ARTICLE_14_CATEGORIES = ("state_secret", "prohibited_by_law", "endangers_security")
