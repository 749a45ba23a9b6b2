"""The command line's parse step (issue 12, part 2): the JSON validator taken straight from pydantic-core
(``_Decider.reader``) and the generated key counter of the duplicate-key check (``_cli._key_counter``).

Both must change nothing: the same models (values and fields set) and the same errors as
``model_validate_json``, and a key count equal to the keys the JSON line really has."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from strategies import requests
from zwgk_rules import _cli
from zwgk_rules._answers import validation_error
from zwgk_rules._limits import MAX_CONSULTATIONS, MAX_ITEMS, MAX_TEXT
from zwgk_rules._models import DisclosureRequest, Document, Message


def keys_in(text: str) -> int:
    """The keys of every JSON object in ``text``, duplicates included (the reference count)."""
    n = 0

    def hook(pairs):
        nonlocal n
        n += len(pairs)
        return dict(pairs)

    json.loads(text, object_pairs_hook=hook)
    return n


def corrupt(req: dict, how: str, where: int) -> dict:
    """``req`` spoilt one way (each of these must be refused by the validator)."""
    req = json.loads(json.dumps(req))
    items = req.get("items") or [{}]
    req["items"] = items
    item = items[where % len(items)]
    if how == "wrong_type":
        item["exists"] = "no"
    elif how == "bad_date":
        req["submission"]["submitted_on"] = ["2026-02-30", "2026-13-01", "20260301", "2026-03-01T00:00:00"][where % 4]
    elif how == "unknown_field":
        item["catgories"] = []
    elif how == "long_text":
        item["description"] = "字" * (MAX_TEXT + 1)
    elif how == "long_list":
        req["items"] = [{}] * (MAX_ITEMS + 1)
    elif how == "many_consultations":
        req["consultations"] = [{"party": "agency", "sent_on": "2026-03-02"}] * (MAX_CONSULTATIONS + 1)
    elif how == "null_required":
        req["submission"] = None
    elif how == "bad_code":
        item["categories"] = ["no_such_category"]
    elif how == "order":
        req["correction"] = {"notified_on": "2026-03-10", "due_on": "2026-03-01"}
    return req


HOW = ["wrong_type", "bad_date", "unknown_field", "long_text", "long_list", "many_consultations", "null_required",
       "bad_code", "order"]


def same(model, line: bytes):
    """The reader gives what ``model_validate_json`` gives: the same model and fields sets, or the same errors."""
    read = _cli._Decider(command="decide").reader(model)
    try:
        want = model.model_validate_json(line)
    except ValidationError as exc:
        with pytest.raises(ValidationError) as got:
            read(line)
        assert got.value.errors(include_context=False) == exc.errors(include_context=False)
        assert str(got.value) == str(exc)
        mine, theirs = validation_error(got.value), validation_error(exc)    # the one error line's text
        assert (mine.message, mine.field) == (theirs.message, theirs.field)
        return None
    got = read(line)
    assert got == want and got.__class__ is want.__class__
    assert _fields_sets(got) == _fields_sets(want)
    return got


def _fields_sets(model) -> list:
    out = [sorted(model.__pydantic_fields_set__)]
    for v in model.__dict__.values():
        for x in (v if isinstance(v, tuple) else (v,)):
            if hasattr(x, "__pydantic_fields_set__"):
                out.append(_fields_sets(x))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(req=requests(), sep=st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : ")]),
       how=st.sampled_from([None, *HOW]), where=st.integers(0, 7), explicit_nulls=st.booleans())
def test_the_reader_and_the_key_count_agree_with_pydantic_and_the_json(req, sep, how, where, explicit_nulls):
    if explicit_nulls:
        req = {**req, "correction": None, "excessive": None, "extension": None}
    if how is not None:
        req = corrupt(req, how, where)
    text = json.dumps(req, ensure_ascii=False, separators=sep)
    model = same(DisclosureRequest, text.encode())
    if how is None:
        assert model is not None
    if model is not None:
        n = keys_in(text)
        assert _cli._fields_given(model) == _cli._walk_fields(model) == n
        assert _cli._key_counter(DisclosureRequest)(model) == n
        # the line's colons are its keys (no colon inside a string here): the fast check passes it
        assert _cli._keys_match_fields(text.encode(), model) == (text.count(":") == keys_in(text))


def test_the_key_count_of_every_nested_model_is_its_keys_given():
    line = ('{"submission": {"channel": "post", "submitted_on": "2026-03-02", "signed_on": "2026-03-04"}, '
            '"applicant": {"kind": "enterprise"}, "correction": {"notified_on": "2026-03-05", "due_on": "2026-03-20",'
            ' "received_on": null}, "excessive": {"reason_reasonable": true}, "consultations": [{"party": "agency", '
            '"sent_on": "2026-03-06"}, {"party": "third_party", "sent_on": "2026-03-06", "replied_on": "2026-03-09"}],'
            ' "extension": {"approved_on": "2026-03-25"}, "items": [{"third_party": {"consent": "no_reply"}}, '
            '{"categories": ["state_secret", "state_secret"]}, {}]}')
    model = DisclosureRequest.model_validate_json(line)
    assert _cli._key_counter(DisclosureRequest)(model) == _cli._walk_fields(model) == 24
    # top 7 + submission 3 + applicant 1 + correction 3 + excessive 1 + consultations 2 + 3 + extension 1
    # + items (1 + consent 1) + 1 + 0
    assert _cli._fields_given(model) == 7 + 3 + 1 + 3 + 1 + 5 + 1 + 2 + 1 + 0 == 24 == keys_in(line)
    assert _cli._fields_given(DisclosureRequest.model_validate_json(
        '{"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "nature": "petition"}')) == 4
    doc = Document.model_validate_json('{"formed_on": "2026-03-02", "forwards": {"attribute": null}, "flags": []}')
    assert _cli._fields_given(doc) == _cli._key_counter(Document)(doc) == 4
    assert _cli._fields_given(Message.model_validate_json('{"kind": "咨询", "received_on": "2026-03-02"}')) == 2


def test_the_counter_is_made_after_the_first_models_of_a_class():
    from zwgk_rules._models import Extension
    _cli._KEY_COUNTERS.pop(Extension, None)
    _cli._KEY_COUNTERS_DUE.pop(Extension, None)
    ext = Extension.model_validate_json('{"approved_on": "2026-03-02"}')
    for _ in range(_cli._COUNT_AFTER):
        assert _cli._fields_given(ext) == 1
    assert Extension not in _cli._KEY_COUNTERS
    assert _cli._fields_given(ext) == 1
    assert Extension in _cli._KEY_COUNTERS


@pytest.mark.parametrize("line", [
    b'{"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}], "items": [{}]}',
    b'{"submission": {"channel": "in_person", "submitted_on": "2026-03-02", "channel": "fax"}, "items": [{}]}',
    b'{"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, '
    b'"items": [{"third_party": {"consent": true, "consent": false}}]}',
])
def test_a_key_given_twice_at_any_depth_is_an_error_naming_it(line):
    data, bad = _cli._Decider().line(line)
    assert bad and "重复" in data.message
    assert data.field in ("items", "submission.channel", "items.0.third_party.consent")


def test_classify_and_interact_read_with_their_own_models():
    d = _cli._Decider(command="classify")
    assert d.reader(Document) is d.reader(Document)          # one reader per model, built once
    data, bad = d.line(b'{"doc_type": "\xe9\x80\x9a\xe7\x9f\xa5", "formed_on": "2026-04-30", "flags": [], "flags": []}')
    assert bad and data.field == "flags"
    data, bad = d.line(b'{"doc_type": "\xe9\x80\x9a\xe7\x9f\xa5", "formed_on": "2026-02-30"}')
    assert bad and data.field == "formed_on"
