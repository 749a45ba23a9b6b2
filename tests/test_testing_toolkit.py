"""zwgk_rules.testing: the public hypothesis toolkit, used over every bundled pack.

The strategies, invariant helpers and pytest fixtures that other projects use to test their own packs
(docs/testing.md), exercised here on the bundled rules: every pack, ≥100 examples each.
"""
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as hs
from hypothesis.errors import InvalidArgument

import zwgk_rules
from zwgk_rules import testing as T
from zwgk_rules.testing import strategies as st

pytest_plugins = ["pytester"]   # zwgk_rules.testing.plugin is loaded by its pytest11 entry point

RB = zwgk_rules.Rulebook()
PACKS = sorted(RB.packs, key=lambda p: (p != "cn", p))
ENGINES = {p: zwgk_rules.Engine(p, rulebook=RB) for p in PACKS}
INTERACTION = [p for p in PACKS if RB.packs[p].spec is not None and RB.packs[p].spec.interaction is not None]
EXAMPLE_PACK = Path(__file__).resolve().parents[1] / "examples" / "packs" / "cn-xx-shili-sfj"

S = settings(max_examples=100, deadline=None, database=None,
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
# hypothesis.find keeps the last value that satisfied the condition; the "explain" phase (on by default)
# tries variants after shrinking, so leave it out to get the shrunk example back
FIND = settings(max_examples=2000, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
                suppress_health_check=[HealthCheck.too_slow])


def _decide(pack, req):
    try:
        return ENGINES[pack].decide(req)
    except zwgk_rules.ZwgkError as exc:     # a valid input must never raise: report it with the input
        pytest.fail(f"{type(exc).__name__}: {exc} for {req}")


# ---------------------------------------------------------------- vocabulary

def test_strategy_vocabularies_match_the_contract():
    from zwgk_rules import _facts
    assert st.CATEGORIES == _facts.CATEGORIES
    assert st.CHANNELS == _facts.CHANNELS
    assert st.NATURES == _facts.NATURES
    assert st.APPLICANT_KINDS == _facts.APPLICANT_KINDS
    assert sorted(st.DOC_TYPES) == sorted(_facts.DOC_TYPES)
    assert st.DOC_FLAGS == _facts.DOC_FLAGS
    assert T.ARTICLE_14_CATEGORIES == st.ARTICLE_14_CATEGORIES


# ---------------------------------------------------------------- decide, every pack

@pytest.mark.parametrize("pack", PACKS)
@S
@given(data=hs.data())
def test_every_valid_request_gets_a_decision_that_keeps_the_invariants(pack, data):
    req = data.draw(st.requests(jurisdiction=pack))
    zwgk_rules.DisclosureRequest.model_validate(req)
    d = _decide(pack, req)
    T.assert_decision_invariants(d, req, rulebook=RB)
    T.assert_never_discloses_article_14(d, req)
    if pack != "cn":
        national = _decide("cn", {**req, "jurisdiction": "cn"})
        T.assert_not_later_than_national(d, national, rulebook=RB)


def _claim_everything(req: dict) -> dict:
    """Every item reviewed as 第十四条 information, not severable, with every reason to disclose it
    claimed: the third party consents, disclosure is in the public interest and a law requires it."""
    old = RB.regime_for(st.received_on(req["submission"])).id == "ogi-2008"
    cats = ["state_secret", "endangers_security"] if old else list(st.ARTICLE_14_CATEGORIES)
    for k, it in enumerate(req["items"]):
        it["categories"] = list(dict.fromkeys([cats[k % len(cats)], *(it.get("categories") or [])]))
        it["severable"] = False
        it["disclosure_required_by_law"] = True
        it["third_party"] = {"consent": True, "public_interest_override": True}
    return req


@pytest.mark.parametrize("pack", PACKS)
@S
@given(data=hs.data())
def test_article_14_is_never_disclosed_even_with_consent_and_no_severability(pack, data):
    req = data.draw(st.requests(jurisdiction=pack).map(_claim_everything))
    d = _decide(pack, req)
    T.assert_decision_invariants(d, req, rulebook=RB)
    T.assert_never_discloses_article_14(d, req)
    for it, out in zip(req["items"], d.items):
        if not it.get("proactively_published"):
            assert out.disposition not in ("disclose", "partial"), (req, out)


@pytest.mark.parametrize("regime", ["ogi-2008", "ogi-2019"])
@S
@given(data=hs.data())
def test_a_regime_can_be_asked_for_and_never_raises_unsupported(regime, data):
    pack = data.draw(st.packs())
    req = data.draw(st.requests(jurisdiction=pack, regime=regime))
    d = _decide(pack, req)
    assert d.regime == regime
    T.assert_decision_invariants(d, req, rulebook=RB)


@pytest.mark.parametrize("pack", PACKS)
@settings(S, max_examples=60)
@given(data=hs.data())
def test_deadlines_are_monotone_in_receipt_date_and_consultation_time(pack, data):
    req = data.draw(st.requests(jurisdiction=pack, received_between=(dt.date(2008, 5, 1), dt.date(2026, 12, 31))))
    T.assert_deadline_monotone_in_receipt(ENGINES[pack], req, data.draw(hs.integers(0, 400)))
    T.assert_deadline_monotone_in_consultation(
        ENGINES[pack], req, data.draw(st.consultations(after=st.received_on(req["submission"]))))


@pytest.mark.parametrize("pack", PACKS)
@settings(S, max_examples=40)
@given(data=hs.data())
def test_both_backends_agree(pack, data, zwgk_engine):
    pytest.importorskip("durable")
    req = data.draw(st.requests(jurisdiction=pack))
    T.assert_backends_agree(zwgk_engine(pack), zwgk_engine(pack, backend="durable"), req)


# ---------------------------------------------------------------- classify and interact

@pytest.mark.parametrize("pack", PACKS)
@S
@given(data=hs.data())
def test_documents_classify_without_error_and_keep_the_invariants(pack, data):
    doc = data.draw(st.documents(jurisdiction=pack))
    zwgk_rules.Document.model_validate(doc)
    c = ENGINES[pack].classify(doc)
    T.assert_classification_invariants(c, doc, rulebook=RB)


@pytest.mark.parametrize("pack", INTERACTION)
@S
@given(data=hs.data())
def test_messages_are_routed(pack, data):
    msg = data.draw(st.messages(pack))
    T.assert_routing_invariants(ENGINES[pack].interact(msg), msg)


def test_some_bundled_pack_has_interaction_rules():
    assert "cn-gz-shaomi" in INTERACTION


def test_messages_for_a_pack_without_interaction_rules_is_an_error():
    with pytest.raises(InvalidArgument, match="interaction"):
        find(st.messages("cn"), lambda m: True)


# ---------------------------------------------------------------- what the strategies reach

def _collect(strategy, n=400):
    out = []

    @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate], derandomize=True)
    @given(strategy)
    def run(x):
        out.append(x)
    run()
    return out


