"""``classify``'s faster reader of a document line (``_classify_compile.struct_reader``, msgspec Structs made from
``Document``) against pydantic's (issue 12, part 2).

The reader may only *accept* what pydantic accepts, with the same values, the same fields given and no key given
twice; anything else it leaves to pydantic (None), whose model or error message is then the answer. Checked on
generated valid lines, lines spoilt one way, lines with a byte inserted, deleted or changed, and the strict edges
(ints for strings, strings for booleans, dates, unknown keys, keys given twice, lengths, whitespace, escapes);
then, through the command line's decider, every answer and every error the same with and without it.
"""
import datetime as dt
import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from zwgk_rules import _cli
from zwgk_rules._classify_compile import given_bit, struct_reader
from zwgk_rules._facts import ATTRIBUTES, DOC_FLAGS, DOC_TYPES
from zwgk_rules._limits import MAX_CODE, MAX_ID, MAX_TEXT
from zwgk_rules._models import Document

pytest.importorskip("msgspec")
READ = struct_reader(Document)
PACKS = ("cn", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj", "cn-gz-shaomi")


def _values(obj) -> dict:
    """A model's or a Struct's fields and values, nested ones as dicts."""
    names = obj.__class__.model_fields if hasattr(obj.__class__, "model_fields") else obj.__struct_fields__
    out = {}
    for name in names:
        v = getattr(obj, name)
        out[name] = (v.__class__.__name__, v) if v is None or isinstance(v, (str, bool, dt.date, tuple)) \
            else _values(v)
    return out


def agree(line: bytes) -> str:
    """The reader accepts ``line`` only where pydantic does, with the same values and fields given, and no key
    given twice (the command line's check: the line's colons are the fields given). Returns who read it."""
    got = READ(line)
    try:
        want = Document.model_validate_json(line)
    except ValidationError:
        assert got is None, line
        return "refused"
    if got is None:
        return "pydantic"
    obj, given_ = got
    assert line.count(b":") == _cli._fields_given(want), line
    assert _values(obj) == _values(want), line
    assert given_ == sum(given_bit(Document, f) for f in want.model_fields_set), line
    return "struct"


def _doc():
    return st.fixed_dictionaries(
        {"formed_on": st.dates(min_value=dt.date(2007, 1, 1), max_value=dt.date(2030, 12, 31)).map(dt.date.isoformat)},
        optional={"id": st.none() | st.text(max_size=8), "title": st.text(max_size=12) | st.sampled_from(DOC_TYPES),
                  "doc_type": st.none() | st.sampled_from(DOC_TYPES), "jurisdiction": st.sampled_from(PACKS),
                  "issued_as": st.sampled_from(["agency", "office"]), "addressed_to_superior": st.booleans(),
                  "forwards": st.none() | st.fixed_dictionaries({}, optional={
                      "attribute": st.sampled_from((*ATTRIBUTES, None))}),
                  "flags": st.lists(st.sampled_from(DOC_FLAGS), max_size=6)})


#: one way each to spoil a field (the value put in its place); each must be refused, or read the same
SPOIL = {
    "id": [1, 1.5, True, [], {}, "x" * (MAX_ID + 1), " d1", "d1\t", "\u3000d", "d\u2028", "\x1fd", "\u200bd"],
    "jurisdiction": [None, 0, "x" * (MAX_CODE + 1), " cn", "cn ", "CN", ""],
    "title": [None, 3, False, "字" * (MAX_TEXT + 1), "字" * MAX_TEXT + " ", " 关于通知", "通知\n", "\u00a0通知", "通知\u0085"],
    "doc_type": [1, "", " 通知", "通知 ", "通 知", "notice", ["通知"]],
    "formed_on": [None, 20200101, "2020-02-30", "2020-13-01", "2020-1-01", "20200101", "2020-01-01T00:00:00",
                  "2020-01-01Z", "+2020-01-01", "0000-01-01", "0001-01-01", "9999-12-31", " 2020-01-01",
                  "2020-01-01 ", "2020/01/01", "２０２０-01-01", 1577836800, "", "2020-W01-1", "2020-001"],
    "issued_as": [None, "", "Agency", " agency", "agency ", 1, True],
    "addressed_to_superior": [None, 0, 1, "true", "false", "", [], "True"],
    "forwards": [[], "none", 0, {"attribute": "public"}, {"attribute": 1}, {"x": 1}, {"attribute": " proactive"},
                 {"attribute": None, "x": None}],
    "flags": [None, "public_interest", ["public_interest", 1], ["x"], [None], list(DOC_FLAGS) * 3,
              ["public_interest"] * 33, ["public_interest"] * 32, [" public_interest"], {}],
    "extra": [None, 1, "x"],
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_doc(), field=st.sampled_from([None, *SPOIL]), which=st.integers(0, 30),
       sep=st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : ")]), ascii_=st.booleans(), twice=st.booleans())
def test_the_reader_accepts_only_what_pydantic_accepts_and_reads_it_the_same(doc, field, which, sep, ascii_, twice):
    if field is not None:
        values = SPOIL[field]
        doc = {**doc, field: values[which % len(values)]}
    text = json.dumps(doc, ensure_ascii=ascii_, separators=sep)
    if twice and len(doc) > 1:          # the first key given again at the end
        k = next(iter(doc))
        text = text[:-1] + sep[0] + json.dumps(k) + sep[1] + json.dumps(doc[k]) + "}"
    agree(text.encode())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_doc(), at=st.integers(0, 400), how=st.sampled_from(["insert", "delete", "replace"]),
       byte=st.sampled_from([*b'{}[]":,\\ \t\n\r0123456789-eE.+tfnul/', 0, 1, 0x1f, 0x7f, 0x80, 0xc0, 0xe2, 0xed, 0xef,
                             0xff]))
def test_a_byte_inserted_deleted_or_changed(doc, at, how, byte):
    line = json.dumps(doc, ensure_ascii=False).encode()
    at %= len(line) + 1
    b = bytes([byte])
    line = (line[:at] + b + line[at:] if how == "insert" else line[:at] + line[at + 1:] if how == "delete"
            else line[:at] + b + line[at + 1:])
    agree(line)


@pytest.mark.parametrize("line", [
    b'{"formed_on": "2020-01-01"}',
    b'\xef\xbb\xbf{"formed_on": "2020-01-01"}',                  # a byte-order mark
    b'\x0c{"formed_on": "2020-01-01"}', b'{"formed_on": "2020-01-01"}\x0b', b' \t\r\n{"formed_on": "2020-01-01"}\n',
    b'{"formed_on": "2020-01-01", "title": "a\tb"}',              # a raw control character inside a string
    b'{"formed_on": "2020-01-01", "title": "a\x01b"}', b'{"formed_on": "2020-01-01", "title": "a\x7fb"}',
    b'{"formed_on": "2020-01-01", "title": "\\ud800"}', b'{"formed_on": "2020-01-01", "title": "\\udc00x"}',
    b'{"formed_on": "2020-01-01", "title": "\\ud83d\\ude00"}', b'{"formed_on": "2020-01-01", "title": "\xed\xa0\x80"}',
    b'{"formed_on": "2020-01-01", "title": "\xc0\xaf"}', b'{"formed_on": "2020-01-01", "title": "\\x41"}',
    b'{"formed_on": "2020-01-01", "title": "\\u00"}', b'{"formed_on": "2020-01-01", "title": "\\/\\b\\f"}',
    b'{"formed_on": "2020-01-01", "title": "\\u0020x"}', b'{"formed_on": "2020-01-01", "title": "x\\u3000"}',
    b'{"formed_\\u006fn": "2020-01-01"}', b'{"formed_on": "2020-01-01",}', b'{"formed_on": "2020-01-01"} {}',
    b'{"formed_on": "2020-01-01"}x', b'{"formed_on": "2020-01-01" /* c */}', b'{"formed_on": NaN}',
    b'{"formed_on": "2020-01-01", "addressed_to_superior": tru}', b'{formed_on: "2020-01-01"}',
    b"{'formed_on': '2020-01-01'}", b'[{"formed_on": "2020-01-01"}]', b'"x"', b'null', b'', b'{}',
    b'{"formed_on": "2020-01-01", "formed_on": "2020-01-02"}', b'{"formed_on": "2020-01-01", "flags": [], "flags": []}',
    b'{"formed_on": "2020-01-01", "forwards": {"attribute": null, "attribute": "proactive"}}',
    b'{"formed_on": "2020-01-01", "title": "a:b"}', b'{"formed_on": "2020-01-01", "title": "a\\u003ab"}',
    b'{"formed_on": "2020-01-01", "forwards": {}}', b'{"formed_on": "2020-01-01", "forwards": null}',
    b'{"formed_on": "2020-01-01", "id": null, "doc_type": null}',
    b'{"formed_on": "2020-01-01", "flags": ["state_secret", "state_secret", "public_interest"]}',
    b'{"formed_on": "2020-01-01", "addressed_to_superior": 1e0}', b'{"formed_on": "2020-01-01", "id": 1e400}',
    b'{"formed_on": "2020-01-01", "id": 123456789012345678901234567890}',
    b'{"formed_on": "2020-01-01", "id": "' + b"[" * 600 + b'"}', b'{"formed_on": "2020-01-01", "x": ' + b"[" * 600,
])
def test_the_edges(line):
    agree(line)


def test_most_valid_lines_are_read_by_the_reader():
    """Not a reader that refuses everything: valid lines without a colon in a string are all its."""
    seen = {"struct": 0, "pydantic": 0, "refused": 0}
    for n in range(300):
        doc = {"id": f"d{n}", "jurisdiction": PACKS[n % 4], "formed_on": (dt.date(2008, 1, 1) + dt.timedelta(
            days=n * 17)).isoformat(), "title": f"关于第{n}号事项的{DOC_TYPES[n % len(DOC_TYPES)]}"}
        if n % 3:
            doc["flags"] = list(DOC_FLAGS[n % 5: n % 5 + n % 4])
        if n % 7 == 0:
            doc["forwards"] = {"attribute": None} if n % 2 else {}
        seen[agree(json.dumps(doc, ensure_ascii=n % 2 == 0).encode())] += 1
    assert seen == {"struct": 300, "pydantic": 0, "refused": 0}
    assert READ(b'{"formed_on": "2020-01-01", "title": " x"}') is None       # pydantic strips: its reading
    obj, g = READ(b'{"formed_on": "2020-01-01", "flags": ["consultation", "consultation"], "forwards": {}}')
    assert (obj.id, obj.jurisdiction, obj.title, obj.flags, obj.forwards.attribute, obj.issued_as) == (
        None, "cn", "", ("consultation",), None, "agency")
    assert g == given_bit(Document, "formed_on") | given_bit(Document, "flags") | given_bit(Document, "forwards")


def test_what_pydantic_strips_the_reader_refuses():
    """Every character pydantic's ``str_strip_whitespace`` strips is one ``str.isspace`` sees (the reader's test),
    over every separator, control and format character."""
    stripped = []
    for c in map(chr, range(0x110000)):
        if unicodedata.category(c)[0] not in "ZC" or unicodedata.category(c) in ("Cs", "Co", "Cn"):
            continue
        line = json.dumps({"formed_on": "2020-01-01", "title": "x" + c}).encode()
        if Document.model_validate_json(line).title == "x":
            stripped.append(c)
            assert c.isspace() and READ(line) is None, hex(ord(c))
    assert len(stripped) >= 20 and "\u3000" in stripped and "\x85" in stripped


def _pair():
    fast = _cli._Decider(command="classify")
    slow = _cli._Decider(command="classify")
    slow._read_struct = False           # as without msgspec: pydantic reads every line
    return fast, slow


_FAST, _SLOW = _pair()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_doc(), field=st.sampled_from([None, None, *SPOIL]), which=st.integers(0, 30), twice=st.booleans())
def test_the_command_line_answers_the_same_with_and_without_the_reader(doc, field, which, twice):
    if field is not None:
        values = SPOIL[field]
        doc = {**doc, field: values[which % len(values)]}
    text = json.dumps(doc, ensure_ascii=False)
    if twice and len(doc) > 1:
        k = next(iter(doc))
        text = text[:-1] + ", " + json.dumps(k) + ": " + json.dumps(doc[k]) + "}"
    line = text.encode()
    a, b = _FAST.line(line), _SLOW.line(line)
    assert a[1] == b[1]
    if a[1]:
        assert (type(a[0]), str(a[0]), a[0].field) == (type(b[0]), str(b[0]), b[0].field)
    else:
        assert a[0] == b[0]


