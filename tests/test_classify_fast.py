"""``classify``'s speed layer (``_classify_compile``) against the readable walk (``Engine.classify_raw``).

The command line answers a document through the generated tables of its stretch of days and joins the answer from
kept pieces; every answer must be the text of ``json.dumps`` of ``classify_raw`` (the walk with the interpreted
tables), and every error the walk's. Checked on thousands of generated documents met by one long-lived decider (the
kept pieces are reused, and cleared when full), on documents formed on each day where the law changes and the day
before, and with hypothesis.
"""
import ast
import datetime as dt
import json
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zwgk_rules
from zwgk_rules import _classify_compile
from zwgk_rules._cli import _Decider
from zwgk_rules._errors import ZwgkError
from zwgk_rules._facts import ATTRIBUTES, DOC_FLAGS, DOC_TYPES

PACKS = ("cn", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj", "cn-gz-shaomi")
_ENGINES: dict = {}


def _engine(jur: str):
    e = _ENGINES.get(jur)
    if e is None:
        e = _ENGINES[jur] = zwgk_rules.Engine(jur)
    return e


def _cuts() -> list:
    """Every day where a classify answer may change, for every pack (the speed layer's own list, and the dates of
    the rule files it is made from)."""
    days = set()
    rb = zwgk_rules.Engine().rulebook
    for p in PACKS:
        law = rb.jurisdiction(p)
        for t in law.classify_tables:
            days.update(t._cuts)
            for a, b in t.spans:
                days.add(a)
                if b is not None:
                    days.add(b + dt.timedelta(days=1))
        for prm in (*law.periods, law.parameters["classify.proactive_period"]):
            days.update(prm.starts())
    days.update(d for d, _ in rb.classify.reason_basis)
    return sorted(days)


_IDS = ("d{n}", "文{n}号", "x\u2028{n}", "{n}\u2029", "\u0085{n}", 'q"{n}\\')


def documents(count: int, seed: int):
    """Diverse classify inputs as JSON lines: every pack (or none named), formed 2007–2027 (some before the first
    regulation, many on or next to a day where the law changes), 文种 given or read from the title (or not
    recognisable), forwarding with and without an attribute, up to 5 flags (some repeated), ids with line
    separators and quotes, and a few malformed lines."""
    rnd = random.Random(seed)
    cuts = _cuts()
    for n in range(count):
        kind = rnd.choice(DOC_TYPES)
        doc: dict = {}
        if rnd.random() < 0.85:
            doc["id"] = rnd.choice(_IDS).format(n=n)
        if rnd.random() < 0.9:
            doc["jurisdiction"] = rnd.choice(PACKS)
        r = rnd.random()
        if r < 0.25:
            day = rnd.choice(cuts) + dt.timedelta(days=rnd.choice((-1, 0, 1)))
        elif r < 0.28:
            day = dt.date(2007, 1, 1) + dt.timedelta(days=rnd.randrange(500))
        else:
            day = dt.date(2008, 5, 1) + dt.timedelta(days=rnd.randrange(7200))
        doc["formed_on"] = day.isoformat()
        r = rnd.random()
        if r < 0.6:
            doc["title"] = f"关于第{n}号事项的{kind}" + rnd.choice(("", "。", " "))
        elif r < 0.65:
            doc["title"] = f"第{n}号"
        if rnd.random() < 0.5 or "title" not in doc:
            doc["doc_type"] = kind
        if rnd.random() < 0.1:
            doc["issued_as"] = "office"
        if rnd.random() < 0.2:
            doc["addressed_to_superior"] = rnd.random() < 0.7
        r = rnd.random()
        if r < 0.15:
            doc["forwards"] = {"attribute": rnd.choice((*ATTRIBUTES, None))}
        elif r < 0.17:
            doc["forwards"] = {}
        elif r < 0.19:
            doc["forwards"] = None
        k = rnd.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 5))
        if k:
            flags = rnd.sample(DOC_FLAGS, k)
            if rnd.random() < 0.05:
                flags.append(flags[0])
            doc["flags"] = flags
        line = json.dumps(doc, ensure_ascii=rnd.random() < 0.1).encode()
        if rnd.random() < 0.01:
            line = line.replace(b'"formed_on"', b'"formed_onn"')
        yield line