def test_strategies_produce_every_channel_both_regimes_and_special_receipt_days():
    reasons = {d: i.reason for d, i in RB.calendars["cn"]._overrides.items()}
    seen = {"channel": set(), "regime": set(), "reason": set(), "old_reason": set()}
    for r in _collect(st.requests()):
        sub = r["submission"]
        field = {"in_person": "submitted_on", "post": "signed_on"}.get(sub["channel"], "confirmed_on")
        assert set(sub) == {"channel", "submitted_on", field}
        received = st.received_on(sub)
        assert dt.date(2008, 5, 1) <= received <= dt.date(2027, 12, 31)
        d = ENGINES["cn"].decide(r)
        assert d.deadline.received_on == received
        seen["channel"].add(sub["channel"])
        seen["regime"].add(d.regime)
        seen["reason"].add(reasons.get(received, "plain"))
        if d.regime == "ogi-2008":
            seen["old_reason"].add(reasons.get(received, "plain"))
    assert seen["channel"] == set(st.CHANNELS)
    assert seen["regime"] == {"ogi-2008", "ogi-2019"}
    natures = {r.get("nature", "information") for r in _collect(st.requests(regime="ogi-2019"), 200)}
    assert natures == set(st.NATURES)
    assert {"holiday", "makeup_workday", "plain"} <= seen["reason"]
    assert {"holiday", "makeup_workday"} <= seen["old_reason"]


def test_regional_packs_reach_their_regional_days():
    for pack in ("cn-nx-zhongwei-sfj", "cn-gx-hengxian-sfj"):
        cal = RB.calendars[RB.packs[pack].calendar]
        regional = {d for d, i in cal._overrides.items() if i.reason.startswith("regional")}
        assert regional
        got = [r for r in _collect(st.requests(jurisdiction=pack, regime="ogi-2019"), 300)
               if st.received_on(r["submission"]) in regional]
        assert got, pack


