"""``decide``'s faster reader of a request line (``_decide_read.model_reader``: msgspec TypedDicts made from
``DisclosureRequest``, the models built by generated code) against pydantic's (issue 12, part 2).

The reader may only *accept* what pydantic accepts, and then build models equal to pydantic's at every depth: the same
classes, the same ``__dict__`` (values and key order), the same fields set, ``__pydantic_extra__`` and
``__pydantic_private__``; the line's colons its keys (no key given twice). Anything else it leaves to pydantic (None).
Checked on generated valid requests (every field, nested objects, edge values), requests spoilt one way (types,
limits, whitespace, unknown keys, dates, keys given twice), lines with a byte inserted, deleted or changed; then
through the command line's decider, every output line (answers and error lines) byte for byte the same with and
without it.
"""
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from zwgk_rules import _cli
from zwgk_rules._decide_read import Record, model_reader
from zwgk_rules._facts import APPLICANT_KINDS, CATEGORIES, CHANNELS, NATURES
from zwgk_rules._limits import MAX_CODE, MAX_CONSULTATIONS, MAX_ID, MAX_ITEMS, MAX_NAME, MAX_TEXT
from zwgk_rules._models import DisclosureRequest

pytest.importorskip("msgspec")
READ = model_reader(DisclosureRequest)
RECORDS = model_reader(DisclosureRequest, records=True)
STREAM = model_reader(DisclosureRequest, records=True, stream=True)
PACKS = ("cn", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj", "cn-gz-shaomi", "xx")


def same(a, b, where="request") -> None:
    """``a`` is the model pydantic built (``b``), at every depth: class, ``__dict__`` in order, fields set, extra
    and private."""
    assert type(a) is type(b), where
    if isinstance(b, BaseModel):
        assert list(a.__dict__) == list(b.__dict__), where
        assert type(a.__pydantic_fields_set__) is set and a.__pydantic_fields_set__ == b.__pydantic_fields_set__, where
        assert a.__pydantic_extra__ == b.__pydantic_extra__ and a.__pydantic_private__ == b.__pydantic_private__, where
        for k, v in b.__dict__.items():
            same(a.__dict__[k], v, f"{where}.{k}")
    elif isinstance(b, tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}.{i}")
    else:
        assert a == b, where


def agree(line: bytes, read=None) -> str:
    """The reader accepts ``line`` only where pydantic does, builds the same models, and only where no key is given
    twice (the command line's check: the line's colons are the fields given, at every depth). Returns who read it."""
    got = (read or READ)(line)
    rec = RECORDS(line) if read is None else None
    if read is None:
        assert (next(STREAM([line])) is None) == (rec is None), line
    try:
        want = DisclosureRequest.model_validate_json(line)
    except ValidationError:
        assert got is None and rec is None, line
        return "refused"
    if got is None:
        assert rec is None, line
        return "pydantic"
    assert line.count(b":") == _cli._fields_given(want), line
    same(got, want)
    assert got == want and got.model_fields_set == want.model_fields_set
    if read is None:        # the records: the same fields at every depth, the line's keys given
        assert rec is not None and set(rec.given) == want.model_fields_set, line
        same_record(rec, want)
        streamed, = STREAM([line])
        assert streamed is not rec and set(streamed.given) == want.model_fields_set, line
        same_record(streamed, want)
    return "reader"


def same_record(a, b, where="request") -> None:
    """``a`` is the record of the model ``b`` (``model_reader(..., records=True)``): a ``Record`` wherever ``b`` has a
    model, its ``__dict__`` the model's (keys in order, equal values), nothing else; a default the line did not give
    is the model's own default object, as in the model pydantic builds."""
    if a is b:
        return
    if isinstance(b, BaseModel):
        assert type(a) is Record and list(a.__dict__) == list(b.__dict__), where
        for k, v in b.__dict__.items():
            same_record(a.__dict__[k], v, f"{where}.{k}")
    elif type(b) is tuple:
        assert type(a) is tuple and len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            same_record(x, y, f"{where}.{k}")
    else:
        assert type(a) is type(b) and a == b, where


_DATE = st.dates(min_value=dt.date(2007, 6, 1), max_value=dt.date(2027, 12, 31)).map(dt.date.isoformat)
_TEXT = st.text(max_size=10) | st.sampled_from(["信息", "a:b", " x", "x\u3000", ""])


def _item():
    return st.fixed_dictionaries({}, optional={
        "description": _TEXT, "exists": st.booleans(), "held": st.booleans(),
        "responsible_agency": st.none() | _TEXT, "proactively_published": st.booleans(),
        "requires_creation": st.booleans(), "special_procedure": st.booleans(),
        "categories": st.lists(st.sampled_from(CATEGORIES), max_size=5),
        "third_party": st.none() | st.fixed_dictionaries(
            {"consent": st.sampled_from([True, False, "no_reply"])},
            optional={"public_interest_override": st.booleans()}),
        "disclosure_required_by_law": st.booleans(), "severable": st.booleans()})


def _request():
    return st.fixed_dictionaries(
        {"submission": st.fixed_dictionaries(
            {"channel": st.sampled_from(CHANNELS), "submitted_on": _DATE},
            optional={"signed_on": st.none() | _DATE, "confirmed_on": st.none() | _DATE})},
        optional={
            "id": st.none() | st.text(max_size=8), "jurisdiction": st.sampled_from(PACKS),
            "applicant": st.fixed_dictionaries({}, optional={"kind": st.sampled_from(APPLICANT_KINDS)}),
            "nature": st.sampled_from(NATURES), "content_clear": st.booleans(),
            "correction": st.none() | st.fixed_dictionaries(
                {"notified_on": _DATE, "due_on": _DATE}, optional={"received_on": st.none() | _DATE}),
            "repeat_of_answered": st.booleans(),
            "excessive": st.none() | st.fixed_dictionaries(
                {"reason_reasonable": st.booleans()}, optional={"agreed_due": st.none() | _DATE}),
            "consultations": st.lists(st.fixed_dictionaries(
                {"party": st.sampled_from(["third_party", "agency"]), "sent_on": _DATE},
                optional={"received_on": st.none() | _DATE, "replied_on": st.none() | _DATE}), max_size=3),
            "extension": st.none() | st.fixed_dictionaries({"approved_on": _DATE}),
            "as_of": st.none() | _DATE,
            "items": st.lists(_item(), max_size=4)})


_BAD_DATES = [None, 20200101, "2020-02-30", "2020-13-01", "2020-1-01", "20200101", "2020-01-01T00:00:00",
              "2020-01-01Z", "+2020-01-01", "0000-01-01", "0001-01-01", "9999-12-31", " 2020-01-01", "2020-01-01 ",
              "２０２０-01-01", "", "2020-W01-1", "2020-001", True, []]
#: one way each to spoil a field (the value put in its place); each must be refused, or read the same
SPOIL = {
    "id": [1, 1.5, True, [], {}, "x" * (MAX_ID + 1), "x" * MAX_ID, " d1", "d1\t", "\u3000d", "d\u2028", "\x1fd",
           "\u200bd", "\\ud800"],
    "jurisdiction": [None, 0, "x" * (MAX_CODE + 1), " cn", "cn ", "CN", ""],
    "submission": [None, {}, [], "x", {"channel": "post"}, {"channel": "post", "submitted_on": "2020-01-01", "x": 1},
                   {"channel": " post", "submitted_on": "2020-01-01"}, {"channel": "post", "submitted_on": None}],
    "submission.submitted_on": _BAD_DATES,
    "submission.signed_on": _BAD_DATES,
    "applicant": [None, [], {"kind": None}, {"kind": "x"}, {"kind": " citizen"}, {"x": 1}],
    "nature": [None, "", "x", " information", 1],
    "content_clear": [None, 0, 1, "true", "", []],
    "correction": [[], {}, {"notified_on": "2020-01-10"}, {"notified_on": "2020-01-10", "due_on": "2020-01-09"},
                   {"notified_on": "2020-01-10", "due_on": "2020-01-10", "received_on": "2020-01-09"},
                   {"notified_on": "2020-01-10", "due_on": "2020-01-20", "received_on": "2020-01-10", "x": None}],
    "correction.due_on": _BAD_DATES,
    "excessive": [[], {}, {"reason_reasonable": None}, {"reason_reasonable": True, "agreed_due": "x"}],
    "consultations": [None, {}, [None], [{"party": "x", "sent_on": "2020-01-01"}],
                      [{"party": "agency", "sent_on": "2020-01-05", "replied_on": "2020-01-04"}],
                      [{"party": "agency", "sent_on": "2020-01-05", "received_on": "2020-01-04"}],
                      [{"party": "agency", "sent_on": "2020-01-05"}] * (MAX_CONSULTATIONS + 1),
                      [{"party": "agency", "sent_on": "2020-01-05"}] * MAX_CONSULTATIONS],
    "extension": [[], {}, {"approved_on": None}, {"approved_on": "2020-01-01", "x": 1}],
    "as_of": _BAD_DATES,
    "items": [None, {}, [None], [], [{}] * (MAX_ITEMS + 1), [{}] * MAX_ITEMS, [{"x": 1}], [[]],
              [{"description": "字" * (MAX_TEXT + 1)}], [{"description": "字" * MAX_TEXT}],
              [{"description": "字" * MAX_TEXT + " "}], [{"description": "x\n"}], [{"description": 1}],
              [{"responsible_agency": "x" * (MAX_NAME + 1)}], [{"responsible_agency": " 某局"}],
              [{"categories": None}], [{"categories": "state_secret"}], [{"categories": ["x"]}],
              [{"categories": list(CATEGORIES) * 2}], [{"categories": list(CATEGORIES) * 3}],
              [{"categories": ["state_secret", "state_secret"]}], [{"categories": [" state_secret"]}],
              [{"third_party": {}}], [{"third_party": {"consent": "yes"}}], [{"third_party": {"consent": 0}}],
              [{"third_party": {"consent": None}}], [{"third_party": {"consent": True, "x": 1}}],
              [{"exists": 0}], [{"held": None}], [{"exists": "false"}]],
    "extra": [None, 1, "x", {}],
}


def _spoil(req: dict, field: str, value) -> dict:
    req = json.loads(json.dumps(req))
    if "." in field:
        top, sub = field.split(".")
        if isinstance(req.get(top), dict):
            req[top][sub] = value
        else:
            req[top] = {sub: value}
    else:
        req[field] = value
    return req


def _line(req: dict, sep=(", ", ": "), ascii_=False, twice: str | None = None) -> bytes:
    text = json.dumps(req, ensure_ascii=ascii_, separators=sep)
    if twice == "top" and len(req) > 1:            # the first key given again at the end
        k = next(iter(req))
        text = text[:-1] + sep[0] + json.dumps(k) + sep[1] + json.dumps(req[k]) + "}"
    elif twice == "nested":                         # a nested object's first key given again
        sub = req["submission"]
        k = next(iter(sub)) if isinstance(sub, dict) and sub else None
        if k is not None:
            inner = json.dumps(sub, ensure_ascii=ascii_, separators=sep)
            again = inner[:-1] + sep[0] + json.dumps(k) + sep[1] + json.dumps(sub[k]) + "}"
            text = text.replace(inner, again, 1)
    return text.encode()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(req=_request(), field=st.sampled_from([None, None, *SPOIL]), which=st.integers(0, 40),
       sep=st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : "), (",\t", ":\n")]), ascii_=st.booleans(),
       twice=st.sampled_from([None, None, "top", "nested"]))
def test_the_reader_accepts_only_what_pydantic_accepts_and_builds_the_same_models(req, field, which, sep, ascii_,
                                                                                   twice):
    if field is not None:
        values = SPOIL[field]
        req = _spoil(req, field, values[which % len(values)])
    agree(_line(req, sep, ascii_, twice))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(req=_request(), at=st.integers(0, 2000), how=st.sampled_from(["insert", "delete", "replace"]),
       byte=st.sampled_from([*b'{}[]":,\\ \t\n\r0123456789-eE.+tfnul/', 0, 1, 0x1f, 0x7f, 0x80, 0xc0, 0xe2, 0xed, 0xef,
                             0xff]))
def test_a_byte_inserted_deleted_or_changed(req, at, how, byte):
    line = json.dumps(req, ensure_ascii=False).encode()
    at %= len(line) + 1
    b = bytes([byte])
    line = (line[:at] + b + line[at + 1:] if how == "replace" else line[:at] + b + line[at:] if how == "insert"
            else line[:at] + line[at + 1:])
    agree(line)


_SUB = b'"submission": {"channel": "in_person", "submitted_on": "2020-01-02"}'


@pytest.mark.parametrize("line", [
    b'{' + _SUB + b'}', b'{' + _SUB + b', "items": [{}]}', b'{' + _SUB + b', "nature": "petition"}',
    b'\xef\xbb\xbf{' + _SUB + b', "items": [{}]}', b' \t\r\n{' + _SUB + b', "items": [{}]}\n',
    b'{' + _SUB + b', "items": [{"description": "a\tb"}]}', b'{' + _SUB + b', "items": [{"description": "\\ud800"}]}',
    b'{' + _SUB + b', "items": [{"description": "\\ud83d\\ude00"}]}', b'{' + _SUB + b', "id": "\xed\xa0\x80"}',
    b'{' + _SUB + b', "id": "\xc0\xaf"}', b'{' + _SUB + b', "id": "\\u0020x"}', b'{' + _SUB + b', "id": "x\\u3000"}',
    b'{"submissio\\u006e": {"channel": "in_person", "submitted_on": "2020-01-02"}, "items": [{}]}',
    b'{' + _SUB + b', "items": [{}],}', b'{' + _SUB + b', "items": [{}]} {}', b'{' + _SUB + b', "items": [{}]}x',
    b'{' + _SUB + b', "items": [{}], "items": [{}]}', b'{' + _SUB + b', ' + _SUB + b', "items": [{}]}',
    b'{' + _SUB + b', "items": [{"exists": true, "exists": false}]}',
    b'{' + _SUB + b', "items": [{"third_party": {"consent": true, "consent": false}}]}',
    b'{' + _SUB + b', "items": [{"description": "a:b"}]}', b'{' + _SUB + b', "items": [{"description": "a\\u003ab"}]}',
    b'{' + _SUB + b', "applicant": {}, "items": [{}]}', b'{' + _SUB + b', "applicant": null, "items": [{}]}',
    b'{' + _SUB + b', "correction": null, "excessive": null, "extension": null, "as_of": null, "items": [{}]}',
    b'{' + _SUB + b', "consultations": [], "items": [{"categories": []}]}',
    b'{' + _SUB + b', "items": [{"categories": ["trade_secret", "trade_secret", "state_secret"]}]}',
    b'{' + _SUB + b', "items": [{"third_party": null}]}', b'{' + _SUB + b', "id": 1e400, "items": [{}]}',
    b'{' + _SUB + b', "items": [{"exists": 1e0}]}', b'[{' + _SUB + b'}]', b'null', b'', b'{}', b'"x"',
    b'{' + _SUB + b', "items": ' + b"[" * 600 + b'}', b'{' + _SUB + b', "x": ' + b"[" * 600,
])
def test_the_edges(line):
    agree(line)


def test_most_valid_lines_are_read_by_the_reader():
    """Not a reader that refuses everything: valid requests without a colon in a string or whitespace to strip are
    all its, whatever they give; with either, pydantic reads them."""
    seen = {"reader": 0, "pydantic": 0, "refused": 0}
    for n in range(300):
        day = dt.date(2009, 1, 1) + dt.timedelta(days=n * 19)
        req = {"id": f"r{n}", "jurisdiction": PACKS[n % 4],
               "submission": {"channel": CHANNELS[n % len(CHANNELS)], "submitted_on": day.isoformat(),
                              "signed_on": day.isoformat(), "confirmed_on": (day + dt.timedelta(days=2)).isoformat()},
               "items": [{"description": f"信息 {n}-{k}", "categories": list(CATEGORIES[k: k + n % 3]),
                          "third_party": {"consent": [True, False, "no_reply"][k % 3]} if (n + k) % 4 == 0 else None}
                         for k in range(1 + n % 4)]}
        if n % 3 == 0:
            req["correction"] = {"notified_on": day.isoformat(), "due_on": (day + dt.timedelta(days=15)).isoformat()}
        if n % 5 == 0:
            req["consultations"] = [{"party": "agency", "sent_on": day.isoformat()}]
        if n % 7 == 0:
            req["applicant"] = {"kind": APPLICANT_KINDS[n % len(APPLICANT_KINDS)]}
        seen[agree(json.dumps(req, ensure_ascii=n % 2 == 0).encode())] += 1
    assert seen == {"reader": 300, "pydantic": 0, "refused": 0}
    line = b'{' + _SUB + b', "items": [{"description": "a:b"}]}'       # a colon in a string: pydantic's reading
    assert READ(line) is None and agree(line) == "pydantic"
    assert READ(b'{' + _SUB + b', "id": " x", "items": [{}]}') is None          # pydantic strips: its reading
    got = READ(b'{' + _SUB + b', "items": [{"categories": ["trade_secret", "trade_secret"], "third_party": {'
               b'"consent": "no_reply"}}]}')
    assert (got.id, got.jurisdiction, got.nature, got.items[0].categories, got.items[0].third_party.consent,
            got.items[0].exists, got.applicant.kind) == (None, "cn", "information", ("trade_secret",), "no_reply",
                                                         True, "natural_person")
    assert got.model_fields_set == {"submission", "items"}
    assert got.items[0].model_fields_set == {"categories", "third_party"}
    assert got.items[0].third_party.model_fields_set == {"consent"}
    assert got.submission.model_fields_set == {"channel", "submitted_on"}


def test_the_stream_reads_each_line_in_turn():
    """``stream``: one record or None a line, in the lines' order, as the per-line reader would; a line that is not
    bytes (the command line's ``_Bad``), a refused line or one whose validator raises gives None and the next line is
    read; the records of two equal lines are two records."""
    ok = b'{' + _SUB + b', "items": [{"categories": ["trade_secret", "trade_secret"], "third_party": {"consent": true}}]}'
    other = b'{"id": "b", ' + _SUB + b', "applicant": {"kind": "enterprise"}, "consultations": [{"party": "agency", ' \
            b'"sent_on": "2020-01-05"}], "correction": {"notified_on": "2020-01-10", "due_on": "2020-01-20"}, ' \
            b'"items": [{}, {"description": "y"}]}'
    lines = [ok, b'{' + _SUB + b'}', "not bytes", ok, b'{' + _SUB + b', "items": [{}], "items": [{}]}', None, other,
             b'{' + _SUB + b', "items": [{}], "correction": {"notified_on": "2020-01-10", "due_on": "2020-01-09"}}',
             b'{' + _SUB + b', "items": [{"x": 1}]}', b'{' + _SUB + b', "applicant": {"kind": "x"}, "items": [{}]}',
             b'{"id": "\xff"}', b'{' + _SUB + b', "items": [{"description": "a:b"}]}', other]
    got = list(STREAM(lines))
    assert [r is None for r in got] == [False, True, True, False, True, True, False, True, True, True, True, True, False]
    for line, r in zip(lines, got):
        if r is not None:
            same_record(r, DisclosureRequest.model_validate_json(line))
            assert set(r.given) == DisclosureRequest.model_validate_json(line).model_fields_set
    assert got[0] is not got[3] and got[0].__dict__ is not got[3].__dict__
    assert got[0].__dict__["items"][0].__dict__["categories"] == ("trade_secret",)
    assert got[6].__dict__["applicant"].__dict__ == {"kind": "enterprise"}
    assert list(STREAM([])) == []


def test_the_validators_run():
    """Each model validator and field validator of the request's models, on what the reader built."""
    bad = [b'{' + _SUB + b'}',                                       # _items: information needs an item
           b'{' + _SUB + b', "items": [{}], "correction": {"notified_on": "2020-01-10", "due_on": "2020-01-09"}}',
           b'{' + _SUB + b', "items": [{}], "consultations": [{"party": "agency", "sent_on": "2020-01-05", '
                         b'"replied_on": "2020-01-04"}]}']
    for line in bad:
        assert READ(line) is None and RECORDS(line) is None and agree(line) == "refused"
        assert _FAST.chunk([line]) == _SLOW.chunk([line])       # the error line, through the records first
    got = READ(b'{' + _SUB + b', "items": [{"categories": ["trade_secret", "state_secret", "trade_secret"]}]}')
    assert got.items[0].categories == ("trade_secret", "state_secret")


def _pair(**kw):
    fast = _cli._Decider(**kw)
    fast._make_reader()                  # the reader, and the records where they serve (decide, --explain too)
    assert bool(fast._read_rec) == ("jurisdiction" not in kw)
    slow = _cli._Decider(**kw)
    slow._read_req = False               # as without msgspec: pydantic reads every line
    return fast, slow


_FAST, _SLOW = _pair()
_FAST_X, _SLOW_X = _pair(explain=True)
_FAST_J, _SLOW_J = _pair(jurisdiction="cn-gz-shaomi")
_MODELS = _cli._Decider()                # the reader's models, no records
_MODELS._read_rec = False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reqs=st.lists(st.tuples(_request(), st.sampled_from([None, None, None, *SPOIL]), st.integers(0, 40),
                               st.sampled_from([None, None, "top", "nested"])), min_size=1, max_size=4),
       which=st.sampled_from(["plain", "explain", "jurisdiction"]))