def _plain(line: bytes, default: str | None = None):
    """The walk: the answer's ``json.dumps`` text, or the error the walk raises."""
    from zwgk_rules._encode import one_line
    try:
        raw = json.loads(line)
    except ValueError:
        return None
    jur = raw.get("jurisdiction") if default is None or "jurisdiction" in raw else default
    try:
        out = _engine(jur or "cn").classify_raw(raw)
    except ZwgkError as exc:
        return exc
    return one_line(json.dumps(out, ensure_ascii=False, default=dt.date.isoformat).encode())


def _same(line: bytes, got, default: str | None = None) -> str:
    data, bad = got
    want = _plain(line, default)
    if want is None:            # not JSON: the command line's own error
        assert bad
        return "bad"
    if isinstance(want, ZwgkError):
        assert bad, (line, data)
        assert (type(data), str(data), data.field) == (type(want), str(want), want.field), line
        return "error"
    assert not bad, (line, data)
    assert data == want, line
    return "answer"


def test_the_fast_path_gives_the_walks_text_on_thousands_of_documents():
    dec = _Decider(command="classify")
    seen = {"answer": 0, "error": 0, "bad": 0}
    for line in documents(6000, seed=1211):
        seen[_same(line, dec.line(line))] += 1
    assert seen["answer"] > 4500 and seen["error"] > 200, seen
    # the answers came from the speed layer: its tables of every stretch, its kept pieces
    assert set(dec._classifiers) == set(PACKS)
    for f in dec._classifiers.values():
        assert f.ok and len(f._tables) >= 2 and len(f._parts) >= 20


def test_a_decider_with_a_default_jurisdiction(tmp_path):
    dec = _Decider(command="classify", jurisdiction="cn-gz-shaomi")
    for line in documents(600, seed=1212):
        _same(line, dec.line(line), default="cn-gz-shaomi")
    chunked = _Decider(command="classify", jurisdiction="cn-gz-shaomi")      # the chunk's loop (``_answers``)
    lines = list(documents(900, seed=1213))
    for k in range(0, 900, 300):
        chunk = _rebuilt(lines[k:k + 300], k + 1)
        assert chunked.chunk(chunk)[0] == _expected_chunk(chunk, k + 1, default="cn-gz-shaomi"), k


def test_kept_pieces_stay_bounded_and_answers_stay_the_same_when_they_are_cleared(monkeypatch):
    monkeypatch.setattr(_classify_compile, "PARTS_BYTES", 40_000)
    monkeypatch.setattr(_classify_compile, "RESULT_LIMIT", 8)
    monkeypatch.setattr(_classify_compile, "KNOWN_LIMIT", 16)
    monkeypatch.setattr(_classify_compile, "DATES_LIMIT", 4)
    dec = _Decider(command="classify")
    for line in documents(1500, seed=1213):
        _same(line, dec.line(line))
        for f in dec._classifiers.values():
            assert f._size <= 40_000 and len(f._canon) <= 8
            assert len(f._known) <= 16 and len(f._dates) <= 4
            # cleared with the parts they hold: every kept answer is one of the kept parts
            kept = {id(v) for v in f._parts.values()}
            assert all(id(v) in kept for v in f._known.values())
            assert sum(len(h) + len(t) for h, _, t in f._parts.values()) == f._size
            for fn in f._tables.values():
                for cell in fn.__closure__:
                    if isinstance(cell.cell_contents, dict):
                        assert len(cell.cell_contents) <= 8


