"""A chunk of input lines goes to a worker process pickled (``_cli._Chunk.__reduce__``): lines that are bytes without a
LF as one block of bytes, split again in the worker; anything else as a list. Either way the worker gets the same
lines (same types, same bytes), the same first line number and the same gaps."""
from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from zwgk_rules._cli import _Bad, _Chunk

_LINE = st.one_of(st.binary(max_size=12), st.sampled_from([b"\n", b"a\nb", b"\r", b"", b"{}"]),
                  st.binary(max_size=5).map(bytearray), st.just(None))


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(_LINE, max_size=12), first=st.integers(1, 10**6),
       gaps=st.one_of(st.none(), st.lists(st.tuples(st.integers(0, 12), st.integers(1, 9)), max_size=3)))
def test_a_chunk_reaches_the_worker_as_it_was(lines, first, gaps):
    lines = [_Bad("x") if x is None else x for x in lines]
    c = _Chunk(first)
    c.extend(lines)
    c.gaps = gaps
    got = pickle.loads(pickle.dumps(c))
    assert type(got) is _Chunk and got.first == first and got.gaps == gaps and len(got) == len(lines)
    for a, b in zip(got, lines):
        assert type(a) is type(b)
        if isinstance(b, _Bad):
            assert a.message == b.message
        else:
            assert a == b


def test_lines_of_bytes_go_as_one_block():
    c = _Chunk(3)
    c.extend([b'{"a": 1}', b'{"b": "\\r"}', b"x"])
    assert c.__reduce__()[1][0] == b'{"a": 1}\n{"b": "\\r"}\nx'
    c.append(b"two\nlines")
    assert c.__reduce__()[1][0] == list(c)          # a LF inside a line: as a list