def test_the_command_line_answers_the_same_bytes_with_and_without_the_reader(reqs, which):
    lines = []
    for req, field, k, twice in reqs:
        if field is not None:
            values = SPOIL[field]
            req = _spoil(req, field, values[k % len(values)])
        lines.append(_line(req, twice=twice))
    fast, slow = {"plain": (_FAST, _SLOW), "explain": (_FAST_X, _SLOW_X), "jurisdiction": (_FAST_J, _SLOW_J)}[which]
    assert fast.chunk(lines) == slow.chunk(lines)
    if which == "plain":            # the models without the records, too
        _MODELS._read_req = READ
        assert _MODELS.chunk(lines) == slow.chunk(lines)


def test_the_command_line_makes_the_reader_after_its_first_lines(monkeypatch):
    monkeypatch.setattr(_cli, "READ_AFTER", 3)
    d = _cli._Decider()
    line = b'{' + _SUB + b', "items": [{}]}'
    for n in range(3):
        assert d.line(line)[1] is False and d._read_req is None
    d.line(line)            # the 4th: read by pydantic, the reader made for the next
    assert callable(d._read_req) and d._read_req(line) is not None
    slow = _cli._Decider()
    slow._read_req = False
    assert d.chunk([line] * 3) == slow.chunk([line] * 3)