def test_both_regimes_are_drawn_in_proportion():
    seen = {"ogi-2008": 0, "ogi-2019": 0}

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(st.requests())
    def count(r):
        seen[RB.regime_for(st.received_on(r["submission"])).id] += 1
    count()
    assert seen["ogi-2008"] >= 60 and seen["ogi-2019"] >= 60, seen


def test_special_days_come_from_the_calendar_files():
    days = st.special_days("cn")
    cal = RB.calendars["cn"]
    assert dt.date(2024, 2, 4) in days and dt.date(2024, 2, 10) in days     # 春节 makeup day and first day off
    assert dt.date(2024, 2, 9) in days and dt.date(2024, 2, 18) in days     # the working days around the block
    assert dt.date(2019, 5, 14) in days and dt.date(2019, 5, 15) in days    # the 2019 revision took effect
    assert dt.date(2023, 12, 29) in days                                     # last working day of 2023
    assert all(cal.start <= d <= cal.end for d in days)
    assert st.special_days("cn") == days
    assert st._special_kinds("cn", None) is st._special_kinds("cn", None)     # read once, cached


def test_submissions_items_consultations_and_corrections_validate():
    @settings(max_examples=150, deadline=None, database=None)
    @given(st.submissions(), st.items(), st.consultations(after=dt.date(2020, 1, 2)),
           st.corrections(after=dt.date(2020, 1, 2)))
    def check(sub, item, cons, corr):
        s = zwgk_rules.Submission.model_validate(sub)
        assert dt.date(2008, 5, 1) <= st.received_on(sub) <= dt.date(2027, 12, 31)
        if s.channel == "post":
            assert s.signed_on >= s.submitted_on and s.confirmed_on is None
        elif s.channel != "in_person":
            assert s.confirmed_on >= s.submitted_on and s.signed_on is None
        zwgk_rules.Item.model_validate(item)
        assert zwgk_rules.Consultation.model_validate(cons).sent_on >= dt.date(2020, 1, 2)
        assert zwgk_rules.Correction.model_validate(corr).notified_on >= dt.date(2020, 1, 2)
    check()


