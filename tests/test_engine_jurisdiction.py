"""An engine for a pack decides inputs that do not repeat the jurisdiction (issue 10, part 4); an input that
names another pack is an error that says so."""
import pytest

import zwgk_rules
from zwgk_rules import InputError

REQUEST = {"submission": {"channel": "in_person", "submitted_on": "2026-04-30"}, "items": [{}]}
DOCUMENT = {"doc_type": "通知", "title": "关于公证收费标准的通知", "formed_on": "2026-04-30",
            "flags": ["public_interest"]}


@pytest.fixture(scope="module")
def zhongwei():
    return zwgk_rules.Engine("cn-nx-zhongwei-sfj")


def test_a_document_without_jurisdiction_is_classified_under_the_engine_s_pack(zhongwei):
    c = zhongwei.classify(DOCUMENT)
    assert c.jurisdiction == "cn-nx-zhongwei-sfj"
    # 中卫: 15 working days on the 宁夏 calendar: 2026-04-30 -> 05-01..05 off (劳动节), 05-06..08 (3),
    # 05-09 Sat worked (4), 05-11..15 (9), 05-18..22 (14), 05-25 (15)
    assert c.publish_by.isoformat() == "2026-05-25"


def test_a_request_without_jurisdiction_is_decided_under_the_engine_s_pack(zhongwei):
    d = zhongwei.decide(REQUEST)
    assert d.jurisdiction == "cn-nx-zhongwei-sfj"
    assert zhongwei.decide_raw(REQUEST)["jurisdiction"] == "cn-nx-zhongwei-sfj"


@pytest.mark.parametrize("call,inp", [("decide", REQUEST), ("classify", DOCUMENT)])
def test_an_input_naming_another_pack_is_an_error_that_names_both(zhongwei, call, inp):
    with pytest.raises(InputError) as e:
        getattr(zhongwei, call)({**inp, "jurisdiction": "cn"})
    assert e.value.field == "jurisdiction"
    assert "'cn'" in e.value.message and "cn-nx-zhongwei-sfj" in e.value.message


def test_the_national_engine_still_takes_inputs_that_say_cn():
    assert zwgk_rules.Engine().decide({**REQUEST, "jurisdiction": "cn"}).jurisdiction == "cn"