def test_the_readers_source_holds_only_its_own_names():
    """Generated from the models: names the generator makes up, and the attributes every pydantic model has; every
    field name, default, limit and validator is a bound object, never text."""
    import ast
    import re
    for node in (n for read in (READ, RECORDS, STREAM) for n in ast.walk(ast.parse(read.__zwgk_source__))):
        if isinstance(node, ast.Name):
            assert re.fullmatch(r"make|read|lines?|g|n|len|None|(dec|err|x|f|d|dflt|o|maker|model|val|exc|t|y|"
                                r"tup|memo|r|str|rec|refused|dict|bytes)\d+|[dxoty]_\d+", node.id), node.id
        elif isinstance(node, ast.Attribute):
            assert node.attr in {"strip", "get", "clear", "count", "append", "__class__", "__dict__",
                                 "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__",
                                 "given"}, node.attr
        elif isinstance(node, ast.Constant):
            assert node.value is None or node.value == b":" or type(node.value) is int, node.value


def test_the_makers_call_is_objects_new_and_init_never_pydantics():
    """``maker(model, init=True)()``: an empty instance of the maker (``object``'s ``__new__`` and ``__init__``): no
    field, no slot set, whatever the model's defaults; ``maker(model)()`` would be pydantic's ``__init__``."""
    from zwgk_rules._models import Applicant, Submission
    from zwgk_rules._modeltools import maker
    for model in (Applicant, Submission):           # every field a default / fields required
        m = maker(model, init=True)
        o = m()
        assert type(o) is m and type(o).__mro__[1] is model
        assert object.__getattribute__(o, "__dict__") == {}
        for slot in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
            with pytest.raises(AttributeError):
                object.__getattribute__(o, slot)


