import zwgk_rules

PINNED = [
    "Applicant", "CaseState", "Classification", "Document", "Forwarded", "Message", "MessageRouting", "Notice", "Period", "ReviewStep", "CalendarError", "CitationError", "CitationOut", "Consultation", "Correction", "Deadline",
    "DeadlineStep", "Decision", "DisclosureRequest", "Docket", "Engine", "Excessive", "Extension", "InputError", "Item",
    "ItemDecision", "RuleConflictError", "RuleFileError", "Rulebook", "Submission", "ThirdParty",
    "UnsupportedInputError", "ZwgkError", "__version__", "json_schema",
    "read_document",
]


def test_all_is_pinned():
    assert sorted(zwgk_rules.__all__) == sorted(PINNED)
    for name in zwgk_rules.__all__:
        assert hasattr(zwgk_rules, name)


def test_modules_behind_the_api_are_private():
    """Only the documented public subpackage `zwgk_rules.testing` (hypothesis toolkit) and module
    `zwgk_rules.dask` (docs/dask.md) are not private."""
    import pkgutil
    public = [m.name for m in pkgutil.iter_modules(zwgk_rules.__path__) if not m.name.startswith("_")]
    assert sorted(public) == ["dask", "testing"]


def test_the_dask_module_is_small_and_imports_without_dask():
    import subprocess
    import sys
    code = ("import sys; sys.modules['dask'] = None; sys.modules['distributed'] = None; "
            "import zwgk_rules.dask as d; print(sorted(d.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['Answered', 'answer_file']"


def test_exception_tree():
    Z = zwgk_rules
    assert issubclass(Z.CitationError, Z.RuleFileError) and issubclass(Z.RuleFileError, Z.ZwgkError)
    assert issubclass(Z.UnsupportedInputError, Z.InputError) and issubclass(Z.InputError, ValueError)
    for e in (Z.CalendarError, Z.RuleConflictError, Z.InputError):
        assert issubclass(e, Z.ZwgkError)


def test_every_public_name_resolves_and_is_listed():
    import importlib
    mod = importlib.reload(zwgk_rules)
    assert set(dir(mod)) >= set(mod.__all__)
    for name in mod.__all__:
        assert getattr(mod, name) is not None