def test_the_command_line_with_a_default_jurisdiction():
    fast = _cli._Decider(command="classify", jurisdiction="cn-gz-shaomi")
    slow = _cli._Decider(command="classify", jurisdiction="cn-gz-shaomi")
    slow._read_struct = False
    for n, jur in enumerate((None, "cn", "cn-gz-shaomi", "cn-yn-longling-sfj")):
        doc = {"id": f"j{n}", "formed_on": "2021-06-01", "doc_type": "通知", "flags": ["policy_document"]}
        if jur is not None:
            doc["jurisdiction"] = jur
        line = json.dumps(doc, ensure_ascii=False).encode()
        a, b = fast.line(line), slow.line(line)
        assert a[1] == b[1] and (a[0] == b[0] if not a[1] else str(a[0]) == str(b[0])), doc
    assert json.loads(fast.line(b'{"formed_on": "2021-06-01", "doc_type": "\xe9\x80\x9a\xe7\x9f\xa5"}')[0])[
        "jurisdiction"] == "cn-gz-shaomi"


def test_the_validated_values_kept_stay_bounded_and_the_same(monkeypatch):
    from zwgk_rules import _classify_compile
    monkeypatch.setattr(_classify_compile, "VALIDATED_LIMIT", 4)
    read = struct_reader(Document)
    for n in range(60):
        flags = [DOC_FLAGS[(n + k * 3) % len(DOC_FLAGS)] for k in range(n % 4)] * (1 + n % 2)
        line = json.dumps({"formed_on": "2021-01-04", "flags": flags}).encode()
        obj, _ = read(line)
        assert obj.flags == Document.model_validate_json(line).flags == tuple(dict.fromkeys(flags))
        kept = [c.cell_contents for c in read.__closure__ if isinstance(c.cell_contents, dict)]
        assert kept and all(len(m) <= 4 for m in kept)


def test_the_readers_source_holds_only_its_own_names_and_the_models_fields():
    """Generated from the model: its field names (identifiers of the contract) and names the generator makes up;
    every default, limit and validator is a bound object, never text."""
    import ast
    import re

    from zwgk_rules._models import Forwarded
    fields = set(Document.model_fields) | set(Forwarded.model_fields)
    text = READ.__zwgk_source__
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name):
            assert re.fullmatch(r"make|read|line|s|g|len|(dec|err|un|v|dflt|val|memo|r|tup|exc|str)\d+", node.id), node.id
        elif isinstance(node, ast.Attribute):
            assert node.attr in fields | {"strip", "get", "clear", "count", "bit_count", "__class__"}, node.attr
        elif isinstance(node, ast.Constant):
            assert node.value is None or node.value == b":" or type(node.value) is int, node.value
    rest = text.replace("b':'", "")
    assert "s.formed_on" in text and "'" not in rest and '"' not in rest      # no other string in the text