def test_the_reader_never_runs_pydantics_init(monkeypatch):
    """The models the reader builds are made by the makers' calls, not by ``BaseModel.__init__`` (which would
    validate again, or refuse)."""
    read = model_reader(DisclosureRequest)

    def refuse(self, /, **data):
        raise AssertionError("BaseModel.__init__ ran")
    monkeypatch.setattr(BaseModel, "__init__", refuse)
    line = (b'{"id": "a", ' + _SUB + b', "applicant": {}, "correction": {"notified_on": "2020-01-10", "due_on": '
            b'"2020-01-20"}, "items": [{"third_party": {"consent": true}}, {}]}')
    got = read(line)
    assert type(got) is DisclosureRequest and type(got.applicant).__name__ == "Applicant"
    assert got.items[0].third_party.consent is True


def test_each_model_read_has_a_set_of_its_own():
    """The fields set of each model built is a new ``set`` (as pydantic's): never shared between models or lines,
    never a frozenset or a view of the dict msgspec read."""
    line = b'{"id": "a", ' + _SUB + b', "items": [{"description": "x"}, {"description": "y"}]}'
    a, b = READ(line), READ(line)
    sets = [m.__pydantic_fields_set__ for r in (a, b) for m in (r, r.submission, *r.items)]
    assert all(type(s) is set for s in sets)
    assert len({id(s) for s in sets}) == len(sets)
    assert sets[0] == {"id", "submission", "items"} and sets[2] == {"description"}
    a.items[0].__pydantic_fields_set__.add("held")
    assert a.items[1].__pydantic_fields_set__ == {"description"} and b.items[0].__pydantic_fields_set__ == {"description"}