def test_each_day_where_the_law_changes_and_the_day_before():
    """A document formed on each cut and on the day before it, with each set of facts that changes the answer."""
    dec = _Decider(command="classify")
    n = 0
    for day in _cuts():
        for on in (day - dt.timedelta(days=1), day):
            for jur in PACKS:
                for flags in ((), ("public_interest",), ("state_secret", "policy_document"), ("secrecy_uncertain",),
                              ("consultation", "policy_document", "public_awareness")):
                    for kind in ("通知", "请示"):
                        doc = {"id": f"c{n}", "jurisdiction": jur, "formed_on": on.isoformat(), "doc_type": kind,
                               "flags": list(flags), "addressed_to_superior": kind == "请示"}
                        line = json.dumps(doc, ensure_ascii=False).encode()
                        _same(line, dec.line(line))
                        n += 1
    assert n >= 300


def test_the_cuts_are_the_days_where_the_law_changes():
    """The speed layer's stretches end where a table, the reason's basis or a period changes (literal days of the
    bundled rules: the two regulations, and the packs' own dates)."""
    dec = _Decider(command="classify")
    for jur in PACKS:
        line = json.dumps({"jurisdiction": jur, "formed_on": "2020-01-01", "doc_type": "通知"}).encode()
        dec.line(line)
    cuts = {j: [d.isoformat() for d in f.cuts] for j, f in dec._classifiers.items()}
    assert cuts == {"cn": ["2008-05-01", "2019-05-15"],
                    "cn-nx-zhongwei-sfj": ["2008-05-01", "2019-05-15", "2019-08-27"],
                    "cn-yn-longling-sfj": ["2008-05-01", "2019-05-15", "2020-04-12"],
                    "cn-gz-shaomi": ["2008-05-01", "2019-05-15"]}


_NAME = re.compile(r"^(tables|make|d|get\d+|k\d+|memo\d+|miss\d+|[avupmr]\d+(_\d+)?|key\d+)$")


def test_generated_source_holds_only_its_own_names():
    dec = _Decider(command="classify")
    for line in documents(800, seed=1214):
        dec.line(line)
    seen = 0
    for f in dec._classifiers.values():
        ids = {r.id for t in f.law.classify_tables for r in t.rules}
        for fn in f._tables.values():
            text = fn.__zwgk_source__
            seen += 1
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Name):
                    assert _NAME.match(node.id), node.id
                elif isinstance(node, ast.Constant):
                    # bit positions; True (an empty condition), False (a rule not in force), None
                    assert node.value in (None, True, False) or type(node.value) is int, node.value
                elif isinstance(node, ast.Attribute):
                    assert node.attr in {"get", "unsupported", "value", "isdisjoint", "issubset"}, node.attr
            for rid in ids:
                assert rid not in text
            for v in (*DOC_FLAGS, *DOC_TYPES, *ATTRIBUTES):
                assert v not in text
    assert seen >= 9


def _documents():
    return st.fixed_dictionaries(
        {"formed_on": st.dates(min_value=dt.date(2008, 4, 20), max_value=dt.date(2027, 12, 31)).map(dt.date.isoformat)},
        optional={"id": st.text(max_size=8), "title": st.text(max_size=12) | st.sampled_from(DOC_TYPES),
                  "doc_type": st.sampled_from(DOC_TYPES), "jurisdiction": st.sampled_from(PACKS),
                  "issued_as": st.sampled_from(["agency", "office"]), "addressed_to_superior": st.booleans(),
                  "forwards": st.none() | st.fixed_dictionaries({}, optional={
                      "attribute": st.sampled_from((*ATTRIBUTES, None))}),
                  "flags": st.lists(st.sampled_from(DOC_FLAGS), max_size=6)})


_SHARED = _Decider(command="classify")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_any_document_through_a_long_lived_decider(doc):
    line = json.dumps(doc, ensure_ascii=False).encode()
    _same(line, _SHARED.line(line))


@pytest.mark.parametrize("backend", ["durable"])
def test_another_backend_takes_the_walk(backend):
    pytest.importorskip("durable")
    dec = _Decider(command="classify", backend=backend)
    line = b'{"formed_on": "2020-03-02", "doc_type": "\xe9\x80\x9a\xe7\x9f\xa5", "flags": ["public_interest"]}'
    data, bad = dec.line(line)
    assert not bad and not dec._classifiers
    assert data == _plain(line)