def test_options_restrict_what_is_drawn():
    @settings(max_examples=60, deadline=None, database=None)
    @given(st.submissions(channels=["post"], received_between=(dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
           st.items(categories=["trade_secret"], with_third_party=False))
    def check(sub, item):
        assert sub["channel"] == "post" and st.received_on(sub).year == 2024
        assert set(item.get("categories", [])) <= {"trade_secret"} and "third_party" not in item
    check()
    with pytest.raises(InvalidArgument):
        st.submissions(channels=["pigeon"])
    with pytest.raises(InvalidArgument, match="unknown jurisdiction"):
        find(st.requests(jurisdiction="cn-nowhere"), lambda r: True)


def test_packs_strategy_lists_the_bundled_packs():
    assert find(st.packs(), lambda p: True, settings=FIND) == "cn"
    for p in PACKS:
        assert find(st.jurisdictions(), lambda x: x == p, settings=FIND) == p
    assert find(st.packs(with_interaction=True), lambda p: True, settings=FIND) in INTERACTION


# ---------------------------------------------------------------- shrinking

def test_shrinking_gives_the_simplest_request():
    r = find(st.requests(), lambda r: True, settings=FIND)
    assert r == {"jurisdiction": "cn", "submission": {"channel": "in_person", "submitted_on": "2019-05-15"},
                 "items": [{"description": "某文件"}]}


def test_shrinking_a_failure_gives_a_readable_example():
    r = find(st.requests(jurisdiction="cn-gz-shaomi"),
             lambda r: any("state_secret" in (i.get("categories") or []) for i in r["items"]), settings=FIND)
    assert r["submission"] == {"channel": "in_person", "submitted_on": "2019-05-15"}
    assert len(r["items"]) == 1 and r["items"][0]["categories"] == ["state_secret"]
    assert set(r["items"][0]) <= {"description", "categories", "third_party"}   # nothing else left over
    assert set(r) == {"jurisdiction", "submission", "items"}
    d = find(st.documents(), lambda d: True, settings=FIND)
    # the first 文种 of the contract's list (党政机关公文处理工作条例 order, zwgk_rules._facts.DOC_TYPES), formed on
    # the first day a regulation applies to documents (the 2008 regulation's)
    assert d == {"jurisdiction": "cn", "doc_type": "决议", "title": "关于某事项的决议", "formed_on": "2008-05-01"}


# ---------------------------------------------------------------- an agency's own pack

def test_an_agencys_own_pack_with_rulebook_option():
    rb = zwgk_rules.Rulebook(packs=[EXAMPLE_PACK])
    pid = EXAMPLE_PACK.name
    engine = zwgk_rules.Engine(pid, rulebook=rb)

    @settings(max_examples=60, deadline=None, database=None)
    @given(st.requests(jurisdiction=pid, rulebook=rb), st.documents(jurisdiction=pid, rulebook=rb))
    def check(req, doc):
        d = engine.decide(req)
        T.assert_decision_invariants(d, req, rulebook=rb)
        T.assert_never_discloses_article_14(d, req)
        T.assert_classification_invariants(engine.classify(doc), doc, rulebook=rb)
    check()


def test_the_default_rulebook_can_be_set_for_own_packs():
    try:
        st.set_default_rulebook(packs=[EXAMPLE_PACK])
        r = find(st.requests(jurisdiction=EXAMPLE_PACK.name), lambda r: True, settings=FIND)
        assert r["jurisdiction"] == EXAMPLE_PACK.name
    finally:
        st.set_default_rulebook()


# ---------------------------------------------------------------- the helpers catch what they should

def _simple(**item):
    return {"jurisdiction": "cn", "submission": {"channel": "in_person", "submitted_on": "2026-09-28"},
            "items": [{"description": "某文件", **item}]}


def test_article_14_helper_rejects_a_disclosed_state_secret():
    req = _simple(categories=["state_secret"], third_party={"consent": True})
    d = ENGINES["cn"].decide(_simple()).model_dump()          # a 'disclose' decision, paired with a secret
    with pytest.raises(AssertionError, match="第十四条"):
        T.assert_never_discloses_article_14(d, req)
    T.assert_never_discloses_article_14(ENGINES["cn"].decide(req), req)
    severable = _simple(categories=["state_secret"], severable=True)
    assert ENGINES["cn"].decide(severable).disposition == "partial"
    T.assert_never_discloses_article_14(ENGINES["cn"].decide(severable), severable)


def test_article_14_prevails_over_an_earlier_publication():
    """第十四条 is absolute: an item reviewed as a state secret is withheld even if it was published."""
    req = _simple(categories=["state_secret"], proactively_published=True)
    d = ENGINES["cn"].decide(req)
    assert d.items[0].disposition == "withhold.state_secret"
    T.assert_never_discloses_article_14(d, req)
    # and the helper does catch a decision that discloses it
    bad = d.model_dump()
    bad["items"][0]["disposition"] = "disclose"
    with pytest.raises(AssertionError):
        T.assert_never_discloses_article_14(bad, req)


def test_decision_helper_rejects_a_broken_decision():
    req = _simple()
    raw = ENGINES["cn"].decide(req).model_dump()
    T.assert_decision_invariants(raw, req)
    for broken in ({**raw, "disposition": "maybe"}, {**raw, "items": []}, {**raw, "final": False},
                   {**raw, "deadline": {**raw["deadline"], "due": raw["deadline"]["received_on"]}},
                   {**raw, "basis": [{**raw["basis"][0], "text": ""}]}):
        with pytest.raises(AssertionError):
            T.assert_decision_invariants(broken, req)


def test_not_later_than_national_compares_working_days():
    req = _simple()
    nat = ENGINES["cn"].decide(req)
    nx = ENGINES["cn-nx-zhongwei-sfj"].decide({**req, "jurisdiction": "cn-nx-zhongwei-sfj"})
    assert T.granted_working_days(nat) == 20 and T.granted_working_days(nat, due="extended_due") == 40
    T.assert_not_later_than_national(nx, nat)
    with pytest.raises(AssertionError):
        T.assert_not_later_than_national(nat, ENGINES["cn"].decide(
            {**req, "submission": {"channel": "in_person", "submitted_on": "2026-09-01"}}))


# ---------------------------------------------------------------- plugin fixtures

def test_plugin_fixtures(zwgk_rulebook, zwgk_engine):
    assert set(zwgk_rulebook.packs) == set(PACKS)
    e = zwgk_engine("cn-gz-shaomi")
    assert e is zwgk_engine("cn-gz-shaomi") and e.pack.id == "cn-gz-shaomi"
    assert zwgk_engine().pack.id == "cn"


def test_plugin_loads_an_agencys_own_pack_from_the_command_line(pytester):
    """What docs/testing.md tells an agency to do: a conftest line and ``--zwgk-pack``."""
    # the plugin is registered by the installed package's pytest11 entry point: no conftest line needed
    pytester.makepyfile(test_own_pack="""
        from hypothesis import given, settings
        from zwgk_rules.testing import strategies as st, assert_decision_invariants, assert_never_discloses_article_14

        def test_rulebook_has_the_pack(zwgk_rulebook):
            assert "cn-xx-shili-sfj" in zwgk_rulebook.packs

        @settings(max_examples=20, deadline=None)
        @given(st.requests(jurisdiction="cn-xx-shili-sfj"))
        def test_invariants(zwgk_engine, request):
            d = zwgk_engine("cn-xx-shili-sfj").decide(request)
            assert_decision_invariants(d, request, rulebook=zwgk_engine("cn-xx-shili-sfj").rulebook)
            assert_never_discloses_article_14(d, request)
    """)
    try:
        result = pytester.runpytest(f"--zwgk-pack={EXAMPLE_PACK}", "-p", "no:cacheprovider")
    finally:
        st.set_default_rulebook()
    result.assert_outcomes(passed=2)


# ---------------------------------------------------------------- a pack's literal cases (cases.yaml)

def test_an_agencys_own_pack_folder_runs_its_cases_with_the_plugin(pytester):
    """What docs/testing.md tells an agency to do with its pack's cases.yaml: parametrize over load_cases,
    run each with run_case over the plugin's rulebook (the pack given by --zwgk-pack)."""
    pytester.makepyfile(test_own_cases=f"""
        import pytest
        from zwgk_rules.testing.cases import load_cases, run_case

        @pytest.mark.parametrize("case", load_cases({str(EXAMPLE_PACK)!r}), ids=lambda c: c["name"])
        def test_case(zwgk_rulebook, case):
            assert not run_case(case, rulebook=zwgk_rulebook)
    """)
    try:
        result = pytester.runpytest(f"--zwgk-pack={EXAMPLE_PACK}", "-p", "no:cacheprovider")
    finally:
        st.set_default_rulebook()
    result.assert_outcomes(passed=4)


def test_pack_cases_lists_the_cases_of_every_pack_folder():
    from zwgk_rules.testing.cases import pack_cases
    rb = zwgk_rules.Rulebook(packs=[EXAMPLE_PACK])
    found = pack_cases(rb)
    mine = [c["name"] for pid, c in found if pid == "cn-xx-shili-sfj"]
    assert mine == ["示例县主动公开期限为10个工作日（跨劳动节，5月9日周六调休上班计入）", "规则包生效前形成的公文仍按国家20个工作日",
                    "涉及民族宗教事务的公文在分管领导审定前报县民族宗教事务局审核", "长于条例的答复期限只记录，决定仍按国家20个工作日"]
    # every bundled pack brings its own cases
    assert {pid for pid, _ in found} == {"cn-gx-hengxian-sfj", "cn-gz-shaomi", "cn-nx-zhongwei-sfj",
                                         "cn-yn-longling-sfj", "cn-xx-shili-sfj"}


def test_a_case_that_is_wrong_says_what_differs():
    from zwgk_rules.testing.cases import run_case
    rb = zwgk_rules.Rulebook(packs=[EXAMPLE_PACK])
    case = {"name": "错误的期望", "command": "classify",
            "input": {"jurisdiction": "cn-xx-shili-sfj", "title": "关于调整某收费标准的通告", "formed_on": "2026-04-30",
                      "flags": ["public_interest"]},
            "expect": {"publish_by": dt.date(2026, 5, 19), "basis": ["cn-xx-shili-sfj:4"]}}
    assert run_case(case, rulebook=rb) == [
        "publish_by: expected '2026-05-19', got '2026-05-18'",
        "basis lacks ['cn-xx-shili-sfj:4']: ['cn-xx-shili-sfj:3', 'cn-xx-shili-sfj:5', 'ogi-2019:17', 'ogi-2019:19']"]
    # an input error is an answer too: the case says which field it expects
    bad = {"name": "未知规则包", "input": {"jurisdiction": "cn-xx-nope", "submission": {}, "items": [{}]},
           "expect": {"error": True, "error_field": "jurisdiction"}}
    assert run_case(bad, rulebook=rb) == []


@pytest.mark.parametrize("text,field", [
    ("name: x\n", "(root)"),
    ("- just a string\n", "0"),
    ("- {input: {}, expect: {}}\n", "0.name"),
    ("- {name: a, input: {}, expect: {}}\n- {name: a, input: {}, expect: {}}\n", "1.name"),
    ("- {name: a, command: decde, input: {}, expect: {}}\n", "0.command"),
    ("- {name: a, input: [], expect: {}}\n", "0.input"),
    ("- {name: a, input: {}, expect: {}, expected: {}}\n", "0.expected"),
    ("- {name: a, input: {}, expect: {}, rules: x}\n", "0.rules"),
    ("- &a {name: a, input: {}, expect: {}}\n- *a\n", "yaml"),
])
def test_a_broken_cases_file_is_one_rule_file_error_naming_the_field(tmp_path, text, field):
    from zwgk_rules.testing.cases import load_cases
    (tmp_path / "cases.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(zwgk_rules.RuleFileError) as info:
        load_cases(tmp_path)
    assert info.value.field == field and info.value.file == str(tmp_path / "cases.yaml"), info.value.message


def test_a_cases_file_leading_outside_the_pack_folder_is_not_read(tmp_path):
    from zwgk_rules.testing.cases import load_cases
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("- {name: a, input: {}, expect: {}}\n", encoding="utf-8")
    folder = tmp_path / "cn-xx-pack"
    folder.mkdir()
    (folder / "cases.yaml").symlink_to(outside)
    with pytest.raises(zwgk_rules.RuleFileError) as info:
        load_cases(folder)
    assert info.value.field == "file" and "outside" in info.value.message


def test_article_14_categories_match_the_rule_files():
    from zwgk_rules._check import article_14_categories
    assert set(st.ARTICLE_14_CATEGORIES) == article_14_categories(zwgk_rules.Rulebook())


def test_granted_working_days_leaves_out_consultation_days_after_the_due_date():
    """Found by hypothesis: a consultation sent on the national due date is excluded only from the
    extension, while on 宁夏's calendar (开斋节 2017) it falls inside the reply period. Both agencies were
    given the 2008 regulation's 15 working days, and 15 more (第二十四条)."""
    req = {"submission": {"channel": "in_person", "submitted_on": "2017-06-24"},
           "consultations": [{"party": "third_party", "sent_on": "2017-07-14"}], "items": [{"description": "某文件"}]}
    nat = ENGINES["cn"].decide(req)
    nx = ENGINES["cn-nx-zhongwei-sfj"].decide({**req, "jurisdiction": "cn-nx-zhongwei-sfj"})
    assert nat.deadline.due < nx.deadline.due           # the national period ended before the consultation
    for d in (nat, nx):
        assert T.granted_working_days(d, rulebook=RB) == 15
        assert T.granted_working_days(d, rulebook=RB, due="extended_due") == 30
    T.assert_not_later_than_national(nx, nat, rulebook=RB)


def test_an_agreed_date_is_compared_as_a_date_not_as_working_days():
    """Found by hypothesis: under 第三十五条 the date agreed with the applicant replaces both deadlines. On
    广西's calendar (壮族三月三 2021: 4月14–16日放假, 4月18日(日)上班) the days up to it count differently
    from the national calendar, but both agencies answer by the same agreed date."""
    req = {"submission": {"channel": "in_person", "submitted_on": "2021-04-15"},
           "excessive": {"reason_reasonable": True, "agreed_due": "2021-04-18"},
           "consultations": [{"party": "third_party", "sent_on": "2021-04-15", "replied_on": "2021-04-16"}],
           "items": [{"description": "某文件"}]}
    nat = ENGINES["cn"].decide(req)
    gx = ENGINES["cn-gx-hengxian-sfj"].decide({**req, "jurisdiction": "cn-gx-hengxian-sfj"})
    assert nat.deadline.due.isoformat() == gx.deadline.due.isoformat() == "2021-04-18"
    T.assert_not_later_than_national(gx, nat, rulebook=RB)