def _pack_with_dated_periods(tmp_path):
    """The bundled Longling pack copied as ``cn-test``, its period of public comment dated on days where nothing
    else changes (15 days from 2021-03-01, 20 days from 2022-06-01): the stretches must end there too."""
    import shutil
    from pathlib import Path
    src = Path(zwgk_rules.__file__).resolve().parents[2] / "rules" / "packs" / "cn-yn-longling-sfj"
    dst = tmp_path / "cn-test"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("cases.yaml", "README.md"))
    (dst / "statutes" / "cn-yn-longling-sfj.yaml").rename(dst / "statutes" / "cn-test.yaml")
    for f in (dst / "pack.yaml", dst / "statutes" / "cn-test.yaml"):
        f.write_text(f.read_text(encoding="utf-8").replace("cn-yn-longling-sfj", "cn-test"), encoding="utf-8")
    pack = dst / "pack.yaml"
    text = pack.read_text(encoding="utf-8")
    old = "      2020-04-12: {value: 15, basis: cn-test:203}\n"
    assert old in text
    pack.write_text(text.replace(old, "      2021-03-01: {value: 15, basis: cn-test:203}\n"
                                      "      2022-06-01: {value: 20, basis: cn-test:203}\n"), encoding="utf-8")
    return dst


def test_a_pack_whose_periods_change_where_no_table_does(tmp_path):
    folder = _pack_with_dated_periods(tmp_path)
    dec = _Decider(command="classify", packs=(str(folder),))
    plain = zwgk_rules.Engine("cn-test", rulebook=dec.rb)
    shown = set()
    for day in ("2020-04-11", "2020-04-12", "2021-02-28", "2021-03-01", "2022-05-31", "2022-06-01", "2023-01-05"):
        for flags in ([], ["policy_document"], ["policy_document", "state_secret"]):
            doc = {"id": day, "jurisdiction": "cn-test", "formed_on": day, "doc_type": "通知", "flags": flags}
            data, bad = dec.line(json.dumps(doc, ensure_ascii=False).encode())
            want = json.dumps(plain.classify_raw(doc), ensure_ascii=False, default=dt.date.isoformat).encode()
            assert not bad and data == want, (day, flags)
            shown.add((day, tuple(p["min_days"] for p in json.loads(data)["periods"])))
    # the periods the answers show: none before 2021-03-01, then 15 days, then 20 (policy documents only)
    assert {s for s in shown if s[1]} == {("2021-03-01", (15,)), ("2022-05-31", (15,)), ("2022-06-01", (20,)),
                                         ("2023-01-05", (20,))}


# ---------------------------------------------------------------- the command line's one function and chunk loop

def _expected_chunk(lines, first: int, gaps=None, default: str | None = None) -> bytes:
    """Each line's answer (checked against the walk) or its error line, with its line number, one a line."""
    from zwgk_rules import _cli
    dec = _Decider(command="classify", jurisdiction=default)
    dec._read_struct = False        # pydantic and ``FastClassifier.line`` only: not the function under test
    out = []
    for i, ln in enumerate(lines):
        n = first + i + sum(k for at, k in gaps or () if at <= i)
        if isinstance(ln, bytes):
            got = dec.line(ln)
            if not ln.startswith(b'{"id": "dup"'):     # the walk keeps a key given twice; the command line refuses it
                _same(ln, got, default)
        else:
            got = ln.error(), True
        data, bad = got
        out.append((_cli._error_line(data, ln, n) if bad else data) + b"\n")
    return b"".join(out)


def test_a_chunk_gives_each_lines_answer_or_error_line_in_order(monkeypatch):
    """``_Decider.chunk`` for classify (``_classify_chunk`` after the first chunk: every line through
    ``answer_reader``'s function first) writes what line-by-line answering writes: answers, error lines with their
    line numbers (blank lines counted), unreadable and overlong lines; handed on in blocks when they grow large."""
    from zwgk_rules import _cli
    monkeypatch.setattr(_cli, "_EMIT_BYTES", 20_000)
    lines = list(documents(2400, seed=1216))
    lines[5] = b'{"formed_on": "2021-01-01", "doc_type": "\xe9\x80\x9a\xe7\x9f\xa5", '    # not JSON
    lines[7] = _cli._Overlong()
    lines[1300] = b'{"id": "dup", "formed_on": "2021-01-01", "formed_on": "2021-01-02", "doc_type": "\xe5\x87\xbd"}'
    dec = _Decider(command="classify")
    blocks = []
    for k, first in ((0, 1), (800, 805), (1600, 1610)):
        chunk = _cli._Chunk(first)
        chunk.extend(lines[k:k + 800])
        chunk.gaps = [(3, 2), (400, 1)]
        want = _expected_chunk(chunk, first, chunk.gaps)
        data, bad = dec.chunk(chunk)
        assert bad and data == want, k
        blocks.clear()
        assert dec.chunk(chunk, blocks.append) == (b"", True)
        assert b"".join(blocks) == want and len(blocks) >= 3 and all(b.endswith(b"\n") for b in blocks)
    assert dec._answer is not None and dec._answer.__name__ == "read"
    assert b'"line": 1306' in dec.chunk(_rebuilt(lines[1300:1301], 1306))[0]


def test_the_chunks_loop_gives_what_the_one_line_function_gives():
    """``answer_reader(chunk=True)`` (the loop ``_classify_chunk`` runs) gives each line what the one line's function
    gives it (None where that answers None), and says whether any is None; each learns for itself."""
    lines = list(documents(3000, seed=1217))
    lines[10] = b'{"formed_on": "2021-01-01", "doc_type": "\xe5\x87\xbd", "doc_type": "\xe5\x87\xbd"}'   # a key twice
    lines[11] = b'{"id": " x", "formed_on": "2021-01-01", "doc_type": "\xe5\x87\xbd"}'       # pydantic strips it
    lines[12] = b'{"formed_on": "2021-01-01", "doc_type": "\xe5\x87\xbd"'                      # not JSON
    lines[13] = b'{"formed_on": "2021-01-01", "title": "\xe8\xaf\xb4\xe6\x98\x8e"}'            # no 文种 to recognise
    lines[14] = b'{"formed_on": "2001-01-01", "doc_type": "\xe5\x87\xbd"}'                      # before the first regime
    lines[15] = b'{"formed_on": "2021-01-01", "doc_type": "\xe5\x87\xbd"}'                      # no id: ``line``'s text
    looped, one = _Decider(command="classify"), _Decider(command="classify")
    packs = {json.loads(ln).get("jurisdiction", "cn") for ln in lines[20:]}
    for d in (looped, one):
        d.chunk(_rebuilt([b'{"formed_on": "2021-01-01", "doc_type": "\xe5\x87\xbd"}'], 1))     # makes the readers
        for jur in packs:
            d._classifiers.get(jur) or d._classifier(jur)       # as ``classify_line`` makes them
    got, missed = looped._answers(lines)
    want = [one._answer(ln) for ln in lines]
    assert got == want and missed
    assert [got[k] is None for k in range(10, 16)] == [True] * 5 + [False]
    assert got[15].startswith(b'{"jurisdiction": "cn", "doc_type": "\xe5\x87\xbd"')
    assert sum(x is not None for x in got) > 1000       # the speed layer answers most of these (adversarial) lines
    assert looped._answers(lines[15:16]) == ([want[15]], False)
    assert looped._answers([]) == ([], False)


def test_the_facts_learn_passes_are_document_facts():
    """``FastClassifier.learn`` passes a stretch's tables function the values of ``_facts.document_facts`` in the order
    of ``FACT_ARGS`` (``_fact_values``), for documents read by pydantic and by ``struct_reader``."""
    from zwgk_rules._facts import document_facts
    from zwgk_rules._models import Document
    read = _classify_compile.struct_reader(Document)
    seen = 0
    for ln in documents(1500, seed=1218):
        try:
            doc = Document.model_validate_json(ln)
        except Exception:
            continue
        kind = doc.doc_type or "函"
        for d in (doc, (read(ln) or (doc,))[0]):
            facts = document_facts(d, kind)
            assert tuple(facts) == _classify_compile.FACT_ARGS
            assert _classify_compile._fact_values(d, kind, frozenset(d.flags)) == tuple(facts.values()), ln
        seen += 1
    assert seen > 1000


def _rebuilt(lines, first):
    from zwgk_rules import _cli
    c = _cli._Chunk(first)
    c.extend(lines)
    return c


def test_an_id_is_written_as_json_dumps_writes_it():
    """The one function writes a line's id with msgspec's encoder: the text of ``json.dumps`` (ensure_ascii off)
    for every character but a lone surrogate (which msgspec never reads)."""
    import msgspec
    from json.encoder import encode_basestring
    chars = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert msgspec.json.encode(chars) == encode_basestring(chars).encode()
    for c in range(0x10000):
        if not 0xD800 <= c < 0xE000:
            assert msgspec.json.encode(chr(c)) == encode_basestring(chr(c)).encode(), hex(c)


_TITLE_CHARS = st.sampled_from([*"通知告令函报请示批复决定议案纪要公意见", " ", "\u3000", "。", ".", "a", "7", "第", "\t"])


@settings(max_examples=600, deadline=None)
@given(titles=st.lists(st.lists(_TITLE_CHARS, max_size=9).map("".join), min_size=1, max_size=12))
def test_the_doc_type_read_from_a_titles_end_is_the_walks(titles):
    """``FastClassifier._doc_type`` (kept by a title's last characters) gives ``_classify.doc_type_of``'s 文种, or
    None where that raises, for titles met one after another by one classifier (whatever it kept before)."""
    from types import SimpleNamespace

    from zwgk_rules import _classify
    fast = _FAST_TYPES
    for t in titles:
        try:
            want = _classify.doc_type_of(SimpleNamespace(doc_type=None, title=t), fast.rules)
        except ZwgkError:
            want = None
        assert fast._doc_type(t) == want, t


_FAST_TYPES = _classify_compile.FastClassifier(_engine("cn"), _Decider(command="classify").encoder)


def test_the_doc_type_kept_for_a_titles_end():
    fast = _classify_compile.FastClassifier(_engine("cn"), _Decider(command="classify").encoder)
    assert fast._doc_type("关于第1号事项的通知") == "通知" and fast._kinds == {"通知": "通知"}   # the longest 文种 has 2 characters
    assert fast._doc_type("关于第2号事项的通知") == "通知" and len(fast._kinds) == 1
    assert fast._doc_type("第3号令。") == "令" and fast._doc_type("第 令") == "令" and len(fast._kinds) == 1
    assert fast._doc_type("议案 a") is None and fast._doc_type("") is None and len(fast._kinds) == 1


def test_the_one_functions_source_holds_only_its_own_names():
    """``answer_reader``'s text (the one line's function and the chunk's loop): the reader's names and fields, the speed
    layer's attributes, bound objects."""
    from zwgk_rules._models import Document, Forwarded
    dec = _Decider(command="classify")
    dec.line(b'{"formed_on": "2021-01-01", "doc_type": "\xe5\x87\xbd"}')
    fields = set(Document.model_fields) | set(Forwarded.model_fields)
    own = {"strip", "get", "clear", "count", "__class__", "ok", "start", "_pack_id", "_doc_type", "cuts",
           "_known", "learn", "line", "isascii", "_dates", "_dates_of", "_kinds", "_tail", "_after_id", "append",
           "_classes", "_class_of"}
    for fn in (dec._answer, dec._answers):
        text = fn.__zwgk_source__
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Name):
                assert re.fullmatch(r"make|read|lines?|out|missed|len|s|n|named|jur|fc|kind|kc|rep|fs|known|got|i|kb|head|period|tail|dates|"
                                    r"(dec|err|un|v|dflt|val|memo|r|tup|exc|str|fcs|flagsets|flagset|bisect|"
                                    r"alone|enc|one_line|open|join|ap)\d+", node.id), node.id
            elif isinstance(node, ast.Attribute):
                assert node.attr in fields | own, node.attr
            elif isinstance(node, ast.Constant):
                assert node.value is None or node.value == b":" or type(node.value) is int, node.value


def test_an_error_raised_on_the_speed_layers_path_is_that_lines_error_line(monkeypatch):
    """A rule conflict met while the speed layer learns a document's facts (``FastClassifier.learn``; the bundled
    rules have none, so one is made to happen) is that line's error line; the chunk's other lines are answered."""
    from zwgk_rules._errors import RuleConflictError
    learn = _classify_compile.FastClassifier.learn

    def conflicting(self, doc, doc_type, day, known):
        if doc.id == "boom":
            raise RuleConflictError("冲突 / conflict", rule_ids=("a", "b"))
        return learn(self, doc, doc_type, day, known)

    monkeypatch.setattr(_classify_compile.FastClassifier, "learn", conflicting)
    dec = _Decider(command="classify")
    lines = [json.dumps({"id": f"{n}", "formed_on": "2021-06-0" + str(1 + n % 9), "doc_type": "通知",
                         "flags": [DOC_FLAGS[n % len(DOC_FLAGS)]]}, ensure_ascii=False).encode() for n in range(40)]
    dec.chunk(_rebuilt(lines[:2], 1))
    # facts no other line has (a 文种 of the same class as 通知 would share their answers: ``_class_of``)
    lines[20] = (b'{"id": "boom", "formed_on": "2021-06-01", "doc_type": "\xe5\x87\xbd", "issued_as": "office", '
                 b'"flags": ["state_secret"]}')
    data, bad = dec.chunk(_rebuilt(lines, 1))
    out = data.split(b"\n")
    assert bad and len(out) == 41 and out[40] == b""
    assert json.loads(out[20]) == {"id": "boom", "error": {"message": "冲突 / conflict", "field": None, "line": 21}}
    for n in (0, 19, 21, 39):
        assert out[n] == _plain(lines[n]), n


def test_the_chunks_loop_gives_the_walks_text_where_documents_of_a_class_of_doc_types_share_an_answer(monkeypatch):
    """``answer_reader``'s loop keys a document's facts with its 文种's class (``FastClassifier._class_of``: 文种 that no
    condition tells apart) and leaves the Struct unfilled unless ``learn`` or ``line`` reads it (``_emit_fill``): on
    generated documents, each followed by its twin with another 文种 (and another id, or none), every line it answers is
    the walk's text, with classes and with every 文种 a class of its own (``_kind_sets`` None); twins of one class meet
    what the first learnt, so fewer are learnt."""
    rnd = random.Random(1219)
    lines = []
    for ln in documents(2000, seed=1219):
        lines.append(ln)
        try:
            twin = json.loads(ln)
        except ValueError:
            continue
        twin["doc_type"] = rnd.choice(DOC_TYPES)
        if rnd.random() < 0.8:
            twin["id"] = f"t{len(lines)}"
        else:
            twin.pop("id", None)
        lines.append(json.dumps(twin, ensure_ascii=False).encode())
    learnt = {}
    for classes in (True, False):
        if not classes:
            monkeypatch.setattr(_classify_compile, "_kind_sets", lambda law: None)
        dec = _Decider(command="classify")
        dec.chunk(_rebuilt([b'{"formed_on": "2021-01-01", "doc_type": "\xe5\x87\xbd"}'], 1))    # makes the readers
        for jur in PACKS:
            dec._classifiers.get(jur) or dec._classifier(jur)
        got, missed = dec._answers(lines)
        answered = 0
        for ln, data in zip(lines, got):
            if data is not None:
                assert data == _plain(ln), ln
                answered += 1
        assert missed and answered > 2500
        cn = dec._classifiers["cn"]
        learnt[classes] = {known for known in cn._known}
        assert {known[1] for known in cn._known} <= set(DOC_TYPES)
        assert len({known[1] for known in cn._known}) == (2 if classes else len(DOC_TYPES))
    assert len(learnt[True]) < len(learnt[False]) * 0.6
